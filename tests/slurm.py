"""A real one-node Slurm cluster for the tests: Debian's ``slurm-wlm`` and ``munge``.

``munged`` (as the ``munge`` user), ``slurmctld`` and ``slurmd`` are started with a configuration, a
key, state and spool directories in a temporary folder, on 127.0.0.1 and free ports; client commands
get ``SLURM_CONF``. Jobs run as the user who submits them (root in CI). ``stop()`` cancels every job,
stops the daemons and removes the folder.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from pg import free_port

BINARIES = ("/usr/sbin/munged", "/usr/sbin/mungekey", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch")


class SlurmCluster:
    def __init__(self, cpus=2):
        missing = [b for b in BINARIES if not Path(b).exists()]
        if missing:
            raise RuntimeError(f"Slurm is not installed ({', '.join(missing)} missing): apt-get install slurm-wlm munge")
        self.dir = Path(tempfile.mkdtemp(prefix="dnn-lab-slurm-"))
        os.chmod(self.dir, 0o755)
        self.node = socket.gethostname().split(".")[0]
        self.cpus = cpus
        self.conf = self.dir / "slurm.conf"
        self.env = {**os.environ, "SLURM_CONF": str(self.conf)}
        self.started = []

    # -- daemons ---------------------------------------------------------------------------
    def start(self):
        import pwd
        munge = pwd.getpwnam("munge")
        key_dir, sock_dir = self.dir / "munge", self.dir / "msock"
        for d in (key_dir, sock_dir, self.dir / "state", self.dir / "spool", self.dir / "log"):
            d.mkdir()
        for d in (key_dir, sock_dir):
            os.chown(d, munge.pw_uid, munge.pw_gid)
        os.chmod(key_dir, 0o700)
        os.chmod(sock_dir, 0o755)
        key = key_dir / "munge.key"
        self._run("runuser", "-u", "munge", "--", "/usr/sbin/mungekey", "--create", f"--keyfile={key}")
        self.socket = sock_dir / "munge.socket"
        self._run("runuser", "-u", "munge", "--", "/usr/sbin/munged", f"--key-file={key}", f"--socket={self.socket}",
                  f"--pid-file={sock_dir / 'munged.pid'}", f"--log-file={key_dir / 'munged.log'}",
                  f"--seed-file={key_dir / 'seed'}")
        self.started.append(sock_dir / "munged.pid")
        memory = max(1024, (os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")) // 2 ** 20 - 1024)
        d = self.dir
        self.conf.write_text("\n".join([
            "ClusterName=dnnlabtest",
            f"SlurmctldHost={self.node}(127.0.0.1)",
            f"SlurmctldPort={free_port()}", f"SlurmdPort={free_port()}",
            "SlurmUser=root", "AuthType=auth/munge", f"AuthInfo=socket={self.socket}", "CredType=cred/munge",
            f"StateSaveLocation={d / 'state'}", f"SlurmdSpoolDir={d / 'spool'}",
            f"SlurmctldPidFile={d / 'slurmctld.pid'}", f"SlurmdPidFile={d / 'slurmd.pid'}",
            f"SlurmctldLogFile={d / 'log' / 'slurmctld.log'}", f"SlurmdLogFile={d / 'log' / 'slurmd.log'}",
            # no cgroups in a container: processes are tracked by their parentage
            "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none",
            "SelectType=select/cons_tres", "SelectTypeParameters=CR_CPU", "SchedulerType=sched/backfill",
            "SchedulerParameters=sched_interval=2", "ReturnToService=2", "MpiDefault=none",
            "JobCompType=jobcomp/none", "AccountingStorageType=accounting_storage/none",
            "JobAcctGatherType=jobacct_gather/none", "KillWait=5", "MinJobAge=600", "InactiveLimit=0",
            f"NodeName={self.node} NodeAddr=127.0.0.1 CPUs={self.cpus} RealMemory={memory} State=UNKNOWN",
            "PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP", ""]))
        self._run("/usr/sbin/slurmctld", "-f", str(self.conf))
        self.started.append(d / "slurmctld.pid")
        self._run("/usr/sbin/slurmd", "-f", str(self.conf), "-N", self.node)
        self.started.append(d / "slurmd.pid")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            out = subprocess.run(["sinfo", "-h", "-o", "%T"], env=self.env, capture_output=True, text=True).stdout
            if out.strip() in ("idle", "mixed", "allocated"):
                return self
            time.sleep(0.5)
        raise RuntimeError(f"slurmd did not come up: sinfo says {out!r}\n{self.log_tail()}")

    def log_tail(self, n=3000):
        out = []
        for name in ("slurmctld.log", "slurmd.log"):
            path = self.dir / "log" / name
            if path.exists():
                out.append(f"--- {name}\n{path.read_text()[-n:]}")
        return "\n".join(out)

    def stop(self):
        try:
            subprocess.run(["scancel", "--user", str(os.getuid())], env=self.env, capture_output=True, timeout=30)
            time.sleep(1)
        except Exception:  # noqa: BLE001 - the daemons go anyway
            pass
        for pid_file in reversed(self.started):
            try:
                pid = int(pid_file.read_text().split()[0])
                os.kill(pid, signal.SIGTERM)
                for _ in range(50):
                    os.kill(pid, 0)
                    time.sleep(0.1)
                os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def _run(self, *argv):
        proc = subprocess.run(list(argv), env=self.env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}\n"
                               f"{self.log_tail()}")
        return proc.stdout

    # -- jobs ------------------------------------------------------------------------------
    def sbatch(self, script, *args):
        """Submit ``script``; returns the job id."""
        return self._run("sbatch", "--parsable", *args, str(script)).strip().split(";")[0]

    def scontrol(self, *args):
        return self._run("scontrol", *args)

    def tasks(self, job):
        """{array task id: job state} of an array job (from scontrol, which keeps finished jobs a while)."""
        out = subprocess.run(["scontrol", "-o", "show", "job", job], env=self.env, capture_output=True,
                             text=True).stdout
        states = {}
        for line in out.splitlines():
            fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
            task = fields.get("ArrayTaskId")
            if task is not None:
                for t in _expand(task):
                    states[t] = fields.get("JobState")
        return states

    def wait(self, job, timeout=900):
        """Wait until no task of ``job`` is pending or running; returns {task: state}."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            states = self.tasks(job)
            if states and not any(s in ("PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "SUSPENDED")
                                  for s in states.values()):
                return states
            time.sleep(1)
        raise TimeoutError(f"job {job} still running after {timeout} s: {self.tasks(job)}\n{self.log_tail()}")


def _expand(spec):
    """'1-3,5' or '[1-3%2]' → [1, 2, 3, 5]."""
    spec = spec.strip("[]").split("%")[0]
    out = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out += list(range(int(a), int(b) + 1))
        elif part:
            out.append(int(part))
    return out


def processes_of_task(job, task):
    """PIDs of live processes started for array task ``task`` of ``job`` (from their environment)."""
    wanted = {f"SLURM_ARRAY_JOB_ID={job}".encode(), f"SLURM_ARRAY_TASK_ID={task}".encode()}
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                continue  # already dead, waiting to be reaped
            env = set((entry / "environ").read_bytes().split(b"\0"))
        except (OSError, IndexError):
            continue
        if wanted <= env:
            pids.append(int(entry.name))
    return pids
