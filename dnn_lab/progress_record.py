"""The last result of each exercise: recorded to ``.dnn_lab/progress.json`` in
the current working directory (a kernel's working directory is the notebook's
folder) and shown by :func:`show` (the public call ``dnn_lab.progress()``).

The file (read by the server page)::

    {"version": 1,
     "exercises": {"linear_backward": {"passed": false, "failed_step": "dW",
                                       "hints": ["forgot_1_over_m"], "time": "2024-…+00:00"}}}

Light on purpose: ipywidgets and IPython are imported inside :func:`show` only,
because ``public_tests`` records through this module.  The live view
(:class:`ProgressWidget`, made on first use) lives here too: this module never
imports ``dnn_lab.widget`` (which imports it).
"""
import json
import os
import tempfile
import weakref
from datetime import UTC, datetime
from pathlib import Path

from .render.display import ShownOnce

VERSION = 1
DIRNAME, FILENAME = ".dnn_lab", "progress.json"

# Progress views on the page, refreshed by record(); weak so closed ones go away.
_LIVE = weakref.WeakSet()


def default_path():
    return Path.cwd() / DIRNAME / FILENAME


def load(path=None):
    """The recorded data, or an empty record when the file is missing or unreadable."""
    path = Path(path) if path else default_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("exercises"), dict):
            return data
    except (OSError, ValueError):
        pass
    return {"version": VERSION, "exercises": {}}


def _write_atomic(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".progress-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the file is no secret
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def entry(report):
    return {"passed": bool(report.passed), "failed_step": report.failed_step, "hints": list(report.hints),
            "time": datetime.now(UTC).isoformat(timespec="seconds")}


def record(report, path=None):
    """Store ``report`` as its exercise's last result and refresh the progress
    views.  Never raises (progress is a convenience); returns True when written.
    Under nbgrader nothing is written: grading leaves no trace in the submission."""
    from .render.display import grading
    if grading():
        return False
    written = False
    try:
        path = Path(path) if path else default_path()
        data = load(path)
        data["version"] = VERSION
        data["exercises"][report.exercise] = entry(report)
        _write_atomic(path, data)
        written = True
    except Exception:  # noqa: BLE001, S110 - progress must never break a check
        pass
    for view in list(_LIVE):
        if getattr(view, "comm", True) is None:  # a closed widget
            _LIVE.discard(view)
            continue
        try:
            view.refresh()
        except Exception:  # noqa: BLE001, S110 - a broken view must not break a check
            pass
    return written


def entries(path=None, exercises=None):
    """``[(exercise, state, failed_step, time)]`` in notebook order; state is
    ``passed``, ``failed`` or ``not_checked``."""
    if exercises is None:
        from .checks import EXERCISES as exercises
    recorded = load(path)["exercises"]
    out = []
    for name in exercises:
        e = recorded.get(name)
        if not isinstance(e, dict):
            out.append((name, "not_checked", None, None))
        else:
            out.append((name, "passed" if e.get("passed") else "failed", e.get("failed_step"), e.get("time")))
    return out


def show(lang=None, path=None):
    """Display the progress of the ten exercises; returns the view.

    In a live kernel the view is a widget that refreshes after every check; under
    nbgrader it is static HTML + text.
    """
    from .render.display import grading
    if grading():
        view = StaticProgress(lang=lang, path=path)
    else:
        view = progress_widget_class()(lang=lang, path=path)
        _LIVE.add(view)
    view.show()
    return view


def bundles(lang=None, path=None):
    """The progress view as one ``display_data`` output (text + HTML)."""
    from .render.display import bundle
    from .render.progress_view import render_progress_html, render_progress_text
    items = entries(path)
    states = {name: state for name, state, _, _ in items}
    return [bundle({"text/plain": render_progress_text(items, lang), "text/html": render_progress_html(items, lang)},
                   kind="progress", states=states)]


class StaticProgress(ShownOnce):
    """The progress view as plain outputs (grading mode, no widget)."""

    def __init__(self, lang=None, path=None):
        self.lang, self.path = lang, path
        self.outputs = bundles(lang, path)

    @property
    def states(self):
        return self.outputs[0]["metadata"]["dnn_lab"]["states"]

    def refresh(self):
        self.outputs = bundles(self.lang, self.path)

    def _display_again(self):
        from .render.display import publish
        publish(self.outputs)


_WIDGET_CLASS = []


def progress_widget_class():
    """``ProgressWidget(lang, path)``: all exercises with their last result, refreshed by
    :func:`record`; built on first use, so that importing this module loads no ipywidgets."""
    if _WIDGET_CLASS:
        return _WIDGET_CLASS[0]
    import ipywidgets as widgets

    from .render.display import bundle, publish

    class ProgressWidget(ShownOnce, widgets.VBox):
        def __init__(self, lang=None, path=None):
            self.lang, self.path = lang, path
            self.output = widgets.Output()
            super().__init__([self.output])
            self.refresh()

        def refresh(self):
            self.output.outputs = tuple(bundles(self.lang, self.path))

        @property
        def states(self):
            return dict(self.output.outputs[0]["metadata"]["dnn_lab"]["states"])

        def _repr_mimebundle_(self, **kwargs):
            data = super()._repr_mimebundle_(**kwargs)
            data.update(dict(self.output.outputs[0]["data"].items()))
            return data

        def _display_again(self):
            publish([bundle(self._repr_mimebundle_())])

    _WIDGET_CLASS.append(ProgressWidget)
    return ProgressWidget
