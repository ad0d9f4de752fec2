"""The look of a typed form photographed on paper: dark strokes in lines on an off-white
page. One drawing for the demo application's documents, the benchmarks' uploads and the
upload and photo-quality tests (whose labelled set is calibrated on it)."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw


def document_image(width: int = 1200, height: int = 900, *, seed: int = 1) -> Image.Image:
    """Lines of dark strokes on paper, scaled to the page's size."""
    image = Image.new("RGB", (width, height), (236, 232, 220))
    rng = random.Random(seed)
    draw = ImageDraw.Draw(image)
    step = max(height // 32, 12)
    for y in range(height // 20, height - height // 20, step):
        x = width // 30
        while x < width - width // 15:
            w = rng.randint(width // 120 + 2, width // 20 + 4)
            draw.rectangle([x, y, x + w, y + step // 2], fill=(30, 30, 40))
            x += w + rng.randint(width // 200 + 2, width // 60 + 4)
    return image
