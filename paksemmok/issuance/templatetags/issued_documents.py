"""`{% issued_for app user as issued %}`: the issued documents of an application that `user`
may download, for the resident's status page. A template tag, so the applications app (a
lower layer) shows issuance's documents without importing issuance."""

from __future__ import annotations

from typing import Any

from django import template

from ..access import resident_may_download

register = template.Library()


@register.simple_tag
def issued_for(application: Any, user: Any) -> list[Any]:
    documents = application.issued_documents.select_related("application", "family_version")
    return [d for d in documents if resident_may_download(user, d)]
