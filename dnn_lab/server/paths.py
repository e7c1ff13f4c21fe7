"""Resolve a user-given path under the server root, refusing everything that leaves it.

Paths from the page or the API are relative, ``/``-separated, like the paths
JupyterLab shows.  Refused, each with its own error code:

- ``absolute_path``: ``/etc/passwd``, ``C:\\x``, ``\\\\server\\share``;
- ``parent_path``: any ``..`` component, even one that would come back inside;
- ``outside_root``: a symlink (or any other route) that resolves outside the root;
- ``hidden_path``: a component starting with ``.`` when the server hides those
  (``ContentsManager.allow_hidden`` is False, Jupyter's default).
"""
import os
import re
from pathlib import Path, PurePosixPath

_DRIVE = re.compile(r"^[A-Za-z]:")


class PathRefused(ValueError):
    def __init__(self, code, path):
        super().__init__(f"{code}: {path!r}")
        self.code = code
        self.path = path


def resolve_under_root(root, rel, allow_hidden=True):
    """The real path of ``rel`` inside ``root`` (which need not exist yet).

    ``rel`` of ``""`` or ``"."`` is the root itself.  Symlinks are followed
    (also dangling ones, to where they point) and the result must stay inside.
    """
    if not isinstance(rel, str) or "\x00" in rel:
        raise PathRefused("bad_path", rel)
    text = rel.replace("\\", "/")
    if text.startswith(("/", "~")) or _DRIVE.match(text):
        raise PathRefused("absolute_path", rel)
    parts = [p for p in PurePosixPath(text).parts if p not in ("", ".")]
    if ".." in parts:
        raise PathRefused("parent_path", rel)
    if not allow_hidden and any(p.startswith(".") for p in parts):
        raise PathRefused("hidden_path", rel)
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, *parts)) if parts else real_root
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise PathRefused("outside_root", rel)
    return Path(real)


def relative_to_root(root, path):
    """``path`` as the ``/``-separated relative path the page shows ('' for the root)."""
    rel = Path(path).relative_to(os.path.realpath(root)).as_posix()
    return "" if rel == "." else rel
