"""Issue 15: the staff API returns a KK change's rows one by one (member, field, register
value, new value) and its approval applies all of them."""

from __future__ import annotations

import pytest

from paksemmok.population.models import FamilyVersion
from tests.cast import submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]


def test_staff_api_lists_each_change_and_approval_applies_them(budi_client, family, agus):
    rows = [
        {"member": "", "field": "education", "value": "sd"},
        {"member": family.dimas.nik, "field": "occupation", "value": "Pelajar"},
    ]
    app = submitted(agus, "kk-perubahan-data", family.sinta, {"changes": rows, "reason": "x"})
    url = f"/api/v1/staff/applications/{app.reference}/"
    assert budi_client.post(f"{url}claim/").status_code == 200
    data = budi_client.get(url).json()
    (answer,) = [a for a in data["answers"] if a["code"] == "changes"]
    assert [(c["member"], c["field"], c["new"]) for c in answer["changes"]] == [
        (family.sinta.nik, "education", "Tamat SD/sederajat"),
        (family.dimas.nik, "occupation", "Pelajar"),
    ]
    assert answer["differs"] and all(c["differs"] for c in answer["changes"])
    versions = FamilyVersion.objects.filter(family=family.kk).count()
    response = budi_client.post(f"{url}decide/", {"decision": "approve"}, format="json")
    assert response.status_code == 200, response.content[:500]
    family.sinta.refresh_from_db()
    family.dimas.refresh_from_db()
    assert (family.sinta.education, family.dimas.occupation) == ("sd", "Pelajar")
    assert FamilyVersion.objects.filter(family=family.kk).count() == versions + 1
