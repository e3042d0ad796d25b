"""Placing text labels on a scatter so that no label lies on another or on a dot (each label
tries its places in turn), and wrapping long category labels for a slide."""

from __future__ import annotations

import textwrap

from monitor.text import chart as chart_text

# Where a point's label may go, tried in this order; (dx, dy) of the label's centre from the
# point in units of (half the label's width, half its height), screen y upwards.
LABEL_PLACES = {"top center": (0, 1), "bottom center": (0, -1), "middle right": (1, 0),
                "middle left": (-1, 0), "top right": (1, 1), "top left": (-1, 1),
                "bottom right": (1, -1), "bottom left": (-1, -1)}


def label_boxes(xs, ys, texts, places, *, width_px: float, height_px: float,
                font_px: float, x_range=(0, 105), y_range=(0, 105)) -> list[tuple]:
    """Each label's box (left, bottom, right, top) in plot pixels, for a scatter drawn
    `width_px` x `height_px` over the axis ranges (text widths estimated from the font)."""
    boxes = []
    for x, y, text, place in zip(xs, ys, texts, places, strict=True):
        px = (x - x_range[0]) / (x_range[1] - x_range[0]) * width_px
        py = (y - y_range[0]) / (y_range[1] - y_range[0]) * height_px
        w, h = 0.56 * font_px * len(str(text)), 1.25 * font_px
        dx, dy = LABEL_PLACES[place]
        cx, cy = px + dx * (w / 2 + 8), py + dy * (h / 2 + 8)
        boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return boxes


def _overlap(a: tuple, b: tuple) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def place_labels(xs, ys, texts, *, width_px: float, height_px: float,
                 font_px: float, others=()) -> list[str]:
    """A text position per point such that labels overlap neither each other nor the points
    (greedy, crowded points first; the least overlap where nothing is free). `others`: the
    (x, y) of points drawn without a label, which a label avoids too."""
    xs, ys = list(map(float, xs)), list(map(float, ys))
    centres = [(x / 105 * width_px, y / 105 * height_px) for x, y in zip(xs, ys, strict=True)]
    # A point's marker as a small box around it (the unlabelled after the labelled).
    markers = [(cx - 7, cy - 7, cx + 7, cy + 7) for cx, cy in centres + [
        (float(x) / 105 * width_px, float(y) / 105 * height_px) for x, y in others]]
    crowd = [sum(1 for c in centres if abs(c[0] - o[0]) + abs(c[1] - o[1]) < 120)
             for o in centres]
    order = sorted(range(len(xs)), key=lambda i: (-crowd[i], -ys[i], xs[i]))
    chosen: dict[int, str] = {}
    placed: list[tuple] = []
    for i in order:
        best, best_cost = "top center", float("inf")
        for place in LABEL_PLACES:
            box = label_boxes([xs[i]], [ys[i]], [texts[i]], [place], width_px=width_px,
                              height_px=height_px, font_px=font_px)[0]
            cost = sum(_overlap(box, other) for other in placed)
            cost += sum(_overlap(box, m) for j, m in enumerate(markers) if j != i)
            # Off the plot counts as overlap too.
            cost += max(0.0, -box[0]) * 50 + max(0.0, box[2] - width_px) * 50
            if cost < best_cost:
                best, best_cost = place, cost
            if cost == 0:
                break
        chosen[i] = best
        placed.append(label_boxes([xs[i]], [ys[i]], [texts[i]], [best], width_px=width_px,
                                  height_px=height_px, font_px=font_px)[0])
    return [chosen[i] for i in range(len(xs))]


def _wrapped(label: str, width: int = 48) -> str:
    """A category's label as text (its tags shown, not drawn), on lines of about `width`
    characters: a long indicator name takes two lines, not half the slide."""

    return "<br>".join(chart_text(line) for line in textwrap.wrap(label, width) or [""])


def signed_points(change: float) -> str:
    """'+5', '-3', or '±0' for a change that rounds to nothing (never '-0')."""
    rounded = round(float(change))
    return "±0" if rounded == 0 else f"{rounded:+d}"
