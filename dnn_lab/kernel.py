"""What the notebook's kernel tells the Check button (SPEC §4): which cell run
defined each function, whether that run failed, and a Run All that does not stop
at an unimplemented stub.

Installed into the running IPython shell by ``import dnn_lab`` (the notebook's
setup cell) and again by every ``check(...)`` (idempotent); never under nbgrader
(``NBGRADER_EXECUTION``), whose grading must see the notebook as it is.

- ``post_run_cell``: for every top-level ``def NAME`` of the cell just run, and
  every name the run rebound, a :class:`Definition` — execution count, time,
  success, the error (type, message, line in the cell) — see :func:`definition`.
- A ``NotImplementedError`` escaping a cell from one of the exercise stubs (the
  innermost frame is a notebook function named like an exercise) prints one
  short "not implemented yet" line to stdout and the cell's reply is ``ok``: Run
  All goes on.  So does a later cell's top-level ``NameError`` on a name that a
  skipped cell would have assigned (Part 2: ``plot_costs(costs_2)`` after the
  training cell was skipped).  Every other error is shown and reported as usual.
- A comm with target ``dnn_lab`` (in a kernel that has a front end): our JupyterLab
  extension (``labextension/``) sends on it the notebook's code cells as they are on
  screen, unsaved edits included, just before a Check click and before a cell that
  calls ``check(`` runs — see :func:`front_end_cells` and :func:`edited_on_screen`.
  Without the extension the saved file is read instead (:func:`changed_since_run`).

Standard library only (the ``comm`` package of the running kernel is imported when
there is one): ``import dnn_lab`` stays light.
"""
import ast
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime

