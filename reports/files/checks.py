"""What an uploaded file really is, decided from its bytes, and the copy of it
that we keep.

Every file comes from anybody on the internet. Its type is read from its
content (never from its name or the browser's word) and must agree with its
extension; images are decoded and drawn again, which drops their metadata
(GPS position, camera) and anything hidden after the picture; the name the
user gave is kept for display only, cleaned. The antivirus scan comes after,
in a task (services.attachment_scan).
"""

import io
import logging
import os
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from signalconso.refusals import Refused

pillow_heif.register_heif_opener()
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    content_type: str
    extensions: tuple[str, ...]
    image: bool = False


JPEG = Kind("jpeg", "JPEG", "image/jpeg", ("jpg", "jpeg", "jpe", "jfif"), image=True)
PNG = Kind("png", "PNG", "image/png", ("png",), image=True)
GIF = Kind("gif", "GIF", "image/gif", ("gif",), image=True)
HEIC = Kind("heic", "HEIC", "image/heic", ("heic", "heif"), image=True)
PDF = Kind("pdf", "PDF", "application/pdf", ("pdf",))
DOCX = Kind(
    "docx",
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
ODT = Kind("odt", "OpenDocument", "application/vnd.oasis.opendocument.text", ("odt",))
KINDS = (JPEG, PNG, GIF, HEIC, PDF, DOCX, ODT)
ACCEPTED_EXTENSIONS = tuple(f".{ext}" for kind in KINDS for ext in kind.extensions)

# HEIC pictures are kept as JPEG: browsers do not show HEIC.
_STORED_AS = {HEIC.slug: JPEG}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_MAX_NAME_LENGTH = 120


class AttachmentRefused(Refused):
    """The file cannot be accepted; the message says why, naming the file."""


@dataclass(frozen=True)
class Prepared:
    """The copy to store, with what the download needs to know about it."""

    content: File
    name: str  # for display only
    kind: Kind
    size: int


def accepted_formats() -> str:
    return "JPEG, PNG, GIF, HEIC, PDF, Word (docx), OpenDocument (odt)"


def display_name(raw: str) -> str:
    """The user's file name, safe to show: no folders, no control characters."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).lstrip(". ")
    if len(name) > _MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        name = stem[: _MAX_NAME_LENGTH - len(ext)] + ext
    return name


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower().lstrip(".")


def detect(head: bytes, upload) -> Kind | None:
    """The kind of file these first bytes belong to, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    return None


# An office document's parts, inflated, stay far below this; an archive that
# says it holds more is a bomb (a few megabytes inflating to gigabytes).
ARCHIVE_MAX_INFLATED = 100 * 1024 * 1024
# ODT's `mimetype` entry is 39 bytes: no more is ever read of it.
_MIMETYPE_MAX = 64


class ArchiveTooLarge(Exception):
    """The archive says its content inflates beyond ARCHIVE_MAX_INFLATED."""


def _office_kind(upload) -> Kind | None:
    """ODT or DOCX from the archive's directory and a few bytes of one entry,
    never from inflating more than that."""
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if sum(entry.file_size for entry in entries) > ARCHIVE_MAX_INFLATED:
                raise ArchiveTooLarge
            names = {entry.filename for entry in entries}
            if "mimetype" in names and _head(archive, "mimetype").strip() == ODT.content_type.encode():
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, NotImplementedError, zlib.error):
        return None
    return None


def _head(archive: zipfile.ZipFile, name: str) -> bytes:
    """At most _MIMETYPE_MAX + 1 bytes of an entry, whatever its header says:
    zipfile inflates only what it is asked for."""
    with archive.open(name) as entry:
        return entry.read(_MIMETYPE_MAX + 1)


def _has_macros(upload) -> bool:
    with zipfile.ZipFile(upload) as archive:
        return any(
            name.lower().endswith("vbaproject.bin") or name.lower().startswith("basic/") for name in archive.namelist()
        )


