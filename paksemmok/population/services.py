"""Changes to the population register. Each function runs in one transaction and audits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Model, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from paksemmok.audit.log import record
from paksemmok.errors import DomainError

from .identifiers import nik_birth_part
from .models import (
    KK_MEMBER_COLUMNS,
    Family,
    FamilyVersion,
    NumberSequence,
    Region,
    Relationship,
    Resident,
)


class RegisterError(DomainError):
    """A register change that cannot be made; the message is shown to staff."""

    code = "register_conflict"


def next_serial(kind: str, prefix: str, *, floor: int = 0) -> int:
    """Reserves the next serial under a 12-digit prefix, safely under concurrency.

    The increment is a single UPDATE, so two transactions can never read the same value: the
    second waits for the first's row lock (PostgreSQL) or the database write lock (SQLite).
    `floor` is the highest serial already in the register: numbers typed in by staff or
    imported must never be handed out again, whether or not a sequence row exists yet.
    """
    bumped = Greatest(F("last_serial"), Value(floor)) + 1
    with transaction.atomic():
        updated = NumberSequence.objects.filter(kind=kind, prefix=prefix).update(last_serial=bumped)
        if not updated:
            try:
                with transaction.atomic():
                    NumberSequence.objects.create(kind=kind, prefix=prefix, last_serial=floor + 1)
            except IntegrityError:
                # Another transaction created the row first: take the next one after it.
                NumberSequence.objects.filter(kind=kind, prefix=prefix).update(last_serial=bumped)
        serial = NumberSequence.objects.get(kind=kind, prefix=prefix).last_serial
    if serial > 9999:
        raise RegisterError(f"Nomor urut untuk awalan {prefix} sudah habis (maksimal 9999).")
    return serial


def _highest_serial(model: type, field: str, prefix: str) -> int:
    top = (
        model.objects.filter(**{f"{field}__startswith": prefix})
        .order_by(f"-{field}")
        .values_list(field, flat=True)
        .first()
    )
    return int(top[12:]) if top else 0


def generate_nik(kecamatan: Region, birth_date: dt.date, sex: str) -> str:
    """A new NIK for a newborn registered in `kecamatan`: kecamatan + DDMMYY(+40) + serial."""
    if kecamatan.level != Region.Level.KECAMATAN:
        raise RegisterError("NIK dibentuk dari kode kecamatan.")
    prefix = kecamatan.digits + nik_birth_part(birth_date, sex)
    serial = next_serial(
        NumberSequence.Kind.NIK, prefix, floor=_highest_serial(Resident, "nik", prefix)
    )
    return f"{prefix}{serial:04d}"


def generate_kk_number(kecamatan: Region, issued_on: dt.date | None = None) -> str:
    """A new No. KK: kecamatan code + DDMMYY of issue + serial (the split is our decision)."""
    if kecamatan.level != Region.Level.KECAMATAN:
        raise RegisterError("Nomor KK dibentuk dari kode kecamatan.")
    issued_on = issued_on or timezone.localdate()
    prefix = kecamatan.digits + issued_on.strftime("%d%m%y")
    serial = next_serial(
        NumberSequence.Kind.KK, prefix, floor=_highest_serial(Family, "kk_number", prefix)
    )
    return f"{prefix}{serial:04d}"


RELATIONSHIP_ORDER = {code: i for i, code in enumerate(Relationship.values)}


def kk_order_key(relationship: str, birth_date: Any, nik: str) -> tuple[int, Any, str]:
    """The order a printed KK lists its members: head, spouse, children..., then by age.

    The one definition of that order: snapshots, profile pages, the API and the bulk loader
    (which sorts tuples, with ISO date strings that sort like dates) all use it.
    """
    return (RELATIONSHIP_ORDER.get(relationship, 99), birth_date, nik)


def kk_order(members: Iterable[Resident]) -> list[Resident]:
    return sorted(members, key=lambda r: kk_order_key(r.relationship, r.birth_date, r.nik))


def living_members(family: Family) -> list[Resident]:
    """The family's living members in KK order."""
    return kk_order(family.members.filter(life_status=Resident.LifeStatus.ALIVE))


def _kk_member_row(member: Resident) -> dict[str, Any]:
    row = {name: getattr(member, name) for name in KK_MEMBER_COLUMNS}
    row["birth_date"] = member.birth_date.isoformat()
    return row


