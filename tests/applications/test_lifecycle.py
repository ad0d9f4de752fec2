"""The service functions: one happy path per variant, drafts, return and resubmit,
cancellation, double submission, staff decisions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from paksemmok.applications import services
from paksemmok.applications.checks import SubmissionRejected
from paksemmok.applications.lifecycle import ALLOWED, Action, ApplicationError, Status
from paksemmok.applications.models import Application, ApplicationDocument, Event
from paksemmok.audit.models import AuditEntry
from paksemmok.catalog.models import Requirement
from paksemmok.notifications.models import Message
from tests.cast import birth_answers, fill_required, pdf, photo, variant

pytestmark = pytest.mark.django_db

# Variant -> (who it is about, the answers that make it complete).
HAPPY = {
    "kk-keluarga-baru": (
        "agus",
        lambda f: {"marriage_date": "2010-02-03", "spouse_nik": f.rina.nik},
    ),
    "kk-kepala-meninggal": (
        "rina",
        lambda f: {"new_head_nik": f.rina.nik, "reason": "Suami meninggal"},
    ),
    # The head may not split away (rules: split.is_head): his wife does.
    "kk-pisah": ("rina", lambda f: {"reason": "Pindah rumah"}),
    "kk-perubahan-data": (
        "sinta",
        lambda f: {
            "changes": [{"member": "", "field": "education", "value": "SD"}],
            "reason": "Lulus",
        },
    ),
    "kk-hilang-rusak": ("agus", lambda f: {"lost_or_damaged": "hilang"}),
    "ektp-cetak": ("agus", lambda f: {"pickup_place": "dinas"}),
    "ektp-hilang": ("rina", lambda f: {"pickup_place": "kecamatan"}),
    "ektp-rusak": ("agus", lambda f: {"pickup_place": "dinas"}),
    "ektp-perubahan-data": (
        "agus",
        lambda f: {"changed_field": "occupation", "new_value": "Guru", "pickup_place": "dinas"},
    ),
    "akta-kelahiran": (None, lambda f: birth_answers()),
    "akta-kematian": (
        "rina",
        lambda f: {
            "death_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "death_place": "RSUD Kudus",
        },
    ),
    "kia-bawah-5": ("bayu", lambda f: {"pickup_place": "dinas"}),
    "kia-5-17": ("sinta", lambda f: {"pickup_place": "dinas"}),
}


def _head_died(f) -> None:
    f.agus.life_status = "meninggal"
    f.agus.death_date = timezone.localdate() - dt.timedelta(days=3)
    f.agus.save()


# The register as each variant's rules need it (applications.rules).
PREPARE = {"kk-kepala-meninggal": _head_died}


@pytest.mark.parametrize("code", sorted(HAPPY))
def test_happy_path_per_variant(code, family, agus_user):
    who, make = HAPPY[code]
    PREPARE.get(code, lambda f: None)(family)
    subject = getattr(family, who) if who else None
    app = services.create_draft(applicant=agus_user, variant=variant(code), subject=subject)
    fill_required(app, agus_user, make(family))
    services.submit_application(app, actor=agus_user)

    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert app.deadline_at == app.submitted_at + dt.timedelta(hours=24)
    assert (
        AuditEntry.objects.filter(
            action="applications.application.submitted", object_id=str(app.pk)
        ).count()
        == 1
    )
    message = Message.objects.get(template="status_change", user=agus_user)
    assert app.reference in message.body


def test_the_state_table_allows_nothing_after_a_decision():
    for status in (Status.REJECTED, Status.CANCELLED, Status.COMPLETED):
        assert ALLOWED[status] == frozenset()


def test_draft_is_prefilled_and_resumed(family, agus_user):
    birth = variant("akta-kelahiran")
    app = services.create_draft(applicant=agus_user, variant=birth)
    # The parents come from the KK.
    assert app.data["father_nik"] == family.agus.nik
    assert app.data["mother_nik"] == family.rina.nik
    services.save_draft(app, data={"child_name": "Putri"}, actor=agus_user)
    # Another day, another device: starting the same member's application again opens the
    # same draft.
    ektp = variant("ektp-cetak")
    first = services.create_draft(applicant=agus_user, variant=ektp, subject=family.agus)
    services.save_draft(first, data={"pickup_place": "dinas"}, actor=agus_user)
    again = services.create_draft(applicant=agus_user, variant=ektp, subject=family.agus)
    assert again.pk == first.pk and again.data["pickup_place"] == "dinas"
    # A newborn is another matter: the second start is a twin, with a draft of its own, and
    # the first twin's answers are untouched.
    twin = services.create_draft(applicant=agus_user, variant=birth)
    assert twin.pk != app.pk and twin.data.get("child_name") is None
    app.refresh_from_db()
    assert app.data["child_name"] == "Putri"
    assert Application.objects.count() == 3


def test_submission_lists_every_missing_item(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    with pytest.raises(SubmissionRejected) as info:
        services.submit_application(app, actor=agus_user)
    items = {p.item for p in info.value.problems}
    assert {
        "field:child_name",
        "field:child_birth_date",
        "doc:surat_kelahiran",
        "doc:buku_nikah",
        "doc:kk",
        "doc:f201",
    } <= items
    assert "doc:sptjm_kelahiran" not in items
    app.refresh_from_db()
    assert app.status == Status.DRAFT
    assert not Message.objects.exists()


def test_double_submit_makes_one_submission(family, agus_user):
    app = services.create_draft(
        applicant=agus_user, variant=variant("ektp-cetak"), subject=family.agus
    )
    fill_required(app, agus_user, {"pickup_place": "dinas"})
    stale = Application.objects.get(pk=app.pk)
    services.submit_application(app, actor=agus_user)
    with pytest.raises(ApplicationError):
        services.submit_application(stale, actor=agus_user)
    assert Event.objects.filter(application=app, action="submitted").count() == 1
    assert Message.objects.count() == 1


def test_second_open_application_for_same_person_and_service_is_refused(family, agus_user):
    from tests.cast import account_for

    first = services.create_draft(
        applicant=agus_user, variant=variant("kia-5-17"), subject=family.sinta
    )
    fill_required(first, agus_user, {"pickup_place": "dinas"})
    services.submit_application(first, actor=agus_user)
    # Rina, on her own account, tries the same for the same child.
    rina_user = account_for(family.rina)
    with pytest.raises(SubmissionRejected) as info:
        services.create_draft(
            applicant=rina_user, variant=variant("kia-5-17"), subject=family.sinta
        )
    problem = info.value.problems[0]
    assert first.reference in problem.message
    assert problem.link == f"/permohonan/{first.reference}/"


def test_duplicate_race_is_settled_by_the_database(family, agus_user):
    from tests.cast import account_for

    rina_user = account_for(family.rina)
    drafts = []
    for user in (agus_user, rina_user):
        app = services.create_draft(
            applicant=user, variant=variant("kia-5-17"), subject=family.sinta
        )
        fill_required(app, user, {"pickup_place": "dinas"})
        drafts.append(app)
    services.submit_application(drafts[0], actor=agus_user)
    with pytest.raises(SubmissionRejected) as info:
        services.submit_application(drafts[1], actor=rina_user)
    assert drafts[0].reference in info.value.problems[0].message
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 1


def submitted_birth(agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    fill_required(app, agus_user, birth_answers())
    services.submit_application(app, actor=agus_user)
    return app


def test_return_and_resubmit_changes_only_the_listed_items(family, agus_user, operator):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        app = submitted_birth(agus_user)
        first_deadline = app.deadline_at
        services.start_review(app, actor=operator)
        clock.shift(dt.timedelta(hours=5))
        services.return_application(
            app,
            [
                {"item": "doc:kk", "reason": "unreadable", "note": "Foto buram"},
                {"item": "field:child_birth_place", "reason": "data_incorrect", "note": ""},
            ],
            operator,
        )
        assert app.status == Status.RETURNED and app.time_left() is None
        body = Message.objects.filter(template="status_change").latest("id").body
        assert "Kartu Keluarga: Berkas tidak terbaca, buram atau terpotong (Foto buram)" in body

        # Other items are frozen.
        with pytest.raises(ApplicationError):
            services.save_draft(app, data={"child_name": "Nama Lain"}, actor=agus_user)
        f201 = Requirement.objects.get(variant=app.variant, code="f201")
        with pytest.raises(ApplicationError):
            services.attach_document(app, f201, pdf(), actor=agus_user)
        # The flagged file must be replaced before resending.
        with pytest.raises(SubmissionRejected) as info:
            services.resubmit_application(app, actor=agus_user)
        assert [p.item for p in info.value.problems] == ["doc:kk"]

        services.save_draft(app, data={"child_birth_place": "RSUD Kudus"}, actor=agus_user)
        kk = Requirement.objects.get(variant=app.variant, code="kk")
        old = app.current_documents().get(requirement=kk)
        new = services.attach_document(app, kk, photo(seed=9), actor=agus_user)
        clock.shift(dt.timedelta(hours=1))
        services.resubmit_application(app, actor=agus_user)

    app.refresh_from_db()
    old.refresh_from_db()
    assert app.status == Status.SUBMITTED and app.round == 2
    assert app.deadline_at == app.submitted_at + dt.timedelta(hours=24)
    assert app.deadline_at > first_deadline
    assert app.data["child_birth_place"] == "RSUD Kudus"
    # The earlier file is kept, marked replaced by the new one.
    assert old.replaced_at is not None and old.replaced_by_id == new.pk
    assert old.file.storage.exists(old.file.name)
    assert ApplicationDocument.objects.filter(application=app, requirement=kk).count() == 2
    assert list(app.events.values_list("action", flat=True)) == [
        "created",
        "submitted",
        "review_started",
        "returned",
        "corrected",
        "resubmitted",
    ]


def test_cancel_while_undecided_but_not_after(family, agus_user, operator):
    app = submitted_birth(agus_user)
    services.start_review(app, actor=operator)
    services.cancel_application(app, actor=agus_user, reason="Salah pilih layanan")
    assert app.status == Status.CANCELLED
    assert Message.objects.filter(body__contains="dibatalkan").exists()

    decided = services.create_draft(
        applicant=agus_user, variant=variant("ektp-cetak"), subject=family.agus
    )
    fill_required(decided, agus_user, {"pickup_place": "dinas"})
    services.submit_application(decided, actor=agus_user)
    services.approve_application(decided, operator)
    with pytest.raises(ApplicationError, match="tidak dapat"):
        services.cancel_application(decided, actor=agus_user)


def test_a_cancelled_application_frees_the_person_for_a_new_one(family, agus_user):
    app = submitted_birth(agus_user)
    services.cancel_application(app, actor=agus_user)
    again = submitted_birth(agus_user)
    assert again.status == Status.SUBMITTED


def test_staff_decisions_need_staff_and_valid_items(family, agus_user, operator):
    app = submitted_birth(agus_user)
    with pytest.raises(ApplicationError):
        services.approve_application(app, agus_user)
    with pytest.raises(ApplicationError):
        services.return_application(app, [], operator)
    with pytest.raises(ApplicationError):
        services.return_application(app, [{"item": "doc:pas_foto", "reason": "missing"}], operator)
    with pytest.raises(ApplicationError):
        services.return_application(app, [{"item": "doc:kk", "reason": "bad_luck"}], operator)
    services.reject_application(
        app, [{"item": "application", "reason": "duplicate", "note": "Sudah terdaftar"}], operator
    )
    assert app.status == Status.REJECTED and app.decided_at
    assert AuditEntry.objects.filter(action="applications.application.rejected").exists()


def test_helper_filing_is_audited_with_both_names(family, agus_user, helper_user):
    app = services.create_draft(
        applicant=agus_user,
        variant=variant("ektp-cetak"),
        subject=family.agus,
        filed_by=helper_user,
    )
    fill_required(app, helper_user, {"pickup_place": "dinas"})
    services.submit_application(app, actor=helper_user)
    entry = AuditEntry.objects.get(action="applications.application.submitted")
    assert entry.actor == helper_user and entry.on_behalf_of == agus_user
    assert app.filed_by == helper_user
    # The resident is the one told.
    assert Message.objects.get().user == agus_user


def test_transition_follows_the_table_and_refuses_what_the_state_does_not_allow():
    from types import SimpleNamespace

    from paksemmok.applications.lifecycle import TARGET, transition

    # Every action a state allows either changes nothing (edit) or has a target state.
    actions = {a for allowed in ALLOWED.values() for a in allowed}
    assert actions - set(TARGET) == {Action.EDIT}
    app = SimpleNamespace(status=Status.SUBMITTED)
    assert transition(app, Action.START_REVIEW) == Status.SUBMITTED
    assert app.status == TARGET[Action.START_REVIEW] == Status.IN_REVIEW
    with pytest.raises(ApplicationError, match="tidak dapat"):
        transition(app, Action.SUBMIT)
    assert app.status == Status.IN_REVIEW
