"""What an approval does to the register, per variant, and the documents it produces.

`apply_approval(application, actor)` runs inside the caller's transaction (the back office's
decide service wraps approve_application and this in one transaction.atomic()), so the
decision, the register change, the new KK versions and the signed documents commit together
or not at all. Each change goes through population.services (NIK/No. KK generation, KK
versions) and is audited there or here (`register.resident.*`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from paksemmok.audit.log import record
from paksemmok.catalog.fields import CHANGEABLE_FIELDS, PICKUP_PLACES, kk_changes
from paksemmok.catalog.models import document_text
from paksemmok.population.kinship import relationship_under, spouses
from paksemmok.population.models import (
    Education,
    Family,
    MaritalStatus,
    Relationship,
    Resident,
    Sex,
)
from paksemmok.population.queries import kk_order
from paksemmok.population.services import (
    RegisterError,
    generate_kk_number,
    generate_nik,
    record_family_version,
)

from . import services
from .models import IssuedDocument

SPOUSES = (Relationship.WIFE, Relationship.HUSBAND)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise RegisterError(_("Tanggal “%(value)s” tidak valid.") % {"value": value}) from exc


def _locked_family(family_id: int) -> Family:
    return (
        Family.objects.select_for_update(of=("self",))
        .select_related("village__parent")
        .get(pk=family_id)
    )


def _locked_resident(pk: int) -> Resident:
    return Resident.objects.select_for_update().get(pk=pk)


def _alive_members(family: Family) -> list[Resident]:
    return kk_order(
        list(family.members.select_for_update().filter(life_status=Resident.LifeStatus.ALIVE))
    )


def _member_by_nik(family: Family, nik: str) -> Resident | None:
    if not nik:
        return None
    return family.members.filter(nik=nik, life_status=Resident.LifeStatus.ALIVE).first()


def _make_head(family: Family, person: Resident, actor: Any) -> None:
    """`person` heads `family`; every other member's relationship is restated to them
    (population.kinship.relationship_under: the widow's children stay "anak", a child who
    becomes head has the surviving parent as "orang tua", and so on)."""
    members = _alive_members(family)
    if person not in members:
        members.append(person)
    old_head = family.head if family.head_id else None
    restated = {m.pk: relationship_under(m, old_head, person, members) for m in members}
    changed = {}
    # A former head no longer living but still listed (not yet removed from the KK) steps
    # down first: one head per family is a database constraint.
    for gone in (
        family.members.select_for_update()
        .filter(relationship=Relationship.HEAD)
        .exclude(pk__in=[m.pk for m in members])
    ):
        gone.relationship = Relationship.OTHER
        gone.save(update_fields=["relationship", "updated_at"])
    # The former head first, for the same reason.
    for member in sorted(members, key=lambda m: m.relationship != Relationship.HEAD):
        new = restated[member.pk]
        if member.relationship != new:
            changed[member.masked_nik] = [member.relationship, new]
            member.relationship = new
            member.save(update_fields=["relationship", "updated_at"])
    family.head = person
    family.save(update_fields=["head", "updated_at"])
    record(
        "register.family.head_changed",
        actor=actor,
        obj=family,
        details={"head": person.masked_nik, "relationships": changed},
    )


def _set_marital_status(people: list[Resident], status: str, actor: Any, cause: str) -> None:
    for person in people:
        if person.marital_status == status:
            continue
        before = person.marital_status
        person.marital_status = status
        person.save(update_fields=["marital_status", "updated_at"])
        record(
            "register.resident.marital_status",
            actor=actor,
            obj=person,
            details={"from": before, "to": status, "cause": cause},
        )


def _after_members_left(
    family: Family, actor: Any, *, reason: str, new_head: Resident | None = None
) -> IssuedDocument | None:
    """Members left (died, moved to another KK): name a new head if the head is gone, then
    print the family's new KK version; a family left without living members is closed."""
    family.refresh_from_db(fields=["head"])
    members = _alive_members(family)
    if not members:
        family.is_active = False
        family.head = None
        family.save(update_fields=["is_active", "head", "updated_at"])
        record("register.family.closed", actor=actor, obj=family, details={"reason": reason})
        return None
    if family.head_id not in {m.pk for m in members}:
        if new_head is None:
            spouse = next((m for m in members if m.relationship in SPOUSES), None)
            adults = sorted(members, key=lambda m: m.birth_date)
            new_head = spouse or adults[0]
        _make_head(family, new_head, actor)
    version = record_family_version(family, reason=reason, actor=actor)
    return services.issue_kk(version, actor=actor, notify_resident=False)


def _leave_family(person: Resident) -> None:
    person.family = None
    person.relationship = ""
    person.save(update_fields=["family", "relationship", "updated_at"])


