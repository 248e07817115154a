"""An upload's type comes from its bytes, must agree with its name, and images
are drawn again without their metadata."""

import io
import tracemalloc

import pytest
from PIL import Image

from reports.files.checks import AttachmentRefused, display_name, prepare

from . import files


def prepared(name, content):
    return prepare(files.upload(name, content))


@pytest.mark.parametrize(
    ("name", "content", "kind", "shown"),
    [
        ("photo.jpg", files.image("JPEG"), "jpeg", "photo.jpg"),
        ("Photo.JPEG", files.image("JPEG"), "jpeg", "Photo.jpeg"),
        ("capture.png", files.image("PNG"), "png", "capture.png"),
        ("anim.gif", files.animated_gif(), "gif", "anim.gif"),
        ("IMG_0001.heic", files.heic(), "jpeg", "IMG_0001.jpg"),
        ("facture.pdf", files.pdf(), "pdf", "facture.pdf"),
        ("contrat.docx", files.docx(), "docx", "contrat.docx"),
        ("lettre.odt", files.odt(), "odt", "lettre.odt"),
        ("sans-extension", files.pdf(), "pdf", "sans-extension.pdf"),
    ],
)
def test_accepted_kinds(name, content, kind, shown):
    result = prepared(name, content)
    assert result.kind.slug == kind
    assert result.name == shown
    assert result.size == len(result.content.read()) > 0


def test_a_photo_loses_its_position_and_camera_and_stands_upright():
    result = prepared("vacances.jpg", files.jpeg_with_gps())
    data = result.content.read()
    assert b"CameraMaker" not in data
    assert b"Exif" not in data
    picture = Image.open(io.BytesIO(data))
    assert not picture.getexif()
    # Orientation 6 was applied: the 40×30 picture is now 30×40.
    assert picture.size == (30, 40)


def test_an_animated_gif_keeps_its_frames():
    result = prepared("anim.gif", files.animated_gif())
    assert Image.open(io.BytesIO(result.content.read())).n_frames == 3


def test_a_heic_photo_is_kept_as_jpeg():
    result = prepared("IMG_0001.heic", files.heic())
    assert result.content.read()[:3] == b"\xff\xd8\xff"
    assert result.kind.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.jpg", b"", "« vide.jpg » est vide."),
        ("virus.jpg", files.exe(), "« virus.jpg » n’est pas d’un type accepté"),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n", "n’est pas d’un type accepté"),
        ("capture.jpg", files.image("PNG"), "est un fichier PNG, mais son nom se termine par .jpg"),
        ("facture.exe", files.pdf(), "renommez-le en .pdf"),
        ("bombe.png", files.pixel_bomb(), "image trop grande"),
        ("abime.jpg", files.image("JPEG")[:40], "illisible ou abîmée"),
        ("macro.docx", files.docx({"word/vbaProject.bin": b"x"}), "contient des macros"),
        ("archive.docx", b"PK\x03\x04 not really a zip", "n’est pas d’un type accepté"),
    ],
)
def test_refused_files_say_why(name, content, message):
    with pytest.raises(AttachmentRefused) as refusal:
        prepared(name, content)
    assert message in refusal.value.message


def test_a_file_over_the_limit_is_refused_before_being_read(settings):
    settings.ATTACHMENT_MAX_SIZE = 5 * 1024 * 1024
    with pytest.raises(AttachmentRefused) as refusal:
        prepared("gros.pdf", files.pdf() + b"0" * (6 * 1024 * 1024))
    assert refusal.value.message == ("« gros.pdf » pèse 6,0\xa0Mio : la limite est de 5,0\xa0Mio par fichier.")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("fac\x00ture\n.pdf", "facture.pdf"),
        ("...cache.pdf", "cache.pdf"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
        ("Reçu café.pdf", "Reçu café.pdf"),
    ],
)
def test_the_name_shown_is_cleaned(raw, shown):
    assert display_name(raw) == shown


def test_a_name_with_folders_stays_out_of_the_storage_path():
    result = prepared("../../../etc/cron.d/evil.pdf", files.pdf())
    assert result.name == "evil.pdf"


def test_an_archive_that_inflates_to_gigabytes_is_refused_without_inflating_it():
    bomb = files.office_bomb()  # 4 MB, and 4 GiB once inflated
    assert len(bomb) < 5 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(AttachmentRefused) as refusal:
            prepared("contrat.docx", bomb)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "décompressé" in refusal.value.message
    # The file itself is in memory once or twice; nothing of its inflated content.
    assert peak < 50 * 1024 * 1024


def test_an_archive_lying_about_its_sizes_is_read_a_little_only():
    """A header may claim a small entry that inflates to gigabytes: the check
    reads a few bytes of it, finds them wrong, and refuses the file."""
    bomb = bytearray(files.office_bomb(chunks=64))
    # The local and central headers both claim 10 bytes for `mimetype`.
    for start in (bomb.find(b"PK\x03\x04") + 22, bomb.find(b"PK\x01\x02") + 24):
        bomb[start : start + 4] = (10).to_bytes(4, "little")
    tracemalloc.start()
    try:
        with pytest.raises(AttachmentRefused) as refusal:
            prepared("contrat.docx", bytes(bomb))
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "n’est pas d’un type accepté" in refusal.value.message
    assert peak < 50 * 1024 * 1024


@pytest.mark.parametrize(("name", "fmt"), [("photo.jpg", "JPEG"), ("image.gif", "GIF"), ("capture.png", "PNG")])
def test_a_picture_comment_does_not_survive(name, fmt):
    out = io.BytesIO()
    picture = Image.new("RGB", (20, 20), "teal")
    if fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Comment", "<script>alert(1)</script>")
        picture.save(out, fmt, pnginfo=info)
    else:
        picture.save(out, fmt, comment=b"<script>alert(1)</script>")
    assert b"<script>" in out.getvalue()
    stored = prepared(name, out.getvalue()).content.read()
    assert b"<script>" not in stored
