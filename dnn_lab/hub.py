"""``dnn-lab course hub-config``: one course on a JupyterHub on one machine.

Writes, into one folder (default ``/etc/dnn-lab/<course id>``):

- ``jupyterhub_config.py``: PAM login for the course's people only (``students.txt`` + the
  instructor), LocalProcessSpawner (each person's server runs as their own Unix user), JupyterLab
  as the default page, and one role per user given to their server through ``JUPYTER_CONFIG_PATH``;
- ``students.txt``: one login a line (edit it and restart the hub to add students);
- ``roles/student/`` and ``roles/instructor/``: the Jupyter configuration of each role:

  ===========================================  ===========================  ==========================
  file                                         student                      instructor
  ===========================================  ===========================  ==========================
  ``jupyter_server_config.json``               dnn_lab, nbgrader's          dnn_lab and every nbgrader
                                               assignment list + validate   server extension
                                               only (formgrader and course
                                               list off)
  ``labconfig/page_config.json``               nbgrader's formgrader,       nothing disabled
                                               course list and Create
                                               Assignment plugins disabled
  ``labconfig/default_setting_overrides.json``  Help → DNN Lab opens ``/hub/user-redirect/dnn-lab``
                                               (the user's own ``/user/<name>/dnn-lab``)
  ``nbgrader_config.py``                       exchange root + course id    the same + the course
                                                                            directory
  ===========================================  ===========================  ==========================

``--apply`` (root) also creates what the configuration points at: the exchange root (mode 1777:
anyone can create the course's folder once, nobody can rename another's), the course directory
(``dnn-lab course init``, owned by the instructor, mode 700; its ``nbgrader_config.py`` also gets
the exchange and course id, so commands run from it in any shell), and makes the homes of the
instructor and of every student private (700).

The boundaries between people are Unix permissions, not the disabled extensions: a student who
re-enables formgrader in their own ``~/.jupyter`` gets a formgrader that runs as them and cannot
read the course directory.  Stdlib only; nothing here imports Jupyter.
"""
import json
import os
import pwd
import re
import stat
import sys
from pathlib import Path

EXCHANGE = "/srv/nbgrader/exchange"
DNN_LAB_PAGE = "dnn-lab"
HELP_TEXT = "DNN Lab 实验室"

SERVER_EXTENSIONS = {
    # nbgrader's own names (jupyter_server_config.d/nbgrader.json); True = on for the role
    "student": {"nbgrader.server_extensions.formgrader": False,
                "nbgrader.server_extensions.course_list": False,
                "nbgrader.server_extensions.assignment_list": True,
                "nbgrader.server_extensions.validate_assignment": True},
    "instructor": {"nbgrader.server_extensions.formgrader": True,
                   "nbgrader.server_extensions.course_list": True,
                   "nbgrader.server_extensions.assignment_list": True,
                   "nbgrader.server_extensions.validate_assignment": True},
}
# JupyterLab plugins of nbgrader's lab extension (@jupyter/nbgrader) a student never gets
STUDENT_DISABLED_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                            "@jupyter/nbgrader:create-assignment")
ROLES = ("student", "instructor")

_LOGIN = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
_COURSE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class HubConfigError(ValueError):
    """A refused option or set-up step; ``code`` names it, ``detail`` says what."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def check_login(name):
    if not _LOGIN.match(name or ""):
        raise HubConfigError("bad_login", name)
    return name


def read_students(path):
    """Logins from a students.txt: one a line, ``#`` comments and blank lines ignored."""
    names = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(check_login(line))
    return names


def help_menu_overrides(hub_prefix="/"):
    """JupyterLab setting overrides: the Help-menu entry of ``jupyter-config/lab/overrides.d/dnn_lab.json``
    pointing at the hub's ``user-redirect`` (``/dnn-lab`` would be the hub's own root, not the user's
    server)."""
    url = f"{hub_prefix.rstrip('/')}/hub/user-redirect/{DNN_LAB_PAGE}"
    return {"@jupyterlab/mainmenu-extension:plugin": {"menus": [{
        "id": "jp-mainmenu-help",
        "items": [{"type": "separator", "rank": 0.5},
                  {"command": "help:open", "rank": 0.6,
                   "args": {"url": url, "text": HELP_TEXT, "newBrowserTab": True}}]}]}}


