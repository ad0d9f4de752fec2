"""Issuing, superseding and revoking documents; card pickup. One function per act.

Each runs in one transaction (joining the caller's: an approval and its documents commit or
roll back together), writes an audit entry (`issuance.document.<act>`) and queues the
resident's notification in the outbox in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from paksemmok.applications.lifecycle import Status as ApplicationStatus
from paksemmok.applications.services import complete_application
from paksemmok.audit.log import record
from paksemmok.errors import DomainError
from paksemmok.notifications.services import notify, one_message_per_recipient
from paksemmok.population.models import (
    Citizenship,
    Education,
    FamilyVersion,
    MaritalStatus,
    Region,
    Relationship,
    Religion,
    Resident,
    Sex,
)

from .models import DocumentSequence, IssuedDocument
from .pdf import render_pdf
from .signing import sign_pdf

Kind = IssuedDocument.Kind
Status = IssuedDocument.Status
CardStatus = IssuedDocument.CardStatus

# Register codes in the words printed on documents.
LABELS = {
    "sex": Sex,
    "religion": Religion,
    "education": Education,
    "marital_status": MaritalStatus,
    "relationship": Relationship,
    "citizenship": Citizenship,
}
# Akta numbers as the Dukcapil prints them: regency-LT/KM-DDMMYYYY-serial.
NUMBER_CODES = {Kind.BIRTH: "LT", Kind.DEATH: "KM", Kind.EKTP: "KTP", Kind.KIA: "KIA"}


class IssuanceError(DomainError):
    """An act on a document that is not possible now; the message is shown to staff."""

    code = "issuance_conflict"


# PDFs stored inside the current decision; removed if its transaction fails (the rows go
# with the rollback, the files in the storage would otherwise stay behind, unreferenced).
_stored: ContextVar[list[str] | None] = ContextVar("issuance_stored", default=None)


@contextmanager
def files_removed_on_failure() -> Iterator[None]:
    """Wrap around a transaction that may issue documents: on an exception, the PDFs it
    stored are deleted from the storage."""
    from django.core.files.storage import default_storage

    stored: list[str] = []
    token = _stored.set(stored)
    try:
        yield
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    finally:
        _stored.reset(token)


def _label(field: str, code: str) -> str:
    choices = LABELS.get(field)
    if not choices or not code:
        return code
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def _labelled(values: dict[str, Any]) -> dict[str, Any]:
    with translation.override("id"):
        return {k: _label(k, v) if isinstance(v, str) else v for k, v in values.items()}


def _date(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        import datetime as dt

        value = dt.date.fromisoformat(value)
    return value.strftime("%d-%m-%Y")


def next_number(kind: str, day: Any = None) -> str:
    """The next document number of `kind` for the day; safe under concurrency (one UPDATE)."""
    day = day or timezone.localdate()
    prefix = f"{settings.REGENCY_CODE.replace('.', '')}-{NUMBER_CODES[kind]}-{day:%d%m%Y}"
    with transaction.atomic():
        if not DocumentSequence.objects.filter(prefix=prefix).update(
            last_serial=F("last_serial") + 1
        ):
            try:
                with transaction.atomic():
                    DocumentSequence.objects.create(prefix=prefix, last_serial=1)
            except IntegrityError:
                DocumentSequence.objects.filter(prefix=prefix).update(
                    last_serial=F("last_serial") + 1
                )
        serial = DocumentSequence.objects.get(prefix=prefix).last_serial
    return f"{prefix}-{serial:04d}"


def _signer_fields() -> dict[str, str]:
    return {"signer_name": settings.SIGNER_NAME, "signer_nip": settings.SIGNER_NIP}


logger = logging.getLogger("paksemmok.issuance")
# What the signature says each printed document is; also how the worker renders one later.
PDF_REASONS = {Kind.KK: "Kartu Keluarga", Kind.BIRTH: "Akta Kelahiran", Kind.DEATH: "Akta Kematian"}
# Documents issued inside pdfs_after_commit(), rendered and signed once it has committed.
_deferred: ContextVar[list[tuple[IssuedDocument, str]] | None] = ContextVar(
    "issuance_deferred", default=None
)


@contextmanager
def pdfs_after_commit() -> Iterator[None]:
    """Wrap OUTSIDE an approval's transaction: the documents it issues get their PDFs
    rendered and signed (~1 s each) after it commits, not inside it.

    Inside, the approval holds the NIK/No. KK number-sequence rows of its kecamatan and birth
    date; rendering there made every approval sharing a prefix wait for the others' PDFs (20
    simultaneous births: the last finished 24 s after the first). A PDF that fails to render
    here is rendered by the worker (`render_missing_pdfs`) or by the first download
    (`ensure_pdf`); the register change stands either way."""
    pending: list[tuple[IssuedDocument, str]] = []
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    for document, reason in pending:
        try:
            render_document_pdf(document, reason)
        except Exception:
            logger.exception(
                "PDF of issued document %s not rendered; the worker retries", document.pk
            )


def render_document_pdf(document: IssuedDocument, reason: str | None = None) -> bool:
    """Renders, signs and stores the PDF of an issued document that has none yet."""
    from paksemmok.storage import storage_errors

    reason = reason or PDF_REASONS[document.kind]
    pdf = sign_pdf(render_pdf(document), reason=reason, location=settings.REGENCY_NAME)
    with storage_errors():
        document.pdf.save("dokumen.pdf", ContentFile(pdf), save=False)
    if IssuedDocument.objects.filter(pk=document.pk, pdf="").update(pdf=document.pdf.name):
        return True
    # Rendered meanwhile by someone else (the worker's retry): keep theirs.
    document.pdf.storage.delete(document.pdf.name)
    document.refresh_from_db(fields=["pdf"])
    return False


class DocumentNotReady(DomainError):
    code = "document_not_ready"
    status = 503


def ensure_pdf(document: IssuedDocument) -> None:
    """The document's PDF exists when this returns: the message's link can be opened before
    the PDF rendered after the approval's commit exists (or while the worker retries a failed
    one), so the download renders it. A failure is a "try again shortly" for the holder, not
    an error page; the worker keeps retrying."""
    from paksemmok.storage import StorageUnavailable

    if document.pdf:
        return
    try:
        render_document_pdf(document)
    except StorageUnavailable:
        raise  # its own 503 with its own message (web.middleware, api.errors)
    except Exception as exc:
        logger.exception("PDF of issued document %s not rendered on download", document.pk)
        raise DocumentNotReady(
            _(
                "Dokumen Anda sedang disiapkan dan belum dapat diunduh. Silakan coba lagi "
                "beberapa menit lagi; tautan ini tetap berlaku."
            )
        ) from exc


def download_name(document: IssuedDocument) -> str:
    """Each version its own file name: every KK version carries the same KK number, and two
    downloads under one name overwrite each other in a phone's download folder."""
    version = (document.data or {}).get("version")
    if document.kind == IssuedDocument.Kind.KK and version:
        return f"kk-{document.number}-versi-{version}.pdf"
    return f"{document.kind}-{document.number}.pdf"


