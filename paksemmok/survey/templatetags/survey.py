from __future__ import annotations

from typing import Any

from django import template

from paksemmok.survey.services import pending_invitation

register = template.Library()


@register.simple_tag
def survey_pending(application: Any) -> Any:
    """`{% survey_pending app as invitation %}`: the invitation still open to answer."""
    return pending_invitation(application)
