"""What a rendered report shows, in one language, independent of the format.

Both renderers (text, HTML) read this, so they cannot disagree on content.
Read in five seconds: a **headline** (verdict with the case and step of the
first failure, and the hint in one sentence), then the
**findings grouped** — one line per distinct problem (hint + message) with the
steps and cases it applies to — and the per-case table and full hint texts as
details.  Ids (hint, step, message) stay data; the texts never show them.

A text is a tuple of lines: one per language, ``("zh",)``, ``("en",)`` or in
"both" ``(zh, en)`` — each sentence once in Chinese, the English under it.
"""
import re
from dataclasses import dataclass

from ..messages import LANGS, about_text, case_label, get_language, in_language, join_bi, step_label, t

MARK = {"passed": "✓", "failed": "✗", "not_reached": "·", "not_implemented": "○"}


def _drop_blank_lines(text):
    """A message without its empty continuation lines (``\n    {code}`` when no code is known)."""
    return "\n".join(line for line in text.splitlines() if line.strip()) if "\n" in text else text


def texts(message_id, lang, **params):
    """``t(message_id)`` as a tuple of one line per language (zh first in "both")."""
    if lang == "both":
        zh, en = (_drop_blank_lines(t(message_id, x, **params)) for x in ("zh", "en"))
        return (zh,) if zh == en else (zh, en)
    return (_drop_blank_lines(t(message_id, lang, **params)),)


def fallback_lines(report):
    """What a report shows when it cannot be rendered (a catalog text the formatter cannot
    fill, a value nobody foresaw): the verdict as data — exercise, step, hint id — and one
    bilingual line; never a traceback."""
    passed = bool(getattr(report, "passed", False))
    hints = list(getattr(report, "hints", None) or ())
    head = (f"{'✓' if passed else '✗'} {getattr(report, 'exercise', '?')}"
            f" · step: {getattr(report, 'failed_step', None) or '-'} · hint: {hints[0] if hints else '-'}")
    return head, t("ui.render_failed", "zh") + " / " + t("ui.render_failed", "en")


_SENTENCE_END = {"zh": re.compile(r"(?<=[。！？])"), "en": re.compile(r"(?<=[.!?])\s+")}


def first_sentence(text, lang):
    parts = _SENTENCE_END[lang].split(text, maxsplit=1)
    return parts[0].strip() if parts else text


def hint_sentence(hint, lang):
    """The hint's explanation cut to its first sentence, per language."""
    if lang == "both":
        return tuple(dict.fromkeys(first_sentence(t("hint." + hint, x), x) for x in ("zh", "en")))
    return (first_sentence(t("hint." + hint, lang), lang),)


def labelled(label_id, lang, parts):
    """``label: line`` for each line of ``parts``, the label in that line's language
    ("both": 提示：… then hint: …)."""
    labels = texts(label_id, lang)
    if len(labels) != len(parts):
        labels = (" / ".join(labels),) + ("",) * (len(parts) - 1)
    sep = {"zh": "：", "en": ": "}
    langs = ("zh", "en") if lang == "both" else (lang,)
    out = []
    for i, (label, part) in enumerate(zip(labels, parts)):
        out.append(f"{label}{sep.get(langs[min(i, len(langs) - 1)], ': ')}{part}" if label else part)
    return tuple(out)


_ARRAY = re.compile(r"^ndarray\(([^)]*)\)\s*\[(.*)\]$", re.S)


def pretty(summary, lang="en"):
    """A summary from the checks as a reader wants it: ``ndarray() [0.27978]`` → ``0.27978``,
    ``ndarray(3, 1) [ -0.1  0.2]`` → ``shape (3, 1): [-0.1 0.2]``."""
    if not summary:
        return ""
    m = _ARRAY.match(summary.strip())
    if not m:
        return summary
    shape, values = m.group(1).strip(), " ".join(m.group(2).split())
    if shape == "":
        return values
    shape = f"({shape},)" if "," not in shape else f"({shape})"
    word, sep = {"zh": ("形状", "："), "en": ("shape", ": ")}.get(lang, ("形状 / shape", ": "))
    return f"{word} {shape}{sep}[{values}]"


@dataclass(frozen=True)
class Row:
    """One case of the table: ``state`` is passed / failed / not_reached."""
    case: str
    about: str
    state: str
    step: str
    expected: str
    got: str
    text: tuple
    case_text: str = ""    # the case and step as people read them (ids stay in case / step)
    step_text: str = ""


@dataclass(frozen=True)
class Group:
    """One distinct problem: a hint and message, the steps and cases it was found in."""
    hint: str
    message_id: str
    steps: tuple
    cases: tuple
    text: tuple        # the first finding's sentence
    where: tuple       # "also in …, cases …" line(s), may be empty


