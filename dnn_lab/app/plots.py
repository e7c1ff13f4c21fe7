"""Figures of Part 2: training examples, cost curves, misclassified images,
your own image.  Each function draws on a new ``matplotlib.figure.Figure``
(or on the ``ax`` given) and returns the figure: the notebook shows it when it
is the cell's last expression, tests save it as PNG.

Labels are bilingual; the font list falls back per glyph to a CJK font (Noto
Sans CJK, installed with Debian's fonts-noto-cjk, or the usual Windows/macOS
ones), so Chinese never renders as empty boxes.  This module imports
matplotlib; ``dnn_lab.app`` imports it only when a figure is drawn.
"""
import contextlib
import functools
import io

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..messages import get_language, t_short

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
             "Heiti SC", "Arial Unicode MS")
LATIN_FONTS = ("DejaVu Sans",)


@functools.lru_cache(maxsize=1)
def font_families():
    """The installed fonts of LATIN_FONTS + CJK_FONTS, in that order (only
    installed ones: a missing family makes matplotlib log to stderr)."""
    from matplotlib import font_manager
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(name for name in LATIN_FONTS + CJK_FONTS if name in installed) or ("DejaVu Sans",)


def font_rc():
    """rcParams that make Chinese labels render: an explicit family list, which
    matplotlib searches glyph by glyph (a generic 'sans-serif' does not fall back)."""
    return {"font.family": list(font_families()), "axes.unicode_minus": False}


@contextlib.contextmanager
def fonts():
    with matplotlib.rc_context(font_rc()):
        yield


class ShownFigure(Figure):
    """A figure outside pyplot (never shown twice, never left open) that
    Jupyter displays as PNG when a cell ends with it."""

    def _repr_png_(self):
        buf = io.BytesIO()
        with fonts():
            self.savefig(buf, format="png", dpi=self.dpi)
        return buf.getvalue()


