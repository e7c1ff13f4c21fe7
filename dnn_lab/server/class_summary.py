"""The instructor's class summary on the ``/dnn-lab`` page (``dnn-lab report``, condensed).

Shown only when the server is configured with the course directory it may read::

    c.DnnLab.course_directory = "/home/instructor/course"   # the instructor's jupyter_server_config

A student's server has no such setting (and, on a hub, cannot read the course directory), so students
never see it. Reads the verdict files only; never runs student code.
"""
import html

from ..classreport.collect import ReportError, known_assignments, load_class
from ..classreport.labels import hint_label, pct, step_label, text
from ..classreport.summary import summarise, top_diagnoses


def course_directory(serverapp_config):
    """The configured course directory, or None."""
    section = serverapp_config.get("DnnLab", {}) if serverapp_config else {}
    value = section.get("course_directory") if hasattr(section, "get") else None
    return str(value) if value else None


def class_summaries(course_dir):
    """{assignment: ClassSummary} of the assignments with verdicts (others left out)."""
    out = {}
    for assignment in known_assignments():
        try:
            out[assignment] = summarise(load_class(course_dir, assignment))
        except ReportError:
            continue
    return out


def as_json(summaries, lang="both", limit=5):
    return {"assignments": [{
        "assignment": a, "submitted": s.submitted, "graded": s.graded,
        "attention": [{"student": x.student, "kind": x.kind, "exercises": x.exercises} for x in s.attention],
        "exercises": [{"name": ex.name, "passed": ex.passed, "graded": ex.graded} for ex in s.exercises],
        "diagnoses": [{"exercise": d.exercise, "step": d.step, "hint": d.hint, "scope": d.scope,
                       "label": hint_label(d.hint, lang), "students": d.students} for d in top_diagnoses(s, limit)],
    } for a, s in summaries.items()]}


def render_section(summaries, lang="both", limit=5):
    """An HTML section for the page (empty string when nothing is graded yet)."""
    if not summaries:
        return ""
    e = html.escape
    out = [f"<section id='class-summary' class='instructor'><h2>{e(text('report.page.title', lang))}</h2>"]
    for assignment, s in summaries.items():
        out.append(f"<h3><code>{e(assignment)}</code></h3><p>{e(text('report.counts', lang, submitted=s.submitted, graded=s.graded, attention=len({a.student for a in s.attention})))}</p>")
        if s.attention:
            out.append("<ul class='attention'>" + "".join(
                f"<li data-kind='{a.kind}'><b>{e(a.student)}</b> — "
                f"{e(text('report.attention.ungraded', lang) if a.kind == 'ungraded' else text(f'report.attention.{a.kind}', lang, exercises=', '.join(a.exercises)))}</li>"
                for a in s.attention) + "</ul>")
        out.append("<table><tr>" + "".join(f"<th><code>{e(ex.name)}</code></th>" for ex in s.exercises) + "</tr><tr>"
                   + "".join(f"<td>{pct(ex.passed, ex.graded)} %</td>" for ex in s.exercises) + "</tr></table>")
        diagnoses = top_diagnoses(s, limit)
        if diagnoses:
            out.append(f"<p>{e(text('report.diagnoses', lang))}</p><ol>" + "".join(
                f"<li data-hint='{e(d.hint)}'><code>{e(d.exercise)}</code> · {e(step_label(d.exercise, d.step, lang))} · "
                f"{e(hint_label(d.hint, lang))}: {e(text('report.students_n', lang, n=d.count, pct=pct(d.count, s.graded)))}"
                f" — {e(', '.join(d.students))}</li>" for d in diagnoses) + "</ol>")
        out.append(f"<p class='muted'>{e(text('report.page.open', lang, assignment=assignment))}</p>")
    out.append("</section>")
    return "\n".join(out)
