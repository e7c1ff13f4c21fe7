"""Original-style entry points: ``linear_forward_test(linear_forward)`` prints a
short bilingual pass line or raises ``AssertionError`` listing what failed.

They run the same checks as the Check button (:func:`dnn_lab.checks.run_checks`).
"""
from .checks import ALL_EXERCISES, run_checks
from .messages import get_language, t


def _entry_point(exercise):
    def test(target, lang=None):
        report = run_checks(exercise, target, lang=lang)
        _record_progress(report)
        lang = lang or get_language()
        if not report.passed:
            lines = [t("ui.failed_at", lang, fn=exercise, step=report.failed_step, case=report.failed_case)]
            lines += [f"  - [{f.case}] {f.text}" for f in report.failures[:6]]
            if report.hints:
                lines.append(t("ui.hint", lang) + ": " + t("hint." + report.hints[0], lang))
            raise AssertionError("\n".join(lines))
        print(t("ui.passed_all", lang, fn=exercise, n=len(report.cases)))
        for w in report.warnings:
            print("  ! " + w.text)
    test.__name__ = f"{exercise}_test"
    test.__doc__ = f"Run the public checks of `{exercise}` on ``target``; raise AssertionError on failure."
    return test


def _record_progress(report):
    try:
        from .progress import record
        record(report)
    except Exception:  # progress is a convenience; never let it break a test
        pass


for _name in ALL_EXERCISES:
    globals()[f"{_name}_test"] = _entry_point(_name)

__all__ = [f"{n}_test" for n in ALL_EXERCISES]
