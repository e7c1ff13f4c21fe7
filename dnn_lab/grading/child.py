"""The program inside the sandbox.  It holds no solution and decides no grade.

A *server* loop waits for ``fork``; each fork is a fresh *worker* for one exercise: it
loads the student's definitions, binds the names it is told to the grader's reference
functions (through :func:`_proxy`, a call back to the grading process), answers ``call``
requests with :func:`dnn_lab.checks.student_call.call_student`, and exits on ``done``.  When a
worker ends — normally, by ``os._exit``, a crash or a kill — the server kills whatever it
left behind and reports the exit status, then waits for the next fork.
"""
import builtins
import dataclasses
import importlib
import linecache
import os
import signal
import socket
import sys
import types

from . import wire

MAX_PRINTED = 4000


def _application_names():
    """Part 2's provided names, loaded without dnn_lab.app's package (it imports image libraries)."""
    from pathlib import Path
    import dnn_lab
    app_dir = Path(dnn_lab.__file__).parent / "app"
    if "dnn_lab.app" not in sys.modules:
        pkg = types.ModuleType("dnn_lab.app")
        pkg.__path__ = [str(app_dir)]
        sys.modules["dnn_lab.app"] = pkg
    init = importlib.import_module("dnn_lab.app.init")
    progress = importlib.import_module("dnn_lab.app.training_progress")
    return {"initialize_parameters_deep_scaled": init.initialize_parameters_deep_scaled,
            "TrainingProgress": progress.TrainingProgress}


class _Cell:
    def __init__(self, data):
        self.cell_type = "code"
        self.source = str(data.get("source", ""))
        self.metadata = {"nbgrader": dict(data.get("nbgrader") or {}), "dnn_lab": dict(data.get("dnn_lab") or {})}


def _builtin_error(type_name, message):
    cls = getattr(builtins, str(type_name), None)
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = RuntimeError
    try:
        return cls(message)
    except Exception:  # noqa: BLE001 - exception classes with other signatures
        return RuntimeError(message)


def _proxy(sock, name):
    """A stand-in for the reference ``name``: the call is computed by the grading process."""
    def reference(*args, **kwargs):
        wire.send(sock, {"op": "proxy", "name": name, "args": wire.encode(args), "kwargs": wire.encode(kwargs)})
        reply = wire.recv(sock)
        if reply["op"] == "proxy_result":
            return wire.decode(reply["value"])
        raise _builtin_error(reply.get("type"), reply.get("message", ""))
    reference.__name__ = reference.__qualname__ = name
    return reference


def _encode_call(call):
    out = {}
    for f in dataclasses.fields(call):
        value = getattr(call, f.name)
        if f.name == "printed":
            value = value[:MAX_PRINTED]
        out[f.name] = wire.encode(value)
    return out


def _load(sock, message):
    from ..loader import base_namespace, execute_functions
    from ..checks.student_call import global_data_reads
    cells = [_Cell(c) for c in message.get("cells", [])]
    for number, cell in enumerate(cells, start=1):
        source = cell.source if cell.source.endswith("\n") else cell.source + "\n"
        name = f"submission, cell {number}"
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    nb = types.SimpleNamespace(cells=cells)
    names = list(message.get("names", []))
    namespace, errors = execute_functions(nb, names, filename="submission", module_name="__student__")
    if message.get("application"):
        provided = _application_names()
        for key, value in provided.items():
            namespace.setdefault(key, value)
    for name in message.get("proxies", []):
        namespace[name] = _proxy(sock, name)
    base = base_namespace()
    for name in ("np", "copy", *[k for k in base if k in ("sigmoid", "relu", "sigmoid_backward", "relu_backward")]):
        namespace.setdefault(name, base[name])
    exercise = message.get("exercise")
    fn = namespace.get(exercise)
    reply = {"op": "loaded", "callable": callable(fn), "errors": [[n, str(t)[:500]] for n, t in errors],
             "globals_read": [], "name": exercise}
    if callable(fn):
        try:
            # Names the notebook assigns at its top level (data the kernel would have) that the function
            # reads but the graded cells do not define: the Check reports these as uses_globals too.
            from ..checks.student_call import _global_names
            notebook_data = set(message.get("notebook_names", ()))
            code = getattr(fn, "__code__", None)
            missing = {n for n in (_global_names(code) if code else ()) if n in notebook_data and n not in namespace}
            reply["globals_read"] = sorted(set(global_data_reads(fn)) | missing)
            reply["name"] = str(getattr(fn, "__name__", exercise))[:100]
        except Exception:  # noqa: BLE001
            pass
    wire.send(sock, reply)
    return fn


def _worker(sock):
    from ..checks.student_call import call_student
    fn = None
    while True:
        message = wire.recv(sock)
        op = message["op"]
        if op == "load":
            fn = _load(sock, message)
        elif op == "call":
            args = wire.decode(message["args"])
            call = call_student(fn, tuple(args), tuple(message.get("arg_names", ())),
                                timeout=float(message.get("timeout", 10)), spy=tuple(message.get("spy", ())))
            wire.send(sock, {"op": "result", "call": _encode_call(call)})
        elif op == "done":
            return


def _cleanup(pid, level):
    """Kill whatever the worker left behind (its forks, daemons)."""
    try:
        if level == "bwrap":
            os.kill(-1, signal.SIGKILL)   # inside our PID namespace: everything but us and bwrap's init
        else:
            os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                break
        except ChildProcessError:
            break


def main(fd, level):
    sock = socket.socket(fileno=fd)
    import numpy  # noqa: F401 - imported once, before any fork
    # What the workers import while loading and calling (numpy.random, checks.source with difflib), also
    # imported here, before any fork: otherwise every exercise's fresh worker imports (compiles) it again.
    import numpy.random  # noqa: F401
    from ..checks import source, student_call  # noqa: F401
    from .. import loader  # noqa: F401
    wire.send(sock, {"op": "ready", "level": level})
    while True:
        try:
            message = wire.recv(sock)
        except (EOFError, OSError, wire.WireError):
            os._exit(0)
        if message["op"] != "fork":
            os._exit(3)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.setpgid(0, 0)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                _worker(sock)
            except BaseException:  # noqa: BLE001 - the worker reports nothing more; the grader sees it end
                code = 4
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        _cleanup(pid, level)
        wire.send(sock, {"op": "exited", "status": os.waitstatus_to_exitcode(status)})
