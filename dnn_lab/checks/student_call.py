"""Calling a student's function without letting it hurt the caller.

:func:`call_student` runs ``fn`` on deep copies of the inputs, with stdout/stderr
captured, warnings recorded, a time limit, and optional *spies* (the student's
own helper functions wrapped so that their calls are recorded).  It returns a
:class:`Call`; it never raises for anything the student's code does.
"""
import contextlib
import copy
import ctypes
import dis
import functools
import io
import linecache
import os
import re
import signal
import threading
import time
import types
import warnings
from dataclasses import dataclass, field

import numpy as np


class CheckTimeout(BaseException):
    """Raised inside the student's code when the time limit is reached.

    A BaseException so that a student's ``except Exception`` cannot swallow it.
    """


@dataclass
class Call:
    value: object = None
    returned: bool = False
    error: dict | None = None        # type, message, line, code
    not_implemented: bool = False
    timed_out: bool = False
    printed: str = ""
    mutated: list = field(default_factory=list)   # e.g. ["params['W1']"]
    spied: dict = field(default_factory=dict)     # name -> [(args, kwargs, result)], calls that returned
    spy_raised: tuple | None = None               # (name, args, kwargs) of a spied call that raised
    seconds: float = 0.0
    error_locals: dict | None = None   # plain-data variables of the function when it raised
    stub: dict | None = None           # where NotImplementedError was raised: describe_error()
    loads: dict | None = None          # {global or attribute name: times the function's code loads it}
    loop_reads: list | None = None     # [[name, line, for_line]]: a for variable read outside its loop


# ---- comparing nested structures -------------------------------------------


def same(a, b):
    """Structural equality for arrays, dicts, tuples/lists and scalars (NaN == NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype.kind in "biufc":
            return a.tobytes() == b.tobytes()  # exact, NaN-safe and fast for the small arrays here
        return np.array_equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b)
    except Exception:
        return a is b


def changed_parts(name, before, after):
    """Paths (like ``params['W1']``) where ``after`` differs from ``before``."""
    if isinstance(before, dict) and isinstance(after, dict):
        if before.keys() != after.keys():
            return [name]
        return [p for k in before for p in changed_parts(f"{name}[{k!r}]", before[k], after[k])]
    if isinstance(before, (list, tuple)) and isinstance(after, (list, tuple)) and len(before) == len(after):
        return [p for i, (x, y) in enumerate(zip(before, after)) for p in changed_parts(f"{name}[{i}]", x, y)]
    return [] if same(before, after) else [name]


# ---- globals ----------------------------------------------------------------


def _loaded_globals(code, names):
    for ins in dis.get_instructions(code):
        if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
            names.add(ins.argval)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _loaded_globals(const, names)
    return names


@functools.lru_cache(maxsize=256)
def _global_names(code):
    """Global names ``code`` (and the code nested in it) loads; cached, a Check click repeats them."""
    return frozenset(_loaded_globals(code, set()))


def is_data(value):
    """Data is what a function must receive as an argument: arrays, numbers,
    dicts, strings…  Modules, functions, classes and other callables are tools."""
    return not (callable(value) or isinstance(value, types.ModuleType))


def global_data_reads(fn):
    """Names of notebook globals holding data that ``fn``'s code reads."""
    remote = getattr(fn, "dnn_lab_globals_read", None)  # a function living in the grader's sandbox
    if remote is not None:
        return sorted(remote)
    code = getattr(fn, "__code__", None)
    namespace = getattr(fn, "__globals__", None)
    if code is None or namespace is None:
        return []
    names = _global_names(code)
    return sorted(n for n in names if n in namespace and not n.startswith("__") and is_data(namespace[n]))


# ---- error location -----------------------------------------------------------


_OWN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__))
_HELPERS = os.path.join(_OWN_DIR, "helpers.py")


def _is_student(fname):
    return not (fname.startswith(_OWN_DIR) or fname.startswith(_NUMPY_DIR) or fname.startswith("<frozen"))


def _student_frames(tb):
    """Traceback entries in student code (not numpy, not dnn_lab), outermost first."""
    found = []
    while tb is not None:
        if _is_student(tb.tb_frame.f_code.co_filename):
            found.append(tb)
        tb = tb.tb_next
    return found


def _student_frame(tb):
    """The innermost traceback entry in student code (not numpy, not dnn_lab)."""
    frames = _student_frames(tb)
    return frames[-1] if frames else None


def _helper_below(entry):
    """The provided helper (dnn_lab/helpers.py) the student's line called when it raised."""
    tb = entry.tb_next
    while tb is not None:
        if os.path.abspath(tb.tb_frame.f_code.co_filename) == _HELPERS:
            return tb.tb_frame.f_code.co_name
        tb = tb.tb_next
    return None


