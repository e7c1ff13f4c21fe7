"""The 检查 Check button (SPEC §4): ``dnn_lab.check("linear_backward")``.

A click looks the function up again in the notebook (``__main__``), runs
:func:`dnn_lab.checks.run_checks`, records the result (``dnn_lab.progress``) and
puts the feedback into the widget's ``Output`` as plain ``display_data``
outputs — text + HTML of the report, then the diagram PNG — so the result also
shows where no kernel runs (saved widget state, exported notebooks).  Outputs
are assigned, never printed inside ``with output:``, so no exception can be
swallowed by an ``Output`` context.

Under nbgrader (``NBGRADER_EXECUTION``) :func:`check` shows the same outputs
as static output, without a widget, and never raises.

This is the module that imports ipywidgets; ``dnn_lab`` imports it on first use.
"""
import contextlib
import io
import json
import sys
import time
import traceback
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field

import ipywidgets as widgets

from .checks import ALL_EXERCISES, DEFAULT_TIMEOUT, run_checks
from .messages import LANGS, get_language, t, t_short
from .progress import bundles as progress_bundles
from .progress import record as record_progress
from .render import render_html, render_text
from .render.display import ShownOnce, bundle, grading, png_bundle, publish
from .render.html import esc, rich

# The result shown right when the widget appears must not keep a cell busy for
# the full time limit when the function hangs; a click uses the full limit.
INITIAL_TIMEOUT = 2.0


def button_label(lang=None):
    """检查 / Check / 检查 Check (SPEC §4) — the same word the notebook text uses."""
    lang = lang or get_language()
    if lang == "both":
        return f"{t('ui.check', 'zh')} {t('ui.check', 'en')}"
    return t("ui.check", lang)


class UnknownExercise(ValueError):
    """``check()`` was given a name (or function) that is not an exercise."""


# ---- finding the student's function ------------------------------------------------


def resolve(exercise, lang=None):
    """``(name, fallback function or None)`` for a name or a function object."""
    if lang is not None and lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    if isinstance(exercise, str):
        name, fallback = exercise, None
    else:
        name, fallback = getattr(exercise, "__name__", None), exercise
    if name not in ALL_EXERCISES:
        raise UnknownExercise(t("ui.unknown_exercise", lang, name=name if name else repr(exercise),
                                known=", ".join(ALL_EXERCISES)))
    return name, fallback


def notebook_namespace():
    main = sys.modules.get("__main__")
    return getattr(main, "__dict__", {})


def lookup(name, fallback=None):
    """The function called ``name`` in the notebook now (the student may have
    redefined it since the widget was made), else ``fallback``."""
    value = notebook_namespace().get(name)
    return value if callable(value) else fallback


# ---- one run: checks, progress, rendered outputs ---------------------------------------


@dataclass
class Feedback:
    report: object = None
    diagram_states: dict = field(default_factory=dict)
    outputs: list = field(default_factory=list)
    error: BaseException | None = None


def report_bundle(report, lang):
    return bundle({"text/plain": render_text(report, lang), "text/html": render_html(report, lang)},
                  kind="report", exercise=report.exercise, passed=report.passed,
                  failed_step=report.failed_step, hints=list(report.hints))


def error_bundle(exc, lang):
    """An error of the checker itself (or an unknown exercise), for the result area."""
    if isinstance(exc, UnknownExercise):
        text = str(exc)
        return bundle({"text/plain": text + "\n", "text/html": f'<div style="color:#cf222e">{rich(text)}</div>'},
                      kind="error", message_id="ui.unknown_exercise", error_type=type(exc).__name__)
    text = t("ui.internal_error", lang, error=f"{type(exc).__name__}: {exc}")
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-6:])
    html = (f'<div style="color:#cf222e;font-family:sans-serif">{rich(text)}</div>'
            f'<details><summary>traceback</summary><pre style="font-size:11px">{esc(tb)}</pre></details>')
    return bundle({"text/plain": f"{text}\n{tb}", "text/html": html},
                  kind="error", message_id="ui.internal_error", error_type=type(exc).__name__)


