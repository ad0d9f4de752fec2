"""Hostile and awkward files, made here: PDFs that act (JavaScript, Launch, embedded files,
forms, rich media), a flate bomb, metadata-laden and polyglot JPEGs, huge and unusual images.
Shared by the upload tests, the browser test and bench/uploads.py."""

from __future__ import annotations

import io
import zlib

import pikepdf
from PIL import Image

from paksemmok.demo.images import document_image

__all__ = ["document_image"]  # re-exported: the tests and bench/uploads.py reach it here

PHP = b"<?php system($_GET['c']); ?>"
JS = "app.alert('pwned'); this.exportDataObject({cName: 'x', nLaunch: 2});"


def jpeg(image: Image.Image, **kwargs) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", **kwargs)
    return out.getvalue()


def jpeg_with_segments(image: Image.Image | None = None) -> bytes:
    """A JPEG carrying a PHP comment (COM), XMP (APP1), Photoshop IRB (APP13) and an ICC
    profile (APP2) right after the start marker, and a ZIP appended after the end."""
    base = jpeg(image or document_image())

    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body

    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + PHP + b"</x:xmpmeta>"
    segments = (
        segment(0xFE, PHP)
        + segment(0xE1, xmp)
        + segment(0xED, b"Photoshop 3.0\x00" + PHP)
        + segment(0xEC, b"Ducky" + PHP)
    )
    return base[:2] + segments + base[2:] + b"PK\x03\x04" + PHP


def png(image: Image.Image, **kwargs) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **kwargs)
    return out.getvalue()


def grey16_scan(width: int = 1200, height: int = 900, *, blank: bool = False) -> bytes:
    """A 16-bit greyscale PNG (mode I;16) as flatbed scanners write them."""
    grey = document_image(width, height).convert("L") if not blank else None
    image = Image.new("I;16", (width, height))
    if grey is not None:
        # 8-bit levels spread over 16 bits (x257), as a scanner's 16-bit output would be.
        image = grey.point(lambda v: v * 257, "I").convert("I;16")
    else:
        image = Image.new("I", (width, height), 60000).convert("I;16")
    return png(image)


def blank_page_pdf(pages: int = 1) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for _ in range(pages):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Contents = pdf.make_stream(
            b"BT /F1 24 Tf 72 760 Td (Kartu Keluarga) Tj ET 0 0 1 rg 72 600 200 100 re f"
        )
        page.obj.Resources = pikepdf.Dictionary(
            Font=pikepdf.Dictionary(
                F1=pikepdf.Dictionary(
                    Type=pikepdf.Name.Font,
                    Subtype=pikepdf.Name.Type1,
                    BaseFont=pikepdf.Name.Helvetica,
                )
            )
        )
    return pdf


def save(pdf: pikepdf.Pdf, **kwargs) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **kwargs)
    return out.getvalue()


def js_pdf() -> bytes:
    """JavaScript on open (catalog /OpenAction), in the document's name tree, in a page's
    additional actions and in a link annotation; all inside object streams."""
    pdf = blank_page_pdf()
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=JS))
    pdf.Root.OpenAction = action
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array(["boot", action]))
    )
    page = pdf.pages[0].obj
    page.AA = pikepdf.Dictionary(O=action)
    page.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Link,
                    Rect=[72, 72, 300, 120],
                    A=action,
                )
            ]
        )
    )
    return save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)


def hex_escaped_js_pdf() -> bytes:
    """JavaScript whose names are spelled with #xx escapes (/J#61vaScript), written by hand."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /#4Fpen#41ction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R >>",
        b"<< /S /J#61vaScript /J#53 (app.alert\\('hex'\\)) >>",
        b"<< /Length 23 >>\nstream\n0 0 1 rg 72 600 200 100 re f\nendstream",
    ]
    return raw_pdf(objects)


def raw_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        xref,
    )
    return bytes(out)


def launch_pdf() -> bytes:
    pdf = blank_page_pdf()
    launch = pikepdf.Dictionary(
        S=pikepdf.Name.Launch,
        F=pikepdf.Dictionary(F="cmd.exe"),
        Win=pikepdf.Dictionary(F="cmd.exe", P="/c calc"),
    )
    pdf.Root.OpenAction = pdf.make_indirect(launch)
    pdf.pages[0].obj.Annots = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 595, 842], A=launch
            )
        ]
    )
    return save(pdf)


def embedded_file_pdf() -> bytes:
    """An attached executable (document-level) and a file-attachment annotation."""
    pdf = blank_page_pdf()
    pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00" + PHP)
    spec = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00payload", filename="run.exe")
    pdf.pages[0].obj.Annots = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.FileAttachment,
                Rect=[72, 72, 90, 90],
                FS=spec.obj,
            )
        ]
    )
    return save(pdf)


def form_pdf() -> bytes:
    """An AcroForm with an XFA packet and a field that runs JavaScript on focus, and a
    rich-media annotation."""
    pdf = blank_page_pdf()
    js = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=JS)
    field = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Tx,
            T="nama",
            V="Agus",
            Rect=[72, 700, 300, 720],
            AA=pikepdf.Dictionary(Fo=js),
        )
    )
    rich = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.RichMedia,
        Rect=[72, 300, 300, 500],
        RichMediaContent=pikepdf.Dictionary(Assets=pikepdf.Dictionary()),
        RichMediaSettings=pikepdf.Dictionary(),
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([field, rich])
    pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=pikepdf.Array([field]),
        XFA=pdf.make_stream(b"<xdp:xdp><script>app.alert(1)</script></xdp:xdp>"),
        NeedAppearances=True,
    )
    return save(pdf)


def flate_bomb(inflated: int = 1 << 30) -> bytes:
    """A zlib stream of `inflated` zero bytes in about 1 MB, made without producing them:
    after a full flush each deflate block stands alone, so one block is repeated; the Adler-32
    of n zeros is (n mod 65521) << 16 | 1."""
    chunk = b"\x00" * (1 << 20)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = raw.compress(chunk) + raw.flush(zlib.Z_FULL_FLUSH)
    again = raw.compress(chunk) + raw.flush(zlib.Z_FULL_FLUSH)
    end = raw.flush()
    count = inflated // len(chunk)
    adler = ((count * len(chunk)) % 65521) << 16 | 1
    return b"\x78\xda" + first + again * (count - 1) + end + adler.to_bytes(4, "big")


def flate_bomb_pdf(inflated: int = 1 << 30) -> bytes:
    """A page whose content stream inflates to `inflated` bytes (1 GiB) from about 1 MB."""
    pdf = blank_page_pdf()
    stream = pikepdf.Stream(pdf, flate_bomb(inflated))
    stream.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
    return save(pdf, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)


def owner_password_pdf() -> bytes:
    """Encrypted with an owner password only: every reader opens it without asking."""
    return save(blank_page_pdf(), encryption=pikepdf.Encryption(owner="pemilik", user=""))


def user_password_pdf() -> bytes:
    return save(blank_page_pdf(), encryption=pikepdf.Encryption(owner="pemilik", user="rahasia"))


def polyglot_pdf() -> bytes:
    """A PDF with an HTML page with a script appended after its end: a browser sniffing the
    bytes could render it."""
    return save(blank_page_pdf()) + b"<html><script>alert(document.cookie)</script></html>"
