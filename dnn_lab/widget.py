"""The 检查 Check button (SPEC §4): ``dnn_lab.check("linear_backward")``.

A click looks the function up again in the notebook (``__main__``) and asks
:mod:`dnn_lab.kernel` which cell run defined it: when that run failed (a
SyntaxError, an exception) the result *is* that failure; otherwise
:func:`dnn_lab.checks.run_checks` checks the function.  Every result names the
version it checked (``In [n]`` and the time).  The result is recorded
(``dnn_lab.progress_record``) and put into the widget's ``Output`` as plain
``display_data`` outputs — text + HTML of the report, then the diagram PNG — so
it also shows where no kernel runs (saved widget state, exported notebooks).
Outputs are assigned, never printed inside ``with output:``, so no exception
can be swallowed by an ``Output`` context.  A note next to the button, shown
only by CSS when the front end marks the widget disconnected (kernel restarted,
notebook reopened), takes the status line's place and says to run the cell
again; the same CSS hides ipywidgets' "disconnected" icons inside the widget.
With our JupyterLab extension the kernel also knows the cells on screen: a
defining cell edited since it ran (unsaved edits included) gets "run the cell
first" instead of a check of the old function (:func:`check_now`).

Under nbgrader (``NBGRADER_EXECUTION``): ``autograde`` — one static line, the
student's function is not called (grades are computed outside the kernel);
``validate`` (or any other value) — the checks run, static text + HTML, and a
failure raises :class:`CheckFailed` (an AssertionError with a short message).
Nothing is written to stderr.

This is the module that imports ipywidgets; ``dnn_lab`` imports it on first use.
"""
import contextlib
import io
import json
import os
import sys
import time
import traceback
import warnings
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import ipywidgets as widgets

from . import kernel
from .checks import ALL_EXERCISES, DEFAULT_TIMEOUT, get_exercise, run_checks
from .checks.report import FAILED, NOT_REACHED, CaseResult, Finding, Report
from .messages import LANGS, get_language, t, t_short
from .progress_record import record as record_progress
from .public_tests import CheckFailed
from .render import render_html, render_text
from .render._model import cell_failed, state_of, texts
from .render.display import ShownOnce, bundle, grading, png_bundle, publish
from .render.html import esc, rich


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


# ---- which version is checked ------------------------------------------------------------


def version_of(name, fn, lang):
    """``(text tuple, data)`` naming the version checked: the cell run (``In [n]``, time)
    that defined the function now in the notebook, else "the function now called …"."""
    d = kernel.definition(name)
    code = getattr(fn, "__code__", None)
    if d is None or (d.ok and d.code is not None and code is not d.code):
        return texts("ui.version_untracked", lang, fn=name), {"count": None, "time": None, "tracked": False}
    when = d.time.strftime("%H:%M:%S") if d.time else None
    data = {"count": d.count, "time": d.time.isoformat(timespec="seconds") if d.time else None,
            "tracked": True, "ok": d.ok}
    if when:
        return texts("ui.version", lang, count=d.count, time=when), data
    return texts("ui.version_count", lang, count=d.count), data


def failed_run_report(name, d, lang, changed=None):
    """The report of a function whose defining cell's last run failed (or, ``changed``, whose
    cell changed after that run: ``"saved"`` in the saved file, ``"screen"`` on screen):
    that, at the first step of the first case; nothing was checked."""
    ex = get_exercise(name)
    first = ex.cases[0]
    steps = ex.steps(first)
    if changed:
        message_id = "msg.cell_edited" if changed == "screen" else "msg.cell_changed"
        hints, params = [], {"count": d.count}
    else:
        message_id, hints = "msg.cell_failed", ["exception"]
        params = {"count": d.count, "exc_type": d.error.get("type", "Error"),
                  "exc_msg": d.error.get("message", ""), "line": d.error.get("line") or "?"}
    f = Finding(case=first.id, step=steps[0], message_id=message_id, hint=(hints or ["exception"])[0],
                params=params, text=t(message_id, lang, fn=name, **params))
    cases = [CaseResult(first.id, first.about, False,
                        {s: FAILED if i == 0 else NOT_REACHED for i, s in enumerate(steps)}, (f,))]
    cases += [CaseResult(c.id, c.about, False, {s: NOT_REACHED for s in ex.steps(c)}) for c in ex.cases[1:]]
    return Report(exercise=name, lang=lang, passed=False, failed_step=steps[0], hints=hints,
                  failures=[f], warnings=[], cases=cases, step_states=dict(cases[0].steps), dims=dict(first.dims))


