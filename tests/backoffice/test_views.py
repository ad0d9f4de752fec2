"""The queue, the review page and decisions through the staff views."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from paksemmok.applications.files import PRIVATE_FILE_CSP
from paksemmok.applications.lifecycle import Status
from paksemmok.audit.models import AuditEntry
from paksemmok.backoffice import services
from paksemmok.backoffice.models import Claim
from paksemmok.issuance.models import IssuedDocument
from tests.cast import account_for, birth_answers, sign_in_with_totp, staff, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def birth(family, agus_user):
    return submitted(agus_user, "akta-kelahiran", answers=birth_answers())


def test_queue_shows_only_the_operators_services(client, birth, ektp, citra):
    client.force_login(citra)
    html = client.get(reverse("backoffice:queue")).content.decode()
    assert ektp.reference in html and birth.reference not in html
    assert client.get(reverse("backoffice:review", args=[birth.reference])).status_code == 404
    response = client.post(reverse("backoffice:claim", args=[birth.reference]))
    assert response.status_code == 404
    assert not Claim.objects.exists()


def test_supervisor_sees_everything_oldest_deadline_first(client, family, agus_user, dewi):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=30), tick=False):
        late = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    recent = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    sign_in_with_totp(client, dewi)
    response = client.get(reverse("backoffice:queue"))
    html = response.content.decode()
    assert html.index(late.reference) < html.index(recent.reference)
    assert 'data-testid="count-overdue">1<' in html and 'data-testid="count-total">2<' in html
    assert "bo-row-overdue" in html
    filtered = client.get(reverse("backoffice:queue"), {"service": "ektp"}).content.decode()
    assert late.reference in filtered and recent.reference not in filtered
    overdue = client.get(reverse("backoffice:queue"), {"status": "overdue"}).content.decode()
    assert late.reference in overdue and recent.reference not in overdue
    by_kecamatan = client.get(
        reverse("backoffice:queue"), {"kecamatan": "33.19.01"}
    ).content.decode()
    assert late.reference not in by_kecamatan  # the family lives in Kota Kudus (33.19.02)


def test_take_next_claims_and_opens_the_review(client, ektp, budi):
    client.force_login(budi)
    response = client.post(reverse("backoffice:take_next"))
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:review", args=[ektp.reference])
    ektp.refresh_from_db()
    assert ektp.status == Status.IN_REVIEW and ektp.claim.officer == budi
    html = client.get(response["Location"]).content.decode()
    assert "Anda sedang memeriksa" in html and 'data-testid="approve"' in html
    reads = AuditEntry.objects.filter(action="personal_data.read", actor=budi)
    assert reads.count() == 3  # application, the subject's register record, the KK


def test_review_highlights_differences_and_shows_documents(client, family, agus_user, budi):
    app = submitted(
        agus_user,
        "kk-perubahan-data",
        family.sinta,
        {"changed_field": "education", "new_value": "SD", "reason": "Lulus"},
    )
    client.force_login(budi)
    html = client.get(reverse("backoffice:review", args=[app.reference])).content.decode()
    assert 'data-testid="differs"' in html
    assert family.sinta.nik in html and family.rina.full_name in html
    doc = app.current_documents().first()
    url = reverse("backoffice:document", args=[app.reference, doc.pk])
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    # Not framed any more (PDFs are shown as page images): the one private-file policy.
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == PRIVATE_FILE_CSP
    assert AuditEntry.objects.filter(
        action="personal_data.read", details__what=f"file:{doc.requirement.code}"
    ).exists()


def test_return_with_two_deficiencies_through_the_view(client, ektp, budi):
    services.claim_application(ektp, actor=budi)
    client.force_login(budi)
    codes = [d.requirement.code for d in ektp.current_documents()]
    data = {"action": "return"}
    for code in codes:
        data[f"verdict-doc:{code}"] = "deficient"
        data[f"reason-doc:{code}"] = "unreadable"
        data[f"note-doc:{code}"] = "Buram"
    data["verdict-field:pickup_place"] = "deficient"
    data["reason-field:pickup_place"] = "data_incorrect"
    # First the confirmation with the summary, then the decision.
    response = client.post(reverse("backoffice:decide", args=[ektp.reference]), data)
    assert response.status_code == 200 and 'data-testid="confirm"' in response.content.decode()
    ektp.refresh_from_db()
    assert ektp.status == Status.IN_REVIEW
    response = client.post(
        reverse("backoffice:decide", args=[ektp.reference]), {**data, "confirmed": "1"}
    )
    assert response.status_code == 302
    ektp.refresh_from_db()
    assert ektp.status == Status.RETURNED
    assert len(ektp.deficiencies) == len(codes) + 1 >= 2


def test_return_without_deficiency_is_refused_with_a_message(client, ektp, budi):
    services.claim_application(ektp, actor=budi)
    client.force_login(budi)
    response = client.post(
        reverse("backoffice:decide", args=[ektp.reference]), {"action": "return"}, follow=True
    )
    assert "paling sedikit satu kekurangan" in response.content.decode()
    ektp.refresh_from_db()
    assert ektp.status == Status.IN_REVIEW


def test_approve_through_the_view_and_refusal_for_another_officer(client, ektp, budi, kudus):
    other = staff("eka", services=["ektp"])
    services.claim_application(ektp, actor=budi)
    client.force_login(other)
    response = client.post(
        reverse("backoffice:decide", args=[ektp.reference]), {"action": "approve"}, follow=True
    )
    assert "sedang diperiksa oleh Budi" in response.content.decode()
    client.force_login(budi)
    verdicts = {f"verdict-doc:{d.requirement.code}": "ok" for d in ektp.current_documents()}
    client.post(
        reverse("backoffice:decide", args=[ektp.reference]),
        {"action": "approve", "confirmed": "1", **verdicts},
    )
    ektp.refresh_from_db()
    assert ektp.status == Status.APPROVED
    assert IssuedDocument.objects.filter(application=ektp).count() == 1


def test_supervisor_reassigns_and_releases(client, ektp, budi, dewi, kudus):
    eka = staff("eka", services=["ektp"])
    services.claim_application(ektp, actor=budi)
    sign_in_with_totp(client, dewi)
    client.post(reverse("backoffice:reassign", args=[ektp.reference]), {"officer": eka.pk})
    assert Claim.objects.get(application=ektp).officer == eka
    client.post(reverse("backoffice:release", args=[ektp.reference]))
    assert not Claim.objects.filter(application=ektp).exists()
    assert AuditEntry.objects.filter(action="backoffice.claim.reassigned").count() == 1
    assert AuditEntry.objects.filter(action="backoffice.claim.released").count() == 1


def test_operator_cannot_release_someone_elses_claim(ektp, budi, kudus):
    eka = staff("eka", services=["ektp"])
    services.claim_application(ektp, actor=budi)
    with pytest.raises(services.BackofficeError, match="Hanya supervisor"):
        services.release_claim(ektp, actor=eka)


def test_idle_claims_are_released(ektp, budi, settings):
    settings.BACKOFFICE_CLAIM_IDLE_MINUTES = 30
    services.claim_application(ektp, actor=budi)
    now = timezone.now()
    assert services.release_idle_claims(now + dt.timedelta(minutes=29)) == 0
    assert services.release_idle_claims(now + dt.timedelta(minutes=31)) == 1
    assert not Claim.objects.exists()
    assert AuditEntry.objects.filter(action="backoffice.claim.expired").count() == 1
    # Back in the queue for anyone handling e-KTP.
    assert services.take_next(actor=budi) == ektp


def test_residents_cannot_open_the_queue(client, agus_user):
    client.force_login(agus_user)
    assert client.get(reverse("backoffice:queue")).status_code == 403


def test_resident_downloads_after_approval(client, family, agus_user, budi):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    services.claim_application(app, actor=budi)
    services.approve(app, actor=budi)
    client.force_login(agus_user)
    listing = client.get(reverse("issuance:mine")).content.decode()
    birth = IssuedDocument.objects.get(application=app, kind="akta_kelahiran")
    assert birth.number in listing
    response = client.get(reverse("issuance:download", args=[birth.code]))
    assert response.status_code == 200
    client.force_login(account_for(family.sinta))
    # Sinta is in the family: she sees the KK, but the birth certificate is the newborn's.
    assert client.get(reverse("issuance:download", args=[birth.code])).status_code == 404


def test_supervisor_overview(client, family, agus_user, ektp, budi, dewi):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=21), tick=False):
        near = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    services.claim_application(ektp, actor=budi)
    services.approve(ektp, actor=budi)
    services.claim_application(near, actor=budi)
    sign_in_with_totp(client, dewi)
    html = client.get(reverse("backoffice:overview")).content.decode()
    assert 'data-testid="queue-size">1<' in html
    assert 'data-testid="decided-today">1<' in html
    assert near.reference in html
    assert "<td>1</td><td>1</td>" in html  # Budi: one held, one decided today


def test_operators_cannot_open_the_overview(client, budi):
    client.force_login(budi)
    assert client.get(reverse("backoffice:overview")).status_code == 403


def test_cards_page_marks_ready_and_collected(client, ektp, budi):
    services.claim_application(ektp, actor=budi)
    [card] = services.approve(ektp, actor=budi)
    client.force_login(budi)
    assert card.number in client.get(reverse("backoffice:cards")).content.decode()
    assert (
        AuditEntry.objects.filter(
            action="personal_data.read", actor=budi, details__what="card"
        ).count()
        == 1
    )
    client.post(reverse("backoffice:cards"), {"card": card.pk, "action": "ready"})
    card.refresh_from_db()
    assert card.card_status == IssuedDocument.CardStatus.READY
    client.post(reverse("backoffice:cards"), {"card": card.pk, "action": "collected"})
    card.refresh_from_db()
    assert card.card_status == IssuedDocument.CardStatus.COLLECTED


def test_cards_of_other_services_are_hidden_from_operators(client, ektp, budi, kudus):
    services.claim_application(ektp, actor=budi)
    [card] = services.approve(ektp, actor=budi)
    kia_only = staff("kiki", services=["kia"])
    client.force_login(kia_only)
    assert card.number not in client.get(reverse("backoffice:cards")).content.decode()
    response = client.post(reverse("backoffice:cards"), {"card": card.pk, "action": "ready"})
    assert response.status_code == 404


def test_queue_counts_per_service(client, family, agus_user, ektp, budi):
    submitted(account_for(family.rina), "ektp-cetak", family.rina, {"pickup_place": "dinas"})
    submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    client.force_login(budi)
    html = client.get(reverse("backoffice:queue")).content.decode()
    assert 'data-testid="count-ektp">e-KTP (KTP elektronik): 2<' in html
    assert 'data-testid="count-akta_lahir">Akta Kelahiran: 1<' in html
    assert 'data-testid="count-total">3<' in html
