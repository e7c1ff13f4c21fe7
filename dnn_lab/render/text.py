"""A report as plain text (``str(report)``, ``text/plain`` of the widget output,
``dnn-lab check``): the headline, one line per distinct problem, warnings, then
the per-case details.  No internal ids in the text."""
import unicodedata

from ..messages import t_short
from ._model import MARK, build, fallback_lines, labelled, resolve_lang


def _width(text):
    """Columns ``text`` takes in a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _block(parts, prefix):
    return [prefix + line for part in parts for line in part.splitlines()]


def _bullet(parts, bullet="  - ", indent="    "):
    """One finding: its first line after the bullet, every other line (the code quoted under a
    message, the English line in "both") indented under it, without a bullet of its own."""
    out = []
    for i, part in enumerate(parts):
        for j, line in enumerate(part.splitlines()):
            if line.strip():
                out.append((bullet if i == j == 0 else indent) + line)
    return out


def render_text(report, lang=None, version=None, details=True):
    """Headline, grouped findings and warnings, then (``details``) one block per case,
    in ``lang`` ('zh', 'en', 'both'; default: the report's language).  ``version``:
    an optional text tuple naming the checked version.  A report that cannot be
    rendered gives its verdict as data and one bilingual line (:func:`fallback_lines`)."""
    lang = resolve_lang(report, lang)  # an unknown language is the caller's error: ValueError
    try:
        return _render_text(report, lang, version, details)
    except Exception:  # noqa: BLE001 - the student sees the verdict, never a traceback
        return "\n".join(fallback_lines(report)) + "\n"


def _render_text(report, lang, version, details):
    view = build(report, lang)
    lang = view.lang
    lines = list(view.verdict[:1]) + _block(view.verdict[1:], "  ")  # the verdicts carry their mark
    if version:
        lines += _block(version, "  ")
    lines += _block(labelled("ui.hint", lang, view.hint), "  ")
    for g in view.groups:
        lines += _bullet(g.text)
        lines += _block(g.where, "    ")
    for text in view.warnings:
        lines += _block(labelled("ui.warning", lang, text), "  ")
    if details and not view.passed:
        sep = "：" if lang == "zh" else ": "  # full-width after Chinese
        lines += ["", t_short("ui.show_details", lang) + ("" if lang == "zh" else ":")]
        width = max(_width(r.case_text or r.case) for r in view.rows) if view.rows else 0
        for r in view.rows:
            case = r.case_text or r.case
            head = f"  {MARK[r.state]} {case}{' ' * (width - _width(case))}  {r.about}"
            if r.step:
                head += f"  [{t_short('ui.step', lang)}{sep}{r.step_text or r.step}]"
            lines.append(head)
            if r.expected:
                lines.append(f"      {t_short('ui.expected', lang)}{sep}{r.expected}")
            if r.got:
                lines.append(f"      {t_short('ui.got', lang)}{sep}{r.got}")
            if r.text and r.state == "failed":
                lines += _block(r.text, "      ")
        for _hint, text in view.hints:
            lines += [""] + _block(text, "  ")
    return "\n".join(lines).rstrip() + "\n"
