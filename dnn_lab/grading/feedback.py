"""The feedback page a student opens from a file, readable offline.

nbgrader's ``generate_feedback`` writes HTML that loads MathJax from a CDN: without a network
the student sees raw ``$W^{[l]}$``.  And its score list says "Test cell (Score: 0 / 10)" for
each exercise.  :func:`offline_feedback` configures the feedback export (and only it:
``c.GenerateFeedback.HTMLExporter``, so formgrader's pages keep their own template) to use
the template ``templates/dnn_lab_feedback``, which

- turns the maths of every markdown cell into MathML when the page is written
  (:func:`offline_math`, with ``latex2mathml``): browsers draw MathML themselves, so the page
  loads nothing (its ``mathjax.html.j2`` replaces nbconvert's MathJax loader);
- names each exercise in the score list, in the course language (:func:`score_list`).

It works on the HTML nbconvert rendered, after nbgrader's and our sanitizing preprocessors:
the MathML is ours, made from the cell's TeX, never the student's markup.
"""
import html
import re
from functools import partial
from pathlib import Path

from ..messages import t

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "dnn_lab_feedback"

# Code stays code; $$…$$ (display) before $…$ (inline), as nbconvert's markdown renderer left them.
_MATH = re.compile(r"(?P<code><(?P<tag>pre|code)\b.*?</(?P=tag)>)"
                   r"|\$\$(?P<display>.+?)\$\$"
                   r"|(?<![\\$])\$(?P<inline>[^$\n]+?)\$", re.S | re.I)
_TOC_ITEM = re.compile(r'<li><a href="#(?P<id>[^"]+)">Test cell</a> \(Score: (?P<score>[^)]*)\)</li>')
_SCORE = re.compile(r" ?\(Score: (?P<score>[^)]*)\)")
_GRADE_CELL = re.compile(r'<span class="nbgrader-label">Grade cell: <code>(?P<id>[^<]*)</code></span>')
_CELL_SCORE = re.compile(r'Score: (?P<score>[^<]*?) <a href="#top">\(Top\)</a>')
_ANSWER = re.compile(r'<span class="nbgrader-label">Student&#39;s answer</span>|<span class="nbgrader-label">Student\'s answer</span>')


def tex_to_mathml(tex, display=False):
    """MathML for one TeX formula; raises ValueError when it cannot be converted."""
    from latex2mathml.converter import convert
    try:
        return convert(tex.strip(), display="block" if display else "inline")
    except Exception as exc:  # noqa: BLE001 - latex2mathml raises several kinds
        raise ValueError(f"cannot convert {tex!r}: {exc}") from exc


def offline_math(fragment):
    """Rendered markdown (HTML) with its ``$…$`` and ``$$…$$`` as MathML; code left alone.
    A formula that cannot be converted stays as its TeX, in a ``<code>`` (never a crash)."""
    def repl(m):
        if m.group("code"):
            return m.group(0)
        display = m.group("display") is not None
        tex = html.unescape(m.group("display") if display else m.group("inline"))
        try:
            return tex_to_mathml(tex, display)
        except ValueError:
            return f'<code class="dnn-lab-tex">{html.escape(m.group(0))}</code>'
    return _MATH.sub(repl, str(fragment or ""))


def exercise_title(grade_id, lang):
    """"练习 7：linear_backward" / "Exercise 7: linear_backward" for a check cell's grade id
    (``<exercise>_test``), or None when it names no exercise."""
    from ..checks.registry import ASSIGNMENTS
    name = grade_id[:-len("_test")] if grade_id.endswith("_test") else grade_id
    for names in ASSIGNMENTS.values():
        if name in names:
            n = list(names).index(name) + 1
            if lang == "both":
                return f"{t('feedback.exercise', 'zh', n=n, fn=name)} / {t('feedback.exercise', 'en', n=n, fn=name)}"
            return t("feedback.exercise", lang, n=n, fn=name)
    return None


def score_list(page, nb=None, lang="both"):
    """The feedback page with each exercise named (score list and cell headings, instead of
    "Test cell" and the grade id) and its labels ("Score", "Top", "Student's answer") in the
    course language."""
    def item(m):
        title = exercise_title(m.group("id"), lang) or "Test cell"
        return f'<li><a href="#{m.group("id")}">{html.escape(title)}</a>{_score(m.group("score"), lang)}</li>'

    def heading(m):
        title = exercise_title(html.unescape(m.group("id")), lang)
        return f'<span class="nbgrader-label">{html.escape(title)}</span>' if title else m.group(0)

    page = _TOC_ITEM.sub(item, str(page))
    page = _SCORE.sub(lambda m: _score(m.group("score"), lang), page)
    page = _GRADE_CELL.sub(heading, page)
    page = _CELL_SCORE.sub(lambda m: f'{_label("feedback.score", lang)}{_sep(lang)}{m.group("score")} '
                                     f'<a href="#top">{_paren(_label("feedback.top", lang), lang)}</a>', page)
    page = page.replace('<a href="#top">(Top)</a>', f'<a href="#top">{_paren(_label("feedback.top", lang), lang)}</a>')
    return _ANSWER.sub(f'<span class="nbgrader-label">{html.escape(_label("feedback.your_answer", lang))}</span>', page)


def _label(message_id, lang):
    if lang == "both":
        return f"{t(message_id, 'zh')} / {t(message_id, 'en')}"
    return t(message_id, lang)


def _sep(lang):
    return "：" if lang == "zh" else ": "


def _paren(text, lang):
    return f"（{text}）" if lang == "zh" else f"({text})"


def _score(score, lang):
    """`` (Score: 10.0 / 10.0)``; ``（得分：10.0 / 10.0）`` in zh."""
    return ("" if lang == "zh" else " ") + _paren(f"{_label('feedback.score', lang)}{_sep(lang)}{score}", lang)


def offline_feedback(c, lang="both"):
    """Configure ``c`` (an nbgrader config) so that ``nbgrader generate_feedback`` writes pages
    readable offline, in ``lang`` (the course language)."""
    import nbgrader
    nbgrader_templates = Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"
    exporter = c.GenerateFeedback.HTMLExporter  # the feedback's exporter only (its parent is GenerateFeedback)
    exporter.template_name = TEMPLATE
    exporter.extra_template_basedirs = [str(TEMPLATES), str(nbgrader_templates)]
    # nbgrader's own: bootstrap's CSS (inlined into the page); and its templates folder, so that
    # ours can extend 'feedback/index.html.j2'
    bootstrap = nbgrader_templates.parent / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    exporter.extra_template_paths = [str(bootstrap), str(nbgrader_templates)]
    exporter.filters = {"dnn_lab_math": offline_math, "dnn_lab_score_list": partial(score_list, lang=lang)}
    return c
