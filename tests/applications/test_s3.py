"""The same code on S3-compatible storage (django-storages), as a multi-server deployment
runs it; moto stands in for the object store."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from paksemmok.applications import services
from paksemmok.applications.lifecycle import Status
from tests.cast import birth_answers, client_for, fill_required, variant

pytestmark = pytest.mark.django_db
BUCKET = "paksemmok-uji"


@pytest.fixture
def s3(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "access_key": "testing",
                    "secret_key": "testing",
                    "default_acl": "private",
                    "querystring_auth": True,
                    "file_overwrite": False,
                },
            },
        }
        yield boto3.client("s3", region_name="us-east-1")


def test_uploads_are_stored_private_in_the_bucket_and_served_by_the_view(
    s3, family, agus_user, eko_user
):
    from storages.backends.s3 import S3Storage

    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    fill_required(app, agus_user, birth_answers())
    services.submit_application(app, actor=agus_user)
    assert app.status == Status.SUBMITTED

    doc = app.documents.first()
    assert isinstance(doc.file.storage, S3Storage)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert doc.file.name in keys and len(keys) == app.documents.count()
    acl = s3.get_object_acl(Bucket=BUCKET, Key=doc.file.name)
    assert not [g for g in acl["Grants"] if "AllUsers" in str(g.get("Grantee", {}))]

    url = f"/permohonan/{app.reference}/berkas/{doc.pk}/"
    r = client_for(agus_user).get(url)
    assert r.status_code == 200
    body = b"".join(r.streaming_content)
    assert body == s3.get_object(Bucket=BUCKET, Key=doc.file.name)["Body"].read()
    assert client_for(eko_user).get(url).status_code == 404
