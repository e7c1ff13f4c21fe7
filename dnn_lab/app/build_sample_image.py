"""Maintainer script: draw the bundled sample picture ``sample_image.png``.

    python -m dnn_lab.app.build_sample_image [--output FILE]

A long-sleeved, buttoned shirt with a collar, drawn with matplotlib polygons
in dark blue on a light, slightly uneven background (240×220 RGB), so that the
"try your own image" cell exercises the real preprocessing: colour to gray,
light background → inverted, cropped, resized to 28×28.  Made for this
project; no third-party image is involved.
"""
import argparse
from pathlib import Path

import numpy as np

WIDTH, HEIGHT = 220, 240


def shirt_polygons():
    """Body with sleeves, and the collar, in a 0..1 box (y grows downwards)."""
    body = [(0.36, 0.10), (0.44, 0.08), (0.50, 0.14), (0.56, 0.08), (0.64, 0.10),
            (0.80, 0.18), (0.90, 0.42), (0.95, 0.86), (0.85, 0.88), (0.78, 0.48),
            (0.76, 0.92), (0.24, 0.92), (0.22, 0.48), (0.15, 0.88), (0.05, 0.86),
            (0.10, 0.42), (0.20, 0.18)]
    collar_left = [(0.36, 0.10), (0.44, 0.08), (0.50, 0.14), (0.46, 0.22), (0.40, 0.15)]
    collar_right = [(0.64, 0.10), (0.56, 0.08), (0.50, 0.14), (0.54, 0.22), (0.60, 0.15)]
    return body, collar_left, collar_right


def draw():
    """The picture as an (HEIGHT, WIDTH, 3) uint8 array."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Polygon

    fig = Figure(figsize=(WIDTH / 100, HEIGHT / 100), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 1)
    ax.set_ylim(1, 0)
    ax.axis("off")
    yy, xx = np.mgrid[0:1:HEIGHT * 1j, 0:1:WIDTH * 1j]
    background = 0.93 - 0.08 * yy + 0.03 * np.sin(7 * xx)           # a lit table top
    ax.imshow(np.dstack([background, background * 0.97, background * 0.92]), extent=(0, 1, 1, 0))
    body, collar_left, collar_right = shirt_polygons()
    ax.add_patch(Polygon(body, closed=True, facecolor="#1f3b73", edgecolor="#0f1f40", linewidth=1.2))
    for collar in (collar_left, collar_right):
        ax.add_patch(Polygon(collar, closed=True, facecolor="#2c4f94", edgecolor="#0f1f40", linewidth=1.0))
    ax.plot([0.5, 0.5], [0.16, 0.92], color="#132a55", linewidth=1.0)       # placket
    for y in np.linspace(0.26, 0.84, 6):
        ax.add_patch(Circle((0.515, y), 0.008, color="#d9dde8"))             # buttons
    ax.add_patch(Polygon([(0.58, 0.30), (0.70, 0.30), (0.70, 0.42), (0.58, 0.42)], closed=True,
                         facecolor="none", edgecolor="#132a55", linewidth=0.8))   # pocket
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    return rgba[..., :3].copy()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(Path(__file__).with_name("sample_image.png")))
    args = parser.parse_args(argv)
    from PIL import Image
    Image.fromarray(draw()).save(args.output, optimize=True)
    print(args.output)


if __name__ == "__main__":
    main()
