"""The exchange's folders and who may change them (stdlib only).

nbgrader's exchange on one machine is a tree every student writes into::

    ROOT/                    1777  anyone may add a course folder; only its owner may rename or remove it
    ROOT/COURSE/             0755  the instructor's; students cannot add, rename or replace anything in it
    ROOT/COURSE/outbound/    0755  released assignments (read by students)
    ROOT/COURSE/inbound/     3733  students add submissions, cannot list them, cannot rename or remove others'
    ROOT/COURSE/feedback/    0711  feedback files, found by their secret name only

nbgrader creates the root 0777 and the inbound 2733, without the sticky bit: a student can then rename
the course folder (or another student's submission) and put their own in its place.  :func:`problems`
names every difference from the layout above (the instructor's commands refuse to start with any;
the students' commands refuse a course folder they cannot trust).
"""
import os
import pwd
import stat

ROOT_MODE = 0o1777
COURSE_MODE = 0o755
OUTBOUND_MODE = 0o755
INBOUND_MODE = 0o3733
FEEDBACK_MODE = 0o711


def user_name(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _writable_by_others(st):
    return bool(st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def problems(root, course_id, owner_uid, groupshared=False):
    """Differences from the safe layout, as (message id, params) pairs; [] when the exchange is sound.

    ``owner_uid``: the uid that must own the course folder and its subfolders (the instructor).
    Missing subfolders are not problems (release creates them); a missing course folder is not either.
    """
    found = []
    try:
        st = os.lstat(root)
    except FileNotFoundError:
        return [("exchange.layout.no_root", {"path": root})]
    if stat.S_ISLNK(st.st_mode) and not os.path.isdir(root):
        return [("exchange.layout.no_root", {"path": root})]
    st = os.stat(root)  # an administrator may link the root elsewhere; what counts is the folder itself
    if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX:
        found.append(("exchange.layout.root_not_sticky", {"path": root, "mode": oct(st.st_mode & 0o7777)}))
    course = os.path.join(root, course_id)
    try:
        st = os.lstat(course)
    except FileNotFoundError:
        return found
    if not stat.S_ISDIR(st.st_mode):
        return found + [("exchange.layout.not_a_folder", {"path": course})]
    if st.st_uid != owner_uid:
        found.append(("exchange.layout.wrong_owner", {"path": course, "owner": user_name(st.st_uid),
                                                      "expected": user_name(owner_uid)}))
    if _writable_by_others(st) and not groupshared:
        found.append(("exchange.layout.writable", {"path": course, "mode": oct(st.st_mode & 0o7777)}))
    for name in ("outbound", "inbound", "feedback"):
        path = os.path.join(course, name)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        if not stat.S_ISDIR(st.st_mode):
            found.append(("exchange.layout.not_a_folder", {"path": path}))
            continue
        if st.st_uid != owner_uid:
            found.append(("exchange.layout.wrong_owner", {"path": path, "owner": user_name(st.st_uid),
                                                          "expected": user_name(owner_uid)}))
        if name == "inbound":
            if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX:
                found.append(("exchange.layout.inbound_not_sticky", {"path": path,
                                                                     "mode": oct(st.st_mode & 0o7777)}))
            if st.st_mode & stat.S_IROTH:
                found.append(("exchange.layout.inbound_listable", {"path": path,
                                                                   "mode": oct(st.st_mode & 0o7777)}))
        elif _writable_by_others(st) and not groupshared:
            found.append(("exchange.layout.writable", {"path": path, "mode": oct(st.st_mode & 0o7777)}))
    return found


def repair(root, course_id, owner_uid):
    """Fix what the running user may fix (its own folders' modes, the root's sticky bit if it owns the
    root); returns the (message id, params) of what is still wrong."""
    me = os.geteuid()
    try:
        st = os.stat(root)
        if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX and st.st_uid == me:
            os.chmod(root, (st.st_mode & 0o7777) | stat.S_ISVTX)
    except OSError:
        pass
    course = os.path.join(root, course_id)
    wanted = {course: COURSE_MODE, os.path.join(course, "outbound"): OUTBOUND_MODE,
              os.path.join(course, "inbound"): INBOUND_MODE, os.path.join(course, "feedback"): FEEDBACK_MODE}
    for path, mode in wanted.items():
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_uid == me == owner_uid and (st.st_mode & 0o7777) != mode:
            try:
                os.chmod(path, mode)
            except OSError:
                pass
    return problems(root, course_id, owner_uid)
