"""One self-contained HTML file (no network: images inline, system fonts, no script)."""
import base64
import html
import io

from .labels import hint_label, pct, step_label, text

CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;
     margin:24px auto;max-width:1100px;color:#343a40;line-height:1.45}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #dee2e6}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #dee2e6;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f5} .bar{display:inline-block;height:.8em;background:#2f6db5;vertical-align:middle}
.attention{background:#fff4e5;border-left:4px solid #e8590c;padding:6px 12px}
.hidden{color:#7c4dbd} .students{font-size:.9em;color:#495057} img{max-width:100%}
.note{color:#5c677d;font-size:.9em}
"""


def _img(png, alt=""):
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"


def score_plot(summary, lang):
    """PNG of the score distribution (one bar per score)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ..diagram.draw import font_family
    from collections import Counter
    counts = Counter(round(s, 2) for s in summary.scores.values())
    with matplotlib.rc_context({"font.family": list(font_family()), "axes.unicode_minus": False}):
        fig = Figure(figsize=(6.4, 2.6), dpi=96)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        xs = sorted(counts)
        ax.bar(xs, [counts[x] for x in xs], width=0.8 if summary.max_score > 3 else 0.3, color="#2f6db5")
        ax.set_xlabel(text("report.score_axis", lang, max=f"{summary.max_score:g}"))
        ax.set_ylabel(text("report.count_axis", lang))
        ax.set_xlim(-0.6, summary.max_score + 0.6)
        ax.yaxis.get_major_locator().set_params(integer=True)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()


def heat_map(exercise_summary, total, lang):
    """(PNG, {step: colour}) of the exercise's diagram coloured by the students failing at each step,
    or (None, {}) for an exercise without a diagram."""
    from ..checks.registry import get_exercise
    from ..diagram import NoDiagram, has_diagram, render_heat
    if not has_diagram(exercise_summary.name):
        return None, {}
    dims = dict(get_exercise(exercise_summary.name).cases[0].dims)
    try:
        return render_heat(exercise_summary.name, dims, dict(exercise_summary.step_counts), total, lang)
    except NoDiagram:
        return None, {}


def render_html(summary, lang="both", diagrams=True):
    e = html.escape
    graded = summary.graded
    out = [f"<!DOCTYPE html><html lang='{'zh' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>",
           f"<title>{e(text('report.title', lang, assignment=summary.assignment))}</title>",
           f"<style>{CSS}</style></head><body>",
           f"<h1>{e(text('report.title', lang, assignment=summary.assignment))}</h1>",
           f"<p>{e(text('report.counts', lang, submitted=summary.submitted, graded=graded, attention=len({a.student for a in summary.attention})))}<br>"
           f"{e(text('report.mean', lang, mean=f'{summary.mean_score:.1f}', max=f'{summary.max_score:g}'))}</p>"]
    if summary.attention:
        out.append(f"<div class='attention' id='attention'><h2>{e(text('report.attention', lang))}</h2><ul>")
        for a in summary.attention:
            what = (text("report.attention.ungraded", lang) if a.kind == "ungraded"
                    else text(f"report.attention.{a.kind}", lang, exercises=", ".join(a.exercises)))
            out.append(f"<li data-kind='{a.kind}'><b>{e(a.student)}</b> — {e(what)}</li>")
        out.append("</ul></div>")
    out.append(f"<h2>{e(text('report.pass_rates', lang))}</h2><table id='pass-rates'>"
               f"<tr><th>{e(text('report.exercise', lang))}</th><th>{e(text('report.passed', lang))}</th><th></th></tr>")
    for ex in summary.exercises:
        width = round(200 * ex.rate)
        out.append(f"<tr data-exercise='{ex.name}'><td><a href='#ex-{ex.name}'><code>{ex.name}</code></a></td>"
                   f"<td>{ex.passed}/{ex.graded} ({pct(ex.passed, ex.graded)} %)</td>"
                   f"<td><span class='bar' style='width:{width}px'></span></td></tr>")
    out.append("</table>")
    for ex in summary.exercises:
        out.append(f"<h2 id='ex-{ex.name}'><code>{ex.name}</code> — {ex.passed}/{ex.graded} "
                   f"({pct(ex.passed, ex.graded)} %)</h2>")
        if diagrams and ex.step_counts:
            png, colours = heat_map(ex, graded, lang)
            if png:
                steps = " ".join(f"{s}={n}" for s, n in ex.step_counts.items())
                out.append(f"<figure data-heat='{e(steps)}'>{_img(png, ex.name)}"
                           f"<figcaption class='note'>{e(text('report.heat_note', lang))}</figcaption></figure>")
        if not ex.diagnoses and not ex.not_implemented:
            out.append(f"<p class='note'>{e(text('report.none_failing', lang))}</p>")
            continue
        out.append(f"<table class='diagnoses'><tr><th>{e(text('report.diagnoses', lang))}</th><th></th>"
                   f"<th>{e(text('report.message_seen', lang))}</th><th>{e(text('report.students', lang))}</th></tr>")
        for d in ex.diagnoses:
            scope = text("report.public", lang) if d.scope == "public" else text("report.hidden_only", lang)
            out.append(f"<tr data-step='{e(d.step)}' data-hint='{e(d.hint)}' data-scope='{d.scope}' data-count='{d.count}'>"
                       f"<td>{e(step_label(d.exercise, d.step, lang))} · {e(hint_label(d.hint, lang))}"
                       f"<br><span class='{'hidden' if d.scope == 'hidden' else 'note'}'>{e(scope)}</span></td>"
                       f"<td>{e(text('report.students_n', lang, n=d.count, pct=pct(d.count, graded)))}</td>"
                       f"<td>{e(d.text)}</td><td class='students'>{e(', '.join(d.students))}</td></tr>")
        if ex.not_implemented:
            n = len(ex.not_implemented)
            out.append(f"<tr data-hint='not_implemented' data-count='{n}'><td>{e(text('report.not_implemented', lang))}</td>"
                       f"<td>{e(text('report.students_n', lang, n=n, pct=pct(n, graded)))}</td><td></td>"
                       f"<td class='students'>{e(', '.join(ex.not_implemented))}</td></tr>")
        out.append("</table>")
    if summary.scores:
        out.append(f"<h2>{e(text('report.scores', lang))}</h2>{_img(score_plot(summary, lang), 'scores')}")
    out.append("</body></html>")
    return "\n".join(out)
