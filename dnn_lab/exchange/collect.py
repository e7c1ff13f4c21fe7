"""Collecting submissions without trusting them (``c.ExchangeFactory.collect``).

nbgrader's own collect copies the newest ``STUDENT+ASSIGNMENT+TIMESTAMP+RANDOM`` folder of each student
with ``shutil.copytree``: it believes the name (only logging "cheating attempt?" when the folder belongs to
someone else), follows symbolic links as the instructor, copies whatever is there and stops everybody's
collect when one folder is too big.  :class:`SafeCollect` reads each submission as the student who made it:

- the folder must belong to the Unix user it names, with a timestamp not in the future (a timestamp
  older than the files is replaced by the files' own change time);
- only the notebooks the released assignment has are read (plus nbgrader's ``timestamp.txt`` and
  ``submission_secret.txt``), each opened relative to its folder with ``O_NOFOLLOW``, which must be a
  regular file owned by the same student and at most ``max_notebook_bytes`` long; nothing else is
  listed beyond ``max_entries`` names, copied or followed;
- anything refused costs that submission only, is logged as one line naming the student and the
  reason, and is appended to ``.dnn_lab/exchange/refused-ASSIGNMENT.jsonl`` in the course directory.
"""
import datetime as _dt
import errno
import json
import os
import pwd
import re
import secrets
import shutil
import stat
import tempfile
import time
from pathlib import Path

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import parse_utc
from traitlets import Float, Integer

from .base import DnnLabExchange, course_lang
from ..messages import t_short

NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$")
SECRET = re.compile(r"^[0-9a-f]{16,256}$")
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)


class Refused(Exception):
    """One submission (or one of its files) refused: a message id and its parameters."""

    def __init__(self, message_id, **params):
        super().__init__(message_id)
        self.message_id = message_id
        self.params = params


