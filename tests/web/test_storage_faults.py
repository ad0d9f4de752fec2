"""Fault injection on the file store: a full disk or an unreachable store leaves no file
behind and tells the resident, on the page and in the API, in Indonesian with a code."""

from __future__ import annotations

import errno
import os
import stat

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from paksemmok import storage as storage_module
from paksemmok.applications import services
from paksemmok.applications.models import ApplicationDocument
from paksemmok.catalog.models import Requirement
from paksemmok.storage import StorageUnavailable
from tests.cast import account_for, photo_bytes, variant


def files_under(root) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
    )


@pytest.fixture
def disk_full_after(monkeypatch):
    """The disk fills up after `n` bytes of a file were written."""

    def arm(n: int) -> None:
        written = {"bytes": 0}
        real = storage_module._write_chunk

        def write(handle, chunk):
            room = n - written["bytes"]
            if room < len(chunk):
                real(handle, chunk[: max(room, 0)])
                raise OSError(errno.ENOSPC, "No space left on device")
            written["bytes"] += len(chunk)
            real(handle, chunk)

        monkeypatch.setattr(storage_module, "_write_chunk", write)

    return arm


def test_a_saved_file_is_whole_private_and_alone(private_media):
    name = default_storage.save("uploads/a.bin", ContentFile(b"x" * 100_000))
    path = private_media / name
    assert path.read_bytes() == b"x" * 100_000
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert files_under(private_media) == [name]


def test_same_name_twice_never_overwrites(private_media):
    first = default_storage.save("uploads/a.bin", ContentFile(b"first"))
    second = default_storage.save("uploads/a.bin", ContentFile(b"second"))
    assert first != second
    assert (private_media / first).read_bytes() == b"first"
    assert (private_media / second).read_bytes() == b"second"


def test_disk_full_mid_write_leaves_no_fragment(private_media, disk_full_after):
    disk_full_after(50_000)
    with pytest.raises(OSError):
        default_storage.save("uploads/a.bin", ContentFile(b"x" * 983_040))
    assert files_under(private_media) == []


@pytest.mark.django_db
def test_upload_on_a_full_disk_says_so_and_stores_nothing(
    family, private_media, disk_full_after, client
):
    agus = account_for(family.agus, email="agus@example.id", contact_verified=True)
    app = services.create_draft(applicant=agus, variant=variant("ektp-cetak"), subject=family.agus)
    requirement = Requirement.objects.get(variant=app.variant, code="kk")
    disk_full_after(1000)
    with pytest.raises(StorageUnavailable) as caught:
        services.attach_document(
            app, requirement, SimpleUploadedFile("kk.jpg", photo_bytes()), actor=agus
        )
    assert caught.value.code == "storage_full"
    assert not ApplicationDocument.objects.exists()
    assert files_under(private_media) == []

    # The page (script upload) shows the message in the slot, with 503.
    client.force_login(agus)
    response = client.post(
        reverse("applications:upload", args=[app.reference, "kk"]),
        {"file": SimpleUploadedFile("kk.jpg", photo_bytes())},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 503
    assert "penyimpanan server sedang penuh" in response.content.decode()
    # The API answers with a code and Retry-After.
    response = client.post(
        f"/api/v1/applications/{app.reference}/documents/",
        {"requirement": "kk", "file": SimpleUploadedFile("kk.jpg", photo_bytes())},
    )
    assert response.status_code == 503
    assert response.json()["code"] == "storage_full"
    assert response["Retry-After"]
    assert files_under(private_media) == []
    assert not ApplicationDocument.objects.exists()


@pytest.mark.django_db
def test_unreachable_bucket_is_storage_unavailable(family, monkeypatch):
    from botocore.exceptions import EndpointConnectionError

    agus = account_for(family.agus, email="agus@example.id", contact_verified=True)
    app = services.create_draft(applicant=agus, variant=variant("ektp-cetak"), subject=family.agus)
    requirement = Requirement.objects.get(variant=app.variant, code="kk")

    def down(self, name, content):
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:1")

    monkeypatch.setattr(storage_module.PrivateFileSystemStorage, "_save", down)
    with pytest.raises(StorageUnavailable) as caught:
        services.attach_document(
            app, requirement, SimpleUploadedFile("kk.jpg", photo_bytes()), actor=agus
        )
    assert caught.value.code == "storage_unavailable"
    assert "tidak dapat dihubungi" in str(caught.value)


@pytest.mark.django_db
def test_healthz_on_a_full_disk_leaves_no_probe_file(client, private_media, disk_full_after):
    disk_full_after(0)
    for _ in range(3):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["checks"]["storage"]["ok"] is False
    assert files_under(private_media) == []