def check_now(name, fn, lang, timeout, cells=None):
    """The report for the version on screen (as far as the kernel can tell): ``cells``, what the
    front end sent for this click or run (our extension), else the saved notebook."""
    d = kernel.definition(name)
    if cells is not None and kernel.edited_on_screen(name, cells):
        return failed_run_report(name, d, lang, changed="screen")
    if d is not None and not d.ok:
        return failed_run_report(name, d, lang)
    if cells is None and kernel.changed_since_run(name):
        return failed_run_report(name, d, lang, changed="saved")
    return run_checks(name, fn, lang=lang, timeout=timeout)


# ---- one run: checks, progress, rendered outputs ---------------------------------------


@dataclass
class Feedback:
    report: object = None
    diagram_states: dict = field(default_factory=dict)
    outputs: list = field(default_factory=list)
    error: BaseException | None = None
    version: dict = field(default_factory=dict)
    version_text: tuple = ()


def report_bundle(report, lang, version_text=(), version=None):
    return bundle({"text/plain": render_text(report, lang, version=version_text),
                   "text/html": render_html(report, lang, version=version_text)},
                  kind="report", exercise=report.exercise, passed=report.passed, state=state_of(report),
                  failed_step=report.failed_step, hints=list(report.hints), callee=report.callee,
                  version=dict(version or {}))


def error_bundle(exc, lang):
    """An error of the checker itself (or an unknown exercise), for the result area."""
    if isinstance(exc, UnknownExercise):
        text = str(exc)
        return bundle({"text/plain": text + "\n", "text/html": f'<div style="color:#cf222e">{rich(text)}</div>'},
                      kind="error", message_id="ui.unknown_exercise", error_type=type(exc).__name__)
    text = t("ui.internal_error", lang, error=type(exc).__name__)
    # The student sees one line, never a traceback; maintainers find it in the output's metadata.
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-6:])
    html = f'<div style="color:#cf222e;font-family:sans-serif">{rich(text)}</div>'
    return bundle({"text/plain": f"{text}\n", "text/html": html},
                  kind="error", message_id="ui.internal_error", error_type=type(exc).__name__, traceback=tb)


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


def run_feedback(name, fallback, lang, timeout, *, record=True, diagram=True):
    """Look the function up, check it (or report its cell's failed run), record it,
    render it.  Errors of the diagram renderer become an error output after the
    report; other internal errors propagate to the caller, which shows them."""
    cells = kernel.front_end_cells()  # taken for this click or run, whatever comes of it
    fn = lookup(name, fallback)
    d = kernel.definition(name)
    if fn is None and (d is None or d.ok):
        return Feedback(outputs=[missing_bundle(name, lang)])
    report = check_now(name, fn, lang, timeout, cells)
    version_text, version = version_of(name, fn, lang)
    if record and cell_failed(report) != "changed":  # "run the cell first" is no result
        record_progress(report)
    fb = Feedback(report=report, outputs=[report_bundle(report, lang, version_text, version)],
                  version=version, version_text=version_text)
    if not diagram or cell_failed(report):
        return fb  # nothing was checked after a failed cell run: no step to draw
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

_STATUS_COLORS = {"passed": "#1a7f37", "failed": "#cf222e", "not_implemented": "#9a6700", "error": "#cf222e",
                  "missing": "#9a6700"}


