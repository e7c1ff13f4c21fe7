"""A warm grading sandbox: the sandboxed child of :mod:`.child` forked from a template, one per student (issue 18).

The cold :class:`.sandbox.Sandbox` starts a fresh interpreter in a fresh bubblewrap for every student and
imports numpy and the checks there (about 0.2 CPU seconds). Here a **template** — started once per grading
process with the same bubblewrap layout as the cold child (only the Python runtime, numpy and ``dnn_lab``
visible, no network; uid 0 of its own user namespace, where the cold child is nobody, because each fork needs
its capabilities to make its namespaces) — imports them once and then only waits on a unix socket. For each
student:

1. the grading process makes the student's empty working folder (inside the template's base folder), a
   ``pids`` cgroup and a socket pair, and hands the template one end of the socket pair and the cgroup's
   ``cgroup.procs`` (an open file);
2. the template forks an **intermediate**, which unshares new mount, PID, network, IPC and UTS namespaces,
   mounts a fresh ``/tmp`` and binds only this student's folder at the working directory, then forks the
   **child**: PID 1 of its own PID namespace (a fresh ``/proc``), in the student's ``pids`` cgroup, in a session
   of its own, every capability dropped (bounding set too, ``no_new_privs``: uid 0 without any capability, in a
   user namespace where it maps to nobody else), the same resource limits and environment as the cold child,
   then :func:`.child.main` — the same server loop, one fresh fork per exercise;
3. closing the handle (or the grading process dying) ends the intermediate's connection: it kills the child,
   and with it every process of its PID namespace. The template dies with the grading process.

No student code ever runs in the template; nothing passes from one student's child to the next. Used only
when warm templates are on (:func:`.warm_kernel.enable`, ``dnn-lab autograde``'s workers) and bwrap works.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import warm_kernel
from .sandbox import LEVEL_BWRAP, LIB, WORK, Limits, _PidsCgroup, _bwrap_args, _environment, bwrap_works, kill_group

_TEMPLATES = {}
_LOCK = threading.Lock()

TEMPLATE = r'''
import sys
sys.path[:0] = [%r]
import numpy, numpy.random
from dnn_lab.checks import source, student_call
from dnn_lab import loader
from dnn_lab.grading import child, wire, warm_sandbox
warm_sandbox.serve(%r)
'''


# ---- inside the template ---------------------------------------------------------------------------------------

def _child(spec, fds):
    """PID 1 of the student's namespace: /proc, cgroup, session, no capabilities, limits, then the child's loop."""
    from . import child
    k = warm_kernel
    sock_fd, procs_fd = fds[0], (fds[1] if len(fds) > 1 else None)
    if procs_fd is not None:
        os.write(procs_fd, b"0")          # into the student's pids cgroup (a fork bomb stops there)
    k._mount("proc", "/proc", "proc", k.MS_NOSUID | k.MS_NODEV | k.MS_NOEXEC)
    k._c().prctl(k.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    os.setsid()
    k._drop_capabilities()
    if spec.get("probe"):   # Template.ready: namespaces, mounts, cgroup and capability drop work here
        os._exit(0)
    import resource
    limits = spec["limits"]
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory"], limits["memory"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_size"], limits["file_size"]))
    resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu_seconds"], limits["cpu_seconds"] + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(devnull, target)
    os.dup2(sock_fd, 3)
    os.closerange(4, 1 << 16)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits["open_files"], limits["open_files"]))
    os.environ.clear()
    os.environ.update(spec["env"])
    os.chdir(WORK)
    import numpy.random
    numpy.random.seed()   # as a fresh interpreter would draw its own (each exercise seeds what it needs)
    code = 0
    try:
        child.main(3, LEVEL_BWRAP)
    except BaseException:  # noqa: BLE001
        code = 1
    os._exit(code)


def _intermediate(conn, spec, fds):
    import select
    k = warm_kernel
    try:
        k._c().prctl(k.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        k._check(k._c().unshare(k.CLONE_NEWNS | k.CLONE_NEWPID | k.CLONE_NEWNET | k.CLONE_NEWIPC | k.CLONE_NEWUTS),
                 "unshare")
        k._mount(None, "/", None, k.MS_REC | k.MS_PRIVATE)
        own = os.open(os.path.join(WORK, spec["folder"]), os.O_PATH | os.O_DIRECTORY)
        k._tmpfs("/tmp", spec["tmp_size"])
        k._bind(f"/proc/self/fd/{own}", WORK)   # only this student's folder at the working directory
        os.close(own)
        pid = os.fork()
        if pid == 0:
            conn.close()
            _child(spec, fds)
        for fd in fds:
            os.close(fd)
        conn.sendall(b'{"started": true}\n')
        pidfd = os.pidfd_open(pid)
        while True:
            ready, _, _ = select.select([conn, pidfd], [], [])
            if pidfd in ready:
                _, status = os.waitpid(pid, 0)
                if spec.get("probe"):
                    conn.sendall(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
                break
            if not conn.recv(4096):   # the grading process closed the sandbox (or died)
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
    except BaseException as exc:  # noqa: BLE001
        try:
            conn.sendall(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode() + b"\n")
        except OSError:
            pass
    os._exit(0)


def serve(control):
    """The sandbox template's loop (warm_kernel's, with this module's intermediate)."""
    warm_kernel.serve(control, _intermediate, max_bytes=1 << 16, max_fds=4)


