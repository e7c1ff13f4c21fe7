"""A real JupyterHub for tests: real Unix users, PAM logins, LocalProcessSpawner, the real proxy.

``running_hub(n_students)`` (a context manager; ``hub`` below is a module fixture built on it):

- creates one instructor and ``n_students`` students with ``useradd`` (names unique per run,
  ``dh<run>i``, ``dh<run>s1``…), passwords set with ``chpasswd``; all removed at the end
  (``userdel -r``), also after a failure;
- writes the course's hub configuration with the product's own command
  (``dnn-lab course hub-config … --apply``: exchange root, the instructor's course directory,
  private homes) into a world-readable folder under /tmp, and a test config beside it that
  loads it and only adds what a test needs (127.0.0.1 and free ports, an admin API token,
  ``expose_app_in_browser`` for Playwright);
- starts ``jupyterhub`` (as root, like a real one-machine hub) with ``/usr/bin/configurable-http-proxy``;
- makes the checkout's ``assignments/`` (the solutions) unreadable for the users while it runs
  (in a real course they live only in the instructor's course directory);
- when the venv's base interpreter sits in a private folder (pyenv under /root, mode 700), runs
  everything (the set-up command, the hub, ``run_as``) in a private mount namespace where only that
  interpreter's tree is reachable through a 711 tmpfs over the private folder: nothing on the
  machine changes mode. The venv and the checkout themselves must be readable (else: a clear failure).

The ``Hub`` object: ``url``, ``instructor``, ``students``, ``password``, ``course_dir``, ``exchange``,
``config_dir`` and helpers ``run_as``, ``api``, ``start_server``, ``stop_server``, ``user_token``,
``user_url``, ``login`` (Playwright), ``open_assignments``.  Notes for other test authors:
/tmp/team/hub-notes.md (and this docstring).
"""
import contextlib
import json
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser_util import ARTIFACTS, REPO, free_port, new_page, stop

from dnn_lab.hub import unreachable_for_others

COURSE_ID = "dnn101"
BIN = Path(sys.executable).parent


def require_hub_tools():
    """Hub tests never skip: say what is missing."""
    problems = []
    if os.geteuid() != 0:
        problems.append("root (useradd, a hub that spawns servers as other users)")
    for tool in ("/usr/bin/configurable-http-proxy", str(BIN / "jupyterhub"), str(BIN / "jupyterhub-singleuser"),
                 shutil.which("useradd") or "useradd"):
        if not os.path.exists(tool):
            problems.append(tool)
    for path in (Path(sys.prefix), REPO / "dnn_lab"):
        blocked = unreachable_for_others(path)
        if blocked is not None:
            problems.append(f"{blocked} is not readable/traversable by other users (chmod o+rx), "
                            f"so the hub's users cannot run {sys.executable} or import dnn_lab")
    if problems:
        pytest.fail("hub tests need: " + "; ".join(problems)
                    + " (npm install -g configurable-http-proxy; pip install -e '.[test,hub]')")


def interpreter_opening():
    """(private folder, its child holding the interpreter) when the base interpreter is behind a
    folder other users cannot traverse, else None; fails when that child itself is closed."""
    real = Path(os.path.realpath(sys.executable))
    blocked = unreachable_for_others(real)
    if blocked is None:
        return None
    child = blocked / real.relative_to(blocked).parts[0]
    for p in [child, *[q for q in reversed(real.parents) if child in q.parents], real]:
        mode = p.stat().st_mode
        if not mode & stat.S_IXOTH:
            pytest.fail(f"the interpreter {real} is behind {p}, which other users cannot traverse")
    return blocked, child