def _new_family(founder: Resident, *, address: str, rt: str, rw: str, actor: Any) -> Family:
    village = founder.village
    family = Family.objects.create(
        kk_number=generate_kk_number(village.parent), village=village, address=address, rt=rt, rw=rw
    )
    record("register.family.opened", actor=actor, obj=family)
    return family


def _move_into(person: Resident, family: Family, relationship: str) -> None:
    person.family = family
    person.relationship = relationship
    person.address, person.rt, person.rw = family.address, family.rt, family.rw
    person.village = family.village
    person.save(
        update_fields=["family", "relationship", "address", "rt", "rw", "village", "updated_at"]
    )


# --- per variant -------------------------------------------------------------------------


def _birth(app: Any, actor: Any) -> list[IssuedDocument]:
    data = app.data
    family = _locked_family(app.family_id)
    birth_date = _date(data.get("child_birth_date"))
    sex = data.get("child_sex")
    if sex not in Sex.values or not data.get("child_name"):
        raise RegisterError(_("Data anak belum lengkap."))
    # The parents are the ones the form names, never guessed from the KK: the head of the
    # KK may be the grandfather (a young couple on the parents' KK).
    father = Resident.objects.filter(nik=data.get("father_nik") or "-").first()
    mother = Resident.objects.filter(nik=data.get("mother_nik") or "-").first()
    head = family.head
    child = Resident.objects.create(
        nik=generate_nik(family.village.parent, birth_date, sex),
        full_name=data["child_name"].strip()[:120],
        sex=sex,
        birth_place=(data.get("child_birth_place") or "").strip()[:60],
        birth_date=birth_date,
        religion=(head or mother or father).religion if (head or mother or father) else "islam",
        education=Education.NONE,
        occupation="Belum/tidak bekerja",
        marital_status=MaritalStatus.SINGLE,
        father_name=father.full_name if father else "",
        mother_name=mother.full_name if mother else "",
        village=family.village,
        address=family.address,
        rt=family.rt,
        rw=family.rw,
        family=family,
        relationship=data.get("child_relationship") or Relationship.CHILD,
        ektp_recording=Resident.Recording.NOT_RECORDED,
    )
    record("register.resident.born", actor=actor, obj=child, details={"application": app.reference})
    version = record_family_version(
        family, reason="kelahiran", actor=actor, details={"application": app.reference}
    )
    return [
        services.issue_certificate(
            IssuedDocument.Kind.BIRTH,
            child,
            actor=actor,
            application=app,
            facts={"parents_note": _parents_note(data, father)},
        ),
        services.issue_kk(version, actor=actor, application=app),
    ]


def _parents_note(data: dict[str, Any], father: Resident | None) -> dict[str, str]:
    """The akta's wording about the parents (domain.md; Permendagri 9/2016): a child with no
    recorded father is "anak dari seorang ibu"; parents who filed the SPTJM as a married couple
    (F-2.04) are named with the phrase that their marriage is not yet recorded. The texts are
    catalogue data (catalog.DocumentText), copied into the document at issue."""
    if father is None:
        return {"before_mother": document_text("akta-lahir-anak-seorang-ibu")}
    if data.get("no_marriage_certificate"):
        return {"after_parents": document_text("akta-lahir-perkawinan-belum-tercatat")}
    return {}


def _death(app: Any, actor: Any) -> list[IssuedDocument]:
    deceased = _locked_resident(app.subject_id)
    if not deceased.is_alive:
        raise RegisterError(_("Penduduk ini sudah tercatat meninggal atau pindah."))
    family = _locked_family(deceased.family_id) if deceased.family_id else None
    kk_number = family.kk_number if family else ""
    if family is not None:
        # UU 1/1974 Pasal 38: death ends the marriage; the survivor is "cerai mati" (before
        # the new KK version is printed, so the KK says so too). A head with a second living
        # wife stays married.
        members = _alive_members(family)
        widowed = [
            s
            for s in spouses(deceased, members)
            if s.marital_status == MaritalStatus.MARRIED
            and not [o for o in spouses(s, members) if o.pk != deceased.pk]
        ]
        _set_marital_status(widowed, MaritalStatus.WIDOWED, actor, "kematian pasangan")
    deceased.life_status = Resident.LifeStatus.DECEASED
    deceased.death_date = _date(app.data.get("death_date"))
    deceased.save(update_fields=["life_status", "death_date", "updated_at"])
    record(
        "register.resident.deceased",
        actor=actor,
        obj=deceased,
        details={"application": app.reference},
    )
    documents = [
        services.issue_certificate(
            IssuedDocument.Kind.DEATH,
            deceased,
            actor=actor,
            application=app,
            facts={
                "death_place": (app.data.get("death_place") or "")[:120],
                "kk_number": kk_number,
            },
        )
    ]
    if family is not None:
        new_head = _member_by_nik(family, app.data.get("new_head_nik", ""))
        _leave_family(deceased)
        kk = _after_members_left(family, actor, reason="kematian", new_head=new_head)
        if kk is not None:
            kk.application = app
            kk.save(update_fields=["application"])
            documents.append(kk)
    return documents


