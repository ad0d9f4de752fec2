import pytest
from django.core.management import call_command

from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application
from paksemmok.notifications.models import Message


@pytest.mark.django_db
def test_setup_demo_leaves_one_application_waiting_for_staff(kudus, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("setup_demo")
    # The reports demo adds generated history, all of it closed; the walkthrough leaves
    # exactly one application open for the staff demo.
    app = Application.objects.get(
        status__in=[Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED, Status.DRAFT]
    )
    assert app.status == Status.SUBMITTED
    assert app.documents.count() >= 2
    assert not Message.objects.filter(template="status_change").exists()
