"""The wheel, the sdist and the bundled student notebooks: complete, fresh, and free of solutions."""
import json
import re
import subprocess
import sys
import tarfile
import zipfile

import nbformat
import pytest

from dnn_lab.dev import generate_student_version, source_assignments
from dnn_lab.notebooks import LANGS, available, student_notebook
from nbutil import ROOT, hidden_test_lines, solution_lines

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                           "-w", str(out), "-q"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return zipfile.ZipFile(next(out.glob("dnn_lab-*.whl")))


def forbidden_lines():
    """Solution and hidden-test lines that carry content: not a bare opening such as `hidden_cases = [`,
    which the grader that reads the hidden cases names too."""
    lines = set()
    for assignment in source_assignments():
        lines |= solution_lines(assignment) | hidden_test_lines(assignment)
    return {line for line in lines if not re.fullmatch(r"[\w.]+\s*=\s*[\[({]", line)}


@pytest.fixture(scope="module")
def sdist(tmp_path_factory):
    out = tmp_path_factory.mktemp("sdist")
    proc = subprocess.run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "-o", str(out), str(ROOT)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return tarfile.open(next(out.glob("dnn_lab-*.tar.gz")))


def leaked_lines(name, data, forbidden):
    """The forbidden lines found in one packaged file (notebooks compared as code, not JSON-escaped)."""
    if not name.endswith((".py", ".ipynb", ".json", ".txt", ".html", ".md", ".toml", ".cfg")):
        return []
    text = data.decode("utf-8")
    if name.endswith(".ipynb"):
        text = "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                          for c in json.loads(text)["cells"])
    return [line for line in forbidden if line in text]


def test_wheel_contains_no_solution_and_no_hidden_test(wheel):
    """Is every solution line and hidden test of the source notebooks absent from every file of the wheel,
    and is nothing of the instructor distribution (assignments/, dnn_lab_course) in it?"""
    forbidden = forbidden_lines()
    assert len(forbidden) > 40
    for name in wheel.namelist():
        assert "assignments/" not in name and "dnn_lab_course" not in name, name
        assert leaked_lines(name, wheel.read(name), forbidden) == [], name


def test_sdist_contains_no_solution_and_no_instructor_material(sdist):
    """Does the dnn-lab sdist leave out assignments/ (the instructor distribution), tests/ and every
    solution line?"""
    forbidden = forbidden_lines()
    members = [m for m in sdist.getmembers() if m.isfile()]
    names = [m.name.split("/", 1)[1] for m in members]
    assert "dnn_lab/course.py" in names and "pyproject.toml" in names
    # tests/ need assignments/ and hold correct lines inside wrong answers: not shipped either
    assert [n for n in names if n.startswith(("assignments/", "tests/")) or "dnn_lab_course" in n] == []
    for member, name in zip(members, names):
        assert leaked_lines(name, sdist.extractfile(member).read(), forbidden) == [], name


def test_wheel_ships_what_students_need(wheel):
    """Does the wheel carry the student notebooks, expected data, data set, licence and server config?"""
    names = set(wheel.namelist())
    for lang in LANGS:
        assert f"dnn_lab/notebooks/step_by_step/{lang}/step_by_step.ipynb" in names
    for needed in ("dnn_lab/checks/expected/step_by_step.npz", "dnn_lab/data/shirts.npz",
                   "dnn_lab/data/LICENSE-fashion-mnist.txt",
                   "dnn_lab/notebooks/step_by_step/files/dnn_utils.py"):
        assert needed in names
    assert any(n.endswith("etc/jupyter/jupyter_server_config.d/dnn_lab.json") for n in names)
    assert any(n.endswith("share/jupyter/lab/settings/overrides.d/dnn_lab.json") for n in names)
    for lang in LANGS:  # each language ships its own figures
        assert f"dnn_lab/notebooks/step_by_step/{lang}/images/outline.png" in names


def test_wheel_ships_the_prebuilt_labextension(wheel):
    """Does the wheel install our JupyterLab extension, prebuilt, where JupyterLab finds it
    (share/jupyter/labextensions/dnn-lab: package.json naming a remoteEntry that is there), byte for
    byte the committed build, and nothing of node_modules?"""
    prefix = "dnn_lab-0.1.0.data/data/share/jupyter/labextensions/dnn-lab/"
    names = wheel.namelist()
    shipped = {n[len(prefix):]: wheel.read(n) for n in names if n.startswith(prefix)}
    meta = json.loads(shipped["package.json"])
    assert meta["name"] == "dnn-lab" and shipped[meta["jupyterlab"]["_build"]["load"]]
    built = ROOT / "labextension" / "prebuilt"
    assert shipped == {p.relative_to(built).as_posix(): p.read_bytes() for p in built.rglob("*") if p.is_file()}
    assert not [n for n in names if "node_modules" in n]


def test_the_committed_labextension_build_is_current():
    """Was labextension/prebuilt built from the extension's sources as they are now (the hashes
    labextension/build.py recorded), so that the wheel ships what the sources say?"""
    proc = subprocess.run([sys.executable, str(ROOT / "labextension" / "build.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.nbgrader
@pytest.mark.parametrize("assignment", sorted(available()))
def test_bundled_student_notebooks_are_fresh(assignment, tmp_path):
    """Are the bundled student notebooks exactly what nbgrader generates from the current source?"""
    for lang in LANGS:
        release = generate_student_version(assignment, lang, tmp_path, ROOT)
        fresh = nbformat.read(release / f"{assignment}.ipynb", as_version=4)
        bundled = nbformat.reads(student_notebook(assignment, lang).read_text(encoding="utf-8"), as_version=4)
        assert [c.source for c in bundled.cells] == [c.source for c in fresh.cells], \
            f"stale {assignment}/{lang}: run `dnn-lab dev student-notebooks`"
        assert [c.metadata for c in bundled.cells] == [c.metadata for c in fresh.cells]