def render_missing_pdfs(*, older_than_seconds: int = 60, limit: int = 50) -> int:
    """The worker's retry for PDFs that failed after their approval committed."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    done = 0
    missing = IssuedDocument.objects.filter(
        pdf="", kind__in=list(PDF_REASONS), issued_at__lt=cutoff
    ).order_by("id")[:limit]
    for document in missing:
        try:
            done += render_document_pdf(document)
        except Exception:
            logger.exception("PDF of issued document %s still not rendered", document.pk)
    return done


def _store_signed_pdf(document: IssuedDocument, reason: str) -> None:
    pending = _deferred.get()
    if pending is not None:
        pending.append((document, reason))
        return
    pdf = sign_pdf(render_pdf(document), reason=reason, location=settings.REGENCY_NAME)
    document.pdf.save("dokumen.pdf", ContentFile(pdf), save=False)
    stored = _stored.get()
    if stored is not None:
        stored.append(document.pdf.name)
    document.save(update_fields=["pdf"])


def _notify_ready(document: IssuedDocument, kind: str = "document_ready") -> None:
    """The link does what the words say: "Unduh" opens the document's own download (signed
    in, access-checked), a card's message the status page."""
    application = document.application
    if application is None:
        return
    status_url = reverse("applications:detail", args=[application.reference])
    context: dict[str, Any] = {
        "kind": kind,
        "reference": application.reference,
        # Lazy: rendered in the recipient's language.
        "document": IssuedDocument.Kind(document.kind).label,
        "url": status_url,
    }
    if document.kind in PDF_REASONS:
        context["url"] = reverse("issuance:download", args=[document.code])
    if document.pickup_place:
        context["place"] = document.pickup_place
    notify(template="status_change", user=application.applicant, context=context)


def _region_name(code: str) -> str:
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or ""


