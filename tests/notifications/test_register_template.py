import pytest

from paksemmok.notifications.services import TEMPLATES, TemplateSpec, register_template


def test_an_app_registers_its_template_once_and_cannot_redefine_it():
    assert TEMPLATES["survey_invitation"] == TemplateSpec(("reference", "url", "days"))
    register_template("survey_invitation", TemplateSpec(("reference", "url", "days")))
    with pytest.raises(ValueError):
        register_template("survey_invitation", TemplateSpec(("reference",)))
