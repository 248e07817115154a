"""Charts drawn on the server: the geometry of SVG charts, for the templates
to draw (the public statistics, the agents' company page). Every chart is
followed by a table of its figures, which is what screen readers read."""

CHART_WIDTH, CHART_HEIGHT, MARGIN = 640, 220, 36


def bar_chart(months: list[dict]) -> dict:
    """The geometry of the monthly bars (server-drawn SVG)."""
    top = max((m["filed"] for m in months), default=0) or 1
    width = (CHART_WIDTH - 2 * MARGIN) / max(len(months), 1)
    bars = []
    for index, month in enumerate(months):
        height = (CHART_HEIGHT - 2 * MARGIN) * month["filed"] / top
        bars.append({
            "x": round(MARGIN + index * width + 1, 1), "width": round(max(width - 2, 1), 1),
            "y": round(CHART_HEIGHT - MARGIN - height, 1), "height": round(height, 1),
            "label": month["month"], "value": month["filed"],
            "show_label": index % 3 == 0,
            "label_x": round(MARGIN + index * width + width / 2, 1),
        })  # fmt: skip
    return {"bars": bars, "top": top, "width": CHART_WIDTH, "height": CHART_HEIGHT,
            "baseline": CHART_HEIGHT - MARGIN, "margin": MARGIN, "right": CHART_WIDTH - MARGIN,
            "label_y": CHART_HEIGHT - MARGIN + 16}  # fmt: skip


def line_chart(months: list[dict], key: str) -> dict:
    """The points of a monthly rate (0 to 100 %), months without a rate skipped."""
    step = (CHART_WIDTH - 2 * MARGIN) / max(len(months) - 1, 1)
    points = []
    for index, month in enumerate(months):
        rate = month.get(key)
        if rate and rate["percent"] is not None:
            y = CHART_HEIGHT - MARGIN - (CHART_HEIGHT - 2 * MARGIN) * rate["percent"] / 100
            points.append({"x": round(MARGIN + index * step, 1), "y": round(y, 1),
                           "value": rate["percent"], "label": month["month"]})  # fmt: skip
    plot = CHART_HEIGHT - 2 * MARGIN
    grid = [{"y": round(CHART_HEIGHT - MARGIN - plot * pct / 100, 1), "label": f"{pct} %",
             "label_y": round(CHART_HEIGHT - MARGIN - plot * pct / 100 + 4, 1)} for pct in (0, 50, 100)]  # fmt: skip
    return {"points": points, "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            "width": CHART_WIDTH, "height": CHART_HEIGHT, "margin": MARGIN,
            "right": CHART_WIDTH - MARGIN, "grid": grid}  # fmt: skip


def stacked_bar_chart(months: list[dict], series: list[dict]) -> dict:
    """Monthly bars split into `series` (each a dict with key, label and
    colour), bottom to top; each month has a "label" and a count per key."""
    top = max((sum(month[s["key"]] for s in series) for month in months), default=0) or 1
    width = (CHART_WIDTH - 2 * MARGIN) / max(len(months), 1)
    bars = []
    for index, month in enumerate(months):
        base = CHART_HEIGHT - MARGIN
        parts = []
        for one in series:
            height = (CHART_HEIGHT - 2 * MARGIN) * month[one["key"]] / top
            if height:
                parts.append({"y": round(base - height, 1), "height": round(height, 1),
                              "colour": one["colour"]})  # fmt: skip
            base -= height
        bars.append({
            "x": round(MARGIN + index * width + 1, 1), "width": round(max(width - 2, 1), 1),
            "parts": parts, "label": month["label"],
            "label_x": round(MARGIN + index * width + width / 2, 1),
        })  # fmt: skip
    return {"bars": bars, "top": top, "series": series, "width": CHART_WIDTH,
            "height": CHART_HEIGHT, "baseline": CHART_HEIGHT - MARGIN, "margin": MARGIN,
            "right": CHART_WIDTH - MARGIN, "label_y": CHART_HEIGHT - MARGIN + 16}  # fmt: skip