@transaction.atomic
def issue_kk(
    version: FamilyVersion, *, actor: Any, application: Any = None, notify_resident: bool = True
) -> IssuedDocument:
    """The signed KK of this family version; earlier KK documents of the family become
    superseded (their verification page says so)."""
    snap = version.snapshot
    village_code = snap.get("village_code", "")
    members = [_labelled({**m, "birth_date": _date(m.get("birth_date"))}) for m in snap["members"]]
    head = next((m for m in snap["members"] if m["nik"] == snap.get("head_nik")), None)
    data = {
        "version": version.version,
        "address": snap["address"],
        "rt": snap["rt"],
        "rw": snap["rw"],
        "village_name": _region_name(village_code),
        "kecamatan_name": _region_name(village_code.rsplit(".", 1)[0]),
        "head_name": head["full_name"] if head else "",
        "members": members,
    }
    document = IssuedDocument.objects.create(
        kind=Kind.KK,
        number=version.kk_number,
        family_version=version,
        application=application,
        holder_name=data["head_name"],
        holder_number=version.kk_number,
        data=data,
        **_signer_fields(),
    )
    older = (
        IssuedDocument.objects.select_for_update()
        .filter(kind=Kind.KK, family_version__family_id=version.family_id, status=Status.VALID)
        .exclude(pk=document.pk)
    )
    for old in older:
        old.status = Status.SUPERSEDED
        old.superseded_by = document
        old.status_changed_at = timezone.now()
        old.save(update_fields=["status", "superseded_by", "status_changed_at"])
        record(
            "issuance.document.superseded",
            actor=actor,
            obj=old,
            details={"by": document.pk, "number": old.number},
        )
    _sign_and_announce(
        document,
        reason="Kartu Keluarga",
        actor=actor,
        application=application,
        notify_resident=notify_resident,
        details={"version": version.version},
    )
    return document


def _person_data(resident: Resident) -> dict[str, Any]:
    return _labelled(
        {
            "full_name": resident.full_name,
            "nik": resident.nik,
            "sex": resident.sex,
            "birth_place": resident.birth_place,
            "birth_date": _date(resident.birth_date),
            "father_name": resident.father_name,
            "mother_name": resident.mother_name,
            "kk_number": resident.family.kk_number if resident.family_id else "",
        }
    )


# The akta an approval issues, with the reason its signature states.
CERTIFICATES = {Kind.BIRTH: "Akta Kelahiran", Kind.DEATH: "Akta Kematian"}


@transaction.atomic
def issue_certificate(
    kind: str,
    person: Resident,
    *,
    actor: Any,
    application: Any = None,
    notify_resident: bool = True,
    facts: dict[str, Any] | None = None,
) -> IssuedDocument:
    """The signed akta (`CERTIFICATES`) of `person`: the register's data about them, the
    death date for an akta kematian, and the event's own `facts` frozen into the document
    (a birth: "parents_note", {"before_mother": text} or {"after_parents": text}, see
    issuance.effects._parents_note; a death: "death_place" and the "kk_number" the person was
    on). A fact that is empty is not written, so the register's value stays."""
    if kind not in CERTIFICATES:
        raise IssuanceError(_("Jenis akta tidak dikenal."))
    data = _person_data(person)
    if kind == Kind.DEATH:
        data["death_date"] = _date(person.death_date)
    data.update({k: v for k, v in (facts or {}).items() if v})
    document = IssuedDocument.objects.create(
        kind=kind,
        number=next_number(kind),
        subject=person,
        application=application,
        holder_name=person.full_name,
        holder_number=person.nik,
        data=data,
        **_signer_fields(),
    )
    _sign_and_announce(
        document,
        reason=CERTIFICATES[kind],
        actor=actor,
        application=application,
        notify_resident=notify_resident,
    )
    return document


def _sign_and_announce(
    document: IssuedDocument,
    *,
    reason: str,
    actor: Any,
    application: Any,
    notify_resident: bool,
    details: dict[str, Any] | None = None,
) -> None:
    """What every signed document gets once its row exists: the PDF, the audit entry and
    (with an application) the "ready" message."""
    _store_signed_pdf(document, reason=reason)
    record(
        "issuance.document.issued",
        actor=actor,
        obj=document,
        details={
            "kind": document.kind,
            **(details or {}),
            "application": getattr(application, "reference", ""),
        },
    )
    if notify_resident:
        _notify_ready(document)


