"""Server-rendered score history chart: an inline SVG polyline (no script; works in PDFs)."""

from decimal import Decimal

from .scoring import SCORE_MAX

WIDTH, HEIGHT, PAD = 640, 240, 32
GRIDLINES = (0, 60, 70, 80, 85, 120)


FONT = 10  # the labels' font size, in the chart's units
# The PDF's chart; a page's chart is drawn for a narrower box with larger labels (a phone shows
# it at 358 px: 640 units would make 10-unit labels under 6 px high) and the page's dates.
PAGE_CHART = {"width": 480, "height": 300, "font": 14, "date_format": "Y-m-d"}


def _grid_labels(grid: list[dict], width: int, font: int = FONT) -> list[dict]:
    """Where each gridline's label goes: left of the chart, or right of it when the label
    would touch the one above it on the left (80 and 85 are 7 units apart)."""
    gap = font + 2  # the labels' height and a little air
    last_left = None
    for line in sorted(grid, key=lambda g: float(g["y"])):
        y = float(line["y"])
        if last_left is not None and y - last_left < gap:
            line.update(x=width - PAD + 4, anchor="start")
        else:
            line.update(x=PAD - 4, anchor="end")
            last_left = y
    return grid


def history_chart(
    ratings,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    font: int = FONT,
    date_format: str = "DATE_FORMAT",
) -> dict | None:
    """Coordinates for the SVG template ``credit/includes/history_chart.svg.html``.

    x spreads the ratings by date; y maps 0..120 points. None without ratings. ``font`` is the
    labels' size in the chart's units, ``date_format`` how the first and last dates are written
    (the documents' language form by default)."""
    ratings = list(ratings)
    if not ratings:
        return None
    first, last = ratings[0].as_of, ratings[-1].as_of
    span = max((last - first).days, 1)
    inner_w, inner_h = width - 2 * PAD, height - 2 * PAD

    def y(value) -> str:
        return f"{PAD + inner_h * (1 - Decimal(value) / SCORE_MAX):.1f}"

    points = []
    for r in ratings:
        x = PAD + inner_w * (r.as_of - first).days / span
        points.append(f"{x:.1f},{y(r.score)}")
    return {
        "width": width,
        "height": height,
        "pad": PAD,
        "right": width - PAD,
        "points": " ".join(points),
        "grid": _grid_labels([{"value": g, "y": y(g)} for g in GRIDLINES], width, font),
        "first": first,
        "last": last,
        "last_x": points[-1].split(",")[0],
        "last_y": points[-1].split(",")[1],
        "bottom": height - PAD + font + 6,
        "font": font,
        "date_format": date_format,
    }
