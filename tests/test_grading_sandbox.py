"""The sandbox that runs student code while grading: what it can see, and the limits that stop it."""
import os
import socket
import sys
import threading

import numpy as np
import pytest

from dnn_lab.grading import wire
from dnn_lab.grading.sandbox import LEVEL_BWRAP, Limits, bwrap_works, parse_size
from dnn_lab.grading.session import GradingSession
from nbutil import ROOT

PROBE = '''
def probe(what):
    import os, sys, socket, resource
    out = {}
    if what == "paths":
        for path in PATHS:
            try:
                if os.path.isdir(path):
                    out[path] = sorted(os.listdir(path))[:5]
                else:
                    with open(path, "rb") as f:
                        out[path] = len(f.read(100))
            except OSError as exc:
                out[path] = type(exc).__name__
    elif what == "env":
        out = dict(os.environ)
    elif what == "network":
        s = socket.socket()
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", PORT))
            out = "connected"
        except OSError as exc:
            out = type(exc).__name__
    elif what == "memory":
        import numpy as np
        a = np.ones((3 * 1024 ** 3) // 8)
        out = int(a.size)
    elif what == "files":
        handles = []
        try:
            for i in range(500):
                handles.append(open(f"f{i}", "w"))
            out = len(handles)
        except OSError as exc:
            out = ["stopped", len(handles), type(exc).__name__]
    elif what == "bigfile":
        try:
            with open("big", "wb") as f:
                for _ in range(64):
                    f.write(b"x" * (1 << 20))
            out = "written"
        except OSError as exc:
            out = type(exc).__name__
    elif what == "print":
        print("y" * 5_000_000)
        out = "printed"
    elif what == "forks":
        pids = []
        try:
            for _ in range(200):
                pid = os.fork()
                if pid == 0:
                    import time
                    time.sleep(20)
                    os._exit(0)
                pids.append(pid)
            out = len(pids)
        except OSError as exc:
            out = ["stopped", len(pids)]
    elif what == "cwd":
        out = [os.getcwd(), sorted(os.listdir("."))]
    elif what == "leave":   # one student leaves files and a process behind
        open("left_here", "w").write("a")
        open("/tmp/left_in_tmp", "w").write("a")
        if os.fork() == 0:
            os.setsid()
            import time
            time.sleep(60)
            os._exit(0)
        out = "left"
    elif what == "find":    # the next student looks for them
        import glob
        out = [sorted(os.listdir(".")), os.path.exists("/tmp/left_in_tmp"),
               len([p for p in os.listdir("/proc") if p.isdigit()]), sorted(glob.glob("/sandbox/*"))]
    elif what == "uncover":   # lift the empty folders over site-packages (nbgrader, a solution package …)?
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        out = [[l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff")][0]]
        for path in PATHS:
            out.append([libc.umount2(path.encode(), 2), sorted(os.listdir(path))[:3] if os.path.isdir(path) else None])
    return out
'''


@pytest.fixture(autouse=True, params=["cold", "warm"])
def sandbox_kind(request):
    """Every test here twice: the cold sandbox (a fresh bwrap per student, plain nbgrader) and the warm one
    (forked from a template: dnn-lab autograde's workers, dnn_lab/grading/warm_sandbox.py)."""
    from dnn_lab.grading import warm_kernel
    warm_kernel.enable(request.param == "warm")
    yield request.param
    warm_kernel.enable(False)
    warm_kernel.close_all()


def _session_fn(tmp_path, paths=(), port=0):
    """A session whose worker defines ``probe`` (the loader keeps only definitions: data goes inline)."""
    session = GradingSession(limits=Limits(memory=parse_size("1GiB")), timeout=5)
    source = PROBE.replace("PATHS", repr(list(paths))).replace("PORT", str(port))
    cells = [{"source": source, "nbgrader": {"grade_id": "probe", "solution": True}}]
    return session, session.function("probe", cells, ["probe"])


def _call(fn, what, timeout=5):
    return fn.call_student(fn, (what,), ("what",), timeout=timeout)


@pytest.fixture
def course_like(tmp_path):
    course = tmp_path / "course"
    (course / "source" / "step_by_step").mkdir(parents=True)
    (course / "source" / "step_by_step" / "step_by_step.ipynb").write_text("solutions")
    (course / "gradebook.db").write_text("grades")
    return course


def test_bwrap_is_used_where_it_works():
    """Does this machine (and CI, which installs bubblewrap) grade at the strong 'bwrap' level?"""
    assert bwrap_works(), "bubblewrap missing or unusable: apt-get install bubblewrap"
    with GradingSession() as session:
        session.fork()
        assert session.level == LEVEL_BWRAP


