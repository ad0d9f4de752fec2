"""The nine elements (unsur) of PermenPANRB No. 14 Tahun 2017 and the questionnaire's wording.

The regulation lists the elements in this order (a. Persyaratan ... i. Sarana dan prasarana);
its sample questionnaire asks about facilities before complaint handling. We keep the
regulation's element order everywhere (u1..u9, figures), so a report reads like the table
in the regulation. Each answer is a perception value 1-4; the labels are the regulation's
own, from "tidak ..." (1) to "sangat ..." (4).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

VALUES = (1, 2, 3, 4)
# "Sesuai" alone is translated elsewhere as "OK"; here it is a degree of fit.
SESUAI = pgettext_lazy("survei", "Sesuai")


@dataclass(frozen=True)
class Element:
    field: str  # SurveyResponse field holding the answer
    name: Promise
    question: Promise
    labels: tuple[Promise, Promise, Promise, Promise]  # for the values 1, 2, 3, 4

    def choices(self) -> list[tuple[int, Promise]]:
        return list(zip(VALUES, self.labels, strict=True))


ELEMENTS: tuple[Element, ...] = (
    Element(
        "u1",
        _("Persyaratan"),
        _(
            "Bagaimana pendapat Anda tentang kesesuaian persyaratan pelayanan dengan jenis "
            "pelayanannya?"
        ),
        (_("Tidak sesuai"), _("Kurang sesuai"), SESUAI, _("Sangat sesuai")),
    ),
    Element(
        "u2",
        _("Sistem, mekanisme, dan prosedur"),
        _("Bagaimana pemahaman Anda tentang kemudahan prosedur pelayanan?"),
        (_("Tidak mudah"), _("Kurang mudah"), _("Mudah"), _("Sangat mudah")),
    ),
    Element(
        "u3",
        _("Waktu penyelesaian"),
        _("Bagaimana pendapat Anda tentang kecepatan waktu dalam memberikan pelayanan?"),
        (_("Tidak cepat"), _("Kurang cepat"), _("Cepat"), _("Sangat cepat")),
    ),
    Element(
        "u4",
        _("Biaya/tarif"),
        _("Bagaimana pendapat Anda tentang kewajaran biaya/tarif dalam pelayanan?"),
        (_("Sangat mahal"), _("Cukup mahal"), _("Murah"), _("Gratis")),
    ),
    Element(
        "u5",
        _("Produk spesifikasi jenis pelayanan"),
        _(
            "Bagaimana pendapat Anda tentang kesesuaian produk pelayanan antara yang "
            "tercantum dalam standar pelayanan dengan hasil yang diberikan?"
        ),
        (_("Tidak sesuai"), _("Kurang sesuai"), SESUAI, _("Sangat sesuai")),
    ),
    Element(
        "u6",
        _("Kompetensi pelaksana"),
        _("Bagaimana pendapat Anda tentang kompetensi/kemampuan petugas dalam pelayanan?"),
        (_("Tidak kompeten"), _("Kurang kompeten"), _("Kompeten"), _("Sangat kompeten")),
    ),
    Element(
        "u7",
        _("Perilaku pelaksana"),
        _(
            "Bagaimana pendapat Anda tentang perilaku petugas dalam pelayanan terkait "
            "kesopanan dan keramahan?"
        ),
        (
            _("Tidak sopan dan ramah"),
            _("Kurang sopan dan ramah"),
            _("Sopan dan ramah"),
            _("Sangat sopan dan ramah"),
        ),
    ),
    Element(
        "u8",
        _("Penanganan pengaduan, saran dan masukan"),
        _("Bagaimana pendapat Anda tentang penanganan pengaduan pengguna layanan?"),
        (
            _("Tidak ada"),
            _("Ada tetapi tidak berfungsi"),
            _("Berfungsi kurang maksimal"),
            _("Dikelola dengan baik"),
        ),
    ),
    Element(
        "u9",
        _("Sarana dan prasarana"),
        _(
            "Bagaimana pendapat Anda tentang kualitas sarana dan prasarana (termasuk situs "
            "layanan daring ini)?"
        ),
        (_("Buruk"), _("Cukup"), _("Baik"), _("Sangat baik")),
    ),
)

FIELDS: tuple[str, ...] = tuple(e.field for e in ELEMENTS)
