"""A stateful property test of "who is examining it": random sequences of what officers,
supervisors, residents and the worker do to a small backlog, through the service functions
the pages and the API call, with the rule the queue counts by asserted after every step.

The rule (backoffice.models.Claim): an application awaiting a decision is in review exactly
when an officer holds its claim. The queue counts and filters "not yet taken" by the status
alone (queues), so the page's "Belum diambil" and the "free" filter are checked against the
claims themselves too. One step writes around the services (a claim deleted or made in the
database, as an import or a hand edit might) and runs the reconciling job, which must put
the rule back. A refusal with a message is a correct outcome; any other exception or a
broken rule fails the test, and hypothesis shrinks the sequence to a short, named one.

Each example runs inside a savepoint rolled back at its end, so the examples share one
set-up (regions, catalogue, staff, the backlog).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import event, note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from paksemmok.accounts.models import User
from paksemmok.applications import services as applications
from paksemmok.applications.checks import SubmissionRejected
from paksemmok.applications.lifecycle import CLOCK_RUNNING, ApplicationError, Status
from paksemmok.applications.models import Application
from paksemmok.backoffice import queues
from paksemmok.backoffice import services as backoffice
from paksemmok.backoffice.models import Claim
from paksemmok.backoffice.services import BackofficeError
from paksemmok.catalog.models import DeficiencyReason
from tests.cast import clones, run_machine

REFUSALS = (ApplicationError, BackofficeError, SubmissionRejected)
BACKLOG = 6  # Agus's own application and five copies for his wife
OFFICERS = ("budi", "citra", "dewi")

# Agus's application (the first) half the time: the one a resident can send again.
apps = st.one_of(st.just(0), st.integers(min_value=0, max_value=BACKLOG - 1))
officers = st.sampled_from(OFFICERS)


class ClaimMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.apps = list(Application.objects.order_by("pk"))
        self.staff = {u.username: u for u in User.objects.filter(username__in=OFFICERS)}
        self.reason = DeficiencyReason.objects.values_list("code", flat=True).first()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def app(self, i: int) -> Application:
        return Application.objects.get(pk=self.apps[i].pk)

    def attempt(self, what: str, act) -> None:
        try:
            act()
        except REFUSALS as exc:
            note(f"{what} refused: {exc}")
            event(f"{what}: refused")
        else:
            event(f"{what}: done")

    # --- officers and supervisors ---------------------------------------------------------

    @rule(i=apps, who=officers)
    def claim(self, i, who):
        self.attempt(
            "claim", lambda: backoffice.claim_application(self.app(i), actor=self.staff[who])
        )

    @rule(who=officers)
    def take_next(self, who):
        self.attempt("take next", lambda: backoffice.take_next(actor=self.staff[who]))

    @rule(i=apps, who=officers)
    def release(self, i, who):
        self.attempt(
            "release", lambda: backoffice.release_claim(self.app(i), actor=self.staff[who])
        )

    @rule(i=apps, to=officers)
    def reassign(self, i, to):
        self.attempt(
            "reassign",
            lambda: backoffice.reassign(self.app(i), to=self.staff[to], actor=self.staff["dewi"]),
        )

    @rule(
        i=apps,
        who=officers,
        outcome=st.sampled_from(["return", "reject"]),
        takes_it_first=st.booleans(),
    )
    def decide(self, i, who, outcome, takes_it_first):
        act = backoffice.return_for_fixes if outcome == "return" else backoffice.reject
        deficiencies = [{"item": "application", "reason": self.reason, "note": "periksa"}]
        if takes_it_first:
            self.claim(i, who)
        self.attempt(
            outcome, lambda: act(self.app(i), deficiencies=deficiencies, actor=self.staff[who])
        )

    # --- the resident and the worker --------------------------------------------------------

    @rule(i=apps)
    def resident_resubmits(self, i):
        app = self.app(i)
        self.attempt(
            "resubmit", lambda: applications.resubmit_application(app, actor=app.applicant)
        )

    @rule(i=apps)
    def resident_cancels(self, i):
        app = self.app(i)
        self.attempt("cancel", lambda: applications.cancel_application(app, actor=app.applicant))

    @rule()
    def claims_sit_idle(self):
        later = timezone.now() + dt.timedelta(minutes=10_000)
        backoffice.release_idle_claims(now=later)

    # --- rows written around the services, then the job --------------------------------------

    @rule(i=apps, who=officers)
    def written_around_then_reconciled(self, i, who):
        app = self.app(i)
        claim = Claim.objects.filter(application=app).first()
        if claim is not None:
            claim.delete()
        else:
            Claim.objects.create(application=app, officer=self.staff[who])
        backoffice.reconcile_review_states()

    # --- after every step -----------------------------------------------------------------

    @invariant()
    def in_review_exactly_when_claimed(self):
        waiting = Application.objects.filter(status__in=CLOCK_RUNNING)
        for app in waiting.select_related("claim"):
            claimed = hasattr(app, "claim")
            assert (app.status == Status.IN_REVIEW) == claimed, (app.reference, app.status)

    @invariant()
    def free_is_what_nobody_holds(self):
        supervisor = self.staff["dewi"]
        unheld = set(
            queues.queue_for(supervisor).filter(claim__isnull=True).values_list("pk", flat=True)
        )
        free = queues.filtered_queue(supervisor, queues.QueueFilters(status="free"))
        assert set(free.values_list("pk", flat=True)) == unheld
        assert queues.queue_counts(supervisor)["free"].n == len(unheld)


@pytest.fixture
def backlog(ektp, family, budi, citra, dewi):
    """Agus's e-KTP application, whole (its files: a returned one can be sent again), and
    copies of it for Rina (no files: sending one again is refused, which is a correct
    outcome too)."""

    def for_rina(i, clone):
        clone.subject = family.rina

    clones(ektp, BACKLOG - 1, "PS-C", for_rina)


@pytest.mark.django_db
def test_in_review_exactly_when_claimed_through_any_sequence(backlog):
    run_machine(ClaimMachine, examples=100, steps=12)


@pytest.mark.django_db
def test_the_job_mends_each_way_and_audits_it(ektp, budi, citra):
    """In review with nobody holding it goes back to waiting; a claim on a waiting one makes
    it in review by that officer, unless the officer may no longer decide; a claim on one
    that no longer awaits a decision is let go."""
    from paksemmok.audit.models import AuditEntry

    orphan, held, stale, returned = clones(ektp, 4, "PS-R")
    Application.objects.filter(pk=orphan.pk).update(status=Status.IN_REVIEW)
    Application.objects.filter(pk=returned.pk).update(status=Status.RETURNED)
    Claim.objects.create(application=held, officer=budi)
    Claim.objects.create(application=stale, officer=citra)
    Claim.objects.create(application=returned, officer=budi)
    User.objects.filter(pk=citra.pk).update(is_active=False)

    assert backoffice.reconcile_review_states() == 4

    status = dict(Application.objects.values_list("reference", "status"))
    assert status[orphan.reference] == Status.SUBMITTED
    assert status[held.reference] == Status.IN_REVIEW
    assert Claim.objects.get(application=held).officer == budi
    assert status[stale.reference] == Status.SUBMITTED
    assert not Claim.objects.filter(application=stale).exists()
    assert status[returned.reference] == Status.RETURNED
    assert not Claim.objects.filter(application=returned).exists()
    actions = sorted(
        AuditEntry.objects.filter(action__contains=".claim.").values_list("action", flat=True)
    )
    assert actions == [
        "backoffice.claim.missing",
        "backoffice.claim.stale",
        "backoffice.claim.unmarked",
        "backoffice.claim.unmarked",
    ]
    assert backoffice.reconcile_review_states() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.RETURNED, Status.REJECTED, Status.CANCELLED])
def test_only_an_application_awaiting_a_decision_can_be_handed_to_someone(ektp, budi, dewi, status):
    """The state machine's first find: a supervisor handed a returned application to an
    officer, and when the resident sent it again it came back "taken" while waiting."""
    Application.objects.filter(pk=ektp.pk).update(status=status)
    with pytest.raises(BackofficeError) as refused:
        backoffice.reassign(ektp, to=budi, actor=dewi)
    assert refused.value.code == "not_pending"
    assert not Claim.objects.filter(application=ektp).exists()
