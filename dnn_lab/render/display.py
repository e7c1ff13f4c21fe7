"""Putting rendered output on the notebook page.

- :func:`grading` tells whether nbgrader runs the notebook (``autograde`` /
  ``validate`` set ``NBGRADER_EXECUTION`` in the kernel's environment); then
  only static output is shown.
- :func:`bundle` makes one ``display_data`` output; :func:`publish` displays
  bundles (a no-op outside IPython, where there is no page).
- :class:`ShownOnce` is for objects that display themselves when created *and*
  are returned: when the same cell ends with them, IPython would show them a
  second time (and a grade cell ending with a widget produces an
  ``execute_result`` nbgrader can misread), so that second time shows nothing.
"""
import base64
import os


def grading():
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def bundle(data, **ids):
    """A ``display_data`` output dict; ``ids`` go to ``metadata['dnn_lab']`` for tools and tests."""
    return {"output_type": "display_data", "data": dict(data), "metadata": {"dnn_lab": ids} if ids else {}}


def png_bundle(png, alt, **ids):
    return bundle({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt}, **ids)


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def execution_count():
    shell = _shell()
    return getattr(shell, "execution_count", None) if shell is not None else None


def publish(bundles):
    """Display ``bundles`` as separate outputs (rich data, raw)."""
    if _shell() is None:
        return
    from IPython.display import display
    for b in bundles:
        display(b["data"], raw=True, metadata=b["metadata"])


class ShownOnce:
    """Mixin: ``_show()`` in the constructor; ``_ipython_display_`` skips the
    automatic second display in the same cell execution."""
    _shown_at = None

    def _mark_shown(self):
        self._shown_at = execution_count()

    def _ipython_display_(self):
        count = execution_count()
        if self._shown_at is not None and count == self._shown_at:
            return
        self._mark_shown()
        self._display_again()

    def show(self):
        """Display again (e.g. in a later cell) and remember that it was shown."""
        self._display_again()
        self._mark_shown()

    def _display_again(self):
        raise NotImplementedError