def prepare(upload) -> Prepared:
    """Checks one uploaded file and returns the copy to store, or raises
    AttachmentRefused with a message for the person who sent it."""
    name = display_name(getattr(upload, "name", ""))
    shown = name or _("sans nom")
    size = upload.size or 0
    if size == 0:
        raise AttachmentRefused(_("« %(name)s » est vide.") % {"name": shown})
    if size > settings.ATTACHMENT_MAX_SIZE:
        raise AttachmentRefused(
            _("« %(name)s » pèse %(size)s : la limite est de %(max)s par fichier.")
            % {
                "name": shown,
                "size": filesizeformat(size),
                "max": filesizeformat(settings.ATTACHMENT_MAX_SIZE),
            }
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    try:
        kind = detect(head, upload)
    except ArchiveTooLarge:
        raise AttachmentRefused(
            _(
                "« %(name)s » est une archive dont le contenu décompressé serait anormalement grand : "
                "enregistrez le document de nouveau depuis votre traitement de texte, ou envoyez-le en PDF."
            )
            % {"name": shown}
        ) from None
    upload.seek(0)
    if kind is None:
        raise AttachmentRefused(
            _("« %(name)s » n’est pas d’un type accepté. Formats acceptés : %(formats)s.")
            % {"name": shown, "formats": accepted_formats()}
        )
    extension = _extension(name)
    if extension and extension not in kind.extensions:
        raise AttachmentRefused(
            _(
                "Le contenu de « %(name)s » est un fichier %(kind)s, mais son nom se termine "
                "par .%(extension)s : renommez-le en .%(expected)s pour l’envoyer."
            )
            % {
                "name": shown,
                "kind": kind.label,
                "extension": extension,
                "expected": kind.extensions[0],
            }
        )
    if kind in (DOCX, ODT) and _has_macros(upload):
        raise AttachmentRefused(
            _("« %(name)s » contient des macros : enregistrez-le sans macros pour l’envoyer.") % {"name": shown}
        )
    upload.seek(0)
    if kind.image:
        stored_kind = _STORED_AS.get(kind.slug, kind)
        content = _redraw(upload, kind, stored_kind, shown)
    else:
        stored_kind = kind
        content = File(upload)
    # The name shown keeps the user's extension unless the file was converted.
    stem = (os.path.splitext(name)[0] if extension else name) or _("fichier")
    kept = extension if extension and stored_kind is kind else stored_kind.extensions[0]
    name = f"{stem}.{kept}"
    return Prepared(content=content, name=name, kind=stored_kind, size=content.size)


def _too_large(shown: str) -> AttachmentRefused:
    return AttachmentRefused(
        _("« %(name)s » est une image trop grande (plus de %(pixels)s millions de points) : envoyez-la en plus petit.")
        % {"name": shown, "pixels": settings.ATTACHMENT_MAX_PIXELS // 1_000_000}
    )


_GIF_KEPT = ("duration", "loop", "transparency", "background", "disposal")


def _redraw(upload, kind: Kind, stored: Kind, shown: str) -> ContentFile:
    """Decodes the picture and encodes it again with none of its metadata."""
    limit = settings.ATTACHMENT_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            frames = getattr(image, "n_frames", 1)
            if image.width * image.height * frames > limit:
                raise _too_large(shown)
            image.load()
            out = io.BytesIO()
            if stored is GIF:
                # Only what animates the picture goes on; comments and the like do not.
                image.info = {key: image.info[key] for key in _GIF_KEPT if key in image.info}
                image.save(out, format="GIF", save_all=frames > 1, comment=b"")
            else:
                image = ImageOps.exif_transpose(image)
                icc_profile = image.info.get("icc_profile")
                image.info = {}
                if stored is JPEG:
                    if image.mode not in ("RGB", "L", "CMYK"):
                        image = image.convert("RGB")
                    image.save(out, format="JPEG", quality=90, icc_profile=icc_profile, comment=b"")
                else:
                    image.save(out, format="PNG")
    except AttachmentRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(shown) from None
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise AttachmentRefused(
            _("« %(name)s » est une image %(kind)s illisible ou abîmée.") % {"name": shown, "kind": kind.label}
        ) from error
    return ContentFile(out.getvalue())


def stored_files_delete(names) -> None:
    """Deletes files from the storage after their rows are gone: a failure is
    logged, and the orphaned object is harmless (never served)."""
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except Exception:
            logger.exception("could not delete %s from the storage", name)
