"""The progress view (all exercises with their last result) as text and HTML.

``entries`` is a list of ``(exercise, state, failed_step, time)`` with state
``passed`` / ``failed`` / ``not_checked``.
"""
from datetime import datetime

from ..messages import get_language, step_label, t_short
from .html import esc

COLORS = {"passed": "#1a7f37", "failed": "#cf222e", "not_checked": "#6e7781"}
MARK = {"passed": "✓", "failed": "✗", "not_checked": "○"}
_CELL = "padding:2px 10px;border-bottom:1px solid #d0d7de;text-align:left"


def state_text(state, step, lang):
    if state == "passed":
        return t_short("ui.passed", lang)
    if state == "failed":
        return t_short("ui.progress_failed", lang, step=step_label(step) if step else "?")
    return t_short("ui.not_checked_yet", lang)


def local_time(iso):
    """'2024-01-01T10:00:00+00:00' → '2024-01-01 11:00' in the kernel's time zone."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(iso)[:16]


def _summary(entries, lang):
    passed = sum(1 for e in entries if e[1] == "passed")
    return t_short("ui.progress_summary", lang, passed=passed, total=len(entries))


def render_progress_text(entries, lang=None):
    lang = lang or get_language()
    width = max((len(e[0]) for e in entries), default=0)
    lines = [f"{t_short('ui.progress', lang)} — {_summary(entries, lang)}"]
    for i, (name, state, step, _time) in enumerate(entries, 1):
        lines.append(f"  {i:2d}. {MARK[state]} {name.ljust(width)}  {state_text(state, step, lang)}")
    return "\n".join(lines) + "\n"


def render_progress_html(entries, lang=None):
    lang = lang or get_language()
    head = "".join(f'<th style="{_CELL}">{esc(t_short(k, lang))}</th>'
                   for k in ("ui.exercise", "ui.result", "ui.last_checked"))
    rows = []
    for i, (name, state, step, time) in enumerate(entries, 1):
        rows.append(
            f'<tr data-exercise="{esc(name)}" data-state="{state}">'
            f'<td style="{_CELL}">{i}. <code>{esc(name)}</code></td>'
            f'<td style="{_CELL};color:{COLORS[state]};font-weight:bold">{MARK[state]} '
            f'{esc(state_text(state, step, lang))}</td>'
            f'<td style="{_CELL};color:#57606a;font-size:12px">{esc(local_time(time))}</td></tr>')
    return (f'<div class="dnn-lab-progress" style="font-family:sans-serif;margin:4px 0">'
            f'<div style="font-weight:bold;margin-bottom:4px">{esc(t_short("ui.progress", lang))} — '
            f'{esc(_summary(entries, lang))}</div>'
            f'<table style="border-collapse:collapse;font-size:13px"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')