class Namespace:
    """A private mount namespace (anchored by one sleeping process) that opens the interpreter's
    tree to other users; ``wrap(cmd)`` runs a command inside it.  No-op when nothing is closed."""

    def __init__(self, root):
        self.proc = None
        opening = interpreter_opening()
        if opening is None:
            return
        blocked, child = opening
        stage = Path(root) / "ns-stage"
        stage.mkdir()
        script = (f"set -e; mount --bind {child} {stage}; mount -t tmpfs -o mode=0711 dnn-lab-hub {blocked}; "
                  f"mkdir -p {child}; mount --bind {stage} {child}; exec sleep 100000")
        self.proc = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                                     start_new_session=True)
        deadline = time.monotonic() + 10
        while not _exe_is_sleep(self.proc.pid):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"could not open {child} in a private mount namespace (unshare/mount as root)")
            time.sleep(0.05)

    def wrap(self, cmd, cwd=None):
        """``cmd`` run in the namespace (entering a mount namespace resets the working directory:
        ``cwd`` is set again inside)."""
        if self.proc is None:
            return list(cmd)
        return ["nsenter", f"--mount=/proc/{self.proc.pid}/ns/mnt", *([f"--wd={cwd}"] if cwd else []), "--", *cmd]

    def close(self):
        stop(self.proc, timeout=5)


def _exe_is_sleep(pid):
    try:
        return os.path.basename(os.readlink(f"/proc/{pid}/exe")) == "sleep"
    except OSError:
        return False


def _run(cmd, **kwargs):
    kwargs.setdefault("check", True)
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run(cmd, **kwargs)


