"""Computation diagrams for the Check feedback and the notebook's figures.

Light on import: the graphs are data (:mod:`.graph`); matplotlib is imported
only when something is drawn (:mod:`.draw`).

    png, states = render_report(report)          # Check feedback, failing step in red
    python -m dnn_lab.diagram.figures images/    # the notebook's static figures
"""
from .graph import FIGURES, Graph, NoDiagram, build_graph, diagram_of

__all__ = ["FIGURES", "Graph", "NoDiagram", "build_graph", "has_diagram", "render_heat",
           "render_report", "report_notes"]


def has_diagram(exercise):
    return diagram_of(exercise) is not None


def _short(summary, limit=30):
    summary = str(summary)
    return summary if len(summary) <= limit else summary[:limit - 1] + "…"


def _split_array_summary(summary):
    """'ndarray(3, 1) [0.1 0.2 …]' → ('(3, 1)', '[0.1 0.2 …]'); other summaries → (None, summary)."""
    if isinstance(summary, str) and summary.startswith("ndarray("):
        end = summary.find(")") + 1
        return summary[7:end], summary[end:].strip()
    return None, summary


def failure_note(finding, lang, fn=None):
    """A one-line note for the diagram: what was expected and what came back."""
    from ..messages import t
    from .graph import tr

    def word(msg_id):
        return tr(lang, t(msg_id, "zh"), t(msg_id, "en"))

    def both(msg_id, **kw):
        return tr(lang, t(msg_id, "zh", **kw), t(msg_id, "en", **kw), " / ")

    exp, got = finding.expected, finding.got
    params = finding.params or {}
    if exp is not None and got is not None:
        (es, ev), (gs, gv) = _split_array_summary(exp), _split_array_summary(got)
        if es and gs and es != gs:
            exp, got = es, gs           # a shape mistake: the shapes say it all
        elif es and gs:
            exp, got = ev, gv
        text = f"{word('ui.expected')} {_short(exp)} · {word('ui.got')} {_short(got)}"
    elif "expected" in params and "got" in params:
        text = f"{word('ui.expected')} {_short(params['expected'])} · {word('ui.got')} {_short(params['got'])}"
    elif finding.hint == "exception":
        text = f"{params.get('exc_type', 'Exception')} ({both('ui.diagram_line', line=params.get('line', '?'))})"
    elif finding.hint == "wrong_keys":
        text = both("ui.diagram_keys", missing=params.get("missing", "—"), extra=params.get("extra", "—"))
    elif finding.hint == "timeout":
        text = both("ui.diagram_timeout", seconds=params.get("seconds", ""))
    else:
        # the failure's own sentence in the report's language(s), without markup
        try:
            text = both(finding.message_id, **{"fn": fn or "", **params})
        except (KeyError, IndexError, ValueError):
            text = (finding.text or finding.hint).splitlines()[0]
        text = _short(text.replace("`", ""), 90)
    from ..messages import in_language, step_label
    return f"{in_language(step_label(finding.step), lang)}{'：' if lang == 'zh' else ': '}{text}"


def report_notes(report, lang=None):
    """{step id: note} for the first failure of the drawn case."""
    lang = lang or report.lang or "both"
    shown = {s for s in report.step_states}
    for f in report.failures:
        if f.step in shown and not f.warning:
            return {f.step: failure_note(f, lang, report.exercise)}
    return {}


def _quiet_first_import():
    """Import matplotlib with stderr captured: on a fresh machine its first import
    logs "building the font cache" to stderr, which would zero an nbgrader grade cell."""
    import sys
    if "dnn_lab.diagram.draw" in sys.modules:
        return
    import contextlib
    import io
    with contextlib.redirect_stderr(io.StringIO()):
        from . import draw  # noqa: F401


def render_report(report, lang=None, fmt="png"):
    """Draw a check report: the exercise's computation for the drawn case
    (``report.dims``), steps coloured by ``report.step_states``, the first
    failure's expected/got under its node.

    Returns ``(image bytes, {step id: state drawn})``; ``fmt`` is "png" or "svg".
    Raises :class:`NoDiagram` for exercises without a diagram.
    """
    _quiet_first_import()
    from .draw import render
    lang = lang or report.lang or "both"
    graph = build_graph(report.exercise, report.dims, lang)
    return render(graph, dict(report.step_states), report_notes(report, lang), fmt=fmt)


def render_heat(exercise, dims, counts, total, lang="both", fmt="png"):
    """A class heat map on the exercise's own diagram: each step filled by how many of ``total``
    students fail there (``counts``: step id → students), the count in its badge.

    Returns ``(image bytes, {step id: fill colour drawn})``; raises :class:`NoDiagram`."""
    _quiet_first_import()
    from .draw import render
    graph = build_graph(exercise, dims, lang)
    heat = {step: (n, n / total if total else 0.0) for step, n in counts.items()}
    return render(graph, None, None, fmt=fmt, heat=heat)
