"""What the /dnn-lab page and API do, as plain functions of the server root.

No tornado here: each function takes the root directory and user input, and
returns JSON-ready data or raises :class:`ActionError` with an error code the
page translates.  Nothing executes student code.
"""
import json
import os
from pathlib import Path

from ..messages import MESSAGES, step_label, t
from ..repair import NotebookError, new_path, repair, write_new
from .paths import PathRefused, relative_to_root, resolve_under_root

PROGRESS_FILE = (".dnn_lab", "progress.json")
MAX_PROGRESS_BYTES = 1024 * 1024
MAX_SCAN_DIRS = 2000
MAX_SCAN_DEPTH = 6
SKIP_DIRS = {"node_modules", "__pycache__", "site-packages"}


class ActionError(Exception):
    """A refusal the user can act on: ``code`` is a message id of the page."""

    def __init__(self, code, status=400, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.status = status
        self.detail = str(detail)


def _resolve(root, rel, allow_hidden=True):
    try:
        return resolve_under_root(root, rel, allow_hidden)
    except PathRefused as exc:
        raise ActionError(exc.code, 400, rel) from None


def list_assignments():
    from ..notebooks import available
    return {"assignments": [{"name": name, "langs": langs} for name, langs in available().items()]}


def _check_choice(assignment, lang):
    from ..notebooks import available
    bundled = available()
    if assignment not in bundled:
        raise ActionError("unknown_assignment", 400, assignment)
    if lang not in bundled[assignment]:
        raise ActionError("unknown_language", 400, lang)


def fresh_copy(root, folder="", assignment="step_by_step", lang="both", allow_hidden=True):
    """Write the student notebook (a new name, never overwriting) and its missing
    supporting files into ``folder`` under ``root``; existing files are kept."""
    from ..notebooks import student_notebook, supporting_files
    _check_choice(assignment, lang)
    directory = _resolve(root, folder, allow_hidden)
    if directory.exists() and not directory.is_dir():
        raise ActionError("not_a_directory", 400, folder)
    # check every target before writing anything: a symlinked images/ must not lead out
    plan = []
    for rel, src in supporting_files(assignment, lang):
        target = directory.joinpath(*rel.split("/"))
        real = _resolve(root, "/".join(filter(None, [relative_to_root(root, directory), rel])))
        plan.append((rel, src, target, real))
    directory.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for rel, src, target, real in plan:
        if os.path.lexists(target):
            kept.append(rel)
            continue
        real.parent.mkdir(parents=True, exist_ok=True)
        with src.open("rb") as fh:
            write_new(real, fh.read())
        written.append(rel)
    data = student_notebook(assignment, lang).read_text(encoding="utf-8").encode("utf-8")
    for _ in range(5):
        target = new_path(directory, assignment)
        try:
            write_new(target, data)
            break
        except FileExistsError:  # taken between the check and the create
            continue
    else:
        raise ActionError("no_free_name", 409, folder)
    return {"notebook": relative_to_root(root, target), "folder": relative_to_root(root, directory),
            "assignment": assignment, "lang": lang, "files_written": written, "files_kept": kept}


def repair_at(root, path, assignment=None, lang=None, allow_hidden=True):
    """Repair the notebook at ``path`` (relative to ``root``) into a new file beside it."""
    if not path:
        raise ActionError("missing_path", 400)
    real = _resolve(root, path, allow_hidden)
    if not real.exists():
        raise ActionError("not_found", 404, path)
    if not real.is_file() or real.suffix != ".ipynb":
        raise ActionError("not_a_notebook", 400, path)
    if assignment is not None or lang is not None:
        _check_choice(assignment or "step_by_step", lang or "both")
    try:
        result = repair(real, assignment=assignment, lang=lang)
    except NotebookError as exc:
        raise ActionError(exc.code, 400, exc.detail) from None
    out = result.as_dict()
    out["source"] = relative_to_root(root, result.source)
    out["target"] = relative_to_root(root, result.target)
    return out


def _clean_exercise(name, entry):
    entry = entry if isinstance(entry, dict) else {}
    passed = entry.get("passed")
    hints = entry.get("hints")
    step = entry.get("failed_step") if isinstance(entry.get("failed_step"), str) else None
    hints = [h for h in hints if isinstance(h, str)][:10] if isinstance(hints, list) else []
    return {
        "name": name,
        "passed": passed if isinstance(passed, bool) else None,
        "failed_step": step,
        "hints": hints,
        "time": entry.get("time") if isinstance(entry.get("time"), str) else None,
        # what the page shows: the step and each hint's first sentence in both languages (ids stay data)
        "failed_step_label": _both(step_label(step)) if step else None,
        "hint_texts": [_hint_text(h) for h in hints if f"hint.{h}" in MESSAGES],
    }


def _both(label):
    return {"zh": label.pick("zh"), "en": label.pick("en")}


def _hint_text(hint):
    from ..render._model import first_sentence
    return {lang: first_sentence(t(f"hint.{hint}", lang), lang) for lang in ("zh", "en")}


def read_progress(path):
    """(exercises, error code or None) from one progress.json, never raising."""
    from ..checks import EXERCISES
    try:
        if os.path.getsize(path) > MAX_PROGRESS_BYTES:
            return [], "progress_too_large"
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return [], "progress_unreadable"
    exercises = data.get("exercises") if isinstance(data, dict) else None
    if not isinstance(exercises, dict):
        return [], "progress_unreadable"
    names = [n for n in EXERCISES if n in exercises]
    names += sorted(n for n in exercises if isinstance(n, str) and n not in EXERCISES)
    return [_clean_exercise(n, exercises[n]) for n in names], None


def progress(root, folder="", allow_hidden=True):
    """One entry per folder under ``folder`` that has a ``.dnn_lab/progress.json``:
    its notebooks and the last result of each exercise checked there."""
    start = _resolve(root, folder, allow_hidden)
    if not start.is_dir():
        raise ActionError("not_a_directory", 400, folder)
    real_root = os.path.realpath(root)
    out, seen = [], 0
    for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
        seen += 1
        depth = len(Path(dirpath).relative_to(start).parts)
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and d not in SKIP_DIRS and depth < MAX_SCAN_DEPTH)
        if seen > MAX_SCAN_DIRS:
            break
        candidate = os.path.join(dirpath, *PROGRESS_FILE)
        if not os.path.isfile(candidate):
            continue
        real = os.path.realpath(candidate)
        if not real.startswith(real_root.rstrip(os.sep) + os.sep):
            continue  # a symlinked .dnn_lab pointing out of the root is not ours to read
        exercises, error = read_progress(real)
        out.append({
            "folder": relative_to_root(root, dirpath),
            "notebooks": sorted(f for f in filenames if f.endswith(".ipynb")),
            "exercises": exercises,
            "error": error,
        })
    return {"folders": out}
