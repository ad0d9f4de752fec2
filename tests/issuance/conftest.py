"""Issuance tests reuse the applications cast (the Santoso family) and sign with a demo pair
made once per session in a temporary folder."""

from __future__ import annotations

import pytest

from paksemmok.issuance.signing import make_demo_pair
from tests.applications.conftest import (  # noqa: F401  (fixtures used by name)
    Family,
    account_for,
    agus_user,
    catalogue,
    eko_user,
    family,
    operator,
)


@pytest.fixture(scope="session")
def signing_pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signing")
    key, cert = folder / "key.pem", folder / "cert.pem"
    make_demo_pair(key, cert, common_name="Drs. Uji Pejabat", organisation="Disdukcapil Uji")
    return key, cert


@pytest.fixture(autouse=True)
def signing_settings(settings, signing_pair):
    settings.SIGNING_KEY_PATH, settings.SIGNING_CERT_PATH = signing_pair
    settings.SIGNER_NAME = "Drs. Uji Pejabat, M.Si."
    settings.SIGNER_NIP = "197001011990031001"
    settings.SITE_URL = "https://paksemmok.example.id"
    return settings