def expected_notebooks(release_dir):
    """Relative paths of the notebooks of the released assignment (what a submission may contain)."""
    release_dir = Path(release_dir)
    found = sorted(str(p.relative_to(release_dir)) for p in release_dir.rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
    return found


def _read_file(dir_fd, name, uid, limit, what):
    """The bytes of ``name`` in ``dir_fd``: a regular file (not a link) owned by ``uid``, at most ``limit`` bytes."""
    try:
        fd = os.open(name, _OPEN_FILE, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise Refused("exchange.refused.symlink", file=what) from None
        if exc.errno == errno.EACCES:
            raise Refused("exchange.refused.unreadable", file=what) from None
        raise Refused("exchange.refused.unreadable", file=what) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused("exchange.refused.not_a_file", file=what)
        if st.st_uid != uid:
            raise Refused("exchange.refused.file_owner", file=what, owner=_user(st.st_uid))
        if not st.st_mode & stat.S_IRUSR:
            raise Refused("exchange.refused.unreadable", file=what)
        if st.st_size > limit:
            raise Refused("exchange.refused.too_big", file=what, size=st.st_size, limit=limit)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise Refused("exchange.refused.too_big", file=what, size=total, limit=limit)
        return b"".join(chunks), st
    finally:
        os.close(fd)


def _user(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


class SafeCollect(DnnLabExchange, ExchangeCollect):
    """nbgrader's collect, reading each submission as its claimed student could (see module docstring)."""

    max_notebook_bytes = Integer(50 * 1024 * 1024, help="Largest notebook collected (bytes); a bigger one "
                                 "refuses that submission.").tag(config=True)
    max_entries = Integer(1000, help="Names listed in one submission folder (to report what was left out); "
                          "more are not looked at.").tag(config=True)
    student_seconds = Float(30.0, help="Time one submission may take to read; past it, it is refused."
                            ).tag(config=True)
    clock_skew = Float(300.0, help="Seconds a submission's timestamp may lie ahead of this machine's clock "
                       "(or behind its files' change time) before it is refused (or corrected).").tag(config=True)

    # -- finding the submissions -----------------------------------------------------------
    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.check_layout(instructor=True)
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail("Course not found: {}".format(self.inbound_path))
        assignment = self.coursedir.assignment_id
        self.expected, self.released = self._expected_notebooks(assignment)
        self.refusals = []
        self.duedate = self._duedate()
        wanted_student = self.coursedir.student_id if self.coursedir.student_id not in ("", "*") else None
        records = {}
        now = _dt.datetime.utcnow()
        try:
            names = os.listdir(self.inbound_path)
        except OSError as exc:
            self.fail("You don't have read permissions for the directory: {} ({})".format(self.inbound_path, exc))
        for name in sorted(names):
            parts = name.split("+")
            if len(parts) not in (3, 4) or parts[1] != assignment:
                continue
            student = parts[0]
            if wanted_student and student != wanted_student:
                continue
            try:
                record = self._record(name, student, parts[2], now)
            except Refused as exc:
                self._refuse(student, name, exc)
                continue
            except OSError:  # gone or replaced meanwhile
                self._refuse(student, name, Refused("exchange.refused.not_a_folder"))
                continue
            records.setdefault(student, []).append(record)
        self.src_records = []
        for student, recs in sorted(records.items()):
            recs.sort(key=lambda r: r["timestamp"], reverse=True)
            if self.duedate is not None and self.before_duedate:
                before = [r for r in recs if r["timestamp"] <= self.duedate]
                recs = before + [r for r in recs if r not in before]
            # the first is collected; when it is refused while reading, the next one is tried
            self.src_records.append({**recs[0], "others": recs[1:]})

    def _duedate(self):
        from nbgrader.api import Gradebook, MissingEntry
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                return gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                return None

    def _expected_notebooks(self, assignment):
        release = self.coursedir.format_path(self.coursedir.release_directory, ".", assignment)
        outbound = os.path.join(self.root, self.coursedir.course_id, "outbound", assignment)
        for place in (release, outbound):
            if os.path.isdir(place):
                found = expected_notebooks(place)
                if found:
                    return found, set(os.listdir(place))
        self.fail("dnn_lab: cannot tell which notebooks '{}' has: neither {} nor {} holds one "
                  "(release the assignment first)".format(assignment, release, outbound))

    def _record(self, name, student, stamp, now):
        """The submission ``name`` checked: its folder belongs to ``student``; its timestamp is believable."""
        if not NAME.match(student):
            raise Refused("exchange.refused.bad_name")
        try:
            uid = pwd.getpwnam(student).pw_uid
        except KeyError:
            raise Refused("exchange.refused.no_such_user") from None
        st = os.lstat(os.path.join(self.inbound_path, name))
        if not stat.S_ISDIR(st.st_mode):
            raise Refused("exchange.refused.not_a_folder")
        if st.st_uid != uid:
            raise Refused("exchange.refused.owner", owner=_user(st.st_uid))
        try:
            timestamp = parse_utc(stamp)
        except (ValueError, OverflowError, TypeError):
            raise Refused("exchange.refused.bad_timestamp", timestamp=stamp[:40]) from None
        if timestamp > now + _dt.timedelta(seconds=self.clock_skew):
            raise Refused("exchange.refused.future", timestamp=stamp[:40])
        return {"username": student, "filename": name, "timestamp": timestamp, "uid": uid}

    # -- copying ---------------------------------------------------------------------------
    def copy_files(self):
        assignment = self.coursedir.assignment_id
        if not self.src_records:
            self.log.warning("No submissions of '%s' for course '%s' to collect", assignment,
                             self.coursedir.course_id)
        else:
            self.log.info("Processing %d submissions of '%s' for course '%s'", len(self.src_records), assignment,
                          self.coursedir.course_id)
        self.collected = []
        for rec in self.src_records:
            student = rec["username"]
            dest = self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment)
            if os.path.isdir(dest) and not self._should_replace(dest, rec):
                continue
            for candidate in [rec] + rec["others"]:
                try:
                    files, notes = self._read_submission(candidate)
                    rec = candidate
                    break
                except Refused as exc:
                    self._refuse(student, candidate["filename"], exc)
                except OSError as exc:  # whatever else the student's folder does to a reader costs it only
                    self._refuse(student, candidate["filename"],
                                 Refused("exchange.refused.unreadable", file=f"{type(exc).__name__}: {exc}"[:200]))
            else:
                continue
            self._write(dest, files)
            for message_id, params in notes:
                self.log.warning("dnn_lab: %s", t_short(message_id, course_lang(self.config), student=student,
                                                        submission=rec["filename"], **params))
            self.log.info("Collecting submission: %s %s", student, assignment)
            self.collected.append(student)
        self._write_refusals()

    def _should_replace(self, dest, rec):
        existing = self.coursedir.get_existing_timestamp(dest)
        if self.update and (existing is None or rec["timestamp"] > existing):
            self.log.info("Updating submission: %s %s", rec["username"], self.coursedir.assignment_id)
            return True
        if self.before_duedate and existing != rec["timestamp"]:
            return True
        if self.update:
            self.log.info("No newer submission to collect: %s %s", rec["username"], self.coursedir.assignment_id)
        else:
            self.log.info("Submission already exists, use --update to update: %s %s", rec["username"],
                          self.coursedir.assignment_id)
        return False

    def _read_submission(self, rec):
        """{relative path: bytes} of what is kept from one submission, and notes for the instructor."""
        deadline = time.monotonic() + self.student_seconds
        uid, notes = rec["uid"], []
        inbound_fd = os.open(self.inbound_path, _OPEN_DIR)
        try:
            try:
                top = os.open(rec["filename"], _OPEN_DIR, dir_fd=inbound_fd)
            except OSError:
                raise Refused("exchange.refused.not_a_folder") from None
        finally:
            os.close(inbound_fd)
        try:
            if os.fstat(top).st_uid != uid:
                raise Refused("exchange.refused.owner", owner=_user(os.fstat(top).st_uid))
            files, latest_change = {}, 0.0
            for rel in self.expected:
                if time.monotonic() > deadline:
                    raise Refused("exchange.refused.slow", seconds=f"{self.student_seconds:g}")
                got = self._read_relative(top, rel, uid)
                if got is not None:
                    files[rel] = got[0]
                    latest_change = max(latest_change, got[1].st_ctime)
            if not files:
                raise Refused("exchange.refused.no_notebook", expected=", ".join(self.expected))
            missing = [rel for rel in self.expected if rel not in files]
            if missing:
                notes.append(("exchange.note.missing", {"files": ", ".join(missing)}))
            timestamp = rec["timestamp"]
            changed = _dt.datetime.utcfromtimestamp(latest_change)
            if changed > timestamp + _dt.timedelta(seconds=self.clock_skew):
                notes.append(("exchange.note.backdated", {"claimed": f"{timestamp:%Y-%m-%d %H:%M:%S}",
                                                          "changed": f"{changed:%Y-%m-%d %H:%M:%S}"}))
                timestamp = changed
                rec["timestamp"] = changed
            files["timestamp.txt"] = timestamp.strftime(TIMESTAMP_FORMAT).encode()
            try:
                secret = _read_file(top, "submission_secret.txt", uid, 1024, "submission_secret.txt")
            except Refused:
                secret = None
            if secret is not None and SECRET.match(secret[0].decode("ascii", "replace").strip()):
                files["submission_secret.txt"] = secret[0].strip()
            else:  # release_feedback needs one (a folder made by hand has none): its feedback is then unfindable
                files["submission_secret.txt"] = secrets.token_hex(64).encode()
            extra = self._count_extra(top, deadline)
            if extra:
                notes.append(("exchange.note.extra", {"count": extra}))
            return files, notes
        finally:
            os.close(top)

    def _read_relative(self, top, rel, uid):
        """Read ``rel`` below the submission folder, every folder on the way opened without following links."""
        parts = rel.split("/")
        fd, opened = top, []
        try:
            for part in parts[:-1]:
                try:
                    fd = os.open(part, _OPEN_DIR, dir_fd=fd)
                except FileNotFoundError:
                    return None
                except OSError:
                    raise Refused("exchange.refused.symlink", file=rel) from None
                opened.append(fd)
                if os.fstat(fd).st_uid != uid:
                    raise Refused("exchange.refused.file_owner", file=rel, owner=_user(os.fstat(fd).st_uid))
            return _read_file(fd, parts[-1], uid, self.max_notebook_bytes, rel)
        finally:
            for d in opened:
                os.close(d)

    def _count_extra(self, top, deadline):
        """How many names at the top of the submission the release does not have (at most ``max_entries`` looked at)."""
        keep = self.released | {"timestamp.txt", "submission_secret.txt"}
        extra = 0
        try:
            with os.scandir(top) as entries:
                for i, entry in enumerate(entries):
                    if i >= self.max_entries or time.monotonic() > deadline:
                        return f"{extra}+"
                    if entry.name not in keep:
                        extra += 1
        except OSError:
            return 0
        return extra

    def _write(self, dest, files):
        """Replace ``dest`` by exactly ``files`` (written to a fresh folder next to it, then renamed)."""
        parent = os.path.dirname(dest)
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".collect-", dir=parent)
        for rel, data in files.items():
            path = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(data)
        os.chmod(tmp, 0o755)
        if os.path.isdir(dest):
            shutil.rmtree(dest)
        os.rename(tmp, dest)

    # -- reporting -------------------------------------------------------------------------
    def _refuse(self, student, name, exc):
        line = t_short(exc.message_id, course_lang(self.config), student=student, submission=name, **exc.params)
        self.log.error("dnn_lab: %s", line)
        self.refusals.append({"student": student, "submission": name, "reason": exc.message_id.rsplit(".", 1)[-1],
                              "message": line, "time": f"{_dt.datetime.utcnow():%Y-%m-%d %H:%M:%S} UTC"})

    def _write_refusals(self):
        if not self.refusals:
            return
        folder = Path(self.coursedir.root) / ".dnn_lab" / "exchange"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with open(folder / f"refused-{self.coursedir.assignment_id}.jsonl", "a", encoding="utf-8") as fh:
                for item in self.refusals:
                    fh.write(json.dumps(item, ensure_ascii=False) + "\n")
        except OSError as exc:
            self.log.warning("dnn_lab: could not record the refusals in %s: %s", folder, exc)
