"""dnn_lab — build a deep neural network step by step, with Check buttons.

Kept light: importing this module loads numpy only.  The widget (ipywidgets),
the diagrams (matplotlib) and the server extension (jupyter_server) are
imported when first used.
"""
from . import progress  # callable module: dnn_lab.progress() shows the ten exercises' last results
from .messages import get_language, set_language

__version__ = "0.1.0"
__all__ = ["check", "progress", "set_language", "get_language", "run_checks", "__version__"]


def check(exercise, lang=None, **kwargs):
    """Show the 检查 Check button for ``exercise`` (a name or the function) and return the widget."""
    from .widget import check as _check
    return _check(exercise, lang=lang, **kwargs)


def run_checks(exercise, fn, lang=None, **kwargs):
    from .checks import run_checks as _run
    return _run(exercise, fn, lang=lang, **kwargs)


def _jupyter_server_extension_points():
    return [{"module": "dnn_lab.server"}]
