from django_tasks import task


@task()
def ping(value: str = "pong") -> str:
    """A no-op task for operators to check that queued work reaches a worker:
    `manage.py shell -c "from paksemmok.jobs.tasks import ping; print(ping.enqueue().id)"`."""
    return value