@transaction.atomic
def order_card(
    resident: Resident, kind: str, *, actor: Any, application: Any = None, pickup_place: str = ""
) -> IssuedDocument:
    """A card to print (e-KTP or KIA); it goes "ready for pickup" when printed."""
    if kind not in (Kind.EKTP, Kind.KIA):
        raise IssuanceError(_("Jenis kartu tidak dikenal."))
    document = IssuedDocument.objects.create(
        kind=kind,
        number=next_number(kind),
        subject=resident,
        application=application,
        holder_name=resident.full_name,
        holder_number=resident.nik,
        data=_person_data(resident),
        card_status=CardStatus.PRINTING,
        pickup_place=pickup_place[:120],
        **_signer_fields(),
    )
    record(
        "issuance.card.ordered",
        actor=actor,
        obj=document,
        details={"kind": kind, "application": getattr(application, "reference", "")},
    )
    return document


def _locked(document: IssuedDocument) -> IssuedDocument:
    return (
        IssuedDocument.objects.select_for_update(of=("self",))
        .select_related("application__applicant")
        .get(pk=document.pk)
    )


def mark_card_ready(document: IssuedDocument, *, actor: Any) -> IssuedDocument:
    with transaction.atomic(), one_message_per_recipient():
        doc = _locked(document)
        if doc.card_status != CardStatus.PRINTING:
            raise IssuanceError(_("Kartu ini tidak sedang dicetak."))
        doc.card_status = CardStatus.READY
        doc.status_changed_at = timezone.now()
        doc.save(update_fields=["card_status", "status_changed_at"])
        if doc.kind == Kind.EKTP and doc.subject_id:
            Resident.objects.filter(pk=doc.subject_id).update(ektp_printed=True)
        record("issuance.card.ready", actor=actor, obj=doc, details={"place": doc.pickup_place})
        _notify_ready(doc, "card_ready")
    document.refresh_from_db()
    return document


def mark_card_collected(document: IssuedDocument, *, actor: Any) -> IssuedDocument:
    """Staff hand the card over after checking the holder's identity (fingerprint). The
    last card completes the application, whose survey invitation joins the same message."""
    with transaction.atomic(), one_message_per_recipient():
        doc = _locked(document)
        if doc.card_status != CardStatus.READY:
            raise IssuanceError(_("Kartu belum siap diambil atau sudah diambil."))
        doc.card_status = CardStatus.COLLECTED
        doc.collected_at = timezone.now()
        doc.save(update_fields=["card_status", "collected_at"])
        record("issuance.card.collected", actor=actor, obj=doc)
        app = doc.application
        if app is not None:
            notify(
                template="generic",
                user=app.applicant,
                context={
                    "subject": _("Kartu sudah diambil"),
                    "body": _("Kartu permohonan %(ref)s sudah diambil pada %(when)s.")
                    % {
                        "ref": app.reference,
                        "when": timezone.localtime(doc.collected_at).strftime("%d-%m-%Y %H.%M"),
                    },
                },
            )
        if (
            app is not None
            and app.status == ApplicationStatus.APPROVED
            and not (
                IssuedDocument.objects.filter(
                    application=app, card_status__in=(CardStatus.PRINTING, CardStatus.READY)
                ).exists()
            )
        ):
            complete_application(app, actor=actor)
    document.refresh_from_db()
    return document


def revoke_document(document: IssuedDocument, *, actor: Any, reason: str) -> IssuedDocument:
    if not reason.strip():
        raise IssuanceError(_("Sebutkan alasan pencabutan."))
    with transaction.atomic(), one_message_per_recipient():
        doc = _locked(document)
        if doc.status == Status.REVOKED:
            raise IssuanceError(_("Dokumen ini sudah dicabut."))
        doc.status = Status.REVOKED
        doc.status_changed_at = timezone.now()
        doc.save(update_fields=["status", "status_changed_at"])
        record("issuance.document.revoked", actor=actor, obj=doc, details={"reason": reason[:500]})
        holder = _holder_account(doc)
        if holder is not None:
            # In the revocation's transaction: no message about a revocation that rolled back.
            notify(
                template="generic",
                user=holder,
                context={
                    "subject": _("%(kind)s %(number)s dicabut")
                    % {"kind": doc.get_kind_display(), "number": doc.number},
                    "body": _(
                        "Dokumen ini tidak berlaku lagi. Alasan: %(reason)s. Hubungi "
                        "Disdukcapil bila ada pertanyaan."
                    )
                    % {"reason": reason.strip()[:500]},
                },
            )
    document.refresh_from_db()
    return document


def _holder_account(doc: IssuedDocument) -> Any:
    """Who is told of a revocation: the applicant who asked for the document, else the
    account of the person it is about."""
    from paksemmok.accounts.models import User

    if doc.application_id:
        return doc.application.applicant
    if doc.subject_id:
        return User.objects.filter(resident_id=doc.subject_id, is_active=True).first()
    return None