@dataclass(frozen=True)
class View:
    exercise: str
    lang: str
    state: str        # passed / failed / not_implemented
    passed: bool
    verdict: tuple
    hint: tuple       # the first hint in one sentence (empty when passed)
    groups: tuple
    rows: tuple
    hints: tuple      # (hint id, full text tuple)
    warnings: tuple   # text tuples


def resolve_lang(report, lang):
    lang = lang or getattr(report, "lang", None) or get_language()
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return lang


def finding_text(report, finding, lang):
    """A finding's sentence(s) in ``lang`` (the report may have been made in another).
    Always rebuilt from its message id, so every language names the exercise alike."""
    try:
        return texts(finding.message_id, lang, **{"fn": report.exercise, **finding.params})
    except (KeyError, IndexError, ValueError, AttributeError):
        if not finding.text:
            raise
        return (_drop_blank_lines(finding.text),)


def cell_failed(report):
    """``"failed"`` when the report is about a failed run of the function's cell, ``"changed"``
    when the cell was changed after its last run (saved, or on screen), else None (nothing was
    checked in both)."""
    first = report.failures[0].message_id if report.failures else None
    return {"msg.cell_failed": "failed", "msg.cell_changed": "changed", "msg.cell_edited": "changed"}.get(first)


def state_of(report):
    if report.passed:
        return "passed"
    if report.hints and report.hints[0] == "not_implemented":
        return "not_implemented"
    return "failed"


def case_labels(report):
    """{case id: its label} (Chinese: 用例 1, 用例 2, … in the report's order)."""
    return {c.case: case_label(c.case, i) for i, c in enumerate(report.cases, 1)}


def _row(report, case, lang):
    return _labelled_row(_plain_row(report, case, lang), case_labels(report).get(case.case, case_label(case.case)), lang)


def _labelled_row(row, label, lang):
    from dataclasses import replace
    return replace(row, about=in_language(about_text(row.about), lang), case_text=in_language(label, lang),
                   step_text=in_language(step_label(row.step), lang) if row.step else "")


def _plain_row(report, case, lang):
    failures = [f for f in case.findings if not f.warning]
    if case.passed:
        return Row(case.case, case.about, "passed", "", "", "", ())
    if not failures:
        # Stopped before this case (after a timeout or a stub): nothing was checked.
        return Row(case.case, case.about, "not_reached", "", "", "", texts("ui.not_reached", lang))
    first = failures[0]
    text = tuple(line for f in failures[:3] for line in finding_text(report, f, lang))
    return Row(case.case, case.about, "failed", first.step or "", pretty(first.expected, lang), pretty(first.got, lang), text)


def group_findings(report, lang):
    """Failures grouped by (hint, message id), in the order first seen."""
    order, found = [], {}
    for f in report.failures:
        key = (f.hint, f.message_id)
        if key not in found:
            order.append(key)
            found[key] = []
        found[key].append(f)
    groups = []
    for key in order:
        fs = found[key]
        steps = tuple(dict.fromkeys(f.step for f in fs if f.step))
        cases = tuple(dict.fromkeys(f.case for f in fs))
        where = ()
        if len(steps) > 1 or len(cases) > 1:
            labels = case_labels(report)
            where = texts("ui.found_in", lang, steps=join_bi(step_label(s) for s in steps),
                          cases=join_bi(labels.get(c, case_label(c)) for c in cases), n=len(cases))
        groups.append(Group(key[0], key[1], steps, cases, finding_text(report, fs[0], lang), where))
    return tuple(groups)


def build(report, lang=None):
    lang = resolve_lang(report, lang)
    state = state_of(report)
    if state == "passed":
        verdict = texts("ui.passed_all", lang, fn=report.exercise, n=len(report.cases))
    elif state == "not_implemented":
        verdict = texts("ui.not_implemented_yet", lang, fn=report.exercise)
    elif cell_failed(report) == "changed":
        verdict = texts("ui.cell_changed", lang, fn=report.exercise)
    elif cell_failed(report):
        verdict = texts("ui.cell_failed", lang, fn=report.exercise, exc_type=report.failures[0].params["exc_type"])
    elif getattr(report, "callee", None):
        verdict = texts(report.failures[0].message_id.replace("msg.", "ui.", 1), lang, fn=report.exercise,
                        **report.failures[0].params)
    else:
        verdict = texts("ui.failed_at", lang, fn=report.exercise, step=step_label(report.failed_step),
                        case=case_labels(report).get(report.failed_case, case_label(report.failed_case)))
    hint = ()
    if state != "passed" and report.hints and not cell_failed(report):
        hint = hint_sentence(report.hints[0], lang)
    return View(
        exercise=report.exercise, lang=lang, state=state, passed=report.passed, verdict=verdict,
        hint=hint,
        groups=group_findings(report, lang) if state == "failed" else (),
        rows=tuple(_row(report, c, lang) for c in report.cases),
        hints=tuple((h, texts("hint." + h, lang)) for h in report.hints),
        warnings=tuple(finding_text(report, w, lang) for w in report.warnings),
    )
