"""What a rendered report shows, in one language, independent of the format.

Both renderers (text, HTML) read this, so they cannot disagree on content.
"""
from dataclasses import dataclass

from ..messages import LANGS, get_language, t

MARK = {"passed": "✓", "failed": "✗", "not_reached": "·"}


@dataclass(frozen=True)
class Row:
    """One case of the table: ``state`` is passed / failed / not_reached."""
    case: str
    about: str
    state: str
    step: str
    expected: str
    got: str
    text: str


@dataclass(frozen=True)
class View:
    exercise: str
    lang: str
    passed: bool
    verdict: str
    rows: tuple
    hints: tuple      # (hint id, text)
    warnings: tuple   # texts


def resolve_lang(report, lang):
    lang = lang or getattr(report, "lang", None) or get_language()
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return lang


def finding_text(report, finding, lang):
    """A finding's sentence in ``lang`` (the report may have been made in another).
    Always rebuilt from its message id, so every language names the exercise alike."""
    try:
        return t(finding.message_id, lang, **{"fn": report.exercise, **finding.params})
    except (KeyError, IndexError, ValueError):
        return finding.text


def _row(report, case, lang):
    failures = [f for f in case.findings if not f.warning]
    if case.passed:
        return Row(case.case, case.about, "passed", "", "", "", "")
    if not failures:
        # Stopped before this case (after a timeout or a stub): nothing was checked.
        return Row(case.case, case.about, "not_reached", "", "", "", t("ui.not_reached", lang))
    first = failures[0]
    text = "\n".join(finding_text(report, f, lang) for f in failures[:3])
    return Row(case.case, case.about, "failed", first.step or "", first.expected or "", first.got or "", text)


def build(report, lang=None):
    lang = resolve_lang(report, lang)
    if report.passed:
        verdict = t("ui.passed_all", lang, fn=report.exercise, n=len(report.cases))
    else:
        verdict = t("ui.failed_at", lang, fn=report.exercise, step=report.failed_step, case=report.failed_case)
    return View(
        exercise=report.exercise, lang=lang, passed=report.passed, verdict=verdict,
        rows=tuple(_row(report, c, lang) for c in report.cases),
        hints=tuple((h, t("hint." + h, lang)) for h in report.hints),
        warnings=tuple(finding_text(report, w, lang) for w in report.warnings),
    )
