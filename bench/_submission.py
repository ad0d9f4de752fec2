"""One resident's whole akta kelahiran submission over HTTP, shared by bench/submit.py and
bench/compare.py: the photos, the bench families, a child per submission that the register
rules accept, and the seven requests.

Each submission must be a different child: applications/rules.py refuses a second open
application for a child of the same family born the same day with a similar name
(`birth.open_application`), and name comparison ignores digits ("Anak 1" = "Anak 2"). So
`child(seq)` gives every sequence number its own birth date (and a name made of letters);
callers hand out sequence numbers that never repeat within a family.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

TARGET_KB = 400
DOCS = ("surat_kelahiran", "buku_nikah", "kk", "f201")
# The bench mothers are born in 1988: children are born after them, within these many days
# before today.
MAX_CHILD_AGE_DAYS = 9000
SYLLABLES = ("ba", "di", "ka", "lo", "mu", "ni", "ra", "si", "tu", "wi", "ya", "ge")


def document_photo(seed: int) -> bytes:
    """A 2000x1500 "phone photo of a document" of about 400 KB (what the page uploads after
    shrinking), with sensor-like noise so JPEG cannot squeeze it to nothing."""
    from PIL import Image

    from paksemmok.demo.images import document_image

    base = document_image(2000, 1500, seed=seed)
    noisy = Image.blend(base, Image.effect_noise((2000, 1500), 12).convert("RGB"), 0.05)
    low, high = 30, 95
    for _ in range(8):  # bisect the JPEG quality to land near TARGET_KB
        quality = (low + high) // 2
        out = io.BytesIO()
        noisy.save(out, "JPEG", quality=quality)
        size = len(out.getvalue()) / 1024
        if abs(size - TARGET_KB) < 15:
            break
        low, high = (quality, high) if size < TARGET_KB else (low, quality)
    return out.getvalue()


def bench_operator() -> Any:
    """The operator for every service whose queue and look-ups the benchmarks request (made
    once, kept in the seeded database)."""
    from paksemmok.accounts.models import User

    operator, _ = User.objects.get_or_create(
        username="bench-compare-operator",
        defaults={
            "role": User.Role.OPERATOR,
            "services": ["kk", "ektp", "akta_lahir", "akta_mati", "kia"],
            "first_name": "Bench",
        },
    )
    return operator


def make_families(n: int) -> list:
    """`n` new families (head and wife) in Kudus, each with the head's resident account;
    runs inside Django."""
    from paksemmok.accounts.models import User
    from paksemmok.population.models import Family, Region, Relationship, Resident
    from paksemmok.population.services import generate_kk_number, generate_nik

    village = Region.objects.get(code="33.19.02.1001")
    users = []
    for i in range(n):
        family = Family.objects.create(
            village=village,
            address=f"Jl. Bench {i}",
            rt="001",
            rw="001",
            kk_number=generate_kk_number(village.parent),
        )
        common = {
            "birth_place": "Kudus",
            "religion": "islam",
            "education": "slta",
            "occupation": "Swasta",
            "marital_status": "kawin",
            "village": village,
            "address": family.address,
            "rt": "001",
            "rw": "001",
            "family": family,
            "ektp_recording": "sudah_rekam",
        }
        head = Resident.objects.create(
            nik=generate_nik(village.parent, dt.date(1985, 1, 1), "L"),
            full_name=f"Bench {i}",
            sex="L",
            birth_date=dt.date(1985, 1, 1),
            relationship=Relationship.HEAD,
            **common,
        )
        # The wife: the birth form pre-fills the mother's NIK from the KK.
        Resident.objects.create(
            nik=generate_nik(village.parent, dt.date(1988, 2, 2), "P"),
            full_name=f"Ibu {i}",
            sex="P",
            birth_date=dt.date(1988, 2, 2),
            relationship=Relationship.WIFE,
            **common,
        )
        users.append(
            User.objects.create(
                username=head.nik,
                role=User.Role.RESIDENT,
                resident=head,
                email=f"b{i}@example.invalid",
            )
        )
    return users


def _word(n: int) -> str:
    letters = []
    for _ in range(4):
        n, r = divmod(n, len(SYLLABLES))
        letters.append(SYLLABLES[r])
    return "".join(letters).capitalize()


def child(seq: int, today: dt.date | None = None) -> dict[str, str]:
    """The answers for the `seq`-th child of a bench family: a birth date of its own (up to
    MAX_CHILD_AGE_DAYS sequence numbers) and a name of letters only."""
    today = today or dt.date.today()
    born = today - dt.timedelta(days=1 + seq % MAX_CHILD_AGE_DAYS)
    return {
        "child_name": f"Anak {_word(seq)}",
        "child_sex": "L" if seq % 2 else "P",
        "child_birth_date": born.isoformat(),
        "child_birth_place": "Kudus",
    }


def submit(http: Any, base: str, photos: list[bytes], answers: dict[str, str]) -> str:
    """The seven requests of one submission with `http` (a signed-in requests.Session with a
    CSRF cookie and header): "" when the receipt page is reached, else what failed."""
    r = http.post(
        base + "/permohonan/baru/akta-kelahiran/",
        data={"subject": "newborn"},
        allow_redirects=False,
    )
    parts = r.headers.get("Location", "").strip("/").split("/")
    if r.status_code != 302 or len(parts) < 2:
        return f"draft {r.status_code}"
    ref = parts[1]
    r = http.post(f"{base}/permohonan/{ref}/ubah/", headers={"X-Autosave": "1"}, data=answers)
    if r.status_code >= 400:
        return f"answers {r.status_code}"
    for code, data in zip(DOCS, photos, strict=True):
        r = http.post(
            f"{base}/permohonan/{ref}/unggah/{code}/",
            files={"file": ("f.jpg", data, "image/jpeg")},
            headers={"X-Requested-With": "XMLHttpRequest"},
        )
        if r.status_code != 200:
            return f"upload {r.status_code}"
    r = http.post(f"{base}/permohonan/{ref}/periksa/", allow_redirects=False)
    if r.status_code == 302 and r.headers["Location"].endswith("/tanda-terima/"):
        return ""
    return f"submit {r.status_code}"