def _status(fb, lang, seconds):
    """(state, text) of the line next to the button."""
    if fb.report is None:
        if any(o["metadata"].get("dnn_lab", {}).get("kind") == "missing" for o in fb.outputs):
            return "missing", "○ " + t_short("ui.status_missing", lang)
        return "error", "✗ " + t_short("ui.failed", lang)
    state = state_of(fb.report)
    if state == "passed":
        text = "✓ " + t_short("ui.passed", lang)
    elif state == "not_implemented":
        text = "○ " + t_short("ui.status_not_implemented", lang)
    elif cell_failed(fb.report) == "changed":
        text = "✗ " + t_short("ui.status_cell_changed", lang)
    elif cell_failed(fb.report):
        text = "✗ " + t_short("ui.status_cell_failed", lang, exc_type=fb.report.failures[0].params["exc_type"])
    else:
        text = "✗ " + t_short("ui.progress_failed", lang, step=fb.report.failed_step)
    return state, f"{text}  ({seconds * 1000:.0f} ms)"


def status_html(state, text, version_text=(), run=0):
    """The line next to the button; ``data-run`` counts the results shown (front-end tests wait on it)."""
    color = _STATUS_COLORS.get(state, "#57606a")
    version = (f' <span class="dnn-lab-version" style="color:#57606a;font-size:12px">'
               f'{esc(" / ".join(version_text))}</span>') if version_text else ""
    return (f'<span class="dnn-lab-status" data-state="{esc(state)}" data-run="{run}"'
            f' style="color:{color};font-weight:bold">'
            f'{rich(text)}</span>{version}')


# Once the front end marks the widget disconnected (no live kernel behind it): the note takes the
# status line's place (one state), the button looks disabled, and none of ipywidgets' red
# "disconnected" icons (one per widget: box, row, button, status, note, output) is drawn inside it.
NOT_CONNECTED_CSS = (
    ".dnn-lab-check.jupyter-widgets-disconnected .dnn-lab-not-connected{display:block !important}"
    ".dnn-lab-check.jupyter-widgets-disconnected .dnn-lab-status,"
    ".dnn-lab-check.jupyter-widgets-disconnected .dnn-lab-version{display:none !important}"
    ".dnn-lab-check.jupyter-widgets-disconnected::before,"
    ".dnn-lab-check .jupyter-widgets-disconnected::before{content:none !important;display:none !important}"
    ".dnn-lab-check.jupyter-widgets-disconnected button.jupyter-button{opacity:.45;cursor:not-allowed}"
)


def not_connected_html(lang):
    """Hidden, until the front end marks the widget disconnected (no live kernel behind
    it): then a CSS rule shows it, so a dead button is never silent."""
    return (f'<style>{NOT_CONNECTED_CSS}</style>'
            f'<div class="dnn-lab-not-connected" style="display:none;color:#9a6700;font-weight:bold">'
            f'{esc(t_short("ui.not_connected", lang))}</div>')


_LIVE_WIDGETS = weakref.WeakValueDictionary()  # model id -> CheckWidget, for clicks sent with the cells


def click_from_front_end(widget_id):
    """A click our JupyterLab extension sent together with the cells on screen (kernel.py)."""
    w = _LIVE_WIDGETS.get(widget_id)
    if w is not None and not w.button.disabled:
        w._on_click()


