"""Benchmark: issued documents generated (WeasyPrint) and signed (pyHanko, PAdES) per second,
per kind. In process, no database: the documents are built unsaved from realistic data.

    .venv/bin/python bench/issue.py               # 20 of each kind
    .venv/bin/python bench/issue.py --count 50

Reports per kind: median and p95 of render, sign and total milliseconds, documents per
second on one core, and the PDF size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paksemmok.settings")


def members(n: int) -> list[dict]:
    rel = ["Kepala keluarga", "Istri"] + ["Anak"] * (n - 2)
    return [
        {
            "nik": f"33190211{i:02d}900{i:03d}"[:16],
            "full_name": f"Anggota Keluarga {i}",
            "sex": "Laki-laki",
            "birth_place": "Kudus",
            "birth_date": "17-05-1990",
            "religion": "Islam",
            "education": "SLTA/sederajat",
            "occupation": "Karyawan swasta",
            "marital_status": "Kawin",
            "relationship": rel[i],
            "citizenship": "WNI",
            "father_name": "Bapak",
            "mother_name": "Ibu",
        }
        for i in range(n)
    ]


def documents():
    from paksemmok.issuance.models import IssuedDocument

    person = {
        "full_name": "Putri Santoso",
        "nik": "3319025010260001",
        "sex": "Perempuan",
        "birth_place": "Kudus",
        "birth_date": "10-10-2026",
        "father_name": "Agus Santoso",
        "mother_name": "Rina Wati",
        "kk_number": "3319022811260001",
    }
    common = {"signer_name": "Drs. Contoh Pejabat, M.Si.", "signer_nip": "197001011990031001"}
    return {
        "kk (6 members)": IssuedDocument(
            kind="kk",
            number="3319022811260001",
            holder_name="Agus Santoso",
            holder_number="3319022811260001",
            data={
                "version": 3,
                "address": "Jl. Sunan Kudus No. 1",
                "rt": "001",
                "rw": "002",
                "village_name": "Purwosari",
                "kecamatan_name": "Kota Kudus",
                "head_name": "Agus Santoso",
                "members": members(6),
            },
            **common,
        ),
        "akta_kelahiran": IssuedDocument(
            kind="akta_kelahiran",
            number="3319-LT-28112026-0001",
            holder_name="Putri Santoso",
            holder_number=person["nik"],
            data=person,
            **common,
        ),
        "akta_kematian": IssuedDocument(
            kind="akta_kematian",
            number="3319-KM-28112026-0001",
            holder_name="Putri Santoso",
            holder_number=person["nik"],
            data={**person, "death_date": "27-11-2026", "death_place": "RSUD Kudus"},
            **common,
        ),
    }


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="paksemmok-sign-"))
    os.environ["SIGNING_KEY_PATH"] = str(folder / "key.pem")
    os.environ["SIGNING_CERT_PATH"] = str(folder / "cert.pem")
    import django

    django.setup()
    from django.conf import settings

    from paksemmok.issuance.pdf import render_pdf
    from paksemmok.issuance.signing import make_demo_pair, sign_pdf

    make_demo_pair(
        settings.SIGNING_KEY_PATH,
        settings.SIGNING_CERT_PATH,
        common_name="Bench",
        organisation="Bench",
    )
    docs = documents()
    # Warm-up: fonts, Pango, the key.
    sign_pdf(render_pdf(docs["akta_kelahiran"]), reason="x", location="x")
    print(f"{args.count} documents per kind, one process, {os.cpu_count()} CPUs on the machine")
    print(f"{'kind':<18}{'render ms':>18}{'sign ms':>16}{'total ms':>18}{'docs/s':>9}{'KB':>7}")
    for label, doc in docs.items():
        render_ms, sign_ms, total_ms = [], [], []
        size = 0
        for _ in range(args.count):
            t0 = time.perf_counter()
            pdf = render_pdf(doc)
            t1 = time.perf_counter()
            signed = sign_pdf(pdf, reason=label, location="Kudus")
            t2 = time.perf_counter()
            render_ms.append((t1 - t0) * 1000)
            sign_ms.append((t2 - t1) * 1000)
            total_ms.append((t2 - t0) * 1000)
            size = len(signed)
        med = statistics.median
        print(
            f"{label:<18}{med(render_ms):>9.1f} / {pct(render_ms, 0.95):>6.1f}"
            f"{med(sign_ms):>8.1f} / {pct(sign_ms, 0.95):>5.1f}"
            f"{med(total_ms):>9.1f} / {pct(total_ms, 0.95):>6.1f}"
            f"{1000 / statistics.mean(total_ms):>9.1f}{size / 1024:>7.0f}"
        )
    print("(median / p95)")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"goal (issue 14): >= 10 documents/s per core, render + sign; load average {load}")


if __name__ == "__main__":
    main()