class Hub:
    def __init__(self, root, instructor, students, password, namespace):
        self.namespace = namespace
        self.root = Path(root)
        self.instructor = instructor
        self.students = list(students)
        self.password = password
        self.config_dir = self.root / "hub-config"
        self.exchange = self.root / "exchange"
        self.course_dir = Path(pwd.getpwnam(instructor).pw_dir) / "course"
        self.state = self.root / "state"
        self.admin_token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc = None
        self._tokens = {}

    # ---- people -------------------------------------------------------------------------------

    def home(self, user):
        return Path(pwd.getpwnam(user).pw_dir)

    def role_dir(self, user):
        return self.config_dir / "roles" / ("instructor" if user == self.instructor else "student")

    def user_env(self, user):
        """The environment the user's own server gives its terminals and kernels."""
        home = str(self.home(user))
        return {"HOME": home, "USER": user, "LOGNAME": user, "SHELL": "/bin/bash",
                "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
                "PYTHONPATH": str(REPO), "JUPYTER_CONFIG_PATH": str(self.role_dir(user))}

    def run_as(self, user, *cmd, cwd=None, timeout=600, check=True, env=None):
        """Run ``cmd`` as ``user`` (runuser, the user's environment, cwd default: their home);
        a console script name (``nbgrader``, ``dnn-lab``, ``python``) is taken from this Python's bin."""
        cmd = [str(BIN / cmd[0]) if (BIN / cmd[0]).exists() else cmd[0], *cmd[1:]]
        cwd = cwd or self.home(user)
        full = self.namespace.wrap(["runuser", "-u", user, "--", "env", "-i",
                *(f"{k}={v}" for k, v in {**self.user_env(user), **(env or {})}.items()), *cmd], cwd=cwd)
        result = subprocess.run(full, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(map(str, cmd))} as {user} exited {result.returncode}:\n"
                                 f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
        return result

    # ---- the hub's REST API (admin token) -----------------------------------------------------------

    def request(self, url, method="GET", body=None, token=None, timeout=120):
        """(status, parsed JSON or text) of an HTTP call with ``token`` (default: the admin token)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": f"token {token or self.admin_token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        try:
            return status, json.loads(raw or b"null")
        except ValueError:
            return status, raw.decode("utf-8", "replace")

    def api(self, path, method="GET", body=None):
        status, data = self.request(f"{self.url}hub/api/{path}", method, body)
        if status >= 400:
            raise AssertionError(f"hub API {method} {path}: {status} {data}")
        return data

    def start_server(self, user, timeout=180):
        """Start ``user``'s single-user server (no-op when running) and wait until it is ready."""
        status, data = self.request(f"{self.url}hub/api/users/{user}/server", "POST")
        if status not in (201, 202, 400):  # 400: already running
            raise AssertionError(f"starting {user}'s server: {status} {data}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.api(f"users/{user}").get("servers", {}).get("")
            if server and server.get("ready"):
                return server
            time.sleep(0.5)
        raise TimeoutError(f"{user}'s server not ready after {timeout}s (see {self.state / 'hub.log'})")

    def stop_server(self, user):
        status, _ = self.request(f"{self.url}hub/api/users/{user}/server", "DELETE")
        assert status in (202, 204), status

    def user_token(self, user):
        """An API token of ``user`` (for REST and websocket calls to their server through the proxy)."""
        if user not in self._tokens:
            self._tokens[user] = self.api(f"users/{user}/tokens", "POST", {"note": "dnn-lab test"})["token"]
        return self._tokens[user]

    def user_url(self, user, path=""):
        return f"{self.url}user/{user}/{path}"

    # ---- the browser ---------------------------------------------------------------------------

    def login(self, browser, user, lang="en-US", path="lab"):
        """A fresh Playwright page logged in as ``user`` through the hub's login form, on
        ``/user/<user>/<path>`` (JupyterLab by default, waited for)."""
        page = new_page(browser, lang)
        page.goto(f"{self.url}hub/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", self.password)
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{user}/**", timeout=180_000)
        if path:
            page.goto(self.user_url(user, path))
            if path.startswith("lab"):
                wait_for_lab(page)
        return page

    def open_assignments(self, page):
        """Open nbgrader's Assignments panel (its own command) and wait for its lists."""
        page.evaluate("() => window.jupyterapp.commands.execute('nbgrader:open-assignment-list')")
        page.locator("#released_assignments_list").wait_for(state="attached", timeout=60_000)
        return page


def wait_for_lab(page):
    page.wait_for_function("window.jupyterapp !== undefined", timeout=120_000)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")


def _world_readable_tmp(prefix):
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


HIDDEN_STATE = Path(tempfile.gettempdir()) / "dnn-lab-hub-solutions-hidden.json"


@contextlib.contextmanager
def _hidden_state():
    """{"mode": original mode, "pids": hub runs holding it closed} under an exclusive lock (two test
    modules may run hubs at once on two xdist workers: the last one out restores the mode)."""
    import fcntl
    with open(str(HIDDEN_STATE) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            state = json.loads(HIDDEN_STATE.read_text())
        except (OSError, ValueError):
            state = {"mode": None, "pids": []}
        state["pids"] = [p for p in state["pids"] if os.path.exists(f"/proc/{p}")]
        yield state
        HIDDEN_STATE.write_text(json.dumps(state))


@contextlib.contextmanager
def _solutions_hidden():
    """The checkout's assignments/ (solutions) closed to other users while a hub runs."""
    target = REPO / "assignments"
    with _hidden_state() as state:
        now = stat.S_IMODE(target.stat().st_mode)
        # a crashed run may have left it closed: then the recorded mode is the original one
        if state["mode"] is None or (not state["pids"] and now != state["mode"] & 0o700):
            state["mode"] = now
        state["pids"].append(os.getpid())
        target.chmod(state["mode"] & 0o700)
    try:
        yield
    finally:
        with _hidden_state() as state:
            state["pids"] = [p for p in state["pids"] if p != os.getpid()]
            if not state["pids"]:
                target.chmod(state["mode"])


TEST_CONFIG = '''\
# the product's configuration, then only what a test needs
load_subconfig({product!r})  # noqa: F821
c.JupyterHub.bind_url = {url!r}
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = ["/usr/bin/configurable-http-proxy"]
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.pid_file = {hub_pid!r}
c.JupyterHub.services = [{{"name": "dnn-lab-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "dnn-lab-test", "services": ["dnn-lab-test"],
                             "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users",
                                        "access:servers"]}}]
c.Spawner.ip = "127.0.0.1"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
# Playwright drives JupyterLab through window.jupyterapp; nothing is fetched from the network
c.Spawner.args = ["--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
                  "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
c.Spawner.env_keep = ["PATH", "PYTHONPATH", "LANG", "LC_ALL"]
'''


@contextlib.contextmanager
def running_hub(n_students=3, log_name="hub.log"):
    """A running hub with one instructor and ``n_students`` students (see the module docstring)."""
    require_hub_tools()
    run = secrets.token_hex(3)
    instructor = f"dh{run}i"
    students = [f"dh{run}s{k}" for k in range(1, n_students + 1)]
    password = secrets.token_urlsafe(12)
    root = _world_readable_tmp("dnn-lab-hub-")
    created = []
    hub = hidden = None
    namespace = Namespace(root)
    try:
        for name in [instructor, *students]:
            _run(["useradd", "-m", "-s", "/bin/bash", name])
            created.append(name)
        _run(["chpasswd", "--crypt-method", "SHA512", "--sha-rounds", "5000"], input="".join(f"{n}:{password}\n" for n in created))
        hub = Hub(root, instructor, students, password, namespace)
        hub.state.mkdir(mode=0o700)
        hidden = _solutions_hidden()
        hidden.__enter__()
        result = _run(namespace.wrap([str(BIN / "dnn-lab"), "course", "hub-config", str(hub.config_dir), "--course-id", COURSE_ID,
                       "--instructor", instructor, "--students", ",".join(students),
                       "--exchange", str(hub.exchange), "--apply"]), env={**os.environ, "PYTHONPATH": str(REPO)})
        (hub.state / "hub-config.out").write_text(result.stdout + result.stderr)
        if "WARNING" in result.stdout:
            pytest.fail("dnn-lab course hub-config --apply warned:\n" + result.stdout)
        config = hub.state / "test_config.py"
        config.write_text(TEST_CONFIG.format(
            product=str(hub.config_dir / "jupyterhub_config.py"), url=hub.url, hub_port=free_port(),
            api_port=free_port(), proxy_pid=str(hub.state / "proxy.pid"), state=hub.state,
            cookie=str(hub.state / "cookie_secret"), hub_pid=str(hub.state / "hub.pid"), token=hub.admin_token))
        env = {**os.environ, "PYTHONPATH": str(REPO), "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
        with open(hub.state / "hub.log", "w") as log:
            hub.proc = subprocess.Popen(namespace.wrap([str(BIN / "jupyterhub"), "-f", str(config)]), cwd=hub.state, env=env,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                _wait_hub(hub)
                yield hub
            finally:
                stop(hub.proc, timeout=60)  # the hub stops the users' servers and its proxy
    finally:
        if hidden is not None:
            hidden.__exit__(None, None, None)
        if hub is not None and (hub.state / "hub.log").exists():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(hub.state / "hub.log", ARTIFACTS / log_name)
        for name in created:
            subprocess.run(["userdel", "-r", "-f", name], capture_output=True)
        namespace.close()
        shutil.rmtree(root, ignore_errors=True)


def _wait_hub(hub, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if hub.proc.poll() is not None:
            raise RuntimeError("jupyterhub exited:\n" + (hub.state / "hub.log").read_text(errors="replace")[-4000:])
        with contextlib.suppress(OSError, urllib.error.URLError):
            status, _ = hub.request(f"{hub.url}hub/api/", timeout=5)
            if status == 200:
                return
        time.sleep(0.3)
    raise TimeoutError("jupyterhub did not answer:\n" + (hub.state / "hub.log").read_text(errors="replace")[-4000:])


@pytest.fixture(scope="module")
def hub():
    """One hub per test module: an instructor and three students."""
    with running_hub(3) as h:
        yield h