_PLAIN = (str, int, float, bool, type(None), np.ndarray)


def plain(value, depth=0):
    """``value`` if it is plain data (numbers, str, arrays, and lists/tuples/dicts of
    them), else a marker; used to carry a failing frame's variables across processes."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, _PLAIN):
        return value
    if depth < 4 and isinstance(value, (list, tuple)) and len(value) <= 64:
        items = [plain(v, depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if depth < 4 and isinstance(value, dict) and len(value) <= 64:
        return {k: plain(v, depth + 1) for k, v in value.items() if isinstance(k, (str, int))}
    return _OPAQUE


_OPAQUE = "<not data>"


def frame_variables(entry):
    """The plain-data local variables of a traceback entry's frame."""
    out = {}
    for name, value in entry.tb_frame.f_locals.items():
        v = plain(value)
        if v is not _OPAQUE:
            out[name] = v
    return out


def _name_error_facts(exc, entry):
    """For a NameError: the name, a near-miss of it, and the loop that binds it, if any."""
    from . import source
    name = getattr(exc, "name", None)
    if not name:
        match = re.search(r"'(\w+)'", str(exc))
        name = match.group(1) if match else None
    if not name or entry is None:
        return {}
    code = entry.tb_frame.f_code
    facts = {"name": name}
    from .registry import ALL_EXERCISES
    if name in ALL_EXERCISES and name not in code.co_varnames:
        facts["graded"] = True   # another exercise's function, not defined (yet): never a near-miss
        facts["local"] = False
        return facts
    loop = source.loop_variables(code).get(name) or source.set_only_in_loops(code).get(name)
    if loop:
        facts["loop"] = list(loop)
    tools = [k for k, v in entry.tb_frame.f_globals.items() if callable(v) and not isinstance(v, type)]
    candidates = list(code.co_varnames) + list(code.co_cellvars) + list(code.co_freevars) + tools
    suggestion = source.near_miss(name, candidates)
    if suggestion:
        facts["suggestion"] = suggestion
    facts["local"] = name in code.co_varnames
    return facts


def describe_error(exc):
    """The exception as plain data: type, message, line and code of the innermost
    student frame, the function that line is in (``where``), the provided helper it
    called when that raised (``helper``), and for a NameError what the name is."""
    frames = _student_frames(exc.__traceback__)
    entry = frames[-1] if frames else None
    line, code, where, helper = "?", "", None, None
    if entry is not None:
        line = entry.tb_lineno
        code = linecache.getline(entry.tb_frame.f_code.co_filename, line).strip()
        where = entry.tb_frame.f_code.co_name
        helper = _helper_below(entry)
    message = str(exc)
    if len(message) > 300:
        message = message[:300] + "…"
    key = exc.args[0] if isinstance(exc, KeyError) and len(exc.args) == 1 else None
    described = {"type": type(exc).__name__, "message": message, "line": line, "code": code,
                 "key": key if isinstance(key, (str, int)) else None, "where": where, "helper": helper,
                 "depth": len(frames)}
    try:  # reading the code statically only explains; it must never break the call
        if isinstance(exc, NameError):
            described.update(_name_error_facts(exc, entry))
        if entry is not None and isinstance(exc, (NameError, NotImplementedError)):
            from . import source
            found = source.stub_blocks(entry.tb_frame.f_code)
            if found is not None:
                described["stubs"], described["implemented"] = found
    except Exception:  # noqa: BLE001
        pass
    return described


def error_variables(exc):
    """The local variables (plain data) of the outermost student frame — the checked
    function — when ``exc`` was raised."""
    frames = _student_frames(exc.__traceback__)
    try:
        return frame_variables(frames[0]) if frames else {}
    except Exception:  # noqa: BLE001 - hostile objects in the frame: no variables, still a report
        return {}


# ---- time limit ---------------------------------------------------------------


# After this many seconds inside one student call (an honest one takes milliseconds) the calling thread
# gives way to every other process: nice +10 (Linux keeps nice per thread; the kernel's heartbeat and
# I/O threads keep theirs).  An unprivileged process cannot undo it, so that kernel stays "nice" until it
# restarts: on a shared hub one student's `while True:` then slows nobody else.
NICE_AFTER = 1.0
NICE = 10


def _give_way():
    """Lower the calling thread's CPU priority to ``NICE`` (never raises)."""
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < NICE:
            os.setpriority(os.PRIO_PROCESS, tid, NICE)
    except (AttributeError, OSError):  # not Linux, or not allowed: the time limit still holds
        pass


