"""Starting a process that runs student code: bubblewrap where it works, process limits always.

The child gets an empty temporary working directory, a scrubbed environment, resource
limits (address space, open files, file size, CPU), and — at the ``bwrap`` level — its own
mount, PID, network, IPC and UTS namespaces in which only the Python runtime, numpy, the
``dnn_lab`` package and that temporary folder exist: no course directory, gradebook, source
checkout or solution package.  Where bwrap is missing or cannot create namespaces, the
``process`` level keeps the limits and says so (``Sandbox.level``).
"""
import functools
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

BWRAP = "bwrap"
LEVEL_BWRAP = "bwrap"
LEVEL_PROCESS = "process"
LIB = "/sandbox/lib"          # where numpy and dnn_lab appear inside the sandbox
WORK = "/sandbox/work"        # the child's empty working directory inside the sandbox

_UNITS = {"": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024**2, "mb": 1024**2, "mib": 1024**2,
          "g": 1024**3, "gb": 1024**3, "gib": 1024**3}


def parse_size(text):
    """'2GiB' → 2147483648; plain numbers are bytes."""
    if isinstance(text, (int, float)):
        return int(text)
    s = str(text).strip().lower().replace(" ", "")
    num = s.rstrip("kmgib")
    unit = s[len(num):]
    if unit not in _UNITS or not num:
        raise ValueError(f"not a size: {text!r} (e.g. 2GiB, 512MiB)")
    return int(float(num) * _UNITS[unit])


def kill_group(proc, wait):
    """SIGKILL ``proc``'s process group (every caller starts it as a session leader) and ``proc`` itself,
    then reap it, waiting at most ``wait`` seconds."""
    if proc.poll() is None:
        for kill in (lambda: os.killpg(proc.pid, signal.SIGKILL), proc.kill):
            try:
                kill()
            except OSError:
                pass
    try:
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        pass


@dataclass(frozen=True)
class Limits:
    memory: int = 2 * 1024**3        # RLIMIT_AS, bytes
    open_files: int = 64             # RLIMIT_NOFILE
    file_size: int = 16 * 1024**2    # RLIMIT_FSIZE: no file larger than this
    tmp_size: int = 64 * 1024**2     # size of the sandbox's tmpfs (bwrap level)
    cpu_seconds: int = 600           # RLIMIT_CPU of the whole child: a last resort
    processes: int = 32              # pids cgroup limit, where the cgroup is writable


def _package_dir(name):
    import importlib.util
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(name)
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def _numpy_dirs():
    root = _package_dir("numpy")
    dirs = [root]
    libs = root.parent / "numpy.libs"   # wheels keep OpenBLAS here
    if libs.is_dir():
        dirs.append(libs)
    return dirs


def _runtime_dirs():
    """The Python runtime: the interpreter's prefix (stdlib, lib-dynload, libpython)."""
    prefixes = {Path(sys.base_prefix).resolve(), Path(sysconfig.get_paths()["stdlib"]).resolve().parents[1]}
    return sorted(prefixes)


def _site_dirs():
    import site
    dirs = set(site.getsitepackages() + [site.getusersitepackages(), sysconfig.get_paths()["purelib"],
                                         sysconfig.get_paths()["platlib"]])
    return sorted(Path(d).resolve() for d in dirs if Path(d).is_dir())