def _family_version_doc(family: Family, app: Any, actor: Any, reason: str) -> IssuedDocument:
    version = record_family_version(
        family, reason=reason, actor=actor, details={"application": app.reference}
    )
    return services.issue_kk(version, actor=actor, application=app)


def _kk_new_head(app: Any, actor: Any) -> list[IssuedDocument]:
    family = _locked_family(app.family_id)
    new_head = _member_by_nik(family, app.data.get("new_head_nik", ""))
    if new_head is None:
        raise RegisterError(_("Kepala keluarga baru harus anggota KK ini yang masih hidup."))
    if (
        family.head_id
        and family.head_id != new_head.pk
        and family.head.is_alive
        and family.head.family_id == family.pk
    ):
        raise RegisterError(_("Kepala keluarga lama masih tercatat hidup; catat dulu kematiannya."))
    _make_head(family, new_head, actor)
    return [_family_version_doc(family, app, actor, "kepala keluarga meninggal")]


def _kk_split(app: Any, actor: Any) -> list[IssuedDocument]:
    """The subject leaves the applicant's KK and heads a new one at the same address."""
    person = _locked_resident(app.subject_id)
    old = _locked_family(person.family_id)
    new = _new_family(person, address=old.address, rt=old.rt, rw=old.rw, actor=actor)
    _move_into(person, new, Relationship.HEAD)
    new.head = person
    new.save(update_fields=["head", "updated_at"])
    documents = [_family_version_doc(new, app, actor, "pisah KK")]
    old_doc = _after_members_left(old, actor, reason="pisah KK")
    if old_doc is not None:
        documents.append(old_doc)
    return documents


def _kk_new_family(app: Any, actor: Any) -> list[IssuedDocument]:
    """A married couple: the subject heads a new KK at the given address with the spouse."""
    person = _locked_resident(app.subject_id)
    spouse = (
        Resident.objects.select_for_update()
        .filter(nik=app.data.get("spouse_nik") or "-", life_status=Resident.LifeStatus.ALIVE)
        .first()
    )
    if spouse is None:
        raise RegisterError(_("NIK suami/istri tidak ditemukan di database kependudukan."))
    new = _new_family(
        person,
        address=(app.data.get("address") or person.address)[:200],
        rt=(app.data.get("rt") or person.rt)[:3],
        rw=(app.data.get("rw") or person.rw)[:3],
        actor=actor,
    )
    left: dict[int, Family] = {}
    for member, relationship in (
        (person, Relationship.HEAD),
        (spouse, Relationship.WIFE if spouse.sex == Sex.FEMALE else Relationship.HUSBAND),
    ):
        if member.family_id and member.family_id not in left:
            left[member.family_id] = _locked_family(member.family_id)
        # UU 1/1974 Pasal 2 and UU 23/2006 Pasal 34: the couple is married ("kawin"), also
        # when the marriage is not yet recorded (SPTJM F-1.05).
        _set_marital_status([member], MaritalStatus.MARRIED, actor, "perkawinan")
        _move_into(member, new, relationship)
    new.head = person
    new.save(update_fields=["head", "updated_at"])
    documents = [_family_version_doc(new, app, actor, "KK baru setelah menikah")]
    for old in left.values():
        if old.pk != new.pk:
            doc = _after_members_left(old, actor, reason="pindah KK")
            if doc is not None:
                documents.append(doc)
    return documents


def _apply_change(person: Resident, field: str, value: str) -> None:
    if field not in dict(CHANGEABLE_FIELDS):
        raise RegisterError(_("Data “%(field)s” tidak dapat diubah.") % {"field": field})
    model_field = Resident._meta.get_field(field)
    new: Any = value.strip()
    if field == "birth_date":
        new = _date(new)
    elif model_field.choices:
        by_label = {str(label).lower(): code for code, label in model_field.choices}
        new = new if new in dict(model_field.choices) else by_label.get(new.lower())
        if new is None:
            raise RegisterError(
                _("Nilai “%(value)s” tidak dikenal untuk %(field)s.")
                % {"value": value, "field": model_field.verbose_name}
            )
    setattr(person, field, new)
    person.full_clean(exclude=["nik", "family", "village"])
    person.save(update_fields=[field, "updated_at"])


