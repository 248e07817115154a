"""What every XLSX export writes in a cell typed by somebody."""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def safe_cell(value):
    """Text as typed by anybody: never a formula, never a character XLSX refuses."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value[:1] in ("=", "+", "-", "@"):
            value = "'" + value
    return value
