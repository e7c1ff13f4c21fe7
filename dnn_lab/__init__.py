"""dnn_lab — build a deep neural network step by step, with Check buttons.

Kept light: importing this module loads the message catalog only (not even numpy).  The widget (ipywidgets),
the diagrams (matplotlib) and the server extension (jupyter_server) are
imported when first used.
"""
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


def progress(lang=None, path=None):
    """Show the ten exercises with their last result (``.dnn_lab/progress.json``); returns the view."""
    from .progress_record import show
    return show(lang=lang, path=path)


def _install_kernel_hooks():
    # In a notebook kernel (IPython already loaded): record which cell run defines each
    # function, and let Run All pass the unimplemented stubs (dnn_lab.kernel; stdlib only). Elsewhere (the
    # dnn-lab command, grading processes) dnn_lab.kernel and what it imports are not loaded at all.
    import sys
    if "IPython" in sys.modules:
        from .kernel import install_if_interactive
        install_if_interactive()


def _jupyter_server_extension_points():
    return [{"module": "dnn_lab.server"}]


_install_kernel_hooks()
