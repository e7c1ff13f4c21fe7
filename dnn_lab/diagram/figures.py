"""Write the notebook's static figures (``images/*.png`` and ``*.svg``), one set per language.

    python -m dnn_lab.diagram.figures images/ --all-langs
    python -m dnn_lab.diagram.figures assignments/source/step_by_step/images --formats png --all-langs

Drawn by the same renderer as the Check feedback (``graph.FIGURES`` laid out
as data, ``draw.render`` to draw them).  The output is deterministic, so a test
can regenerate the figures and compare them with the committed ones.

Layout of a figure folder (``--all-langs``)::

    images/<name>.png       labels in both languages (the bilingual source notebook shows these)
    images/zh/<name>.png    Chinese labels only
    images/en/<name>.png    English labels only

:func:`copy_figure_set` puts one language's set flat into an assignment's
``images/`` (``course init --lang``, the bundled student notebooks), so a
single-language notebook carries single-language figures under the same names.
"""
import argparse
import shutil
import sys
from pathlib import Path

from .graph import FIGURES, LANGS

FIGURE_DPI = 120    # crisper than feedback diagrams; the notebook scales them to the cell width
FORMATS = ("png", "svg")
SINGLE_LANGS = ("zh", "en")   # the sub-folders; "both" is the folder itself


def set_dir(images_dir, lang):
    """The folder holding ``lang``'s figures inside ``images_dir``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    images_dir = Path(images_dir)
    return images_dir if lang == "both" else images_dir / lang


def write_figures(outdir, lang="both", formats=FORMATS, dpi=FIGURE_DPI, names=None):
    """Write every figure (or ``names``) in ``lang`` into ``outdir``; returns the paths written."""
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


def write_figure_sets(images_dir, formats=FORMATS, dpi=FIGURE_DPI, single_formats=("png",)):
    """The three sets: ``both`` flat in ``images_dir`` (``formats``), ``zh/`` and ``en/`` (``single_formats``)."""
    written = write_figures(images_dir, "both", formats, dpi)
    for lang in SINGLE_LANGS:
        written += write_figures(set_dir(images_dir, lang), lang, single_formats, dpi)
    return written


def copy_figure_set(src_images, dst_images, lang):
    """Copy ``lang``'s figure files from ``src_images`` (the three-set layout) flat into ``dst_images``."""
    source = set_dir(src_images, lang)
    dst_images = Path(dst_images)
    dst_images.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted(source.iterdir()):
        if path.is_file():
            shutil.copyfile(path, dst_images / path.name)
            copied.append(dst_images / path.name)
    return copied


def keep_figure_set(images_dir, lang):
    """In an assignment copy: leave only ``lang``'s figures, flat in ``images_dir`` (no-op without the folder)."""
    images_dir = Path(images_dir)
    if not images_dir.is_dir():
        return
    if lang != "both" and set_dir(images_dir, lang).is_dir():
        copy_figure_set(images_dir, images_dir, lang)
    for single in SINGLE_LANGS:
        if set_dir(images_dir, single).is_dir():
            shutil.rmtree(set_dir(images_dir, single))


def figure_texts(name, lang):
    """Every text the figure ``name`` draws in ``lang`` (title, node and edge labels), from the graph data."""
    from .graph import legend_entries
    graph = FIGURES[name](lang)
    texts = [graph.title] + [n.label for n in graph.nodes] + [e.label for e in graph.edges] + [e.name for e in graph.edges]
    if graph.note_band:
        texts += [label for _, label, _ in legend_entries(lang)]
    return [text for text in texts if text]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="dnn-lab figures", description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", help="directory to write the figures into (created if missing)")
    parser.add_argument("--lang", choices=LANGS, default="both", help="label language (default: both)")
    parser.add_argument("--all-langs", action="store_true",
                        help="write all three sets: both in OUTDIR, zh/ and en/ (PNG) below it")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help="comma-separated output formats: png, svg (default: png,svg)")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        parser.error(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    if args.all_langs:
        written = write_figure_sets(args.outdir, formats)
    else:
        written = write_figures(args.outdir, args.lang, formats)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
