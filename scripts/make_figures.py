"""Draw the Neural networks track's figures as SVG files, from numbers written here.

usage: python3 scripts/make_figures.py [OUT_DIR]   (default: content/neural-networks/images)

Every figure is drawn from scratch in this file (no data set, no other drawing).
Each SVG carries its own colours for light and dark themes: a page shows it
through <img>, which sees neither the page's CSS variables nor `currentColor`,
so the file answers `prefers-color-scheme` itself. Standard library only.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path

Scale = Callable[[float], float]
OUT = Path(__file__).resolve().parent.parent / "content" / "neural-networks" / "images"

STYLE = """<style>
  .text { fill: #1d1f24; }
  .muted { fill: #4a5060; }
  .line { stroke: #1d1f24; fill: none; }
  .rule { stroke: #c4c8bf; fill: none; }
  .edge { stroke: #8a8f99; stroke-opacity: 0.35; }
  .node { fill: #fdfdfb; stroke: #1d1f24; }
  .ink { fill: #1d1f24; }
  .on-ink { fill: #fdfdfb; }
  .cell { fill: none; stroke: #d5d8d0; }
  .pos { fill: #1f55b8; }
  .neg { fill: #b8431f; }
  .pos-line { stroke: #1f55b8; fill: none; }
  .neg-line { stroke: #b8431f; fill: none; }
  .pos-text { fill: #1f55b8; }
  .neg-text { fill: #b8431f; }
  .panel { fill: #f2f3ef; stroke: #c4c8bf; }
  text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
  @media (prefers-color-scheme: dark) {
    .text { fill: #e8e9ec; }
    .muted { fill: #b3b8c4; }
    .line { stroke: #e8e9ec; }
    .rule { stroke: #4a505a; }
    .edge { stroke: #9aa0ab; stroke-opacity: 0.3; }
    .node { fill: #15171b; stroke: #e8e9ec; }
    .ink { fill: #e8e9ec; }
    .on-ink { fill: #15171b; }
    .cell { stroke: #3a3f48; }
    .pos { fill: #8fb5ff; }
    .neg { fill: #ff9d7a; }
    .pos-line { stroke: #8fb5ff; }
    .neg-line { stroke: #ff9d7a; }
    .pos-text { fill: #8fb5ff; }
    .neg-text { fill: #ff9d7a; }
    .panel { fill: #1f2228; stroke: #4a505a; }
  }
</style>"""


def svg(width: int, height: int, title: str, body: list[str]) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
            f' width="{width}" height="{height}" role="img">',
            f"<title>{title}</title>",
            STYLE,
            *body,
            "</svg>",
            "",
        ]
    )


def text(
    x: float,
    y: float,
    s: str,
    *,
    cls: str = "text",
    size: float = 14,
    anchor: str = "middle",
    weight: str = "",
) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" font-size="{size}"'
        f' text-anchor="{anchor}"{bold}>{s}</text>'
    )


def line(x1: float, y1: float, x2: float, y2: float, cls: str, extra: str = "") -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="{cls}"'
        + (f" {extra}" if extra else "")
        + "/>"
    )


def num(value: float) -> str:
    """A number as the lessons print it, with a true minus sign."""
    s = f"{value:g}"
    return s.replace("-", "\u2212")


# --- 1. a handwritten-looking three on a 28-by-28 grid ----------------------------------------


def three_pixels() -> list[list[float]]:
    """Ink from 0 to 1, one decimal, for a 3 drawn as two arcs on a 28-by-28 grid."""
    points: list[tuple[float, float]] = []
    for degrees in range(200, 451, 2):  # upper bowl: from the left, over the top, to the middle
        t = math.radians(degrees)
        points.append((13.5 + 5.0 * math.cos(t), 9.0 + 4.6 * math.sin(t)))
    for degrees in range(-90, 161, 2):  # lower bowl: from the middle, round the right, to the left
        t = math.radians(degrees)
        points.append((13.5 + 5.8 * math.cos(t), 18.8 + 5.2 * math.sin(t)))
    grid = []
    for row in range(28):
        values = []
        for col in range(28):
            x, y = col + 0.5, row + 0.5
            d = min(math.hypot(x - px, y - py) for px, py in points)
            values.append(round(min(1.0, max(0.0, 1.6 - d)), 1))
        grid.append(values)
    return grid


def digit_grid() -> str:
    grid = three_pixels()
    cell, left, top = 22, 40, 40
    body = [
        text(left + 14 * cell, 24, "28 columns", cls="muted", size=14),
        f'<text x="22" y="{top + 14 * cell}" class="muted" font-size="14" text-anchor="middle"'
        f' transform="rotate(-90 22 {top + 14 * cell})">28 rows</text>',
    ]
    for row in range(28):
        for col in range(28):
            x, y, v = left + col * cell, top + row * cell, grid[row][col]
            if v > 0:
                body.append(
                    f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" class="ink"'
                    f' fill-opacity="{v:.1f}"/>'
                )
                cls = "on-ink" if v >= 0.5 else "text"
                body.append(text(x + cell / 2, y + cell / 2 + 3, f"{v:.1f}", cls=cls, size=8))
            body.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" class="cell"/>')
    width, height = left + 28 * cell + 16, top + 28 * cell + 16
    return svg(width, height, "A handwritten 3 as a 28 by 28 grid of ink values", body)


# --- 2. the 784-16-16-10 network --------------------------------------------------------------


def network() -> str:
    width, height = 660, 470
    columns = [90, 260, 430, 580]
    shown = [14, 16, 16, 10]
    names = ["input", "hidden 1", "hidden 2", "output"]
    counts = [784, 16, 16, 10]
    gap, radius, top = 24, 8, 40

    def ys(n: int) -> list[float]:
        span = (n - 1) * gap
        return [top + (16 - 1) * gap / 2 - span / 2 + i * gap for i in range(n)]

    positions = []
    for index, n in enumerate(shown):
        if index == 0:  # the input column leaves its middle place for an ellipsis
            places = ys(n + 1)
            positions.append(places[: n // 2] + places[n // 2 + 1 :])
        else:
            positions.append(ys(n))
    body: list[str] = []
    for a in range(3):
        for y1 in positions[a]:
            for y2 in positions[a + 1]:
                body.append(
                    f'<line x1="{columns[a]}" y1="{y1:.1f}" x2="{columns[a + 1]}" y2="{y2:.1f}"'
                    ' class="edge" stroke-width="0.8"/>'
                )
    for index, y_values in enumerate(positions):
        for y in y_values:
            body.append(
                f'<circle cx="{columns[index]}" cy="{y:.1f}" r="{radius}" class="node"'
                ' stroke-width="1.5"/>'
            )
    middle = ys(shown[0] + 1)[shown[0] // 2]
    body.append(text(columns[0], middle + 6, "\u22ee", size=20))
    for digit, y in enumerate(positions[3]):
        body.append(text(columns[3] + 18, y + 5, str(digit), anchor="start"))
    for index, name in enumerate(names):
        body.append(text(columns[index], height - 42, name, size=15, weight="600"))
        body.append(text(columns[index], height - 22, f"{counts[index]} neurons", cls="muted"))
    return svg(width, height, "A network with layers of 784, 16, 16 and 10 neurons", body)


# --- 3. one neuron's weighted sum -------------------------------------------------------------


def neuron() -> str:
    width, height = 680, 300
    inputs = [0.0, 0.9, 0.1]
    weights = [-1.0, 4.0, -1.0]
    bias = -1.5
    total = sum(w * a for w, a in zip(weights, inputs, strict=True))
    z = total + bias
    out = 1 / (1 + math.exp(-z))
    body: list[str] = []
    sx, sy = 330, 130
    for i, (a, w) in enumerate(zip(inputs, weights, strict=True)):
        y = 50 + i * 80
        cls = "pos-line" if w > 0 else "neg-line"
        body.append(
            f'<line x1="86" y1="{y}" x2="{sx - 34}" y2="{sy}" class="{cls}"'
            f' stroke-width="{1.5 + abs(w) / 1.5:.1f}"/>'
        )
        body.append(f'<circle cx="60" cy="{y}" r="26" class="node" stroke-width="1.5"/>')
        body.append(text(60, y + 5, f"{a:.1f}", size=15))
        body.append(text(60, y + 44, f"pixel a{i + 1}", cls="muted", size=12))
        line_y = y + (sy - y) * (130 - 86) / (sx - 34 - 86)
        label_y = line_y + 22 if i == 2 else line_y - 10
        tcls = "pos-text" if w > 0 else "neg-text"
        body.append(text(130, label_y, f"w{i + 1} = {num(w)}", cls=tcls, size=14, weight="600"))
    body.append(f'<circle cx="{sx}" cy="{sy}" r="34" class="node" stroke-width="2"/>')
    body.append(text(sx, sy + 9, "\u03a3", size=26))
    body.append(line(sx + 34, sy, sx + 96, sy, "line", 'stroke-width="2"'))
    body.append(text(sx + 66, sy - 16, f"b = {num(bias)}", size=13))
    body.append(
        f'<rect x="{sx + 96}" y="{sy - 26}" width="64" height="52" rx="8" class="node"'
        ' stroke-width="2"/>'
    )
    body.append(text(sx + 128, sy + 8, "\u03c3", size=24))
    body.append(line(sx + 160, sy, sx + 214, sy, "line", 'stroke-width="2"'))
    body.append(f'<circle cx="{sx + 244}" cy="{sy}" r="30" class="node" stroke-width="2"/>')
    body.append(text(sx + 244, sy + 5, f"{out:.3f}", size=14, weight="600"))
    terms = " + ".join(f"({num(w)})({a:.1f})" for w, a in zip(weights, inputs, strict=True))
    body.append(text(width / 2, 262, f"weighted sum: {terms} = {num(round(total, 3))}", size=13))
    body.append(
        text(
            width / 2,
            284,
            f"add the bias: {num(round(total, 3))} + ({num(bias)}) = {num(round(z, 3))};"
            f"  squish: \u03c3({num(round(z, 3))}) \u2248 {out:.3f}",
            size=13,
        )
    )
    return svg(
        width, height, "One neuron: a weighted sum of three pixels, a bias, then the sigmoid", body
    )


# --- 4. the sigmoid ---------------------------------------------------------------------------


def plot_frame(
    width: int,
    height: int,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    margin: tuple[int, int, int, int],
) -> tuple[Scale, Scale]:
    """Functions from data coordinates to SVG x and y inside `margin` (left, right, top,
    bottom)."""
    left, right, top, bottom = margin

    def px(x: float) -> float:
        return left + (x - x_range[0]) / (x_range[1] - x_range[0]) * (width - left - right)

    def py(y: float) -> float:
        return (
            height - bottom - (y - y_range[0]) / (y_range[1] - y_range[0]) * (height - top - bottom)
        )

    return px, py


def sigmoid_curve() -> str:
    width, height = 600, 320
    px, py = plot_frame(width, height, (-6, 6), (0, 1), (56, 20, 20, 48))
    body: list[str] = []
    for y in (0, 0.5, 1):
        body.append(line(px(-6), py(y), px(6), py(y), "rule"))
        body.append(text(px(-6) - 8, py(y) + 5, f"{y:g}", cls="muted", size=13, anchor="end"))
    for x in range(-6, 7, 2):
        body.append(line(px(x), py(0), px(x), py(0) + 6, "line"))
        body.append(text(px(x), py(0) + 22, num(x), cls="muted", size=13))
    body.append(line(px(0), py(0), px(0), py(1), "rule", 'stroke-dasharray="4 4"'))
    points = " ".join(
        f"{px(x / 20):.1f},{py(1 / (1 + math.exp(-x / 20))):.1f}" for x in range(-120, 121)
    )
    body.append(f'<polyline points="{points}" class="pos-line" stroke-width="3"/>')
    for x in (-2, 0, 2):
        y = 1 / (1 + math.exp(-x))
        body.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="5" class="neg"/>')
        label = f"\u03c3({num(x)}) \u2248 {y:.3f}" if x else "\u03c3(0) = 0.5"
        dx = 10 if x <= 0 else -10
        anchor = "start" if x <= 0 else "end"
        body.append(text(px(x) + dx, py(y) - 10, label, size=13, anchor=anchor))
    body.append(text(width / 2 + 18, height - 6, "weighted sum plus bias", cls="muted", size=13))
    return svg(width, height, "The sigmoid curve, rising from 0 to 1 and passing 0.5 at zero", body)


# --- 5. a weight pattern as an image ----------------------------------------------------------


def weight_pattern() -> list[list[float]]:
    """Weights of a neuron that looks for a short horizontal stroke a little below the top."""
    grid = [[0.0] * 28 for _ in range(28)]
    for col in range(8, 20):
        taper = 1.0 if 9 <= col <= 18 else 0.5
        for row, w in ((7, -0.6), (8, 1.0), (9, 1.0), (10, -0.6)):
            grid[row][col] = round(w * taper, 2)
    return grid


def weights_image() -> str:
    grid = weight_pattern()
    cell, left, top = 14, 20, 20
    body: list[str] = []
    for row in range(28):
        for col in range(28):
            x, y, w = left + col * cell, top + row * cell, grid[row][col]
            if w:
                cls = "pos" if w > 0 else "neg"
                body.append(
                    f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" class="{cls}"'
                    f' fill-opacity="{abs(w):.2f}"/>'
                )
            body.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" class="cell"/>')
    lx = left + 28 * cell + 28
    legend = [
        ("pos", 1.0, "positive weight:", "ink here raises the sum"),
        ("neg", 0.6, "negative weight:", "ink here lowers the sum"),
        ("cell", 0, "near zero:", "this pixel is ignored"),
    ]
    for i, (cls, opacity, head, tail) in enumerate(legend):
        y = top + 40 + i * 70
        fill = f' fill-opacity="{opacity}"' if opacity else ""
        body.append(f'<rect x="{lx}" y="{y}" width="22" height="22" class="{cls}"{fill}/>')
        if cls == "cell":
            body.append(f'<rect x="{lx}" y="{y}" width="22" height="22" class="rule"/>')
        body.append(text(lx + 32, y + 10, head, size=14, anchor="start", weight="600"))
        body.append(text(lx + 32, y + 28, tail, cls="muted", size=13, anchor="start"))
    width, height = lx + 200, top + 28 * cell + 20
    return svg(width, height, "A neuron's 784 weights drawn on the pixel grid", body)


# --- 6. a cost curve and one gradient step ----------------------------------------------------


def cost(w: float) -> float:
    return (w - 3) ** 2 + 1


def cost_curve() -> str:
    width, height = 600, 340
    px, py = plot_frame(width, height, (-0.5, 6), (0, 14), (56, 20, 24, 48))
    w0, rate = 0.5, 0.2
    slope = 2 * (w0 - 3)
    w1 = w0 - rate * slope
    body: list[str] = []
    for y in (0, 4, 8, 12):
        body.append(line(px(-0.5), py(y), px(6), py(y), "rule"))
        body.append(text(px(-0.5) - 8, py(y) + 5, str(y), cls="muted", size=13, anchor="end"))
    for x in range(0, 7):
        body.append(line(px(x), py(0), px(x), py(0) + 6, "line"))
        body.append(text(px(x), py(0) + 22, str(x), cls="muted", size=13))
    points = " ".join(f"{px(x / 40):.1f},{py(cost(x / 40)):.1f}" for x in range(-20, 241))
    body.append(f'<polyline points="{points}" class="pos-line" stroke-width="3"/>')
    # the tangent at w0, drawn a little way either side
    t0, t1 = w0 - 0.45, w0 + 0.75
    body.append(
        f'<line x1="{px(t0):.1f}" y1="{py(cost(w0) + slope * (t0 - w0)):.1f}"'
        f' x2="{px(t1):.1f}" y2="{py(cost(w0) + slope * (t1 - w0)):.1f}" class="line"'
        ' stroke-width="1.5" stroke-dasharray="5 4"/>'
    )
    body.append(f'<circle cx="{px(w0):.1f}" cy="{py(cost(w0)):.1f}" r="6" class="neg"/>')
    body.append(f'<circle cx="{px(w1):.1f}" cy="{py(cost(w1)):.1f}" r="6" class="neg"/>')
    body.append(f'<circle cx="{px(3):.1f}" cy="{py(cost(3)):.1f}" r="4" class="ink"/>')
    # the step, drawn along the bottom from w0 to w1
    ya = py(0) - 14
    body.append(line(px(w0), ya, px(w1) - 8, ya, "line", 'stroke-width="2"'))
    body.append(f'<path d="M{px(w1):.1f},{ya:.1f} l-10,-5 v10 z" class="ink"/>')
    body.append(text((px(w0) + px(w1)) / 2, ya - 8, "one step", size=12))
    body.append(
        text(
            px(w0) + 12,
            py(cost(w0)) - 2,
            f"w = {w0:g}: cost {cost(w0):g}, slope {num(slope)}",
            size=13,
            anchor="start",
        )
    )
    body.append(
        text(
            px(w1) + 12, py(cost(w1)) - 4, f"w = {w1:g}: cost {cost(w1):g}", size=13, anchor="start"
        )
    )
    body.append(text(px(3), py(2.2), "lowest cost, 1, at w = 3", cls="muted", size=13))
    body.append(text(width / 2 + 18, height - 6, "the weight w", cls="muted", size=13))
    return svg(width, height, "A cost curve and one step of gradient descent", body)


FIGURES = {
    "digit-grid.svg": digit_grid,
    "network.svg": network,
    "neuron.svg": neuron,
    "sigmoid.svg": sigmoid_curve,
    "weights.svg": weights_image,
    "cost-step.svg": cost_curve,
}


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    for name, draw in FIGURES.items():
        (out / name).write_text(draw(), encoding="utf-8")
        print(out / name)


if __name__ == "__main__":
    main()