def nbgrader_role_config(role, course_id, exchange, course_dir, instructor=None):
    from .exchange import config_lines  # stdlib only: the exchange classes load when nbgrader asks for them
    lines = [
        f"# nbgrader settings of a {role} of course {course_id!r} (written by `dnn-lab course hub-config`)",
        "c = get_config()  # noqa: F821",
        f"c.CourseDirectory.course_id = {course_id!r}",
        f"c.Exchange.root = {str(exchange)!r}",
    ]
    if role == "instructor":
        lines.append(f"c.CourseDirectory.root = {str(course_dir)!r}")
    # dnn_lab's exchange (issue 21): the course's exchange folder must be the instructor's
    lines.append(config_lines(instructor).rstrip("\n"))
    return "\n".join(lines) + "\n"


HUB_CONFIG = '''\
# JupyterHub configuration of the dnn_lab course {course_id!r}: one instructor, the students of
# students.txt, one machine.  Written by `dnn-lab course hub-config`; run as root:
#     jupyterhub -f {config}
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
COURSE_ID = {course_id!r}
INSTRUCTOR = {instructor!r}


def _students():
    names = []
    for line in (HERE / "students.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


c = get_config()  # noqa: F821 (provided by JupyterHub)
c.JupyterHub.bind_url = {bind_url!r}

# Login with the machine's own accounts (PAM); only the course's people get in.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = {{INSTRUCTOR, *_students()}}

# Every server runs as its user: their files, their kernels, their Unix permissions.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"


def _role_dir(spawner):
    role = "instructor" if spawner.user.name == INSTRUCTOR else "student"
    return str(HERE / "roles" / role)


# The role's Jupyter configuration comes first in the config path: the student's servers have no
# formgrader, course list or Create Assignment; the instructor's have them.
c.Spawner.environment = {{"JUPYTER_CONFIG_PATH": _role_dir}}
'''


def _singleuser():
    return str(Path(sys.executable).with_name("jupyterhub-singleuser"))


def write_hub_config(out, course_id, instructor, students, *, exchange=EXCHANGE, course_dir=None,
                     bind_url="http://:8000", hub_prefix="/"):
    """Write the hub configuration into ``out``; returns the paths written (sorted).

    ``course_dir`` defaults to ``~instructor/course`` (from the password database when the
    user exists, else ``/home/<instructor>/course``).
    """
    if not _COURSE_ID.match(course_id or ""):
        raise HubConfigError("bad_course_id", course_id)
    check_login(instructor)
    students = [check_login(s) for s in students]
    if instructor in students:
        raise HubConfigError("instructor_is_student", instructor)
    out = Path(out)
    course_dir = Path(course_dir) if course_dir else default_course_dir(instructor)
    written = []

    def put(rel, text):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        path.chmod(0o644)
        written.append(path)

    config = out / "jupyterhub_config.py"
    put("jupyterhub_config.py", HUB_CONFIG.format(course_id=course_id, instructor=instructor, config=config,
                                                  bind_url=bind_url, singleuser=_singleuser()))
    put("students.txt", "# one login a line; restart the hub after a change\n" + "".join(f"{s}\n" for s in students))
    for role in ROLES:
        base = f"roles/{role}/"
        extensions = {"dnn_lab": True, **SERVER_EXTENSIONS[role]}
        server_config = {"ServerApp": {"jpserver_extensions": extensions}}
        if role == "instructor":  # the class at a glance on the instructor's /dnn-lab page (dnn-lab report)
            server_config["DnnLab"] = {"course_directory": str(course_dir)}
        put(base + "jupyter_server_config.json", json.dumps(server_config, indent=2) + "\n")
        disabled = {name: True for name in STUDENT_DISABLED_PLUGINS} if role == "student" else {}
        put(base + "labconfig/page_config.json", json.dumps({"disabledExtensions": disabled}, indent=2) + "\n")
        put(base + "labconfig/default_setting_overrides.json",
            json.dumps(help_menu_overrides(hub_prefix), indent=2, ensure_ascii=False) + "\n")
        put(base + "nbgrader_config.py", nbgrader_role_config(role, course_id, exchange, course_dir, instructor))
    for d in {p.parent for p in written} | {out}:
        d.chmod(0o755)
    return sorted(written)