def family_snapshot(family: Family) -> dict[str, Any]:
    """What a printed KK shows: the address and the members in KK order."""
    members = living_members(family)
    return {
        "kk_number": family.kk_number,
        "address": family.address,
        "rt": family.rt,
        "rw": family.rw,
        "village_code": family.village.code,
        "head_nik": family.head.nik if family.head_id else None,
        "members": [_kk_member_row(m) for m in members],
    }


@transaction.atomic
def record_family_version(
    family: Family, *, reason: str, actor: Any = None, details: dict[str, Any] | None = None
) -> FamilyVersion:
    """Freezes the family's current state as a new KK version; older versions are kept.

    Call it after every change to a family's members, head, address or number.
    """
    family = Family.objects.select_for_update().get(pk=family.pk)
    family.current_version = F("current_version") + 1
    family.save(update_fields=["current_version", "updated_at"])
    family.refresh_from_db(fields=["current_version"])
    version = FamilyVersion.objects.create(
        family=family,
        version=family.current_version,
        kk_number=family.kk_number,
        reason=reason,
        snapshot=family_snapshot(family),
    )
    record(
        "register.family.changed" if version.version > 1 else "register.family.created",
        actor=actor,
        obj=family,
        details={"version": version.version, "reason": reason, **(details or {})},
    )
    return version


# Fields a printed KK shows for each member: changing one needs a new KK version (the NIK is
# never corrected, so it is not among them).
KK_MEMBER_FIELDS = frozenset(KK_MEMBER_COLUMNS) - {"nik"}
# What staff may correct on a person in the admin; the relationship on the KK changes through
# the KK services (new head, split, new family), with their rules.
CORRECTABLE_RESIDENT_FIELDS = (KK_MEMBER_FIELDS - {"relationship"}) | {
    "ektp_recording",
    "ektp_printed",
}
FAMILY_ADDRESS_FIELDS = ("address", "rt", "rw", "village")


def _version_reason(reason: str) -> str:
    return f"koreksi data: {reason}"[: FamilyVersion._meta.get_field("reason").max_length]


def _apply_correction(
    locked: Model, changes: dict[str, Any], *, allowed: Iterable[str]
) -> list[str]:
    """Sets the fields of a locked row that a staff correction changes and saves them; refuses
    any field outside `allowed`. Returns the changed field names (empty: nothing to do)."""
    refused = set(changes) - set(allowed)
    if refused:
        raise RegisterError(
            "Data ini tidak diubah di sini: %s." % ", ".join(sorted(refused))  # noqa: UP031
        )
    changed = sorted(f for f, v in changes.items() if getattr(locked, f) != v)
    for name in changed:
        setattr(locked, name, changes[name])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    return changed


@transaction.atomic
def correct_resident(
    resident: Resident,
    changes: dict[str, Any],
    *,
    actor: Any,
    reason: str,
    ip_address: str | None = None,
) -> FamilyVersion | None:
    """A staff correction outside an application (the Django admin): the changed fields are
    saved and audited, and when the KK shows one of them, the family gets a new KK version.
    Returns that version, if any. Identity and membership (NIK, KK, relationship, life
    status) change only through the applications and their register effects."""
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    changed = _apply_correction(locked, changes, allowed=CORRECTABLE_RESIDENT_FIELDS)
    if not changed:
        return None
    record(
        "register.resident.corrected",
        actor=actor,
        obj=locked,
        details={"fields": changed, "reason": reason[:200]},
        purpose="Django admin",
        ip_address=ip_address,
    )
    if locked.family_id and KK_MEMBER_FIELDS.intersection(changed):
        return record_family_version(
            locked.family, reason=_version_reason(reason), actor=actor, details={"fields": changed}
        )
    return None


@transaction.atomic
def correct_family_address(
    family: Family,
    changes: dict[str, Any],
    *,
    actor: Any,
    reason: str,
    ip_address: str | None = None,
) -> FamilyVersion | None:
    """A staff correction of a KK's address (the Django admin): the family and its living
    members move together, audited, with a new KK version."""
    locked = Family.objects.select_for_update().get(pk=family.pk)
    changed = _apply_correction(locked, changes, allowed=FAMILY_ADDRESS_FIELDS)
    if not changed:
        return None
    locked.members.filter(life_status=Resident.LifeStatus.ALIVE).update(
        **{name: changes[name] for name in changed}, updated_at=timezone.now()
    )
    record(
        "register.family.corrected",
        actor=actor,
        obj=locked,
        details={"fields": changed, "reason": reason[:200]},
        purpose="Django admin",
        ip_address=ip_address,
    )
    return record_family_version(
        locked, reason=_version_reason(reason), actor=actor, details={"fields": changed}
    )