def test_sandbox_sees_no_course_gradebook_checkout_or_solutions(tmp_path, course_like):
    """From inside the sandbox, are the course directory, gradebook, source checkout and solution notebooks unreadable?"""
    secret_paths = [str(course_like), str(course_like / "gradebook.db"),
                    str(course_like / "source" / "step_by_step" / "step_by_step.ipynb"),
                    str(ROOT / "assignments" / "source" / "step_by_step" / "step_by_step.ipynb"),
                    str(ROOT / "assignments"), str(ROOT / ".git"), os.path.expanduser("~/.ssh"), "/etc/shadow"]
    site = [p for p in sys.path if p.endswith("site-packages")]
    session, fn = _session_fn(tmp_path, paths=secret_paths + site)
    with session:
        seen = _call(fn, "paths").value
    for path in secret_paths:
        assert seen[path] in ("FileNotFoundError", "PermissionError"), (path, seen[path])
    for path in site:   # third-party packages (nbgrader, a solution package …) are hidden: only numpy and dnn_lab
        assert seen[path] in ([], "FileNotFoundError"), (path, seen[path])


def test_the_next_students_sandbox_finds_nothing_of_the_previous_one(tmp_path, sandbox_kind):
    """Student A's child leaves a file in its folder and in /tmp and a process; B's child (a new sandbox: cold,
    or forked from the same template) sees none of it, nor A's folder, nor the template's socket."""
    session, fn = _session_fn(tmp_path)
    with session:
        assert _call(fn, "leave").value == "left"
        assert type(session.sandbox).__name__ == ("WarmSandbox" if sandbox_kind == "warm" else "Sandbox")
    session, fn = _session_fn(tmp_path)
    with session:
        listing, tmp_file, processes, beside = _call(fn, "find").value
    assert (listing, tmp_file) == ([], False)
    assert processes <= 3   # its own PID namespace: (bwrap's init,) the child, this worker; not A's process
    assert beside == ["/sandbox/lib", "/sandbox/work"]


def test_sandbox_child_has_no_capabilities_to_uncover_what_is_hidden(tmp_path):
    """With a capability in its namespaces the child could unmount the empty folders over site-packages (as the
    feedback kernel could, run by root, before it got --cap-drop ALL). Does it have none (it runs as nobody), and
    do they stay covered?"""
    site = [p for p in sys.path if p.endswith("site-packages")]
    session, fn = _session_fn(tmp_path, paths=site)
    with session:
        seen = _call(fn, "uncover").value
    assert seen[0] == "0000000000000000"
    assert all(code == -1 and listing in ([], None) for code, listing in seen[1:]), seen


def test_sandbox_environment_and_working_directory_are_clean(tmp_path, monkeypatch):
    """Does student code see a scrubbed environment and an empty working directory?"""
    monkeypatch.setenv("DNN_LAB_SECRET_TOKEN", "s3cret")
    session, fn = _session_fn(tmp_path)
    with session:
        env = _call(fn, "env").value
        cwd, listing = _call(fn, "cwd").value
    assert "DNN_LAB_SECRET_TOKEN" not in env and "HOME" not in env and not any(k.startswith("JUPYTER") for k in env)
    assert listing == []


def test_sandbox_has_no_network(tmp_path):
    """Can student code reach a server on this machine's loopback? (It must not.)"""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    threading.Thread(target=lambda: server.accept(), daemon=True).start()
    session, fn = _session_fn(tmp_path, port=port)
    with session:
        result = _call(fn, "network").value
    server.close()
    assert result != "connected" and isinstance(result, str)


def test_limits_stop_time_memory_output_files_and_processes(tmp_path):
    """Do the limits stop a hang that swallows the interrupt, a 3 GiB allocation, megabytes of output, fd and file floods, and forks?"""
    hang = ("def probe(what):\n    while True:\n        try:\n            while True:\n                pass\n"
            "        except BaseException:\n            pass\n")
    with GradingSession(limits=Limits(memory=parse_size("1GiB")), timeout=1) as session:
        fn = session.function("probe", [{"source": hang, "nbgrader": {"grade_id": "probe"}}], ["probe"])
        call = _call(fn, "x", timeout=1)
        assert call.timed_out and call.seconds < 6
        fn.finish()
        fn = session.function("probe", [{"source": PROBE, "nbgrader": {"grade_id": "probe"}}], ["probe"])
        assert _call(fn, "memory").error["type"] == "MemoryError"
        printed = _call(fn, "print")
        assert printed.value == "printed" and len(printed.printed) <= 4000
        files = _call(fn, "files").value
        assert files[0] == "stopped" and files[1] < 100
        assert _call(fn, "bigfile").value == "OSError"
        forks = _call(fn, "forks").value
        assert forks[0] == "stopped" and forks[1] < 100
        assert session.level == LEVEL_BWRAP


