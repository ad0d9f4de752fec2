"""Double submission under real concurrency: eight taps at once make one submission."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from paksemmok.applications import services
from paksemmok.applications.lifecycle import ApplicationError, Status
from paksemmok.applications.models import Application, Event
from paksemmok.notifications.models import Message
from tests.cast import birth_answers, fill_required, variant


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_draft(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    fill_required(app, agus_user, birth_answers())
    barrier = threading.Barrier(8)
    results: list[str] = []
    lock = threading.Lock()

    def attempt():
        try:
            barrier.wait(timeout=30)
            services.submit_application(Application.objects.get(pk=app.pk), actor=agus_user)
            outcome = "submitted"
        except ApplicationError:
            outcome = "refused"
        except Exception as exc:  # any other error fails the test below
            outcome = f"ERROR {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["refused"] * 7 + ["submitted"]
    assert Application.objects.get(pk=app.pk).status == Status.SUBMITTED
    assert Event.objects.filter(application=app, action="submitted").count() == 1
    assert Message.objects.filter(template="status_change").count() == 1
