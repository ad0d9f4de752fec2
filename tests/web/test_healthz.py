import datetime as dt

import pytest
from django.utils import timezone

from paksemmok.jobs.models import WorkerHeartbeat
from paksemmok.jobs.worker import Worker


def beat(seconds_ago: float) -> None:
    WorkerHeartbeat.objects.create(
        worker_id=f"w{seconds_ago}",
        started_at=timezone.now(),
        last_seen=timezone.now() - dt.timedelta(seconds=seconds_ago),
    )


@pytest.mark.django_db
def test_all_fine_answers_200(client):
    beat(5)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["storage"]["ok"] is True
    assert body["checks"]["worker"]["alive_workers"] == 1
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_no_worker_answers_503(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


@pytest.mark.django_db
def test_stale_worker_answers_503(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 60
    beat(61)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["alive_workers"] == 0


@pytest.mark.django_db
def test_broken_storage_answers_503(client, settings, tmp_path):
    beat(1)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the storage folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "private")},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"ok": False, "error": "NotADirectoryError"}


# The worker manages its own connections (it closes obsolete ones each tick), so it cannot run
# inside the per-test transaction: these tests use real transactions.
@pytest.mark.django_db(transaction=True)
def test_a_worker_tick_makes_health_green(client):
    assert client.get("/healthz").status_code == 503
    Worker(worker_id="test-worker", tick=0).run(max_ticks=1)
    assert client.get("/healthz").status_code == 200
    assert WorkerHeartbeat.objects.get(worker_id="test-worker").ticks == 0


@pytest.mark.django_db(transaction=True)
def test_worker_runs_periodic_jobs_and_survives_a_failing_one(monkeypatch):
    from paksemmok.jobs import registry

    calls = []

    def good():
        calls.append("good")

    def bad():
        raise RuntimeError("boom")

    monkeypatch.setattr(registry, "_jobs", {})
    registry.periodic(0, name="bad")(bad)
    registry.periodic(0, name="good")(good)
    Worker(worker_id="w", tick=0).run(max_ticks=2)
    assert calls == ["good", "good"]


@pytest.mark.django_db(transaction=True)
def test_worker_runs_queued_tasks():
    from paksemmok.jobs.tasks import ping

    result = ping.enqueue("hello")
    Worker(worker_id="w", tick=0).run(max_ticks=1)
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == "hello"


@pytest.mark.django_db
def test_healthz_does_not_write_to_storage_on_every_hit(client, monkeypatch):
    from paksemmok.web import health

    monkeypatch.setattr(health, "_storage_ok_until", {})
    beat(1)
    writes = []
    real = health.ContentFile
    monkeypatch.setattr(health, "ContentFile", lambda data: writes.append(data) or real(data))
    for _ in range(5):
        assert client.get("/healthz").status_code == 200
    assert len(writes) == 1


@pytest.mark.django_db
def test_a_local_store_without_room_for_one_more_upload_answers_503(client, settings, monkeypatch):
    """A nearly full disk still takes the two-byte probe; it is not ready for an upload."""
    import shutil

    from paksemmok.web import health

    beat(1)
    settings.HEALTHZ_STORAGE_MIN_FREE_BYTES = 5 * 1024 * 1024
    free = {"bytes": 5 * 1024 * 1024 - 1}
    real = shutil.disk_usage

    def disk_usage(path):
        return real(path)._replace(free=free["bytes"])

    monkeypatch.setattr(health.shutil, "disk_usage", disk_usage)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["error"] == "low_space"
    free["bytes"] = 5 * 1024 * 1024
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["storage"]["ok"] is True
