"""Claiming under real concurrency (PostgreSQL): two operators, one application, one wins;
"take next" pressed at once hands out different applications."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from paksemmok.applications.models import Application
from paksemmok.backoffice import services
from paksemmok.backoffice.models import Claim
from tests.cast import staff, submitted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(fns):
    barrier = threading.Barrier(len(fns))
    results: list[str] = [""] * len(fns)

    def attempt(i, fn):
        try:
            barrier.wait(timeout=30)
            results[i] = fn()
        except services.BackofficeError:
            results[i] = "refused"
        except Exception as exc:  # any other error fails the test
            results[i] = f"ERROR {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_operators_claim_the_same_application(family, agus_user):
    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    officers = [staff(f"op{i}", services=["ektp"]) for i in range(2)]

    def claim(officer):
        return lambda: (
            services.claim_application(Application.objects.get(pk=app.pk), actor=officer),
            "claimed",
        )[1]

    results = run_at_once([claim(o) for o in officers])
    assert sorted(results) == ["claimed", "refused"]
    winner = officers[results.index("claimed")]
    assert Claim.objects.get(application=app).officer == winner
    assert Application.objects.get(pk=app.pk).status == "in_review"


def test_take_next_at_once_hands_out_different_applications(family, agus_user):
    from tests.cast import account_for

    apps = [
        submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"}),
        submitted(account_for(family.rina), "ektp-cetak", family.rina, {"pickup_place": "dinas"}),
    ]
    officers = [staff(f"op{i}", services=["ektp"]) for i in range(4)]

    def take(officer):
        def fn():
            app = services.take_next(actor=officer)
            return app.reference if app else "none"

        return fn

    results = run_at_once([take(o) for o in officers])
    taken = [r for r in results if r != "none"]
    assert not [r for r in results if r.startswith("ERROR")], results
    assert sorted(taken) == sorted(a.reference for a in apps)
    assert results.count("none") == 2
    assert Claim.objects.count() == 2