def _kk_change(app: Any, actor: Any) -> list[IssuedDocument]:
    """Every change of the application (issue 15: several fields, several members), applied
    in the approval's transaction in the order asked, then one new KK version."""
    subject = _locked_resident(app.subject_id)
    family = _locked_family(subject.family_id)
    members = {m.nik: m for m in _alive_members(family)}
    subject = members.get(subject.nik, subject)
    for change in kk_changes(app.data):
        person = members.get(change["member"]) if change["member"] else subject
        if person is None:
            raise RegisterError(_("Orang pada perubahan data tidak lagi tercantum di KK ini."))
        _change_one(person, change, list(members.values()), family, app, actor)
    return [_family_version_doc(family, app, actor, "perubahan data")]


def _change_one(
    person: Resident,
    change: dict[str, str],
    members: list[Resident],
    family: Family,
    app: Any,
    actor: Any,
) -> None:
    # `members` are the locked rows: a divorce restating the spouse is seen by later changes.
    field = change["field"]
    before = getattr(person, field, None)
    former_spouses = spouses(person, members)
    _apply_change(person, field, change["value"])
    if field == "marital_status" and person.marital_status == MaritalStatus.DIVORCED:
        _divorce(person, former_spouses, actor)
    record(
        "register.resident.changed",
        actor=actor,
        obj=person,
        details={
            "field": field,
            "application": app.reference,
            "changed": str(before) != str(getattr(person, field)),
        },
    )
    if field == "address":
        family.address = person.address
        family.save(update_fields=["address", "updated_at"])


def _divorce(person: Resident, former: list[Resident], actor: Any) -> None:
    """A divorce recorded through a KK change (UU 23/2006 Pasal 40; UU 1/1974 Pasal 38):
    both are "cerai hidup". The one who was the head's spouse is no longer "istri"/"suami":
    restated as "lainnya" until they leave the KK (pisah KK), which the law of the case says."""
    _set_marital_status(former, MaritalStatus.DIVORCED, actor, "perceraian")
    for someone in [person, *former]:
        if someone.relationship in SPOUSES:
            someone.relationship = Relationship.OTHER
            someone.save(update_fields=["relationship", "updated_at"])
            record(
                "register.resident.changed",
                actor=actor,
                obj=someone,
                details={"field": "relationship", "cause": "perceraian"},
            )


def _kk_reprint(app: Any, actor: Any) -> list[IssuedDocument]:
    family = _locked_family(app.family_id)
    return [
        _family_version_doc(
            family, app, actor, f"cetak ulang ({app.data.get('lost_or_damaged', '')})"
        )
    ]


def _card(kind: str) -> Callable[[Any, Any], list[IssuedDocument]]:
    def order(app: Any, actor: Any) -> list[IssuedDocument]:
        person = _locked_resident(app.subject_id)
        if app.data.get("changed_field"):
            family = _locked_family(person.family_id) if person.family_id else None
            former = spouses(person, _alive_members(family)) if family else []
            _apply_change(person, app.data["changed_field"], str(app.data.get("new_value", "")))
            if (
                app.data["changed_field"] == "marital_status"
                and person.marital_status == MaritalStatus.DIVORCED
            ):
                _divorce(person, former, actor)
            record(
                "register.resident.changed",
                actor=actor,
                obj=person,
                details={"field": app.data["changed_field"], "application": app.reference},
            )
        place = dict(PICKUP_PLACES).get(app.data.get("pickup_place", ""), "")
        return [
            services.order_card(person, kind, actor=actor, application=app, pickup_place=str(place))
        ]

    return order


EFFECTS: dict[str, Callable[[Any, Any], list[IssuedDocument]]] = {
    "akta-kelahiran": _birth,
    "akta-kematian": _death,
    "kk-kepala-meninggal": _kk_new_head,
    "kk-pisah": _kk_split,
    "kk-keluarga-baru": _kk_new_family,
    "kk-perubahan-data": _kk_change,
    "kk-hilang-rusak": _kk_reprint,
    "ektp-cetak": _card(IssuedDocument.Kind.EKTP),
    "ektp-hilang": _card(IssuedDocument.Kind.EKTP),
    "ektp-rusak": _card(IssuedDocument.Kind.EKTP),
    "ektp-perubahan-data": _card(IssuedDocument.Kind.EKTP),
    "kia-bawah-5": _card(IssuedDocument.Kind.KIA),
    "kia-5-17": _card(IssuedDocument.Kind.KIA),
}


def apply_approval(application: Any, actor: Any) -> list[IssuedDocument]:
    """The register change and documents for an approved application (caller's transaction)."""
    effect = EFFECTS.get(application.variant.code)
    if effect is None:
        raise RegisterError(_("Jenis permohonan ini belum dapat diproses otomatis."))
    with transaction.atomic():
        return effect(application, actor)
