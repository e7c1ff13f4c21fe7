"""A report as self-contained HTML: inline styles only (a ``<style>`` block in
a notebook output would restyle the whole page), every text escaped."""
import html
import re

from ..messages import t_short
from ._model import MARK, build

COLORS = {"passed": "#1a7f37", "failed": "#cf222e", "not_reached": "#6e7781"}
_CODE = re.compile(r"`([^`]+)`")
_CELL = "padding:2px 8px;border-bottom:1px solid #d0d7de;vertical-align:top;text-align:left"
_MONO = "font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px"


def rich(text):
    """Escape ``text``; `backticks` become <code>, newlines <br>."""
    escaped = html.escape(text or "")
    escaped = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", escaped)
    return escaped.replace("\n", "<br>")


def esc(text):
    return html.escape(text or "")


def _table(view):
    lang = view.lang
    head = "".join(f'<th style="{_CELL};white-space:nowrap">{esc(t_short(k, lang))}</th>'
                   for k in ("ui.result", "ui.case", "ui.step", "ui.expected", "ui.got", "ui.details"))
    body = []
    for r in view.rows:
        color = COLORS[r.state]
        body.append(
            f'<tr data-case="{esc(r.case)}" data-state="{r.state}">'
            f'<td style="{_CELL};color:{color};font-weight:bold">{MARK[r.state]}</td>'
            f'<td style="{_CELL}"><b>{esc(r.case)}</b><br><span style="{_MONO};color:#57606a">{esc(r.about)}</span></td>'
            f'<td style="{_CELL};{_MONO};white-space:nowrap">{esc(r.step)}</td>'
            f'<td style="{_CELL};{_MONO}">{esc(r.expected)}</td>'
            f'<td style="{_CELL};{_MONO}">{esc(r.got)}</td>'
            f'<td style="{_CELL}">{rich(r.text)}</td></tr>')
    return (f'<table style="border-collapse:collapse;margin:6px 0;font-size:13px">'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def render_html(report, lang=None):
    """Verdict, case table, hints and warnings as one ``<div>``; ids are kept in
    ``data-`` attributes for tools (``data-exercise``, ``data-failed-step``, ``data-hint``)."""
    view = build(report, lang)
    lang = view.lang
    state = "passed" if view.passed else "failed"
    parts = [
        (f'<div class="dnn-lab-report" data-exercise="{esc(view.exercise)}" data-state="{state}"'
         f' data-failed-step="{esc(report.failed_step or "")}"'
         f' style="border-left:4px solid {COLORS[state]};padding:4px 10px;margin:4px 0;font-family:sans-serif">'),
        f'<div style="font-weight:bold;color:{COLORS[state]};font-size:14px">{rich(view.verdict)}</div>',
        _table(view),
    ]
    for hint_id, text in view.hints:
        parts.append(
            f'<div data-hint="{esc(hint_id)}" style="background:#fff8c5;border:1px solid #d4a72c;'
            f'border-radius:4px;padding:4px 8px;margin:4px 0"><b>{esc(t_short("ui.hint", lang))}</b>'
            f' <span style="{_MONO};color:#57606a">{esc(hint_id)}</span><br>{rich(text)}</div>')
    for text in view.warnings:
        parts.append(
            f'<div data-warning="1" style="background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;'
            f'padding:4px 8px;margin:4px 0"><b>{esc(t_short("ui.warning", lang))}</b><br>{rich(text)}</div>')
    parts.append("</div>")
    return "".join(parts)
