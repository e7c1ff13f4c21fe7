"""Write the notebook's static figures (``images/*.png`` and ``*.svg``).

    python -m dnn_lab.diagram.figures images/
    python -m dnn_lab.diagram.figures assignments/source/step_by_step/images --formats png

Drawn by the same renderer as the Check feedback (``graph.FIGURES`` laid out
as data, ``draw.render`` to draw them).  The output is deterministic, so a test
can regenerate the figures and compare them with the committed ones.
"""
import argparse
import sys
from pathlib import Path

from .graph import FIGURES, LANGS

FIGURE_DPI = 120    # crisper than feedback diagrams; the notebook scales them to the cell width
FORMATS = ("png", "svg")


def write_figures(outdir, lang="both", formats=FORMATS, dpi=FIGURE_DPI, names=None):
    """Write every figure (or ``names``) into ``outdir``; returns the paths written."""
    from .draw import render
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or FIGURES:
        graph = FIGURES[name](lang)
        for fmt in formats:
            data, _ = render(graph, fmt=fmt, dpi=dpi)
            path = outdir / f"{name}.{fmt}"
            path.write_bytes(data)
            written.append(path)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="dnn-lab figures", description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", help="directory to write the figures into (created if missing)")
    parser.add_argument("--lang", choices=LANGS, default="both", help="label language (default: both)")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help="comma-separated output formats: png, svg (default: png,svg)")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        parser.error(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    for path in write_figures(args.outdir, args.lang, formats):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