_DEF = re.compile(r"^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)


@dataclass(frozen=True)
class Definition:
    """The last cell run that defined (or rebound) ``name``."""
    name: str
    count: int | None          # IPython execution count (In [count])
    time: datetime | None      # when that run ended (local time)
    ok: bool                   # False: the run raised or did not compile
    error: dict = field(default_factory=dict)   # type, message, line (in the cell) when not ok
    code: object = None        # the function's __code__ right after a successful run
    source: str = ""           # the cell as run


_STATE = {"shell": None, "before": {}, "tracked": None, "installed_at": 0, "scanned": True,
          "runs": 0, "running": False}
DEFINITIONS = {}


def _grading():
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _tracked():
    """Names whose rebinding is recorded: the exercises (imported on first need)."""
    if _STATE["tracked"] is None:
        from .checks.registry import ALL_EXERCISES
        _STATE["tracked"] = tuple(ALL_EXERCISES)
    return _STATE["tracked"]


def defined_names(source):
    """Top-level ``def`` names of a cell; a regex when the cell does not parse
    (a SyntaxError is exactly when we need to know what it meant to define)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set(_DEF.findall(source))
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _error_info(exc, source):
    if isinstance(exc, SyntaxError):
        return {"type": type(exc).__name__, "message": exc.msg or str(exc), "line": exc.lineno}
    line = None
    tb = exc.__traceback__
    cell_file = None
    while tb is not None:  # the cell's own frames: the first <module> frame and those from its file
        code = tb.tb_frame.f_code
        if cell_file is None and code.co_name == "<module>":
            cell_file = code.co_filename
        if cell_file is not None and code.co_filename == cell_file:
            line = tb.tb_lineno
        tb = tb.tb_next
    return {"type": type(exc).__name__, "message": str(exc)[:300], "line": line}


def _namespace():
    shell = _STATE["shell"]
    return shell.user_ns if shell is not None else {}


def _pre_run_cell(info=None):
    _STATE["runs"] += 1
    _STATE["running"] = True
    _ensure_scanned()
    ns = _namespace()
    _STATE["before"] = {n: id(ns.get(n)) for n in _tracked()}


def _post_run_cell(result):
    _STATE["running"] = False
    try:
        _record(result)
    except Exception:  # noqa: BLE001, S110 - bookkeeping must never break the student's cell
        pass


def _record(result):
    source = getattr(result.info, "raw_cell", "") or ""
    count = result.execution_count
    ns = _namespace()
    error = result.error_before_exec if result.error_before_exec is not None else result.error_in_exec
    defined = defined_names(source) & set(_tracked())
    before = _STATE["before"]
    rebound = {n for n in _tracked() if n in before and id(ns.get(n)) != before[n]}
    now = datetime.now()
    for name in defined | rebound:
        if error is not None and name in defined:
            DEFINITIONS[name] = Definition(name, count, now, False, _error_info(error, source), None, source)
        elif name in ns or name in defined:
            fn = ns.get(name)
            DEFINITIONS[name] = Definition(name, count, now, True, {}, getattr(fn, "__code__", None), source)


def definition(name):
    """The last recorded :class:`Definition` of ``name``, or None (not run since the hooks were installed)."""
    _ensure_scanned()
    return DEFINITIONS.get(name)


# ---- Run All past the stubs ----------------------------------------------------------


def stub_name(exc):
    """The exercise whose stub raised ``exc`` (innermost frame: a notebook function
    named like an exercise), else None."""
    if not isinstance(exc, NotImplementedError):
        return None
    tb, last = exc.__traceback__, None
    while tb is not None:
        last, tb = tb, tb.tb_next
    if last is None:
        return None
    frame = last.tb_frame
    name = frame.f_code.co_name
    if name in _tracked() and (frame.f_globals is _namespace() or _from_a_cell(frame.f_code)):
        return name
    return None


def _from_a_cell(code):
    """Code compiled from a notebook cell (also when a helper re-homed the function into
    another namespace, as Part 2's swaps do)."""
    compiler = getattr(_STATE["shell"], "compile", None)
    return code.co_filename in (getattr(compiler, "_filename_map", None) or {})


# Names a skipped cell would have assigned at its top level -> the exercise that was not implemented:
# a later cell's top-level NameError on one of them is that same skip, not a new error.
SKIPPED = {}
_HANDLED = (NotImplementedError, NameError)


def assigned_names(source):
    """Names a cell assigns at its top level (``x = …``, ``a, b = …``, ``for x in``, ``import x``)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    out = set()
    for node in tree.body:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                out.add(sub.id)
            elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out.add(sub.name)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                out.update((a.asname or a.name).split(".")[0] for a in sub.names)
    return out


def skipped_because(exc):
    """For a NameError raised by a cell's own top-level code on a name that a cell skipped for an
    unimplemented stub would have assigned: that exercise; else None."""
    if not isinstance(exc, NameError) or getattr(exc, "name", None) not in SKIPPED:
        return None
    tb, last = exc.__traceback__, None
    while tb is not None:
        last, tb = tb, tb.tb_next
    if last is None or last.tb_frame.f_code.co_name != "<module>":
        return None
    return SKIPPED[exc.name]


def _custom_exc(shell, etype, value, tb, tb_offset=None):
    name = stub_name(value) or skipped_because(value)
    if name is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
        return None
    from .messages import t_short
    print("… " + t_short("ui.stub_not_implemented", fn=name))
    result = getattr(shell.displayhook, "exec_result", None)
    if result is not None and result.error_in_exec is value:
        result.error_in_exec = None  # the reply is "ok": Run All goes on
        source = getattr(result.info, "raw_cell", "") or ""
        for assigned in assigned_names(source):
            if assigned not in shell.user_ns:
                SKIPPED[assigned] = name
    shell.last_execution_succeeded = True
    return None


def install(shell=None):
    """Hook into ``shell`` (default: the running IPython); idempotent; False when
    there is no shell or nbgrader runs the notebook."""
    if shell is None:
        ipython = sys.modules.get("IPython")
        get = getattr(ipython, "get_ipython", None)
        shell = get() if get else None
    if _grading() or shell is None or not hasattr(shell, "events"):
        uninstall()  # a shell that is gone (or grading) must not lend its records
        return False
    if _STATE["shell"] is shell:
        return True
    old = _STATE["shell"]
    if old is not None:
        uninstall()
    _STATE["shell"] = shell
    DEFINITIONS.clear()
    SKIPPED.clear()
    shell.events.register("pre_run_cell", _pre_run_cell)
    shell.events.register("post_run_cell", _post_run_cell)
    if not shell.custom_exceptions:  # another tool's handler stays in charge
        shell.set_custom_exc(_HANDLED, _custom_exc)
    _STATE["comm"] = _open_comm(shell)
    # cells run before the hooks are read at the first need (the exercise names import the checks)
    _STATE["installed_at"], _STATE["scanned"] = getattr(shell, "execution_count", 0), False
    return True


def uninstall():
    shell = _STATE["shell"]
    if shell is None:
        return
    for event, fn in (("pre_run_cell", _pre_run_cell), ("post_run_cell", _post_run_cell)):
        try:
            shell.events.unregister(event, fn)
        except ValueError:
            pass
    if shell.custom_exceptions == _HANDLED:
        shell.set_custom_exc((), None)
    _close_comm()
    SKIPPED.clear()
    _STATE["shell"] = None
    DEFINITIONS.clear()


def _ensure_scanned():
    """Cells run before the hooks (e.g. a function cell run before the setup cell):
    their count, without time or outcome — assumed fine when the function exists."""
    shell = _STATE["shell"]
    if _STATE["scanned"] or shell is None:
        return
    _STATE["scanned"] = True
    history = list(shell.user_ns.get("_ih") or [])[:_STATE["installed_at"]]
    ns = shell.user_ns
    for count, source in enumerate(history):
        if not source:
            continue
        for name in defined_names(source) & set(_tracked()):
            fn = ns.get(name)
            if callable(fn):
                DEFINITIONS[name] = Definition(name, count, None, True, {}, getattr(fn, "__code__", None), source)


def install_if_interactive():
    """Called by ``import dnn_lab``: only touches IPython when it is already loaded."""
    if "IPython" not in sys.modules:
        return False
    try:
        return install()
    except Exception:  # noqa: BLE001 - never break an import
        return False


# ---- edited but not run: what the saved notebook says ---------------------------------

_SAVED = {"key": None, "cells": ()}


def notebook_path():
    """The notebook this kernel serves: Jupyter Server sets ``JPY_SESSION_NAME`` for a kernel it
    starts for a notebook (None elsewhere, or after a rename the kernel was not told of)."""
    path = os.environ.get("JPY_SESSION_NAME")
    return path if path and path.endswith(".ipynb") and os.path.isfile(path) else None


def _saved_cells(path):
    """(mtime, code cell sources) of the saved notebook, read again only when it changed."""
    import json
    stat = os.stat(path)
    key = (path, stat.st_mtime_ns, stat.st_size)
    if _SAVED["key"] != key:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
        cells = tuple("".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "")
                      for c in nb.get("cells", ()) if c.get("cell_type") == "code")
        _SAVED.update(key=key, cells=cells)
    return stat.st_mtime, _SAVED["cells"]


def _same(a, b):
    return [line.rstrip() for line in a.strip().splitlines()] == [line.rstrip() for line in b.strip().splitlines()]


def changed_since_run(name, path=None):
    """True when the notebook was saved after the last run of ``name``'s cell and no saved cell
    defining ``name`` is the source that ran: the student edited the cell and did not run it.
    False whenever the kernel cannot tell (no file, unsaved edits, no record)."""
    d = definition(name)
    path = path or notebook_path()
    if d is None or d.time is None or not d.source or path is None:
        return False
    try:
        mtime, cells = _saved_cells(path)
    except (OSError, ValueError):
        return False
    if mtime <= d.time.timestamp():
        return False  # the last run is newer than the saved file: what ran is what is on screen, as far as we know
    defining = [src for src in cells if name in defined_names(src)]
    return bool(defining) and not any(_same(src, d.source) for src in defining)


# ---- edited but not run: what the front end shows (labextension/, JupyterLab and Notebook 7) ----

COMM_TARGET = "dnn_lab"
_LIVE = {"cells": None, "runs": None}
# Set by the Check widget (an upper layer): a click sent by the front end *with* the cells, as one
# message (a kernel may handle messages of two comms out of order, so the word cannot ride alone).
_CLICK = {"handler": None}


def set_click_handler(handler):
    """``handler(widget_id)`` runs a Check click the front end sent together with its cells."""
    _CLICK["handler"] = handler


def _open_comm(shell):
    """The comm our front-end extension answers on, opened by the kernel (None without a kernel
    or a ``comm`` implementation: a plain IPython shell, a test).  The target is registered too:
    a front end that missed this comm (a page opened later) opens its own, its first word inside."""
    if getattr(shell, "kernel", None) is None:
        return None
    try:
        import comm
        comm.get_comm_manager().register_target(COMM_TARGET, _on_front_end_open)
        channel = comm.create_comm(target_name=COMM_TARGET, data={"protocol": 1})
        channel.on_msg(_on_front_end_message)
    except Exception:  # noqa: BLE001 - without it the Check reads the saved file, as before
        return None
    return channel


def _on_front_end_open(channel, msg):
    channel.on_msg(_on_front_end_message)
    _on_front_end_message(msg)


def _close_comm():
    channel = _STATE.pop("comm", None)
    _LIVE.update(cells=None, runs=None)
    if channel is not None:
        try:
            import comm
            comm.get_comm_manager().unregister_target(COMM_TARGET, _on_front_end_open)
            channel.close()
        except Exception:  # noqa: BLE001, S110 - the kernel may be going away
            pass


def _on_front_end_message(msg):
    """``{"kind": "cells", "cells": [{"source", "count"}, ...], "click": widget id (optional)}``: kept
    for the cell run that comes right after it, or for the click it carries (run now)."""
    try:
        data = msg["content"]["data"]
        if data.get("kind") != "cells" or not isinstance(data.get("cells"), list):
            return
        cells = tuple((c["source"], c.get("count") if isinstance(c.get("count"), int) else None)
                      for c in data["cells"] if isinstance(c, dict) and isinstance(c.get("source"), str))
        _LIVE.update(cells=cells, runs=_STATE["runs"])
        clicked = data.get("click")
        if isinstance(clicked, str) and _CLICK["handler"] is not None:
            _CLICK["handler"](clicked)
    except Exception:  # noqa: BLE001, S110 - a malformed message is ignored, never raised in the kernel
        pass


def front_end_cells():
    """The notebook's code cells as ``(source, execution count)`` pairs, as the front end showed them
    just before this click or this cell's run; taken once.  None when no front end said so
    (the classic notebook, no extension, or a message left from an earlier cell)."""
    cells, runs = _LIVE["cells"], _LIVE["runs"]
    _LIVE.update(cells=None, runs=None)
    if cells is None or _STATE["shell"] is None:
        return None
    # a click comes with no cell run in between; a cell's run is the one run started since
    return cells if _STATE["runs"] == runs + (1 if _STATE["running"] else 0) else None


def edited_on_screen(name, cells):
    """True when the cell that last defined ``name`` is on screen with other text than what ran.
    That cell is the one showing the run's ``In [n]`` (and naming ``name``); when no cell shows it,
    any cell defining ``name`` with ``def`` counts, if that is how the run defined it."""
    d = definition(name)
    if d is None or not d.source:
        return False
    ran = [src for src, count in cells if count is not None and count == d.count and name in src]
    if ran:
        return not any(_same(src, d.source) for src in ran)
    if name not in defined_names(d.source):
        return False
    defining = [src for src, _ in cells if name in defined_names(src)]
    return bool(defining) and not any(_same(src, d.source) for src in defining)