def test_exit_and_crash_end_only_that_worker(tmp_path):
    """Do os._exit and a segfault end only the worker (reported), while the next exercise gets a fresh one?"""
    bad = "def probe(what):\n    import os, ctypes\n    if what == 'exit':\n        os._exit(0)\n    ctypes.string_at(0)\n"
    with GradingSession() as session:
        fn = session.function("probe", [{"source": bad, "nbgrader": {"grade_id": "probe"}}], ["probe"])
        assert _call(fn, "exit").error["reason"] == "exited"
        assert _call(fn, "segv").error["reason"] == "crashed"
        fn.finish()
        ok = session.function("probe", [{"source": PROBE, "nbgrader": {"grade_id": "probe"}}], ["probe"])
        assert _call(ok, "cwd").value[1] == []


def test_references_answer_only_the_functions_an_exercise_uses(tmp_path):
    """Does a worker get reference answers only for the names it was given (no oracle for other functions)?"""
    src = ("def probe(what):\n    try:\n        return ('ok', helper(2))\n    except NameError as exc:\n"
           "        return ('missing', str(exc))\n")
    refs = {"helper": lambda x: x * 21, "secret": lambda x: 0}
    with GradingSession(references=refs) as session:
        fn = session.function("probe", [{"source": src, "nbgrader": {"grade_id": "probe"}}], ["probe"],
                              proxies=("helper",))
        assert _call(fn, "x").value == ("ok", 42)
        fn.finish()
        fn = session.function("probe", [{"source": src, "nbgrader": {"grade_id": "probe"}}], ["probe"], proxies=())
        assert _call(fn, "x").value[0] == "missing"


def test_wire_round_trips_data_and_refuses_everything_else():
    """Does the wire keep arrays, scalars and containers exactly, and turn code into inert stand-ins?"""
    value = {"W1": np.arange(6.0).reshape(2, 3), "cost": np.float64(0.25), "n": 3, "t": (1, [2.5, None]),
             "zero_d": np.array(0.5), "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
             "nan": float("nan"), "b": np.array([[True, False]]), 7: "seven"}
    back = wire.decode(wire.encode(value))
    assert back["W1"].dtype == np.float64 and np.array_equal(back["W1"], value["W1"])
    assert type(back["cost"]) is np.float64 and back["t"] == (1, [2.5, None]) and back[7] == "seven"
    assert np.isnan(back["nan"]) and back["b"].dtype == bool
    assert back["zero_d"].shape == () and type(back["zero_d"]) is np.ndarray
    assert np.array_equal(back["fortran"], value["fortran"])
    gen = wire.decode(wire.encode(x for x in range(3)))
    assert isinstance(gen, wire.Opaque) and type(gen).__name__ == "generator"
    for bad in ({"~": "pickle", "v": "x"}, {"~": "nd", "dtype": "O", "shape": [1], "b": ""}, {"~": "dict", "v": [[[1], 2]]}):
        with pytest.raises(wire.WireError):
            wire.decode(bad)


def test_process_level_fallback_keeps_limits_and_hides_other_packages(tmp_path):
    """Without bwrap, does the child still get limits, a clean env, and no import of other installed packages?"""
    src = ("def probe(what):\n    import importlib, os\n    out = {}\n"
           "    for name in ('nbgrader', 'jupyter_client', 'dnn_lab_course', 'numpy'):\n"
           "        try:\n            importlib.import_module(name)\n            out[name] = 'imported'\n"
           "        except ImportError:\n            out[name] = 'missing'\n"
           "    out['HOME'] = os.environ.get('HOME')\n    return out\n")
    with GradingSession(prefer_bwrap=False, timeout=5) as session:
        fn = session.function("probe", [{"source": src, "nbgrader": {"grade_id": "probe"}}], ["probe"])
        seen = _call(fn, "x").value
        assert session.level == "process"
        fn.finish()
        hang = session.function("probe", [{"source": "def probe(what):\n    while True:\n        pass\n",
                                            "nbgrader": {"grade_id": "probe"}}], ["probe"])
        assert _call(hang, "x", timeout=1).timed_out
    assert seen == {"nbgrader": "missing", "jupyter_client": "missing", "dnn_lab_course": "missing",
                    "numpy": "imported", "HOME": None}
