import pytest

from paksemmok.audit.models import AuditEntry
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_admin_reads_and_changes_of_a_resident_are_audited(admin_client, kudus):
    resident = ResidentFactory(full_name="Sri Wahyuni")
    url = f"/staf/admin/population/resident/{resident.pk}/change/"
    assert admin_client.get(url).status_code == 200
    read = AuditEntry.objects.get(action="personal_data.read", object_id=str(resident.pk))
    assert read.purpose == "Django admin"
    assert read.object_type == "population.resident"
    assert resident.nik not in read.object_label


def test_admin_search_by_nik_and_no_deletion(admin_client, kudus):
    resident = ResidentFactory()
    # The NIK does not stay in the URL: the admin continues with an opaque token.
    response = admin_client.get(
        "/staf/admin/population/resident/", {"q": resident.nik}, follow=True
    )
    assert resident.nik not in response.redirect_chain[-1][0]
    assert response.status_code == 200
    assert resident.full_name in response.content.decode()
    delete = admin_client.get(f"/staf/admin/population/resident/{resident.pk}/delete/")
    assert delete.status_code == 403


def test_admin_search_exact_kk_number_first_then_names(admin_client, kudus):
    head = ResidentFactory(full_name="Sri Wahyuni")
    child = ResidentFactory(family=head.family, full_name="Tono Wahyudi")
    other = ResidentFactory(full_name="Tini Sutini")
    url = "/staf/admin/population/resident/"

    def search(term: str) -> str:
        # Admin searches are posted and come back as an opaque token (no NIK in a URL).
        response = admin_client.post(url, {"_search_post": "1", "q": term}, follow=True)
        assert (
            "~" in response.request["QUERY_STRING"] and term not in response.request["QUERY_STRING"]
        )
        return response.content.decode()

    by_kk = search(head.family.kk_number)
    assert head.full_name in by_kk and child.full_name in by_kk
    assert other.full_name not in by_kk
    by_name = search("wahyu")
    assert head.full_name in by_name and child.full_name in by_name
    assert other.full_name not in by_name
