from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from paksemmok.catalog.fields import field_defs, kk_changes
from paksemmok.catalog.models import Variant


class ApplicationDataForm(forms.Form):
    """The variant's form fields. Nothing is required while a draft is saved; completeness
    is checked at submission. `editable` limits changes after a return to the listed fields."""

    def __init__(
        self,
        variant: Variant,
        *args: Any,
        editable: set[str] | None = None,
        members: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.defs = {f.code: f for f in field_defs(variant.form_fields)}
        # Answers that decide which documents are asked for: the page reloads its upload
        # slots after such a change is saved (static/js/applications.js).
        deciding = {
            r.condition.lstrip("!").split("=")[0] for r in variant.requirements.all() if r.condition
        }
        if any(name.startswith("changes_") for name in deciding):
            deciding.add("changes")
        for code, fdef in self.defs.items():
            field = fdef.form_field()
            if code in deciding:
                field.widget.attrs["data-affects-slots"] = "1"
            if editable is not None and code not in editable:
                field.disabled = True
            if fdef.kind == "changes":
                # The KK's living members a change may be about (NIK, name).
                field.widget.members = members or []
            self.fields[code] = field

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        # A KK change saved in the older one-change shape opens as its first row.
        initial: dict[str, Any] = {"changes": kk_changes(data)} if kk_changes(data) else {}
        for key, value in data.items():
            if key == "changes":
                continue
            if isinstance(value, str) and len(value) == 10 and value[4] == "-":
                try:
                    initial[key] = dt.date.fromisoformat(value)
                    continue
                except ValueError:
                    pass
            initial[key] = value
        return initial


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan (tidak wajib)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
