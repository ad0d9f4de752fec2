"""Demo step: the self-signed signing pair documents are signed with in development."""

from django.core.management import call_command


def signing_key() -> None:
    call_command("make_demo_signing_key")


STEPS = [("issuance.signing_key", signing_key)]
