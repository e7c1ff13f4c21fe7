"""A progress display for training loops::

    progress = TrainingProgress(num_iterations, show=print_cost)
    for i in range(num_iterations):
        ...                       # forward, cost, backward, update
        progress.update(i, cost)
    progress.close()

With ``show=False`` every call is a no-op (the checks call the models that way).
With ``show=True``:

- every 100 iterations and at the last one, a line ``迭代 / iteration 100:
  代价 / cost 0.5132…`` is printed (stdout), so the costs stay in the saved
  notebook, in exported copies and in nbgrader's output;
- in a live Jupyter kernel, an ipywidgets bar shows the iteration and the
  current cost while training runs; at ``close()`` the bar is replaced by a
  one-line HTML summary, which is what an exported notebook shows;
- under nbgrader (``NBGRADER_EXECUTION``), outside IPython, or with
  ``DNN_LAB_PROGRESS=text``, only the text lines are written.

Nothing is written to stderr.  ipywidgets is imported only in widget mode.
"""
import html
import os
import time

from ..messages import get_language, t, t_short

WIDGET, TEXT = "widget", "text"


def _live_kernel():
    if os.environ.get("NBGRADER_EXECUTION") or os.environ.get("DNN_LAB_PROGRESS", "").lower() == "text":
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def choose_mode():
    """``"widget"`` in a live Jupyter kernel with ipywidgets, else ``"text"``."""
    if not _live_kernel():
        return TEXT
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return TEXT
    return WIDGET


class TrainingProgress:
    """Shows iteration and cost of a training loop; see the module docstring."""

    def __init__(self, num_iterations, show=True, every=100, lang=None, mode=None, min_interval=0.1):
        self.n = max(int(num_iterations), 0)
        self.show = bool(show)
        self.every = max(int(every), 1)
        self.lang = lang
        self.mode = mode
        self.min_interval = min_interval
        self.last_cost = None
        self.last_iteration = None
        self.lines = []            # the text lines written, for tests and summaries
        self._started = None
        self._shown_at = 0.0
        self._bar = self._label = self._box = self._handle = None
        self._closed = False

    # -- text -------------------------------------------------------------------------
    def _lang(self):
        return self.lang or get_language()

    def line(self, i, cost):
        lang = self._lang()
        sep = "：" if lang == "zh" else ": "  # full-width after Chinese
        return f"{t_short('ui.iteration', lang)} {i:>{len(str(max(self.n - 1, 0)))}}{sep}{t_short('ui.cost', lang)} {float(cost):.6f}"

    def _print(self, text):
        self.lines.append(text)
        print(text, flush=True)

    # -- widget -----------------------------------------------------------------------
    def _open_widget(self):
        import ipywidgets as widgets
        from IPython.display import display
        self._bar = widgets.IntProgress(value=0, min=0, max=max(self.n, 1), bar_style="info",
                                        layout=widgets.Layout(width="320px"))
        self._label = widgets.HTML(value="")
        self._box = widgets.HBox([self._bar, self._label])
        self._handle = display(self._box, display_id=True)

    def _refresh_widget(self, i, cost):
        self._bar.value = i + 1
        lang = self._lang()
        self._label.value = (f"&nbsp;{html.escape(t_short('ui.iteration', lang))} {i + 1}/{self.n}"
                             f" &nbsp;·&nbsp; {html.escape(t_short('ui.cost', lang))} {cost:.6f}")

    # -- the loop's calls ---------------------------------------------------------------------
    def update(self, i, cost):
        if not self.show or self._closed:
            return
        now = time.perf_counter()
        if self._started is None:
            self._started = now
            self.mode = self.mode or choose_mode()
            if self.mode == WIDGET:
                try:
                    self._open_widget()
                except Exception:  # noqa: BLE001 - a display problem must not stop training
                    self.mode = TEXT
        cost = float(cost)
        self.last_cost, self.last_iteration = cost, i
        if i % self.every == 0 or i == self.n - 1:
            self._print(self.line(i, cost))
        if self.mode == WIDGET and (now - self._shown_at >= self.min_interval or i == self.n - 1):
            self._shown_at = now
            self._refresh_widget(i, cost)

    def summary(self):
        seconds = (time.perf_counter() - self._started) if self._started is not None else 0.0
        cost = "—" if self.last_cost is None else f"{self.last_cost:.6f}"
        done = 0 if self.last_iteration is None else self.last_iteration + 1
        return t("ui.training_done", self._lang(), n=done, seconds=f"{seconds:.1f}", cost=cost)

    def close(self):
        if not self.show or self._closed:
            return
        self._closed = True
        if self._started is None:
            return
        text = self.summary()
        if self.mode == WIDGET and self._handle is not None:
            rich = "<div class='dnn-lab-training'>✓ " + html.escape(text).replace("\n", "<br>") + "</div>"
            self._handle.update({"text/plain": "✓ " + text, "text/html": rich}, raw=True)
            self._box.close()
        else:
            self._print("✓ " + text)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
