"""Charts drawn on the server: the geometry of SVG charts, for the templates
to draw (the public statistics, the agents' company page). Every chart is
followed by a table of its figures, which is what screen readers read."""

CHART_WIDTH, CHART_HEIGHT, MARGIN = 640, 220, 36
PLOT_HEIGHT = CHART_HEIGHT - 2 * MARGIN
BASELINE = CHART_HEIGHT - MARGIN
FRAME = {
    "width": CHART_WIDTH,
    "height": CHART_HEIGHT,
    "margin": MARGIN,
    "right": CHART_WIDTH - MARGIN,
    "baseline": BASELINE,
    "label_y": BASELINE + 16,
}


def _slots(count: int) -> list[dict]:
    """Where each of `count` bars stands: its left edge, width and label's centre."""
    width = (CHART_WIDTH - 2 * MARGIN) / max(count, 1)
    return [
        {
            "x": round(MARGIN + index * width + 1, 1),
            "width": round(max(width - 2, 1), 1),
            "label_x": round(MARGIN + index * width + width / 2, 1),
        }
        for index in range(count)
    ]


def bar_chart(months: list[dict]) -> dict:
    """The geometry of the monthly bars (server-drawn SVG)."""
    top = max((m["filed"] for m in months), default=0) or 1
    bars = []
    for index, (month, slot) in enumerate(zip(months, _slots(len(months)), strict=True)):
        height = PLOT_HEIGHT * month["filed"] / top
        bars.append(
            slot
            | {
                "y": round(BASELINE - height, 1),
                "height": round(height, 1),
                "label": month["month"],
                "value": month["filed"],
                "show_label": index % 3 == 0,
            }
        )
    return FRAME | {"bars": bars, "top": top}


def stacked_bar_chart(months: list[dict], series: list[dict]) -> dict:
    """Monthly bars split into `series` (each a dict with a key and a label;
    the stylesheet colours each part by its key), bottom to top; each month
    has a "label" and a count per key."""
    top = max((sum(month[s["key"]] for s in series) for month in months), default=0) or 1
    bars = []
    for month, slot in zip(months, _slots(len(months)), strict=True):
        base, parts = BASELINE, []
        for one in series:
            height = PLOT_HEIGHT * month[one["key"]] / top
            if height:
                parts.append({"y": round(base - height, 1), "height": round(height, 1), "key": one["key"]})
            base -= height
        bars.append(slot | {"parts": parts, "label": month["label"]})
    return FRAME | {"bars": bars, "top": top, "series": series}


def line_chart(months: list[dict], key: str) -> dict:
    """The points of a monthly rate (0 to 100 %), months without a rate skipped."""
    step = (CHART_WIDTH - 2 * MARGIN) / max(len(months) - 1, 1)
    points = []
    for index, month in enumerate(months):
        rate = month.get(key)
        if rate and rate["percent"] is not None:
            y = BASELINE - PLOT_HEIGHT * rate["percent"] / 100
            points.append(
                {
                    "x": round(MARGIN + index * step, 1),
                    "y": round(y, 1),
                    "value": rate["percent"],
                    "label": month["month"],
                }
            )
    grid = [
        {
            "y": round(BASELINE - PLOT_HEIGHT * pct / 100, 1),
            "label": f"{pct} %",
            "label_y": round(BASELINE - PLOT_HEIGHT * pct / 100 + 4, 1),
        }
        for pct in (0, 50, 100)
    ]
    return FRAME | {"points": points, "grid": grid, "path": " ".join(f"{p['x']},{p['y']}" for p in points)}
