"""Comparing Indonesian personal names, for finding people registered twice.

Pure functions, no database:

    name_key(name) -> str            the name reduced to what identifies it ("muhamadrizki")
    name_similarity(a, b) -> float   0.0 .. 1.0 on those keys
    similar_names(a, b, threshold=SIMILAR) -> bool

What the reduction forgives, because registers and forms write the same name these ways:
- case, punctuation and spacing: "Nur Hayati" = "Nurhayati" = "NUR-HAYATI";
- titles and degrees before or after the name: H., Hj., KH., Dr., dr., Drs., Ir., Prof.,
  S.Pd., S.Pd.I., S.H., S.E., S.Kom., M.Pd., M.Si., A.Md. ...;
- the usual spellings of Muhammad (Muhamad, Mohammad, Mohamad, Mochammad, Moch., Moh., Muh.,
  Mhd., a leading "M.") and of Nur (Noor, Nuur);
- the old spelling (ejaan lama): oe -> u, dj -> j, tj -> c, sj -> sy, ch -> kh;
- doubled letters ("Hassan" = "Hasan", "Fitrri") and a final y or ie written for i
  ("Rizky" = "Rizki", "Putrie" = "Putri").

Twins are often named alike ("Muhammad Hasan" / "Muhammad Husain", "Hasan Santoso" /
"Husain Santoso"): names with as many parts are compared part by part and the least similar
part decides; otherwise very common parts (Muhammad, Nur, Siti, Abdul, Ahmad...) are left
out when something else remains, and the threshold is high.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# At or above this the names are taken as the same person's (with the same birth date and
# family or mother). Below it: twins "Putra"/"Putri" (0.8), "Hasan"/"Husain" (0.73).
SIMILAR = 0.85
# The review panel shows near matches from this score (staff judge them).
NEAR = 0.75

TITLES = {
    "h",
    "hj",
    "kh",
    "hc",
    "dr",
    "drs",
    "dra",
    "ir",
    "prof",
    "st",
    "ust",
    "ustadz",
    "ustadzah",
    "spd",
    "spdi",
    "sag",
    "sh",
    "shi",
    "se",
    "sei",
    "skom",
    "sked",
    "ssi",
    "sos",
    "ssos",
    "sip",
    "sp",
    "mpd",
    "msi",
    "mh",
    "mm",
    "mkes",
    "mag",
    "amd",
    "amdkeb",
    "amdkep",
    "skep",
    "ns",
    "bsc",
    "ma",
    "phd",
    "spog",
    "spa",
}
MUHAMMAD = {
    "muhammad",
    "muhamad",
    "muhammed",
    "mohammad",
    "mohamad",
    "mohammed",
    "mochammad",
    "mochamad",
    "mokhammad",
    "muchammad",
    "muchamad",
    "moch",
    "moh",
    "muh",
    "mhd",
    "md",
    "mukhammad",
}
NUR = {"nur", "noor", "nuur", "nurr", "noer"}
# Name parts too common to tell two people apart on their own.
COMMON = {"muhammad", "nur", "siti", "abdul", "abdi", "ahmad", "akhmad", "dewi", "sri", "putri"}
OLD_SPELLING = [("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("ch", "kh")]


def _tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    # "S.Pd.I" and "A.Md.Keb" are one title: join dotted letter groups before splitting.
    text = re.sub(r"(?<=[a-z])\.(?=[a-z])", "", text)
    parts = [p for p in re.split(r"[^a-z]+", text) if p]
    parts = [p for p in parts if p not in TITLES]
    tokens: list[str] = []
    for i, part in enumerate(parts):
        if part in MUHAMMAD or (part == "m" and i == 0 and len(parts) > 1):
            tokens.append("muhammad")
            continue
        if part in NUR:
            tokens.append("nur")
            continue
        tokens.append(_spelling(part))
    return tokens


def _spelling(part: str) -> str:
    for old, new in OLD_SPELLING:
        part = part.replace(old, new)
    part = re.sub(r"(.)\1+", r"\1", part)
    if part.endswith("ie") and len(part) > 3:
        part = part[:-2] + "i"
    elif part.endswith("y") and len(part) > 2 and part[-2] not in "aeiou":
        part = part[:-1] + "i"
    return part


def name_key(name: str) -> str:
    """The whole name, reduced and without spaces: equal keys are the same name."""
    return "".join(_tokens(name))


def _distinctive(name: str) -> str:
    tokens = _tokens(name)
    rest = [t for t in tokens if t not in COMMON]
    return "".join(rest or tokens)


def name_similarity(a: str, b: str) -> float:
    """1.0 for the same name however written; lower as the distinctive parts differ."""
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b:
        return 0.0
    if key_a == key_b:
        return 1.0
    tokens_a, tokens_b = _tokens(a), _tokens(b)
    if len(tokens_a) == len(tokens_b):
        # Part by part, the weakest decides: twins share a family name or a "Muhammad" and
        # differ in one part ("Hasan Santoso" / "Husain Santoso").
        return round(
            min(
                SequenceMatcher(None, x, y).ratio() for x, y in zip(tokens_a, tokens_b, strict=True)
            ),
            3,
        )
    whole = SequenceMatcher(None, key_a, key_b).ratio()
    part = SequenceMatcher(None, _distinctive(a), _distinctive(b)).ratio()
    # Both must agree: a shared "Muhammad" must not make two people one.
    return round(min(whole, part), 3)


def similar_names(a: str, b: str, threshold: float = SIMILAR) -> bool:
    return name_similarity(a, b) >= threshold
