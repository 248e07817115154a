"""PDFs drawn from templates with WeasyPrint, in the State's typeface (the
Marianne fonts shipped with the design system): receipts, exports, letters."""

from pathlib import Path

import dsfr
from django.template.loader import render_to_string

FONTS_DIR = Path(dsfr.__file__).resolve().parent / "static" / "dsfr" / "dist" / "fonts"


def pdf_from_template(template: str, context: dict) -> bytes:
    """The template drawn as a PDF; it finds the fonts at `{{ fonts_dir }}`."""
    from weasyprint import HTML  # imported late: Pango is loaded only when a PDF is drawn

    html = render_to_string(template, {**context, "fonts_dir": FONTS_DIR.as_uri()})
    return HTML(string=html, base_url=str(FONTS_DIR)).write_pdf()
