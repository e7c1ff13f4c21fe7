"""Original-style entry points: ``linear_forward_test(linear_forward)`` prints a
short bilingual pass line or raises ``AssertionError`` (:class:`CheckFailed`)
with the headline and the grouped findings.

They run the same checks as the Check button (:func:`dnn_lab.checks.run_checks`),
with the same time limit (``dnn_lab.checks.DEFAULT_TIMEOUT``), and record the
result like a click.  The notebook's check cells no longer call them (one live
result per cell: the widget); they stay importable for old notebooks and scripts.
"""
from .checks import ALL_EXERCISES, DEFAULT_TIMEOUT, run_checks
from .messages import get_language, t


class CheckFailed(AssertionError):
    """A failed check, shown by IPython as its message only — no traceback into
    dnn_lab's files (IPython asks ``_render_traceback_``)."""

    def _render_traceback_(self):
        return [f"AssertionError: {line}" if i == 0 else line
                for i, line in enumerate(str(self).splitlines())]


def _entry_point(exercise):
    def test(target, lang=None, timeout=DEFAULT_TIMEOUT):
        report = run_checks(exercise, target, lang=lang, timeout=timeout)
        _record_progress(report)
        lang = lang or get_language()
        if not report.passed:
            from .render.text import render_text
            raise CheckFailed(render_text(report, lang, details=False).strip())
        print(t("ui.passed_all", lang, fn=exercise, n=len(report.cases)))
        for w in report.warnings:
            print("  ! " + w.text)
    test.__name__ = f"{exercise}_test"
    test.__doc__ = (f"Run the public checks of `{exercise}` on ``target`` (time limit ``timeout`` s per case); "
                    "raise AssertionError on failure.")
    return test


def _record_progress(report):
    try:
        from .progress_record import record
        record(report)
    except Exception:  # noqa: BLE001 - progress is a convenience; never let it break a test
        pass


for _name in ALL_EXERCISES:
    globals()[f"{_name}_test"] = _entry_point(_name)

__all__ = [f"{n}_test" for n in ALL_EXERCISES]
