from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import COMMENT_MAX_LENGTH
from .questions import ELEMENTS


class SurveyForm(forms.Form):
    """Nine required radio groups and an optional comment. No value is pre-selected: a
    default answer would be counted as the resident's opinion."""

    comment = forms.CharField(
        label=_("Saran dan masukan (tidak wajib)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        help_text=_("Jangan menuliskan NIK, nomor KK, atau data pribadi lain."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for element in ELEMENTS:
            self.fields[element.field] = forms.TypedChoiceField(
                label=element.question,
                coerce=int,
                widget=forms.RadioSelect,
                choices=element.choices(),
                error_messages={
                    "required": _("Pilih salah satu jawaban."),
                    "invalid_choice": _("Pilih salah satu jawaban yang ada."),
                },
            )
        # The comment last, after the nine questions.
        self.order_fields([e.field for e in ELEMENTS] + ["comment"])

    def questions(self) -> list[tuple[object, forms.BoundField]]:
        return [(element, self[element.field]) for element in ELEMENTS]