def default_course_dir(instructor):
    try:
        return Path(pwd.getpwnam(instructor).pw_dir) / "course"
    except KeyError:
        return Path("/home") / instructor / "course"


# ---- --apply: the folders the configuration points at (root only) ---------------------------------

COURSE_HUB_MARK = "# ---- on the hub (dnn-lab course hub-config) ----"


def unreachable_for_others(path):
    """The first folder on the way to ``path`` that other users cannot traverse (or read), else None."""
    path = Path(path).resolve()
    for p in [*reversed(path.parents), path]:
        mode = p.stat().st_mode
        if not mode & stat.S_IXOTH or (p == path and not mode & stat.S_IROTH):
            return p
    return None


def _user(name):
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise HubConfigError("no_such_user", name) from None


def apply_setup(out, course_id, instructor, students, *, exchange=EXCHANGE, course_dir=None, lang="both"):
    """Create the exchange root, the instructor's course, private homes; returns what was done (lines).

    Needs root.  Refuses (HubConfigError) an unknown user or a Python that the users cannot run.
    """
    if os.geteuid() != 0:
        raise HubConfigError("not_root", "--apply")
    teacher = _user(instructor)
    people = [teacher, *(_user(s) for s in students)]
    blocked = next(filter(None, (unreachable_for_others(p) for p in (
        Path(sys.prefix), Path(os.path.realpath(sys.executable)), Path(__file__).parent, Path(out)))), None)
    if blocked is not None:
        raise HubConfigError("not_world_readable", str(blocked))
    done = []
    exchange = Path(exchange)
    exchange.mkdir(parents=True, exist_ok=True)
    os.chown(exchange, 0, 0)
    exchange.chmod(0o1777)  # anyone may create a course folder; only its owner may rename or remove it
    done.append(f"{exchange} 1777 root:root")
    for person in people:
        os.chmod(person.pw_dir, 0o700)
        done.append(f"{person.pw_dir} 700")
    course_dir = Path(course_dir) if course_dir else Path(teacher.pw_dir) / "course"
    from .course import init_course
    from .sources import NoSourceAssignments, checkout_root, course_package
    if not (course_dir / "nbgrader_config.py").exists() or not any((course_dir / "source").glob("*/*.ipynb")):
        try:
            init_course(course_dir, lang=lang)
        except NoSourceAssignments:
            raise HubConfigError("no_course_sources", "run `dnn-lab course init DIR` with dnn-lab-course "
                                 "(in a private venv) first, or install it here for this step") from None
    for place in [checkout_root() and checkout_root() / "assignments",
                  course_package() and Path(course_package().__file__).parent]:
        if place and unreachable_for_others(place) is None:
            done.append(f"WARNING: the solutions at {place} are readable by every user of this Python "
                        "(pip uninstall dnn-lab-course here once the course directory exists)")
    config = course_dir / "nbgrader_config.py"
    text = config.read_text(encoding="utf-8")
    if COURSE_HUB_MARK not in text:
        config.write_text(text.rstrip("\n") + "\n\n" + COURSE_HUB_MARK + "\n"
                          + f"c.CourseDirectory.course_id = {course_id!r}\n"
                          + f"c.Exchange.root = {str(exchange)!r}\n", encoding="utf-8")
    for root, dirs, files in os.walk(course_dir):
        for name in [root, *(os.path.join(root, f) for f in dirs + files)]:
            os.lchown(name, teacher.pw_uid, teacher.pw_gid)
    course_dir.chmod(0o700)
    done.append(f"{course_dir} {instructor} 700")
    return done
