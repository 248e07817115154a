"""The content check of an upload against an archive bomb: a 4 MB .docx whose
`mimetype` entry inflates to about 4 GiB (target: refused in under a second,
with under 50 MB of memory beyond the file itself).

    python bench/bench_upload_bomb.py

Prints the time and peak memory of checking the bomb, and of checking an
ordinary .docx of the same size (the reference, measured in the same run),
with the ratio of one to the other.
"""

import os
import sys
import time
import tracemalloc
import zipfile
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signalconso.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from reports.files.checks import AttachmentRefused, prepare  # noqa: E402
from tests.reports.files import office_bomb  # noqa: E402


def ordinary_docx(size: int) -> bytes:
    """A real-looking document of about `size` bytes (random, so it does not compress)."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/image1.png", os.urandom(size))
    return out.getvalue()


def measure(content: bytes) -> tuple[float, int, str]:
    upload = SimpleUploadedFile("document.docx", content)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        prepare(upload)
        outcome = "accepted"
    except AttachmentRefused:
        outcome = "refused"
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, outcome


bomb = office_bomb()
reference = ordinary_docx(len(bomb))
for _ in range(2):  # warm-up
    measure(reference)
ref_time, ref_peak, ref_outcome = min(measure(reference) for _ in range(5))
bomb_time, bomb_peak, bomb_outcome = min(measure(bomb) for _ in range(5))
inflated = zipfile.ZipFile(BytesIO(bomb)).getinfo("mimetype").file_size
print(f"bomb: {len(bomb) / 1e6:.1f} MB, its mimetype entry inflates to {inflated / 2**30:.2f} GiB")
print(f"reference docx check   {ref_time * 1000:8.1f} ms   peak {ref_peak / 2**20:6.1f} MiB   ({ref_outcome})")
print(f"bomb check             {bomb_time * 1000:8.1f} ms   peak {bomb_peak / 2**20:6.1f} MiB   ({bomb_outcome})")
print(f"ratio to the reference {bomb_time / ref_time:8.2f} ×           {bomb_peak / max(ref_peak, 1):6.2f} ×")
print(
    f"targets: under 1 s ({'met' if bomb_time < 1 else 'MISSED'}), under 50 MB ({'met' if bomb_peak < 50e6 else 'MISSED'})"
)
