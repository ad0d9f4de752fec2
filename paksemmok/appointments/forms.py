from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from paksemmok.population.models import Region


class NikForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK penduduk"),
        min_length=16,
        max_length=16,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{16}"}
        ),
    )

    def clean_nik(self) -> str:
        nik = "".join(self.cleaned_data["nik"].split())
        if not nik.isdigit() or len(nik) != 16:
            raise forms.ValidationError(_("NIK terdiri dari 16 angka."))
        return nik


class CheckInForm(forms.Form):
    query = forms.CharField(
        label=_("Kode booking atau NIK"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}
        ),
    )


class JemputBolaForm(forms.Form):
    village = forms.ModelChoiceField(
        label=_("Desa/kelurahan"),
        queryset=Region.objects.filter(level=Region.Level.VILLAGE)
        .select_related("parent")
        .order_by("parent__name", "name"),
    )
    date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    opens = forms.TimeField(
        label=_("Mulai"),
        initial=dt.time(8),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    closes = forms.TimeField(
        label=_("Selesai"),
        initial=dt.time(14),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    capacity = forms.IntegerField(label=_("Kuota"), min_value=1, max_value=2000, initial=100)
    minutes_per_recording = forms.IntegerField(
        label=_("Menit per slot"), min_value=5, max_value=240, initial=15
    )
    note = forms.CharField(label=_("Catatan"), max_length=200, required=False)
