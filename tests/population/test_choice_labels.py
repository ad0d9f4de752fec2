"""get_FOO_display() on the project's models (paksemmok.db.ChoiceLabels): the same labels
as Django's own, in the active language, translating only the label shown."""

from unittest import mock

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from paksemmok.db import ChoiceLabels
from paksemmok.population.models import Resident

PROJECT_MODELS_WITH_CHOICES = [
    m
    for m in apps.get_models()
    if m.__module__.startswith("paksemmok.") and any(f.choices for f in m._meta.fields)
]


def _choice_fields(model):
    return [f for f in model._meta.fields if f.choices]


def test_every_project_model_with_choices_uses_the_mixin():
    # One mechanism for every model, not a special case for the two hottest.
    assert len(PROJECT_MODELS_WITH_CHOICES) >= 10
    assert all(issubclass(m, ChoiceLabels) for m in PROJECT_MODELS_WITH_CHOICES)


@pytest.mark.parametrize("model", PROJECT_MODELS_WITH_CHOICES, ids=lambda m: m.__name__)
@pytest.mark.parametrize("language", ["id", "en"])
def test_labels_are_djangos_for_every_value_and_language(model, language):
    obj = model()
    with translation.override(language):
        for field in _choice_fields(model):
            for value, _label in field.flatchoices:
                setattr(obj, field.attname, value)
                ours = getattr(obj, f"get_{field.name}_display")()
                djangos = models.Model._get_FIELD_display(obj, field)
                assert ours == djangos, (field.name, value)
            # A value outside the choices shows as itself, as Django's does.
            unknown = -9 if isinstance(field.flatchoices[0][0], int) else "bukan-pilihan"
            setattr(obj, field.attname, unknown)
            assert getattr(obj, f"get_{field.name}_display")() == unknown


def test_english_and_indonesian_labels_differ_where_translated():
    resident = Resident(religion="islam", relationship="kepala")
    with translation.override("id"):
        indonesian = resident.get_relationship_display()
    with translation.override("en"):
        english = resident.get_relationship_display()
    assert indonesian != english


def _translations(call) -> int:
    translation.gettext("x")  # the translation functions are looked up on first use
    trans = translation._trans
    with mock.patch.object(trans, "gettext", wraps=trans.gettext) as gettext:
        call()
    return gettext.call_count


def test_showing_one_label_translates_one_label():
    resident = Resident(education="sd")
    field = Resident._meta.get_field("education")
    resident.get_education_display()  # builds the field's table once
    # Django's own translates every label of the field to find one: the counterexample.
    assert _translations(lambda: models.Model._get_FIELD_display(resident, field)) >= 5
    assert _translations(resident.get_education_display) == 1