@functools.lru_cache(maxsize=1)
def bwrap_works():
    """True when bwrap exists and can create the namespaces we use (tried once per process)."""
    exe = shutil.which(BWRAP)
    if not exe:
        return False
    try:
        proc = subprocess.run([exe, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
                              capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def _bwrap_args(tmp, hide=()):
    """bwrap's arguments: runtime and packages read-only, the tmp folder writable, nothing else."""
    args = [shutil.which(BWRAP), "--unshare-all", "--die-with-parent", "--new-session",
            "--uid", "65534", "--gid", "65534", "--hostname", "sandbox",
            "--proc", "/proc", "--dev", "/dev"]
    for d in ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin"):
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    for f in ("/etc/ld.so.cache", "/etc/localtime"):
        if os.path.exists(f):
            args += ["--ro-bind", f, f]
    for d in _runtime_dirs():
        args += ["--ro-bind", str(d), str(d)]
    # Third-party packages are not visible: only numpy and dnn_lab, bound into LIB.
    for d in _site_dirs():
        if any(str(d).startswith(str(r)) for r in _runtime_dirs()) or str(d).startswith("/usr"):
            args += ["--tmpfs", str(d)]
    for d in hide:
        if os.path.isdir(d):
            args += ["--tmpfs", str(d)]
    args += ["--tmpfs", "/sandbox"]
    for d in _numpy_dirs():
        args += ["--ro-bind", str(d), f"{LIB}/{d.name}"]
    args += ["--ro-bind", str(_package_dir("dnn_lab")), f"{LIB}/dnn_lab"]
    args += ["--size", str(Limits.tmp_size), "--tmpfs", "/tmp",
             "--bind", str(tmp), WORK, "--chdir", WORK]
    return args


def _environment():
    """A scrubbed environment: no HOME, no tokens, no JUPYTER_*/NBGRADER_* variables, one thread."""
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "MPLBACKEND": "Agg"}


def _set_limits(limits, cgroup=None):
    def apply():
        os.setsid()
        if cgroup is not None:   # join before exec, so that every later fork is counted
            try:
                with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
                    f.write(str(os.getpid()))
            except OSError:
                pass
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return apply


class _PidsCgroup:
    """A cgroup-v1 ``pids`` group capping the number of processes (a fork bomb stops there).
    Best effort: used only where the controller is mounted and writable."""

    ROOT = Path("/sys/fs/cgroup/pids")

    def __init__(self, limit):
        self.path = None
        try:
            path = Path(tempfile.mkdtemp(prefix="dnn_lab-", dir=self.ROOT))
            (path / "pids.max").write_text(str(limit))
            self.path = path
        except OSError:
            self.path = None

    def remove(self):
        if self.path is not None:
            try:
                for pid in (self.path / "cgroup.procs").read_text().split():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except OSError:
                        pass
                self.path.rmdir()
            except OSError:
                pass
            self.path = None


class Sandbox:
    """One child process running :mod:`dnn_lab.grading.child`; talk to it over ``sock``."""

    def __init__(self, limits=Limits(), hide=(), prefer_bwrap=True):
        self.limits = limits
        self.level = LEVEL_BWRAP if (prefer_bwrap and bwrap_works()) else LEVEL_PROCESS
        self.tmp = Path(tempfile.mkdtemp(prefix="dnn_lab-sandbox-"))
        os.chmod(self.tmp, 0o777)  # the child runs as nobody inside bwrap
        parent, child = socket.socketpair()
        lib = LIB if self.level == LEVEL_BWRAP else None
        self._lib = None
        if lib is None:
            # Process level: a private folder holding only numpy and dnn_lab, so that nothing else
            # installed (nbgrader, a solution package) can be imported.  Files stay readable by path.
            self._lib = Path(tempfile.mkdtemp(prefix="dnn_lab-lib-"))
            for d in _numpy_dirs() + [_package_dir("dnn_lab")]:
                os.symlink(d, self._lib / d.name)
            paths = [str(self._lib)]
        else:
            paths = [lib]
        boot = ("import sys; sys.path[:0] = %r; from dnn_lab.grading.child import main; main(%d, %r)"
                % (paths, child.fileno(), self.level))
        # The real interpreter: a venv's bin/python is a symlink that does not exist inside bwrap.
        cmd = [os.path.realpath(sys.executable), "-I", "-S", "-B", "-c", boot]
        if self.level == LEVEL_BWRAP:
            cmd = _bwrap_args(self.tmp, hide) + ["--"] + cmd
        self._cgroup = _PidsCgroup(limits.processes)
        os.set_inheritable(child.fileno(), True)
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            cwd=str(self.tmp), env=_environment(), close_fds=True, pass_fds=(child.fileno(),),
            preexec_fn=_set_limits(limits, str(self._cgroup.path) if self._cgroup.path else None))
        child.close()
        self.sock = parent

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        kill_group(self.proc, wait=5)
        self._cgroup.remove()
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self._lib is not None:
            shutil.rmtree(self._lib, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---- the feedback kernel ------------------------------------------------------------------


def _solution_package_dirs():
    """Installed instructor material (``dnn_lab_course``) and a source checkout's assignments."""
    out = []
    try:
        out.append(str(_package_dir("dnn_lab_course")))
    except ImportError:
        pass
    repo = _package_dir("dnn_lab").parent
    if (repo / "assignments").is_dir():
        out.append(str(repo / "assignments"))
    return out


# Run by root, bwrap keeps every capability inside the kernel's user namespace (uid 0 there; the grading
# child runs as nobody and has none): enough to unmount the empty folders that cover the course directory.
_NO_CAPABILITIES = ("--cap-drop", "ALL") if os.geteuid() == 0 else ()


def kernel_command(cmd, *, work, at, socket_dir, hide=(), readonly=(), limits=Limits()):
    """``cmd`` (a kernel launch command) wrapped so that the kernel runs sandboxed: bwrap with
    the whole system read-only but ``hide`` (the course directory), the solution package and a
    source checkout's ``assignments/`` replaced by empty folders, a private /tmp, no network
    (the kernel talks to nbclient over unix sockets in ``socket_dir``), the scratch folder ``work``
    mounted writable at ``at`` (the submission's folder); and
    resource limits in any case.  Returns (command, level)."""
    cmd = list(cmd)   # as given: with / bound read-only, a venv's bin/python is there and keeps its packages
    level = LEVEL_BWRAP if bwrap_works() else LEVEL_PROCESS
    if level == LEVEL_BWRAP:
        # Own PID namespace: when the kernel ends, whatever it forked ends with it.  ipykernel must
        # not poll its parent (inside, that is PID 1, which it reads as "my parent has exited").
        wrap = [shutil.which(BWRAP), "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent",
                *_NO_CAPABILITIES, "--unsetenv", "JPY_PARENT_PID",
                "--dev", "/dev", "--proc", "/proc", "--size", str(limits.tmp_size), "--tmpfs", "/tmp",
                "--tmpfs", "/dev/shm"]
        # The private /tmp hides whatever lives there: give back, read-only, the interpreter's prefix
        # (a venv) and the import paths (an editable checkout) the kernel needs; hidden places come after.
        needed = {os.path.realpath(p) for p in [sys.prefix, *sys.path] if p and os.path.isdir(p)}
        for d in sorted(needed):
            if d == "/tmp" or d.startswith("/tmp/"):
                wrap += ["--ro-bind", d, d]
        for d in list(hide) + _solution_package_dirs():
            if os.path.isdir(d):
                wrap += ["--tmpfs", str(d)]
        for src, dst in readonly:   # e.g. the student's own Part 1 beside Part 2
            if os.path.isdir(src):
                wrap += ["--ro-bind", str(src), str(dst)]
        wrap += ["--bind", str(work), str(at), "--bind", str(socket_dir), str(socket_dir), "--chdir", str(at)]
        cmd = wrap + ["--"] + cmd
    memory = max(limits.memory, 2 * 1024**3)
    launcher = [os.path.realpath(sys.executable), "-I", "-S", "-c",
                "import os, resource, sys\n"
                f"resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))\n"
                f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limits.file_size}, {limits.file_size}))\n"
                "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))\n"
                "fd = os.open(os.devnull, os.O_WRONLY); os.dup2(fd, 1); os.close(fd)\n"
                "os.execv(sys.argv[1], sys.argv[1:])\n"]
    return launcher + cmd, level


def kernel_environment(base, home):
    """The kernel's environment: what Jupyter and nbgrader need, no secrets, a private home."""
    keep = ("PATH", "LANG", "LC_ALL", "NBGRADER_EXECUTION", "NBGRADER_VALIDATING", "DNN_LAB_LANG", "PYTHONPATH",
            "VIRTUAL_ENV", "MPLBACKEND")
    env = {k: v for k, v in base.items() if k in keep}
    env.update({"HOME": str(home), "IPYTHONDIR": str(Path(home) / ".ipython"), "MPLCONFIGDIR": str(Path(home) / "mpl"),
                "JUPYTER_RUNTIME_DIR": str(Path(home) / "runtime"), "OPENBLAS_NUM_THREADS": "1",
                "OMP_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    env.setdefault("PATH", "/usr/bin:/bin")
    return env
