"""The photo quality check: calibrated on the generated labelled set (seed 12, see
bench/uploads.py), held to its promise here on that seed and on a different one; flags reach
the stored document and the operator's review page; the page hands the same thresholds and
probe side to the browser."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image, ImageDraw, ImageFilter

from paksemmok.applications.uploads import (
    PROBE_SIDE,
    QUALITY_THRESHOLDS,
    _to_srgb,
    photo_measures,
    probe,
    quality_flags,
)

from . import hostile_files as hostile
from .quality_set import BAD_KINDS, _table, labelled_set


def flags_of(data: bytes) -> list[str]:
    return quality_flags(photo_measures(probe(_to_srgb(Image.open(io.BytesIO(data))))))


@pytest.mark.parametrize("seed", [12, 99], ids=["calibration", "held-out"])
def test_labelled_set_meets_the_targets(seed):
    """The thresholds still fit the set they were calibrated on, and keep their promise on
    photos they were not fitted to (a change of probe or measure must pass both)."""
    samples = labelled_set(good=60, bad_per_kind=12, seed=seed)
    flagged = [bool(flags_of(s.data)) for s in samples]
    bad = [f for s, f in zip(samples, flagged, strict=True) if s.bad]
    good = [f for s, f in zip(samples, flagged, strict=True) if not s.bad]
    assert sum(bad) / len(bad) >= 0.90
    assert sum(good) / len(good) <= 0.05
    # Every kind of fault is caught, not only the easy ones.
    for kind in BAD_KINDS:
        of_kind = [f for s, f in zip(samples, flagged, strict=True) if s.kind == kind]
        assert sum(of_kind) / len(of_kind) >= 0.75, kind


@pytest.mark.parametrize(
    ("size", "probe_size"),
    [
        ((2000, 1500), (500, 375)),  # what the page sends: a plain 4x4 box average
        ((1500, 2000), (375, 500)),
        ((1000, 750), (500, 375)),  # the labelled set
        ((1200, 900), (500, 375)),
        ((1999, 1333), (500, 333)),  # not a whole factor: reduced, then resized
        ((400, 300), (400, 300)),  # never enlarged
    ],
)
def test_probe_has_the_documented_long_side(size, probe_size):
    """The thresholds only mean something at this scale, and photo-check.js draws its own
    copy at the same side (data-probe-side)."""
    image = Image.new("RGB", size, (200, 180, 160))
    grey = probe(image)
    assert grey.mode == "L" and grey.size == probe_size
    assert max(probe_size) == PROBE_SIDE or max(size) < PROBE_SIDE


def test_the_page_sized_photo_is_probed_without_resampling():
    doc = Image.open(io.BytesIO(hostile.jpeg(hostile.document_image(2000, 1500)))).convert("RGB")
    assert probe(doc).tobytes() == doc.convert("L").reduce(4).tobytes()


def test_the_frame_is_not_an_edge():
    """Pillow's kernel filter passes the outermost pixels through unfiltered; like the browser
    (photo-check.js), the measures count them as no edge at all, whatever their grey."""
    page = Image.new("L", (PROBE_SIDE, PROBE_SIDE * 3 // 4), 230)
    flat = photo_measures(page)
    assert flat["sharpness"] == 0 and flat["doc_share"] == 0
    # A small block of writing in the middle of a light page: the box is the block's, not
    # the frame's.
    ImageDraw.Draw(page).rectangle((200, 150, 299, 224), fill=30)
    block = photo_measures(page)
    assert 0 < block["doc_share"] < 0.1


def test_each_fault_gets_its_own_name():
    doc = hostile.document_image(1000, 750)
    assert flags_of(hostile.jpeg(doc)) == []
    assert flags_of(hostile.jpeg(doc.filter(ImageFilter.GaussianBlur(5)))) == ["blurry"]
    assert "dark" in flags_of(hostile.jpeg(doc.point(lambda v: v // 6)))
    assert "bright" in flags_of(hostile.jpeg(doc.point(lambda v: min(255, v * 3))))
    assert "low_contrast" in flags_of(hostile.jpeg(doc.point(lambda v: 120 + v // 10)))
    far = _table((1000, 750), random.Random(3))  # a document far away on a table
    far.paste(doc.resize((150, 110)), (400, 300))
    # Far away on a plain table the whole photo is also flat: either name asks for a retake.
    assert set(flags_of(hostile.jpeg(far))) & {"small", "low_contrast"}


def test_the_browser_gets_the_same_thresholds():
    from django.template import Context, Template

    html = Template("{% load photo_check %}{% photo_check %}").render(Context())
    assert f'data-probe-side="{PROBE_SIDE}"' in html
    for name, value in QUALITY_THRESHOLDS.items():
        assert f'data-{name.replace("_", "-")}="{value}"' in html
    assert 'data-msg-blurry="Foto buram."' in html and "Ulangi atau tetap kirim?" in html
    assert "<script" not in html


@pytest.mark.django_db
def test_resident_without_script_sees_the_flag_on_the_slot(client, family, agus_user):
    """Sent without the page's script (or "send anyway"): the slot says what the check found."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from paksemmok.applications import services
    from paksemmok.catalog.models import Requirement
    from tests.cast import variant

    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    kk = Requirement.objects.get(variant=app.variant, code="kk")
    dark = hostile.jpeg(hostile.document_image(1200, 900).point(lambda v: v // 6))
    client.force_login(agus_user)
    client.post(
        reverse("applications:upload", args=[app.reference, "kk"]),
        {"file": SimpleUploadedFile("kk.jpg", dark)},
    )
    assert app.documents.get(requirement=kk).quality_flags == ["dark"]
    html = client.get(reverse("applications:edit", args=[app.reference])).content.decode()
    assert 'data-testid="quality-kk"' in html and "Foto terlalu gelap." in html
