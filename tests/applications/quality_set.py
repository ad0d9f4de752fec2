"""A labelled set of document photos for calibrating the photo quality check: sharp scans and
photos (with the variety real ones have: paper tint, uneven light, noise, slight softness,
document filling part of the frame) against blurred, dark, overexposed, washed-out and
too-distant copies. Deterministic (seeded); small images so tests stay quick."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

from .hostile_files import document_image

BAD_KINDS = ("blurry", "dark", "bright", "low_contrast", "small")


@dataclass
class Sample:
    data: bytes
    bad: bool
    kind: str  # "scan", "photo" or one of BAD_KINDS


def _table(size: tuple[int, int], rng: random.Random) -> Image.Image:
    base = tuple(rng.randint(60, 150) for _ in range(3))
    table = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(table)
    for _ in range(40):  # wood grain / cloth: soft large-scale texture
        y = rng.randint(0, size[1])
        shade = tuple(max(0, min(255, c + rng.randint(-18, 18))) for c in base)
        draw.line(
            [(0, y), (size[0], y + rng.randint(-40, 40))], fill=shade, width=rng.randint(4, 20)
        )
    return table.filter(ImageFilter.GaussianBlur(3))


def _light(image: Image.Image, rng: random.Random) -> Image.Image:
    """Uneven light: a gradient from one side, as from a window."""
    w, h = image.size
    strength = rng.uniform(0.0, 0.35)
    ramp = Image.linear_gradient("L").resize((w, h)).rotate(rng.choice([0, 90, 180, 270]))
    shade = Image.new("RGB", (w, h), (0, 0, 0))
    return Image.composite(image, Image.blend(image, shade, strength), ramp)


def _noise(image: Image.Image, rng: random.Random, amount: float) -> Image.Image:
    grain = Image.effect_noise(image.size, amount).convert("RGB")
    return Image.blend(image, grain, 0.08)


def _photo(rng: random.Random, seed: int, share: float, size=(1000, 750)) -> Image.Image:
    w, h = size
    frame = _table(size, rng)
    side = share**0.5
    dw, dh = max(int(w * side), 60), max(int(h * side), 45)
    doc = document_image(max(dw, 200), max(dh, 150), seed=seed).resize((dw, dh))
    doc = doc.rotate(rng.uniform(-6, 6), expand=True, fillcolor=frame.getpixel((0, 0)))
    x = rng.randint(0, max(w - doc.width, 0))
    y = rng.randint(0, max(h - doc.height, 0))
    frame.paste(doc, (x, y))
    return frame


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def good_sample(rng: random.Random, seed: int) -> Sample:
    if rng.random() < 0.35:
        image = document_image(1000, 750, seed=seed)
        kind = "scan"
    else:
        image = _photo(rng, seed, rng.uniform(0.3, 0.95))
        image = _light(image, rng)
        kind = "photo"
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.8, 1.12))
    image = ImageEnhance.Contrast(image).enhance(rng.uniform(0.75, 1.1))
    if rng.random() < 0.5:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 0.7)))
    image = _noise(image, rng, rng.uniform(5, 30))
    return Sample(_jpeg(image, rng.randint(70, 92)), False, kind)


def bad_sample(rng: random.Random, seed: int, kind: str) -> Sample:
    if kind == "small":
        image = _photo(rng, seed, rng.uniform(0.01, 0.06))
    elif rng.random() < 0.35:
        image = document_image(1000, 750, seed=seed)
    else:
        image = _light(_photo(rng, seed, rng.uniform(0.35, 0.95)), rng)
    if kind == "blurry":
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(2.5, 6)))
    elif kind == "dark":
        image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.08, 0.28))
    elif kind == "bright":
        # Sensor noise comes before the exposure clips to white.
        image = _noise(image, rng, rng.uniform(5, 30))
        image = ImageEnhance.Brightness(image).enhance(rng.uniform(2.2, 4))
        return Sample(_jpeg(image, rng.randint(70, 92)), True, kind)
    elif kind == "low_contrast":
        image = ImageEnhance.Contrast(image).enhance(rng.uniform(0.08, 0.22))
    image = _noise(image, rng, rng.uniform(5, 30))
    return Sample(_jpeg(image, rng.randint(70, 92)), True, kind)


def labelled_set(good: int = 100, bad_per_kind: int = 20, seed: int = 12) -> list[Sample]:
    rng = random.Random(seed)
    samples = [good_sample(rng, 1000 + i) for i in range(good)]
    for kind in BAD_KINDS:
        samples += [bad_sample(rng, 2000 + i, kind) for i in range(bad_per_kind)]
    return samples
