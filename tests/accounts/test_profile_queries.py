"""The profile reads the resident, the KK and its members in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def register_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "population_" in q["sql"]]


def test_profile_register_reads_do_not_grow_with_the_family(client, resident_user, person):
    client.force_login(resident_user)
    with CaptureQueriesContext(connection) as small:
        assert "SITI AMINAH" in client.get(reverse("accounts:profile")).content.decode()
    for i in range(6):
        ResidentFactory(family=person.family, full_name=f"ANAK KE {i}", relationship="anak")
    with CaptureQueriesContext(connection) as large:
        html = client.get(reverse("accounts:profile")).content.decode()
    assert "ANAK KE 5" in html
    # The resident and the KK's living members, each with village and KK, in one query.
    assert len(register_queries(large)) == len(register_queries(small)) == 1
