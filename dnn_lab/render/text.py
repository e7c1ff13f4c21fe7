"""A report as plain text (``str(report)``, ``text/plain`` of the widget output)."""
from ..messages import t_short
from ._model import MARK, build


def _indent(text, prefix):
    return "\n".join(prefix + line for line in text.splitlines())


def render_text(report, lang=None):
    """Verdict, one block per case, hints and warnings, in ``lang`` ('zh', 'en', 'both';
    default: the report's language)."""
    view = build(report, lang)
    lang = view.lang
    lines = [view.verdict, ""]
    width = max(len(r.case) for r in view.rows) if view.rows else 0
    for r in view.rows:
        head = f"  {MARK[r.state]} {r.case.ljust(width)}  {r.about}"
        if r.step:
            head += f"  [{t_short('ui.step', lang)}: {r.step}]"
        lines.append(head)
        if r.expected:
            lines.append(f"      {t_short('ui.expected', lang)}: {r.expected}")
        if r.got:
            lines.append(f"      {t_short('ui.got', lang)}: {r.got}")
        if r.text and r.state == "failed":
            lines.append(_indent(r.text, "      "))
    for hint_id, text in view.hints:
        lines += ["", f"{t_short('ui.hint', lang)} ({hint_id}):", _indent(text, "  ")]
    for text in view.warnings:
        lines += ["", f"{t_short('ui.warning', lang)}:", _indent(text, "  ")]
    return "\n".join(lines).rstrip() + "\n"
