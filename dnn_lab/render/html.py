"""A report as self-contained HTML: inline styles only (a ``<style>`` block in
a notebook output would restyle the whole page), every text escaped.

Layout: the headline (verdict, hint in one sentence), one line per distinct
problem, warnings, then ``<details>`` with the per-case table and the full hint
texts.  In "both" each sentence is shown once in Chinese with the English under
it, smaller.  Ids live in ``data-`` attributes only.
"""
import html
import re

from ..messages import t_short
from ._model import MARK, build, fallback_lines, labelled, resolve_lang

COLORS = {"passed": "#1a7f37", "failed": "#cf222e", "not_reached": "#6e7781", "not_implemented": "#9a6700"}
_CODE = re.compile(r"`([^`]+)`")
_CELL = "padding:2px 8px;border-bottom:1px solid #d0d7de;vertical-align:top;text-align:left"
_MONO = "font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px"
_SECOND = "font-size:0.85em;color:#57606a"


def rich(text):
    """Escape ``text``; `backticks` become <code>, newlines <br>."""
    escaped = html.escape(text or "")
    escaped = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", escaped)
    return escaped.replace("\n", "<br>")


def esc(text):
    return html.escape(text or "")


def lines(parts, tag="div", style=""):
    """A text tuple: the first line as is, the next ones (English in "both") smaller."""
    out = []
    for i, part in enumerate(parts):
        st = style if i == 0 else f"{style};{_SECOND}".lstrip(";")
        out.append(f'<{tag} style="{st}">{rich(part)}</{tag}>' if st else f"<{tag}>{rich(part)}</{tag}>")
    return "".join(out)


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
            f'<td style="{_CELL}"><b>{esc(r.case_text or r.case)}</b><br>'
            f'<span style="{_MONO};color:#57606a">{esc(r.about)}</span></td>'
            f'<td data-step="{esc(r.step)}" style="{_CELL};white-space:nowrap">{esc(r.step_text or r.step)}</td>'
            f'<td style="{_CELL};{_MONO}">{esc(r.expected)}</td>'
            f'<td style="{_CELL};{_MONO}">{esc(r.got)}</td>'
            f'<td style="{_CELL}">{lines(r.text)}</td></tr>')
    return (f'<table style="border-collapse:collapse;margin:6px 0;font-size:13px">'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def render_html(report, lang=None, version=None):
    """Headline, grouped findings, warnings and collapsible details as one ``<div>``;
    ids are kept in ``data-`` attributes for tools (``data-exercise``, ``data-state``,
    ``data-failed-step``, ``data-hint``, ``data-message-id``).  ``version`` is an
    optional text tuple naming the checked version (shown under the headline).  A report
    that cannot be rendered gives its verdict as data and one bilingual line."""
    lang = resolve_lang(report, lang)  # an unknown language is the caller's error: ValueError
    try:
        return _render_html(report, lang, version)
    except Exception:  # noqa: BLE001 - the student sees the verdict, never a traceback
        head, line = fallback_lines(report)
        return (f'<div class="dnn-lab-report" data-exercise="{esc(getattr(report, "exercise", ""))}"'
                f' data-state="error" data-render-failed="1" style="border-left:4px solid #cf222e;'
                f'padding:4px 10px;font-family:sans-serif"><div style="font-weight:bold;color:#cf222e">'
                f'{esc(head)}</div><div>{esc(line)}</div></div>')


def _render_html(report, lang, version):
    view = build(report, lang)
    lang = view.lang
    state = view.state
    color = COLORS[state]
    verdict = view.verdict  # the catalog's verdicts carry their mark (✓ ✗ ○)
    parts = [
        (f'<div class="dnn-lab-report" data-exercise="{esc(view.exercise)}" data-state="{state}"'
         f' data-failed-step="{esc(report.failed_step or "")}" data-hints="{esc(" ".join(report.hints))}"'
         f' style="border-left:4px solid {color};padding:4px 10px;margin:4px 0;font-family:sans-serif">'),
        f'<div class="dnn-lab-headline" style="font-weight:bold;color:{color};font-size:14px">'
        f'{lines(verdict)}</div>',
    ]
    if version:
        parts.append(f'<div class="dnn-lab-version" style="font-size:12px;color:#57606a">'
                     f'{esc(" / ".join(version))}</div>')
    if view.hint:
        parts.append(f'<div class="dnn-lab-hint" data-hint="{esc(report.hints[0])}" style="background:#fff8c5;'
                     f'border:1px solid #d4a72c;border-radius:4px;padding:4px 8px;margin:4px 0">'
                     f'{lines(labelled("ui.hint", lang, view.hint))}</div>')
    if view.groups:
        items = []
        for g in view.groups:
            items.append(f'<li class="dnn-lab-finding" data-hint="{esc(g.hint)}" data-message-id="{esc(g.message_id)}"'
                         f' data-steps="{esc(" ".join(g.steps))}" data-cases="{esc(" ".join(g.cases))}">'
                         f'{lines(g.text)}{lines(g.where, style="color:#57606a;font-size:12px")}</li>')
        parts.append(f'<ul style="margin:4px 0;padding-left:20px">{"".join(items)}</ul>')
    for text in view.warnings:
        parts.append(
            f'<div data-warning="1" style="background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;'
            f'padding:4px 8px;margin:4px 0">{lines(labelled("ui.warning", lang, text))}</div>')
    hint_texts = "".join(f'<div data-hint-text="{esc(h)}" style="margin:4px 0">{lines(text)}</div>'
                         for h, text in view.hints)
    parts.append(f'<details style="margin:4px 0"><summary style="cursor:pointer;color:#57606a">'
                 f'{esc(t_short("ui.show_details", lang))}</summary>{_table(view)}{hint_texts}</details>')
    parts.append("</div>")
    return "".join(parts)
