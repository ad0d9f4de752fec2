"""Benchmark: what content disarm and reconstruction costs per file, which JPEG settings to
store photos with, and how well the photo quality check separates good from bad photos.
No database; runs the same functions the upload service calls.

    .venv/bin/python bench/uploads.py             # all three parts
    .venv/bin/python bench/uploads.py --quick     # fewer repetitions and samples

Part 1, encoding settings: document photos re-encoded at several quality / optimize /
progressive settings; mean stored size, PSNR against the decoded pixels (higher is closer) and
encode time. The settings in use are marked.

Part 2, per-file cost: a bare Pillow decode + re-encode (the least any re-encoding server
does) against `clean_image` (draft decoding, mode/colour conversion, blank and quality checks,
resize, encode), the two timed in turn, for photos as the page sends them and as other
clients do; `clean_pdf` (pikepdf rebuild) for plain and hostile PDFs; refusal time of a 1 GiB
flate bomb; rendering one PDF page for the staff viewer.

Part 3, photo quality check: precision and recall on the labelled set the tests generate
(tests/applications/quality_set.py): the calibration seed and a held-out seed.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/queue.py would shadow the standard library's queue module: run from the root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paksemmok.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from PIL import Image, ImageChops, ImageStat  # noqa: E402

from paksemmok.applications import uploads  # noqa: E402
from tests.applications import hostile_files as hostile  # noqa: E402
from tests.applications.quality_set import BAD_KINDS, labelled_set  # noqa: E402


def timed(fn, repeat: int) -> float:
    """Median milliseconds of `repeat` calls (after one warm-up)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def timed_pair(first, second, repeat: int, budget: float = 0.3) -> tuple[float, float]:
    """Median milliseconds of each, called in turn (after one warm-up each): a burst of load
    from other processes, or the allocator's state, then weighs on both, not only on the one
    it lands on, so their ratio stays what the code costs. At least `repeat` rounds, and more
    (up to 5x) while they fit in `budget` seconds: cheap files get a steadier median."""
    first()
    second()
    times: tuple[list[float], list[float]] = ([], [])
    began = time.perf_counter()
    rounds = 0
    while rounds < repeat or (rounds < 5 * repeat and time.perf_counter() - began < budget):
        for fn, out in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
        rounds += 1
    return statistics.median(times[0]), statistics.median(times[1])


