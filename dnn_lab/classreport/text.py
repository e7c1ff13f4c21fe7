"""The terminal summary of ``dnn-lab report``."""
from .labels import hint_label, pct, step_label, text


def _attention_line(a, lang):
    if a.kind == "ungraded":
        what = text("report.attention.ungraded", lang)
    else:
        what = text(f"report.attention.{a.kind}", lang, exercises=", ".join(a.exercises))
    return f"  {a.student}  {what}"


def render_summary(summary, lang="both", limit=12):
    from .summary import top_diagnoses
    lines = [text("report.title", lang, assignment=summary.assignment),
             text("report.counts", lang, submitted=summary.submitted, graded=summary.graded,
                  attention=len({a.student for a in summary.attention}))]
    if summary.attention:
        lines += ["", text("report.attention", lang)]
        lines += [_attention_line(a, lang) for a in summary.attention]
    if summary.scores:
        lines.append(text("report.mean", lang, mean=f"{summary.mean_score:.1f}", max=f"{summary.max_score:g}"))
    if summary.seconds:
        each = "{}（{:.1f} 秒）" if lang == "zh" else "{} ({:.1f} s)"
        lines.append(text("report.slowest", lang, students=("、" if lang == "zh" else ", ").join(
            each.format(s, t) for s, t in summary.slowest())))
    lines += ["", text("report.pass_rates", lang)]
    width = max(len(ex.name) for ex in summary.exercises)
    for ex in summary.exercises:
        lines.append(f"  {ex.name:<{width}}  {ex.passed:>4}/{ex.graded:<4} ({pct(ex.passed, ex.graded):>3} %)")
    diagnoses = top_diagnoses(summary, limit)
    if diagnoses:
        lines += ["", text("report.diagnoses", lang)]
        for d in diagnoses:
            scope = "" if d.scope == "public" else f"  [{text('report.hidden_only', lang)}]"
            lines.append(f"  {d.exercise} · {step_label(d.exercise, d.step, lang)} · {hint_label(d.hint, lang)}: "
                         f"{text('report.students_n', lang, n=d.count, pct=pct(d.count, summary.graded))}{scope}")
    return "\n".join(lines)
