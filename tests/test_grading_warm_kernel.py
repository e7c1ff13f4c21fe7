"""The warm feedback kernel (dnn_lab/grading/warm_kernel.py): kernels forked from one template per grading
process must be as separate and as sandboxed as cold ones (issue 18, SPEC §7)."""
import os
import signal
import time
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from dnn_lab.grading import warm_kernel
from dnn_lab.grading.nbgrader import _without_debugger
from dnn_lab.grading.sandbox import Limits, bwrap_works, kernel_command

pytestmark = pytest.mark.skipif(not bwrap_works(), reason="needs bubblewrap")  # CI has it: never skipped there


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course-like folder the kernels must not see, with a submission folder inside it."""
    root = tmp_path_factory.mktemp("warm") / "course"
    (root / "source" / "step_by_step").mkdir(parents=True)
    (root / "source" / "step_by_step" / "step_by_step.ipynb").write_text("### BEGIN SOLUTION secret-solution\n")
    (root / "gradebook.db").write_text("grades")
    return root


@pytest.fixture(scope="module")
def template(course):
    warm_kernel.enable()
    try:
        made = warm_kernel.template_for((str(course),), Limits())
        assert made is not None and made.alive()
        yield made
    finally:
        warm_kernel.enable(False)
        warm_kernel.close_all()


class Kernel:
    """A kernel forked from the template for ``student`` (its submission folder inside the course)."""

    def __init__(self, template, course, student, files=None, cold=False):
        self.own = template.folder()
        work, sockets = self.own / "w", self.own / "s"
        work.mkdir()
        sockets.mkdir(mode=0o700)
        (sockets / "home").mkdir()
        for name, text in (files or {}).items():
            (work / name).write_text(text)
        at = course / "submitted" / student / "step_by_step"
        at.mkdir(parents=True, exist_ok=True)
        (at / "step_by_step.ipynb").write_text(f"submitted by {student}")   # not copied into the scratch folder

        class Manager(KernelManager):
            def format_kernel_cmd(self, extra_arguments=None):
                if cold:   # today's cold kernel, for comparison
                    cmd = _without_debugger(super().format_kernel_cmd(extra_arguments))
                    return kernel_command(cmd, work=work, at=at, socket_dir=sockets, hide=[str(course)])[0]
                args = warm_kernel.kernel_arguments(super().format_kernel_cmd(extra_arguments))
                assert args is not None
                return template.command(args, own=self.own_folder, work=work, at=at)

        self.km = Manager(kernel_name="python3")
        self.km.own_folder = self.own
        self.km.transport, self.km.ip = "ipc", str(sockets / "k")
        self.km.connection_file = str(sockets / "kernel.json")
        self.km.start_kernel(env={"PATH": os.environ["PATH"], "HOME": str(sockets / "home"),
                                  "NBGRADER_EXECUTION": "autograde", "STUDENT": student})
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)

    def run(self, code, timeout=30):
        out, errors = [], []

        def hook(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                errors.append(msg["content"]["ename"])
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=hook)
        return "".join(out), errors, reply["content"]["status"]

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def _processes_with(marker):
    found = []
    for pid in os.listdir("/proc"):
        try:
            if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except (OSError, ValueError):
            pass
    return found


def test_a_kernel_forked_after_another_sees_nothing_of_it(template, course):
    """Student A's kernel sets a global, writes into /tmp, /dev/shm, its folder and its home, and leaves a
    process behind; B's kernel, forked from the same template afterwards, finds none of it, and is a fresh
    process of its own (PID 1 of its namespace, its own environment, numpy's seed drawn anew)."""
    a = Kernel(template, course, "alice", files={"helper.py": "WHO = 'alice'\n"})
    try:
        out, errors, status = a.run(
            "import os, subprocess, numpy as np\n"
            "LEFT_BY_A = 42\n"
            "open('/tmp/from_a', 'w').write('a'); open('/dev/shm/from_a', 'w').write('a')\n"
            "open('written_by_a', 'w').write('a'); open(os.path.expanduser('~/from_a'), 'w').write('a')\n"
            "subprocess.Popen(['sleep', '3001'])\n"
            "import helper\n"
            "print(helper.WHO, os.getpid(), os.environ['STUDENT'], np.random.randint(10**9))\n")
        assert status == "ok" and not errors, (out, errors)
        who, pid, student, draw_a = out.split()
        assert (who, pid, student) == ("alice", "1", "alice")
        assert _processes_with("sleep\x003001")   # A's process exists while A's kernel runs
    finally:
        a.close()
    deadline = time.monotonic() + 10
    while _processes_with("sleep\x003001") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _processes_with("sleep\x003001")   # gone with A's kernel (its PID namespace)
    b = Kernel(template, course, "bob")
    try:
        out, errors, status = b.run(
            "import os, numpy as np\n"
            "print('LEFT_BY_A' in globals(), os.path.exists('/tmp/from_a'), os.path.exists('/dev/shm/from_a'),\n"
            "      os.path.exists('written_by_a'), os.path.exists(os.path.expanduser('~/from_a')),\n"
            "      os.path.exists('helper.py'), sorted(p for p in os.listdir('/proc') if p.isdigit()) == ['1'],\n"
            "      os.environ['STUDENT'], np.random.randint(10**9))\n")
        assert status == "ok" and not errors, (out, errors)
        *flags, student, draw_b = out.split()
        assert flags == ["False"] * 6 + ["True"] and student == "bob"
        assert draw_b != draw_a
    finally:
        b.close()


@pytest.mark.parametrize("cold", [False, True], ids=["forked", "cold"])
def test_a_feedback_kernel_forked_or_cold_is_sandboxed(template, course, cold):
    """It cannot read the course directory (source notebooks, gradebook, other students), cannot lift the cover
    (no capability left: umount fails, even when the grader runs as root), has no network and runs under the
    memory limit."""
    k = Kernel(template, course, "carol", cold=cold)
    try:
        out, errors, status = k.run(
            "import ctypes, os, resource, socket\n"
            f"course = {str(course)!r}\n"
            "print(sorted(os.listdir(course)), os.path.exists(course + '/source/step_by_step/step_by_step.ipynb'))\n"
            "print(sorted(os.listdir(os.getcwd())), sorted(os.listdir(course + '/submitted')))\n"
            "libc = ctypes.CDLL(None, use_errno=True)\n"
            "print(libc.umount2(course.encode(), 2), ctypes.get_errno(), libc.unshare(0x00020000))\n"
            "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff')][0])\n"
            "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=2); print('network')\n"
            "except OSError:\n    print('no-network')\n"
            "print(resource.getrlimit(resource.RLIMIT_AS)[0] == 2 * 1024 ** 3)\n")
        assert status == "ok" and not errors, (out, errors)
        lines = out.splitlines()
        assert lines[0] == "['submitted'] False"
        assert lines[1] == "[] ['carol']"
        code, errno_, unshared = lines[2].split()
        assert code == "-1" and int(errno_) in (1, 22) and unshared == "-1"   # EPERM (or EINVAL): stays covered
        assert lines[3] == "0000000000000000"
        assert lines[4:] == ["no-network", "True"]
    finally:
        k.close()


def test_an_endless_cell_is_interrupted_and_a_killed_kernel_takes_its_processes(template, course):
    """SIGINT reaches the forked kernel through the shim (KeyboardInterrupt in the cell, the kernel lives on);
    killing the kernel (SIGKILL to jupyter_client's process) ends the kernel and everything it started."""
    k = Kernel(template, course, "dave")
    try:
        k.kc.execute("import subprocess\nsubprocess.Popen(['sleep', '3002'])\nwhile True:\n    pass\n")
        time.sleep(2)
        k.km.interrupt_kernel()
        deadline = time.monotonic() + 20
        reply = None
        while time.monotonic() < deadline:
            msg = k.kc.get_shell_msg(timeout=20)
            if msg["msg_type"] == "execute_reply":
                reply = msg
                break
        assert reply is not None and reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        time.sleep(1)   # ipykernel aborts what arrives right after an error
        out, errors, status = k.run("print('alive')")
        assert (out, status) == ("alive\n", "ok")
        assert _processes_with("sleep\x003002")
        os.killpg(k.km.provisioner.pgid, signal.SIGKILL)   # what jupyter_client's kill does
        deadline = time.monotonic() + 10
        while _processes_with("sleep\x003002") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _processes_with("sleep\x003002")
        assert not k.km.is_alive()
    finally:
        k.close()


def test_only_this_interpreters_ipykernel_is_forked():
    """Other kernel commands (another interpreter, another kernel) start cold."""
    import sys
    assert warm_kernel.kernel_arguments([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"]) == ["-f", "k.json"]
    assert warm_kernel.kernel_arguments(["/usr/bin/python3.9", "-m", "ipykernel_launcher", "-f", "k"]) is None
    assert warm_kernel.kernel_arguments([sys.executable, "-m", "other_kernel", "-f", "k"]) is None
    warm_kernel.enable(False)
    assert warm_kernel.template_for(("/nonexistent",), Limits()) is None   # not enabled: no template


def test_a_template_that_cannot_fork_a_kernel_is_not_used(course):
    """Where a template starts but its forks cannot make their namespaces or mounts (no capability for them,
    say), its probe fails and the grading process uses the cold kernel: no student's feedback is lost to it."""
    made = warm_kernel.Template((str(course),), Limits())
    try:
        made.keep = ["/nonexistent-folder-for-the-probe"]   # the fork's mounts fail
        assert made.ready() is False
    finally:
        made.close()
    good = warm_kernel.Template((str(course),), Limits())
    try:
        assert good.ready() is True
    finally:
        good.close()


def test_the_base_folders_of_templates_whose_process_is_gone_are_removed():
    """A worker killed with its template leaves the template's base folder in /tmp: the next template removes
    the base folders of processes that no longer exist, and no other."""
    import subprocess
    import sys
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    gone = Path(f"/tmp/dkw-{dead}-leftover")
    alive = Path(f"/tmp/dkw-{os.getppid()}-in-use")
    for folder in (gone, alive):
        (folder / "k1").mkdir(parents=True, exist_ok=True)
    try:
        made = warm_kernel.base_folder("dkw-")
        assert made.name.startswith(f"dkw-{os.getpid()}-") and made.is_dir()
        assert not gone.exists() and alive.exists()
        made.rmdir()
    finally:
        import shutil
        shutil.rmtree(gone, ignore_errors=True)
        shutil.rmtree(alive, ignore_errors=True)