def psnr(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    mse = sum(ImageStat.Stat(diff).sum2) / (3 * a.width * a.height)
    return 99.0 if mse == 0 else 10 * __import__("math").log10(255**2 / mse)


def photos(count: int) -> list[Image.Image]:
    """Document photos as the page sends them (2000 px long side), from the labelled set's
    good samples scaled up, so they carry its noise, light and paper."""
    good = [s for s in labelled_set(good=count, bad_per_kind=0, seed=5) if not s.bad]
    return [Image.open(io.BytesIO(s.data)).convert("RGB").resize((2000, 1500)) for s in good]


def part_encoding(repeat: int, count: int) -> None:
    print(f"\n1. JPEG settings for stored photos (2000x1500 document photos, n={count})")
    print(f"{'quality':>7} {'optimize':>8} {'progr.':>6} {'KB':>7} {'PSNR dB':>8} {'encode ms':>9}")
    images = photos(count)
    current = (
        settings.APPLICATIONS_JPEG_QUALITY,
        settings.APPLICATIONS_JPEG_OPTIMIZE,
        settings.APPLICATIONS_JPEG_PROGRESSIVE,
    )
    for quality in (75, 80, 85, 90):
        for optimize, progressive in ((False, False), (True, False), (False, True)):
            sizes, scores, times = [], [], []
            for image in images:

                def encode(image=image, q=quality, o=optimize, p=progressive) -> bytes:
                    out = io.BytesIO()
                    image.save(out, "JPEG", quality=q, optimize=o, progressive=p)
                    return out.getvalue()

                data = encode()
                sizes.append(len(data) / 1024)
                scores.append(psnr(image, Image.open(io.BytesIO(data))))
                times.append(timed(encode, repeat))
            mark = "  <- in use" if (quality, optimize, progressive) == current else ""
            print(
                f"{quality:>7} {optimize!s:>8} {progressive!s:>6} "
                f"{statistics.mean(sizes):>7.0f} {statistics.mean(scores):>8.2f} "
                f"{statistics.median(times):>9.1f}{mark}"
            )


def bare(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.load()
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=settings.APPLICATIONS_JPEG_QUALITY)
    return out.getvalue()


def part_cost(repeat: int) -> None:
    print("\n2. Per-file cost of reconstruction (median ms)")
    doc = hostile.document_image(2000, 1500)
    cases = [
        ("photo 2000x1500 (page-shrunk)", hostile.jpeg(doc, quality=85)),
        ("photo 4000x3000 JPEG (no script)", hostile.jpeg(doc.resize((4000, 3000)), quality=90)),
        ("photo 8660x5774 (50 MP)", hostile.jpeg(doc.resize((8660, 5774)), quality=80)),
        ("scan 16-bit grey PNG 1200x900", hostile.grey16_scan()),
        ("JPEG with COM/APPn + appended ZIP", hostile.jpeg_with_segments(doc)),
    ]
    print(f"{'file':<36} {'KB':>6} {'bare dec+enc':>12} {'clean_image':>11} {'ratio':>6}")
    for label, data in cases:
        base, clean = timed_pair(
            lambda data=data: bare(data), lambda data=data: uploads.clean_image(data), repeat
        )
        print(
            f"{label:<36} {len(data) // 1024:>6} {base:>12.1f} {clean:>11.1f} {clean / base:>6.2f}"
        )

    image = uploads._to_srgb(Image.open(io.BytesIO(cases[0][1])))
    full = timed(lambda: ImageStat.Stat(image.convert("L")).stddev, repeat)
    probe = timed(lambda: uploads.probe(image), repeat)
    small = uploads.probe(image)
    # The same whole factor clean_image takes down to about BLANK_SIDE.
    factor = max(round(max(small.size) / uploads.BLANK_SIDE), 1)
    thumb = timed(lambda: ImageStat.Stat(small.reduce(factor)).stddev, repeat)
    measures = timed(lambda: uploads.quality_flags(uploads.photo_measures(small)), repeat)
    print(
        f"  2000x1500: blank check on the full image {full:.1f} ms; on the {small.width}x"
        f"{small.height} probe: make probe {probe:.1f} ms + blank {thumb:.2f} ms; quality "
        f"measures {measures:.1f} ms"
    )

    pdfs = [
        ("PDF 1 page, text", hostile.save(hostile.blank_page_pdf())),
        ("PDF 10 pages, text", hostile.save(hostile.blank_page_pdf(10))),
        ("PDF JavaScript in object streams", hostile.js_pdf()),
        ("PDF form + XFA + rich media", hostile.form_pdf()),
        ("PDF owner password only", hostile.owner_password_pdf()),
    ]
    print(f"{'file':<36} {'KB':>6} {'clean_pdf':>11}")
    for label, data in pdfs:
        cost = timed(lambda data=data: uploads.clean_pdf(data), repeat)
        print(f"{label:<36} {len(data) // 1024:>6} {cost:>11.1f}")
    bomb = hostile.flate_bomb_pdf(1 << 30)
    start = time.perf_counter()
    try:
        uploads.clean_pdf(bomb)
        outcome = "ACCEPTED (wrong)"
    except uploads.UploadRejected as exc:
        outcome = f"refused ({exc.code})"
    print(
        f"  flate bomb, {len(bomb) // 1024} KB inflating to 1 GiB: {outcome} in "
        f"{(time.perf_counter() - start) * 1000:.0f} ms"
    )

    import pypdfium2 as pdfium

    rebuilt = uploads.clean_pdf(hostile.js_pdf()).content

    def render() -> None:
        pdf = pdfium.PdfDocument(rebuilt)
        page = pdf[0]
        scale = settings.APPLICATIONS_PDF_VIEW_WIDTH / page.get_size()[0]
        out = io.BytesIO()
        page.render(scale=scale).to_pil().convert("RGB").save(out, "JPEG", quality=85)
        pdf.close()

    print(f"  one PDF page rendered for staff (1400 px wide JPEG): {timed(render, repeat):.1f} ms")


def part_quality(quick: bool) -> None:
    print("\n3. Photo quality check (labelled set from tests/applications/quality_set.py)")
    sizes = (60, 12) if quick else (150, 30)
    for name, seed in (("calibration", 12), ("held-out", 99)):
        samples = labelled_set(good=sizes[0], bad_per_kind=sizes[1], seed=seed)
        flagged = []
        start = time.perf_counter()
        for s in samples:
            image = uploads._to_srgb(Image.open(io.BytesIO(s.data)))
            flagged.append(
                bool(uploads.quality_flags(uploads.photo_measures(uploads.probe(image))))
            )
        per = (time.perf_counter() - start) * 1000 / len(samples)
        tp = sum(1 for s, f in zip(samples, flagged, strict=True) if s.bad and f)
        fp = sum(1 for s, f in zip(samples, flagged, strict=True) if not s.bad and f)
        bad = sum(1 for s in samples if s.bad)
        good = len(samples) - bad
        precision = tp / (tp + fp) if tp + fp else 1.0
        print(
            f"  {name} (seed {seed}): {good} good, {bad} bad: recall {tp / bad:.1%} "
            f"(goal >= 90%), false alarms {fp / good:.1%} (goal <= 5%), precision "
            f"{precision:.1%}; {per:.1f} ms per photo incl. decode"
        )
        by_kind = []
        for kind in BAD_KINDS:
            idx = [i for i, s in enumerate(samples) if s.kind == kind]
            by_kind.append(f"{kind} {sum(flagged[i] for i in idx)}/{len(idx)}")
        print("    caught by kind: " + ", ".join(by_kind))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    print(f"bench/uploads.py on {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    part_encoding(repeat, 4 if args.quick else 8)
    part_cost(repeat)
    part_quality(args.quick)


if __name__ == "__main__":
    main()