class CheckWidget(ShownOnce, widgets.VBox):
    """``VBox([HBox([button, status, note]), output])``.  After a click: ``report``
    (the last :class:`~dnn_lab.checks.Report`, or None when the function was
    missing or the checker failed), ``state`` (passed / failed / not_implemented /
    error / missing), ``version`` (``count``, ``time`` of the checked cell run) and
    ``diagram_states`` (step id → passed / failed / not_reached, as drawn)."""

    def __init__(self, name, fallback=None, lang=None, timeout=DEFAULT_TIMEOUT, *, run_now=True):
        self.exercise, self._fallback, self.lang, self.timeout = name, fallback, lang, timeout
        self.report, self.diagram_states, self.error, self.version, self.state = None, {}, None, {}, None
        self.runs = 0
        lang_now = lang or get_language()
        label = button_label(lang)
        limit = t_short("ui.time_limit", lang_now, seconds=f"{timeout:g}")
        self.button = widgets.Button(description=label, button_style="primary", icon="check",
                                     tooltip=f"{label}: {name} ({limit})")
        self.status = widgets.HTML()
        self.note = widgets.HTML(value=not_connected_html(lang_now))
        self.output = widgets.Output()
        super().__init__([widgets.HBox([self.button, self.status, self.note]), self.output])
        self.add_class("dnn-lab-check")
        if self.model_id:  # the front end names this widget when it sends a click with the cells
            self.add_class(f"dnn-lab-id-{self.model_id}")
            _LIVE_WIDGETS[self.model_id] = self
            kernel.set_click_handler(click_from_front_end)
        self.button.on_click(self._on_click)
        if run_now:
            self.run()

    def _on_click(self, _button=None):
        self.run()

    def run(self, timeout=None):
        """What a click does; also called once when the widget is made."""
        lang = self.lang or get_language()
        self.button.disabled = True
        self.status.value = status_html("running", t_short("ui.checking", lang), run=self.runs)
        started = time.perf_counter()
        try:
            self.report, self.diagram_states, self.error, self.version = None, {}, None, {}
            with quiet():
                fb = run_feedback(self.exercise, self._fallback, lang, timeout or self.timeout)
            self.report, self.diagram_states, self.error = fb.report, fb.diagram_states, fb.error
            self.version = dict(fb.version)
            self.output.outputs = tuple(fb.outputs)
            state, text = _status(fb, lang, time.perf_counter() - started)
            self.state = state if fb.report is not None else "missing"
            self.runs += 1
            self.status.value = status_html(state, text, run=self.runs)  # the version is in the report
        except Exception as exc:  # noqa: BLE001 - the result area is where people look
            self.error, self.state = exc, "error"
            self.output.outputs = (error_bundle(exc, lang),)
            self.runs += 1
            self.status.value = status_html("error", "✗ " + t_short("ui.failed", lang), run=self.runs)
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


# ---- under nbgrader -------------------------------------------------------------------------


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


def _name_of(exercise):
    return exercise if isinstance(exercise, str) else getattr(exercise, "__name__", repr(exercise))


def graded_outside(exercise, lang=None):
    """``nbgrader autograde``: one static line; the student's function is not called."""
    if lang not in LANGS:
        lang = get_language()
    name = _name_of(exercise)
    text = t("ui.graded_outside", lang, fn=name)
    fb = Feedback(outputs=[bundle({"text/plain": text + "\n", "text/html": f'<div style="color:#57606a">{rich(text)}</div>'},
                                  kind="graded_outside", exercise=name, message_id="ui.graded_outside")])
    result = StaticCheck(name, fb)
    with contextlib.suppress(Exception):
        result.show()
    return result


def static_check(exercise, lang=None, timeout=DEFAULT_TIMEOUT):
    """``nbgrader validate`` (and other grading runs): static text + HTML; a failed check
    or a missing function raises :class:`CheckFailed`; the checker's own errors do not."""
    if lang not in LANGS:
        lang = get_language()
    name = _name_of(exercise)
    try:
        with quiet():
            name, fallback = resolve(exercise, lang)
            fb = run_feedback(name, fallback, lang, timeout, record=False, diagram=False)
    except Exception as exc:  # noqa: BLE001 - the checker's own fault never fails a student
        fb = Feedback(outputs=[error_bundle(exc, lang)], error=exc)
    result = StaticCheck(name, fb)
    with contextlib.suppress(Exception):
        result.show()
    missing = any(o["metadata"].get("dnn_lab", {}).get("kind") == "missing" for o in fb.outputs)
    if missing or (fb.report is not None and not fb.report.passed):
        reason = t("ui.function_missing", lang, fn=name) if missing else render_text(fb.report, lang, details=False)
        raise CheckFailed(reason.strip())
    return result


def check(exercise, lang=None, timeout=DEFAULT_TIMEOUT):
    """Show the Check button for ``exercise`` (a name or the function) and return it.

    Under nbgrader (``NBGRADER_EXECUTION`` set) show static output instead and
    return a :class:`StaticCheck` (see the module's docstring).
    """
    if grading():
        if os.environ.get("NBGRADER_EXECUTION") == "autograde":
            return graded_outside(exercise, lang=lang)
        return static_check(exercise, lang=lang, timeout=timeout)
    kernel.install()
    name, fallback = resolve(exercise, lang)  # a typo in the name or language is a clear error here
    w = CheckWidget(name, fallback, lang=lang, timeout=timeout)
    w.show()
    return w
