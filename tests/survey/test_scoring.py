"""The index against hand-computed examples, its grade boundaries and its groupings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from paksemmok.catalog.models import Service, Variant
from paksemmok.survey.models import SurveyResponse
from paksemmok.survey.scoring import (
    grade_for,
    ikm,
    ikm_by_period,
    ikm_by_service,
    result_from_sums,
)
from tests.cast import wib

pytestmark = pytest.mark.django_db

# Four respondents, answers u1..u9:
#   R1: 4 4 4 4 4 4 4 4 4
#   R2: 3 3 3 4 3 3 3 3 3
#   R3: 3 2 3 4 4 3 4 2 3
#   R4: 4 3 2 4 3 4 4 3 3
# Sums per element: 14 12 12 16 14 14 15 12 13 (total 122 = 36 + 28 + 28 + 30)
# NRR = sum / 4:   3.50 3.00 3.00 4.00 3.50 3.50 3.75 3.00 3.25 (sum of NRR 30.5)
# NRR tertimbang = NRR x 1/9; IKM unit = 30.5 / 9 = 3.38888...
# Converted = 3.38888... x 25 = 762.5 / 9 = 84.7222... -> 84.72, in 76.61-88.30: B, "Baik".
# (With the printed weight 0.111: 30.5 x 0.111 x 25 = 84.64, the same grade.)
EXAMPLE = [
    (4, 4, 4, 4, 4, 4, 4, 4, 4),
    (3, 3, 3, 4, 3, 3, 3, 3, 3),
    (3, 2, 3, 4, 4, 3, 4, 2, 3),
    (4, 3, 2, 4, 3, 4, 4, 3, 3),
]


def variant(code="kk-hilang-rusak") -> Variant:
    return Variant.objects.select_related("service").get(code=code)


def answer(answers, *, at=None, code="kk-hilang-rusak") -> SurveyResponse:
    v = variant(code)
    return SurveyResponse.objects.create(
        service=v.service,
        variant=v,
        answered_at=at or wib(2026, 3, 10, 9),
        **{f"u{i}": a for i, a in enumerate(answers, start=1)},
    )


def test_the_hand_computed_example():
    for row in EXAMPLE:
        answer(row)
    with CaptureQueriesContext(connection) as queries:
        result = ikm(SurveyResponse.objects.all())
    assert len(queries) == 1  # one aggregate, no loop over rows
    assert result.count == 4
    assert result.nrr == (3.5, 3.0, 3.0, 4.0, 3.5, 3.5, 3.75, 3.0, 3.25)
    assert result.weighted_nrr[0] == pytest.approx(3.5 / 9)
    assert result.ikm_unit == pytest.approx(30.5 / 9)
    assert result.score == 84.72
    assert (result.grade, result.grade_label) == ("B", "Baik")


def test_an_empty_set_has_no_index():
    result = ikm(SurveyResponse.objects.none())
    assert (result.count, result.nrr, result.score, result.grade, result.grade_label) == (
        0,
        None,
        None,
        None,
        None,
    )
    assert result.ikm_unit is None and result.weighted_nrr is None


@pytest.mark.parametrize(
    ("score", "grade", "label"),
    [
        ("100.00", "A", "Sangat Baik"),
        ("88.31", "A", "Sangat Baik"),
        ("88.30", "B", "Baik"),
        ("76.61", "B", "Baik"),
        ("76.60", "C", "Kurang Baik"),
        ("65.00", "C", "Kurang Baik"),
        ("64.99", "D", "Tidak Baik"),
        ("25.00", "D", "Tidak Baik"),
    ],
)
def test_grade_boundaries_follow_the_regulation_table(score, grade, label):
    assert grade_for(Decimal(score)) == (grade, label)


def test_extremes_and_a_score_in_a_gap_of_the_unit_table():
    assert result_from_sums(1, [4] * 9).score == 100.0  # exact 1/9 weight reaches 100
    assert result_from_sums(1, [1] * 9).score == 25.0
    assert result_from_sums(1, [1] * 9).grade == "D"
    # 5000 responses averaging 3.0642 on every element: IKM unit 3.0642 lies between the
    # unit table's 3.064 (C) and 3.0644 (B). Converted: 3.0642 x 25 = 76.605, rounded half
    # up to 76.61 -> B. (Binary floats would give 76.6 here; exact fractions do not.)
    gap = result_from_sums(5000, [15321] * 9)
    assert gap.ikm_unit == pytest.approx(3.0642)
    assert (gap.score, gap.grade) == (76.61, "B")
    # Exactly on the lower edge of B in the unit column (3.0644 -> 76.61).
    assert result_from_sums(2500, [7661] * 9).score == 76.61


def test_by_service_with_overall_last():
    for row in EXAMPLE:
        answer(row)  # KK
    answer((1,) * 9, code="ektp-cetak")
    answer((4,) * 9, code="ektp-cetak", at=wib(2026, 5, 1, 9))  # outside the range
    rows = ikm_by_service(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    by_code = {s.code: r for s, r in rows[:-1]}
    assert set(by_code) == set(
        Service.objects.filter(is_active=True).values_list("code", flat=True)
    )
    assert by_code["kk"].score == 84.72
    assert (by_code["ektp"].count, by_code["ektp"].score, by_code["ektp"].grade) == (1, 25.0, "D")
    assert by_code["kia"].count == 0 and by_code["kia"].score is None
    service, overall = rows[-1]
    # Overall: sums 122 + 9 over 5 responses -> 131 x 25 / 45 = 72.777... -> 72.78, C.
    assert service is None
    assert (overall.count, overall.score, overall.grade) == (5, 72.78, "C")


def test_by_period_counts_local_days_and_fills_empty_months():
    answer(EXAMPLE[0], at=wib(2026, 1, 31, 23, 30))  # 16.30 UTC: still January in Kudus
    answer(EXAMPLE[1], at=wib(2026, 2, 1, 0, 30))  # 31 January 17.30 UTC: February here
    answer(EXAMPLE[2], at=wib(2026, 4, 15, 10))
    months = ikm_by_period(dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    assert [(d, r.count) for d, r in months] == [
        (dt.date(2026, 1, 1), 1),
        (dt.date(2026, 2, 1), 1),
        (dt.date(2026, 3, 1), 0),
        (dt.date(2026, 4, 1), 1),
    ]
    assert months[0][1].score == 100.0 and months[2][1].score is None
    quarters = ikm_by_period(dt.date(2026, 1, 1), dt.date(2026, 6, 30), period="quarter")
    assert [(d, r.count) for d, r in quarters] == [
        (dt.date(2026, 1, 1), 2),
        (dt.date(2026, 4, 1), 1),
    ]
    # R1 + R2: sums 36 + 28 = 64 over 2 -> 64 x 25 / 18 = 88.888... -> 88.89, A.
    assert (quarters[0][1].score, quarters[0][1].grade) == (88.89, "A")
    with pytest.raises(ValueError):
        ikm_by_period(dt.date(2026, 1, 1), dt.date(2026, 6, 30), period="week")