@contextlib.contextmanager
def _alarm(seconds):
    """Raise CheckTimeout in the main thread after ``seconds`` (SIGALRM); give way after ``NICE_AFTER``."""
    first = NICE_AFTER if seconds > NICE_AFTER else seconds

    def on_alarm(signum, frame):
        if first < seconds and not gave_way:
            gave_way.append(True)
            _give_way()
            signal.setitimer(signal.ITIMER_REAL, seconds - first)
            return
        raise CheckTimeout()
    gave_way = []
    previous = signal.signal(signal.SIGALRM, on_alarm)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, first)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:  # someone else's timer (e.g. a test runner's) was pending: give it back
            left = max(outer_delay - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, outer_interval)


def _can_use_alarm():
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _run_with_limit(target, seconds):
    """Run ``target()``; returns (value, exception, timed_out)."""
    if _can_use_alarm():
        try:
            with _alarm(seconds):
                return target(), None, False
        except CheckTimeout:
            return None, None, True
        except BaseException as exc:  # noqa: BLE001 - the student's error is data
            return None, exc, False
    box = {}

    def runner():
        try:
            box["value"] = target()
        except BaseException as exc:  # noqa: BLE001
            box["exc"] = exc

    worker = threading.Thread(target=runner, daemon=True, name="dnn_lab-check")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        # Ask the thread to stop at its next bytecode; it is a daemon either way.
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(CheckTimeout))
        worker.join(1.0)
        return None, None, True
    if isinstance(box.get("exc"), CheckTimeout):
        return None, None, True
    return box.get("value"), box.get("exc"), False


# ---- spies ----------------------------------------------------------------------


def snapshot(value, depth=0):
    """``value`` as it is now: arrays copied, dicts, lists and tuples rebuilt around copies, anything
    else kept.  What a spy records must not change afterwards — a model that updates its parameters
    in place (``parameters["W1"] = W1 - lr * dW1``, ``parameters[k] -= …``) would otherwise turn the
    recorded initial parameters into the trained ones."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if depth < 8:
        kind = type(value)
        if kind is dict:
            return {k: snapshot(v, depth + 1) for k, v in value.items()}
        if kind is list:
            return [snapshot(v, depth + 1) for v in value]
        if kind is tuple:
            return tuple(snapshot(v, depth + 1) for v in value)
    return value


def _with_spies(fn, spy_names, record):
    """A copy of ``fn`` whose global lookups of ``spy_names`` hit recording
    wrappers.  The notebook namespace itself is not touched."""
    if not isinstance(fn, types.FunctionType) or not spy_names:
        return fn
    namespace = dict(fn.__globals__)
    for name in spy_names:
        inner = namespace.get(name)
        if not callable(inner):
            continue

        def wrapper(*args, __inner=inner, __name=name, **kwargs):
            given = snapshot((args, kwargs))  # the inputs as passed, before the call can change them
            try:
                result = __inner(*args, **kwargs)
            except BaseException:
                record.setdefault("!raised", (__name, args, kwargs))
                raise
            record.setdefault(__name, []).append((*given, snapshot(result)))
            return result
        namespace[name] = wrapper
    clone = types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__, fn.__closure__)
    clone.__kwdefaults__ = fn.__kwdefaults__
    return clone


# ---- the call ----------------------------------------------------------------------


def call_student(fn, args, arg_names, *, timeout=10.0, spy=()):
    """Call ``fn(*args)`` safely; see module docstring.  ``args`` are never
    touched: the function gets deep copies, compared with the originals after."""
    working = copy.deepcopy(args)
    record = {}
    target_fn = _with_spies(fn, spy, record)
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings(record=True), \
            np.errstate(all="ignore"):
        warnings.simplefilter("always")
        value, exc, timed_out = _run_with_limit(lambda: target_fn(*working), timeout)
    raised = record.pop("!raised", None)
    call = Call(value=value, seconds=time.perf_counter() - started, spied=record, timed_out=timed_out,
                spy_raised=raised)
    call.printed = out.getvalue() + err.getvalue()
    code = getattr(fn, "__code__", None)
    if code is not None:
        from .source import load_counts, reads_outside_loops
        call.loads = dict(load_counts(code))
        call.loop_reads = [list(r) for r in reads_outside_loops(code)]
    if timed_out:
        return call
    if exc is not None:
        if isinstance(exc, NotImplementedError):
            call.not_implemented = True
            call.stub = describe_error(exc)
        elif isinstance(exc, (KeyboardInterrupt, SystemExit)):
            call.error = {"type": type(exc).__name__, "message": str(exc), "line": "?", "code": ""}
        else:
            call.error = describe_error(exc)
            call.error_locals = error_variables(exc)
        return call
    call.returned = True
    for name, before, after in zip(arg_names, args, working):
        call.mutated.extend(changed_parts(name, before, after))
    return call