def _figure(figsize):
    fig = ShownFigure(figsize=figsize, dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _label(message_id, lang):
    return t_short(message_id, lang or get_language())


def _colon(lang):
    """The separator after a label: full-width after Chinese (zh), ': ' otherwise."""
    return "：" if (lang or get_language()) == "zh" else ": "


def _paren(text, lang):
    """`` (text)``, or ``（text）`` in zh."""
    return f"（{text}）" if (lang or get_language()) == "zh" else f"  ({text})"


def class_label(classes, label, lang=None):
    """``classes[label]`` as text, with the Chinese name for the two known classes."""
    raw = classes[int(label)]
    name = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    known = {"shirt": "ui.class_shirt", "not shirt": "ui.class_not_shirt"}
    return _label(known[name], lang) if name in known else name


def as_images(X, size=28):
    """(m, 28, 28) images from either the original array or flattened columns (784, m)."""
    X = np.asarray(X)
    if X.ndim == 2 and X.shape[0] == size * size:
        return X.T.reshape(-1, size, size)
    if X.ndim == 3:
        return X
    if X.ndim == 4:  # colour images (m, h, w, c)
        return X
    raise ValueError(f"expected images (m, {size}, {size}) or columns ({size * size}, m), got shape {X.shape}")


def _grid(n, ncols):
    ncols = max(1, min(ncols, n))
    return int(np.ceil(n / ncols)), ncols


def show_examples(X, y, classes, n=10, ncols=5, lang=None):
    """The first ``n`` images with their labels."""
    images, y = as_images(X), np.asarray(y).ravel()
    n = min(n, len(images))
    rows, cols = _grid(n, ncols)
    with fonts():
        fig = _figure((1.7 * cols, 1.9 * rows))
        axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
        for k, ax in enumerate(axes):
            ax.axis("off")
            if k < n:
                ax.imshow(images[k], cmap="gray", vmin=0, vmax=images[k].max() or 1)
                ax.set_title(class_label(classes, y[k], lang), fontsize=9)
        fig.suptitle(_label("ui.examples_title", lang), fontsize=11)
    return fig


def plot_costs(costs, learning_rate=None, num_iterations=None, ax=None, lang=None, title=None):
    """The cost curve.  ``costs``: one list (recorded every 100 iterations plus
    the last one) or ``{label: costs}`` for several models on one plot.
    ``num_iterations`` places the last point exactly (else every 100)."""
    curves = costs if isinstance(costs, dict) else {None: costs}
    with fonts():
        fig = ax.figure if ax is not None else _figure((6.4, 3.8))
        ax = ax if ax is not None else fig.add_subplot()
        for label, values in curves.items():
            values = np.asarray([float(np.squeeze(c)) for c in values])
            x = 100 * np.arange(len(values))
            if num_iterations is not None and len(values) >= 2 and (num_iterations - 1) % 100:
                x[-1] = num_iterations - 1
            ax.plot(x, values, marker="o", markersize=3, label=label)
        ax.set_xlabel(_label("ui.iterations", lang))
        ax.set_ylabel(_label("ui.cost", lang))
        heading = title or _label("ui.cost_curve", lang)
        if learning_rate is not None:
            heading += _paren(f"{_label('ui.learning_rate', lang)} = {learning_rate:g}", lang).replace("  (", " (")
        ax.set_title(heading)
        ax.grid(True, alpha=0.3)
        if any(label is not None for label in curves):
            ax.legend()
    return fig


def mislabeled_indices(y, p):
    y, p = np.asarray(y).ravel(), np.asarray(p).ravel()
    return np.flatnonzero(y != p)


def show_mislabeled(classes, X, y, p, max_images=15, ncols=5, lang=None):
    """The test images whose prediction ``p`` differs from the label ``y``,
    each titled with the true and the predicted class."""
    images = as_images(X)
    y, p = np.asarray(y).ravel(), np.asarray(p).ravel()
    wrong = mislabeled_indices(y, p)
    shown = wrong[:max_images]
    rows, cols = _grid(max(len(shown), 1), ncols)
    with fonts():
        fig = _figure((1.9 * cols, 2.3 * rows + 0.4))
        axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
        for ax in axes:
            ax.axis("off")
        if len(shown) == 0:
            axes[0].text(0.5, 0.5, _label("ui.no_mislabeled", lang), ha="center", va="center")
        for ax, k in zip(axes, shown):
            ax.imshow(images[k], cmap="gray", vmin=0, vmax=images[k].max() or 1)
            ax.set_title(f"{_label('ui.true_label', lang)}{_colon(lang)}{class_label(classes, y[k], lang)}\n"
                         f"{_label('ui.predicted_label', lang)}{_colon(lang)}{class_label(classes, p[k], lang)}",
                         fontsize=7.5, color="#b00020")
        fig.suptitle(t_short("ui.mislabeled_title", lang or get_language(), n=len(wrong), m=len(y)), fontsize=11)
    return fig


def show_own_image(original, preview, probability, classes, lang=None):
    """The picture as given, the 28×28 input the model sees, and the verdict."""
    from .images import read_image, sample_image
    image = read_image(sample_image() if original is None else original)
    label = 1 if float(probability) > 0.5 else 0
    with fonts():
        fig = _figure((6.0, 3.4))
        left, right = fig.subplots(1, 2)
        left.imshow(image, cmap=None if image.ndim == 3 else "gray")
        left.set_title(_label("ui.image_original", lang), fontsize=9)
        right.imshow(preview, cmap="gray", vmin=0, vmax=1)
        right.set_title(_label("ui.image_model_input", lang), fontsize=9)
        for ax in (left, right):
            ax.axis("off")
        fig.suptitle(f"{_label('ui.predicted_label', lang)}{_colon(lang)}{class_label(classes, label, lang)}"
                     + _paren(f"p = {float(probability):.3f}", lang), fontsize=11)
    return fig


class AccuracyTable:
    """Train and test accuracy of several models side by side (HTML in
    Jupyter, aligned text elsewhere).  ``rows``: (model, train acc, test acc)."""

    def __init__(self, rows, lang=None):
        self.rows = [(str(name), float(train), float(test)) for name, train, test in rows]
        self.lang = lang

    def headers(self):
        lang = self.lang or get_language()
        return [t_short("ui.model", lang), t_short("ui.train_accuracy", lang), t_short("ui.test_accuracy", lang)]

    def __repr__(self):
        head = self.headers()
        body = [[name, f"{train:.1%}", f"{test:.1%}"] for name, train, test in self.rows]
        widths = [max(_width(r[i]) for r in [head] + body) for i in range(3)]
        lines = ["  ".join(_pad(c, w) for c, w in zip(r, widths)) for r in [head] + body]
        return "\n".join(lines)

    def _repr_html_(self):
        import html
        head = "".join(f"<th style='text-align:left;padding:2px 12px'>{html.escape(h)}</th>" for h in self.headers())
        body = "".join(
            f"<tr><td style='padding:2px 12px'>{html.escape(name)}</td>"
            f"<td style='padding:2px 12px'>{train:.1%}</td><td style='padding:2px 12px'>{test:.1%}</td></tr>"
            for name, train, test in self.rows)
        return f"<table class='dnn-lab-accuracy'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _width(text):
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))