def missing_bundle(name, lang):
    text = t("ui.function_missing", lang, fn=name)
    return bundle({"text/plain": text + "\n", "text/html": f'<div style="color:#cf222e">{rich(text)}</div>'},
                  kind="missing", message_id="ui.function_missing", exercise=name)


# Drawn diagrams by what they depend on: a student who clicks again without
# changing the function gets the same picture without drawing it again.
_DIAGRAMS = OrderedDict()
_DIAGRAM_CACHE_SIZE = 32


def _diagram_key(report, lang):
    # Everything in the report except timing: a superset of what the drawing reads.
    data = {**report.as_dict(), "dims": report.dims, "lang": lang}
    return json.dumps(data, sort_keys=True, default=repr)


def render_diagram(report, lang):
    """``(png bytes, drawn states)``, or None for an exercise without a diagram."""
    from .diagram import has_diagram, render_report
    if not has_diagram(report.exercise):
        return None
    key = _diagram_key(report, lang)
    if key in _DIAGRAMS:
        _DIAGRAMS.move_to_end(key)
        png, states = _DIAGRAMS[key]
        return png, dict(states)
    png, states = render_report(report, lang=lang, fmt="png")
    _DIAGRAMS[key] = (png, dict(states))
    if len(_DIAGRAMS) > _DIAGRAM_CACHE_SIZE:
        _DIAGRAMS.popitem(last=False)
    return png, dict(states)


def clear_diagram_cache():
    _DIAGRAMS.clear()


@contextlib.contextmanager
def quiet():
    """Nothing from the checker reaches stderr (it zeroes a grade cell) or the
    log console: warnings are dropped, stray stderr is kept in a buffer."""
    with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def run_feedback(name, fallback, lang, timeout, *, record=True):
    """Look the function up, check it, record it, render it.  Errors of the
    diagram renderer become an error output after the report; other internal
    errors propagate to the caller, which shows them."""
    fn = lookup(name, fallback)
    if fn is None:
        return Feedback(outputs=[missing_bundle(name, lang)])
    report = run_checks(name, fn, lang=lang, timeout=timeout)
    if record:
        record_progress(report)
    fb = Feedback(report=report, outputs=[report_bundle(report, lang)])
    try:
        drawn = render_diagram(report, lang)
        if drawn is None:
            return fb
        png, states = drawn
        fb.diagram_states = dict(states)
        alt = f"[{t_short('ui.diagram', lang)}: {report.exercise}]"
        fb.outputs.append(png_bundle(png, alt, kind="diagram", states=fb.diagram_states))
    except Exception as exc:  # noqa: BLE001 - shown in the result area
        fb.error = exc
        fb.outputs.append(error_bundle(exc, lang))
    return fb


# ---- the widget -------------------------------------------------------------------------


def _status_text(fb, lang, seconds):
    if fb.report is None:
        return "✗ " + t_short("ui.failed", lang)
    if fb.report.passed:
        text = "✓ " + t_short("ui.passed", lang)
    else:
        text = "✗ " + t_short("ui.progress_failed", lang, step=fb.report.failed_step)
    return f"{text}  ({seconds * 1000:.0f} ms)"


