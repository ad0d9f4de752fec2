"""Indonesian name comparison (population.names): the same name however written, twins
kept apart."""

from __future__ import annotations

import pytest

from paksemmok.population.names import SIMILAR, name_key, name_similarity, similar_names


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nur Hayati", "Nurhayati"),  # spacing
        ("NUR-HAYATI", "nur hayati"),  # case and punctuation
        ("Noor Aini", "Nur Aini"),  # Nur/Noor
        ("Muhammad Rizky", "Moh. Rizki"),  # Muhammad/Moh., final y/i
        ("Mohammad Yusuf", "Muhamad Yusuf"),
        ("Dr. M. Yusuf", "Muhammad Yusuf"),  # title, a leading "M."
        ("Mochammad Ali", "Muhammad Ali"),
        ("Hj. Siti Aminah, S.Pd.", "Siti Aminah"),  # titles before and after
        ("H. Ahmad Dahlan, S.Pd.I", "Ahmad Dahlan"),
        ("Hassan", "Hasan"),  # doubled letters
        ("Putrie Santoso", "Putri Santoso"),
        ("Soekarno", "Sukarno"),  # old spelling
        ("Djoko Tjahjono", "Joko Cahjono"),
    ],
)
def test_the_same_name_written_differently(a, b):
    assert name_similarity(a, b) == 1.0
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Muhammad Hasan", "Muhammad Husain"),  # twins sharing "Muhammad"
        ("Hasan Santoso", "Husain Santoso"),  # twins sharing the family name
        ("Putra Santoso", "Putri Santoso"),
        ("Agus Santoso", "Agus Susanto"),
        ("Siti Aminah", "Siti Fatimah"),
    ],
)
def test_different_people_stay_apart(a, b):
    assert not similar_names(a, b)
    assert name_similarity(a, b) < SIMILAR


def test_small_spelling_differences_are_near():
    assert similar_names("Ahmad Fauzy", "Akhmad Fauzi")
    assert similar_names("Putri Santoso", "Putri Santosa")


def test_empty_names_are_never_similar():
    assert name_similarity("", "") == 0.0
    assert name_similarity("H.", "Hj.") == 0.0