# ---- the grading process's side ----------------------------------------------------------------------------------

class _Running:
    """``proc`` of a warm sandbox: alive while the intermediate's connection is open."""

    def __init__(self, conn):
        self.conn = conn
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            try:
                self.conn.setblocking(False)
                data = self.conn.recv(4096, socket.MSG_PEEK)
                if data == b"":
                    self.returncode = 0
            except BlockingIOError:
                pass
            except OSError:
                self.returncode = 1
            finally:
                try:
                    self.conn.setblocking(True)
                except OSError:
                    pass
        return self.returncode


class WarmSandbox:
    """The interface of :class:`.sandbox.Sandbox` (``sock``, ``level``, ``proc.poll()``, ``close()``) for a child
    forked from a :class:`Template`."""

    def __init__(self, template, limits):
        self.limits = limits
        self.level = LEVEL_BWRAP
        self.tmp = Path(tempfile.mkdtemp(prefix="s", dir=template.base))
        os.chmod(self.tmp, 0o777)
        self._cgroup = _PidsCgroup(limits.processes)
        parent, child = socket.socketpair()
        fds = [child.fileno()]
        procs = None
        if self._cgroup.path is not None:
            procs = os.open(str(self._cgroup.path / "cgroup.procs"), os.O_WRONLY)
            fds.append(procs)
        spec = {"folder": self.tmp.name, "tmp_size": limits.tmp_size, "env": _environment(),
                "limits": {"memory": limits.memory, "file_size": limits.file_size, "cpu_seconds": limits.cpu_seconds,
                           "open_files": limits.open_files}}
        self.conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.conn.connect(template.control)
            socket.send_fds(self.conn, [json.dumps(spec).encode()], fds)
        finally:
            child.close()
            if procs is not None:
                os.close(procs)
        self.proc = _Running(self.conn)
        self.sock = parent

    def close(self):
        for s in (self.sock, self.conn):
            try:
                s.close()
            except OSError:
                pass
        self._cgroup.remove()   # kills whatever is left in the student's cgroup, then removes it
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Template:
    """One bwrap'd template process (the cold child's layout, its base folder at the working directory)."""

    def __init__(self, hide):
        self.base = warm_kernel.base_folder("dsw-")
        os.chmod(self.base, 0o777)
        self.control = str(self.base / "control")
        # As the cold child's, but uid 0 of its user namespace with its capabilities (bwrap run by root keeps
        # them): each fork needs them to make its namespaces and mounts, then drops every one (_child). Run as
        # nobody (--uid 65534) the fork could not mount its /proc.
        args = _bwrap_args(self.base, hide)
        at = args.index("--uid")
        del args[at:at + 4]
        boot = TEMPLATE % (LIB, os.path.join(WORK, "control"))
        cmd = args + ["--", os.path.realpath(sys.executable), "-I", "-S", "-B", "-c", boot]
        self.proc = subprocess.Popen(self._command(cmd), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=_environment(), start_new_session=True)

    def _command(self, cmd):
        return cmd   # benchmarks/bench_student.py puts the template (and so its children) in a cgroup here

    def ready(self, timeout=warm_kernel.READY_TIMEOUT):
        """Started, and able to fork a child (a probe: namespaces, mounts, capability drop); else the cold
        sandbox is used."""
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.control):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        folder = Path(tempfile.mkdtemp(prefix="probe", dir=self.base))
        spec = {"probe": True, "folder": folder.name, "tmp_size": Limits.tmp_size, "env": {},
                "limits": {"memory": Limits.memory, "file_size": Limits.file_size, "cpu_seconds": Limits.cpu_seconds,
                           "open_files": Limits.open_files}}
        parent, child = socket.socketpair()
        try:
            status = warm_kernel.probe(self.control, spec, [child.fileno()], deadline)
        finally:
            parent.close()
            child.close()
            shutil.rmtree(folder, ignore_errors=True)
        return status == 0 and self.proc.poll() is None

    def alive(self):
        return self.proc.poll() is None and os.path.exists(self.control)

    def close(self):
        kill_group(self.proc, wait=10)
        shutil.rmtree(self.base, ignore_errors=True)


def template_for(hide=()):
    """This process's sandbox template for ``hide``; started only from the main thread (bwrap dies with the
    thread that started it), else None: the cold sandbox is used."""
    if not warm_kernel.enabled() or os.geteuid() != 0 or not bwrap_works() or not hasattr(os, "pidfd_open"):
        return None
    key = tuple(hide)
    with _LOCK:
        template = _TEMPLATES.get(key)
        if template is not None and not template.alive():
            template.close()
            template = None
        if template is None:
            if threading.current_thread() is not threading.main_thread():
                return None
            template = Template(hide)
            if not template.ready():
                template.close()
                return None
            _TEMPLATES[key] = template
        return template


def start(limits=Limits(), hide=(), prefer_bwrap=True):
    """A warm sandbox when there is a template for ``hide``, else None."""
    if not prefer_bwrap:
        return None
    template = template_for(hide)
    if template is None:
        return None
    try:
        return WarmSandbox(template, limits)
    except OSError:
        return None


def close_all():
    with _LOCK:
        for template in _TEMPLATES.values():
            template.close()
        _TEMPLATES.clear()


warm_kernel.register_close(close_all)