class CheckWidget(ShownOnce, widgets.VBox):
    """``VBox([HBox([button, status]), output])``.  After a click: ``report``
    (the last :class:`~dnn_lab.checks.Report`, or None when the function was
    missing or the checker failed) and ``diagram_states`` (step id → passed /
    failed / not_reached, as drawn)."""

    def __init__(self, name, fallback=None, lang=None, timeout=DEFAULT_TIMEOUT, *, run_now=True):
        self.exercise, self._fallback, self.lang, self.timeout = name, fallback, lang, timeout
        self.report, self.diagram_states, self.error = None, {}, None
        label = button_label(lang)
        self.button = widgets.Button(description=label, button_style="primary", icon="check",
                                     tooltip=f"{label}: {name}")
        self.status = widgets.Label()
        self.output = widgets.Output()
        super().__init__([widgets.HBox([self.button, self.status]), self.output])
        self.button.on_click(self._on_click)
        if run_now:
            self.run(timeout=min(timeout, INITIAL_TIMEOUT))

    def _on_click(self, _button=None):
        self.run()

    def run(self, timeout=None):
        """What a click does; also called once when the widget is made."""
        lang = self.lang or get_language()
        self.button.disabled = True
        self.status.value = t_short("ui.checking", lang)
        started = time.perf_counter()
        try:
            self.report, self.diagram_states, self.error = None, {}, None
            with quiet():
                fb = run_feedback(self.exercise, self._fallback, lang, timeout or self.timeout)
            self.report, self.diagram_states, self.error = fb.report, fb.diagram_states, fb.error
            self.output.outputs = tuple(fb.outputs)
            self.status.value = _status_text(fb, lang, time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001 - the result area is where people look
            self.error = exc
            self.output.outputs = (error_bundle(exc, lang),)
            self.status.value = "✗ " + t_short("ui.failed", lang)
        finally:
            self.button.disabled = False

    @property
    def outputs(self):
        return list(self.output.outputs)

    def _repr_mimebundle_(self, **kwargs):
        # Where widgets do not render (untrusted or exported notebooks), show the report.
        data = super()._repr_mimebundle_(**kwargs)
        for out in self.output.outputs:
            if out["metadata"].get("dnn_lab", {}).get("kind") in ("report", "missing", "error"):
                data["text/plain"] = out["data"]["text/plain"]
                data["text/html"] = out["data"]["text/html"]
                break
        return data

    def _display_again(self):
        publish([bundle(self._repr_mimebundle_())])


class StaticCheck(ShownOnce):
    """What :func:`check` returns under nbgrader: the outputs it displayed, the
    report and the drawn states; no widget, no button."""

    def __init__(self, exercise, feedback):
        self.exercise = exercise
        self.report, self.diagram_states = feedback.report, feedback.diagram_states
        self.error, self.outputs = feedback.error, list(feedback.outputs)

    def _display_again(self):
        with quiet():
            publish(self.outputs)

    def __repr__(self):
        state = "no report" if self.report is None else ("passed" if self.report.passed else
                                                        f"failed at {self.report.failed_step}")
        return f"<StaticCheck {self.exercise}: {state}>"


def static_check(exercise, lang=None, timeout=DEFAULT_TIMEOUT):
    """Grading mode: display text + HTML + PNG outputs; never raises."""
    if lang not in LANGS:
        lang = get_language()
    name = exercise if isinstance(exercise, str) else getattr(exercise, "__name__", repr(exercise))
    try:
        with quiet():
            name, fallback = resolve(exercise, lang)
            fb = run_feedback(name, fallback, lang, timeout, record=False)
    except Exception as exc:  # noqa: BLE001 - never break a graded notebook
        fb = Feedback(outputs=[error_bundle(exc, lang)], error=exc)
    result = StaticCheck(name, fb)
    try:
        result.show()
    except Exception:  # noqa: BLE001, S110 - never break a graded notebook
        pass
    return result


def check(exercise, lang=None, timeout=DEFAULT_TIMEOUT):
    """Show the Check button for ``exercise`` (a name or the function) and return it.

    Under nbgrader (``NBGRADER_EXECUTION`` set) show static output instead and
    return a :class:`StaticCheck`.
    """
    if grading():
        return static_check(exercise, lang=lang, timeout=timeout)
    name, fallback = resolve(exercise, lang)  # a typo in the name or language is a clear error here
    w = CheckWidget(name, fallback, lang=lang, timeout=timeout)
    w.show()
    return w


# ---- the progress view (dnn_lab.progress.show) -----------------------------------------------


class ProgressWidget(ShownOnce, widgets.VBox):
    """All exercises with their last result; ``progress.record`` refreshes it."""

    def __init__(self, lang=None, path=None):
        self.lang, self.path = lang, path
        self.output = widgets.Output()
        super().__init__([self.output])
        self.refresh()

    def refresh(self):
        self.output.outputs = tuple(progress_bundles(self.lang, self.path))

    @property
    def states(self):
        return dict(self.output.outputs[0]["metadata"]["dnn_lab"]["states"])

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        data.update({k: v for k, v in self.output.outputs[0]["data"].items()})
        return data

    def _display_again(self):
        publish([bundle(self._repr_mimebundle_())])
