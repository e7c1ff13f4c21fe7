"""The self-learner's first hour in Part 2: opened before Part 1 is done, or with a picture that is not
there, the notebook says so in one line of the student's language (no Markdown backticks, no traceback)."""
import re
import subprocess
import sys

import nbformat
import pytest

from dnn_lab.app import load_part1
from dnn_lab.app.images import ImageError, ImageNotFoundError, prepare_image, sample_image
from dnn_lab.app.part1 import FUNCTIONS
from dnn_lab.messages import t
from nbutil import ROOT, source_notebook

SOLUTION = re.compile(r"### BEGIN SOLUTION\n.*?### END SOLUTION\n", re.S)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _part1(tmp_path, keep=(), change=None):
    """A Part 1 notebook beside an application folder: the functions in ``keep`` solved, the others stubs."""
    nb = source_notebook("step_by_step")
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid not in keep:
            cell.source = SOLUTION.sub("raise NotImplementedError()\n", cell.source)
        elif change and gid in change:
            cell.source = cell.source.replace(*change[gid])
    (tmp_path / "step_by_step").mkdir()
    nbformat.write(nb, str(tmp_path / "step_by_step" / "step_by_step.ipynb"))
    (tmp_path / "application").mkdir()
    return tmp_path / "application"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_part2_before_part1_is_one_line_naming_the_missing_functions(tmp_path, capsys, monkeypatch, lang):
    """With Part 1 untouched, does load_part1 (run in the application folder) print exactly one line, in the
    student's language, without backticks, naming the ten functions still to write (zh: separated by 、)?"""
    monkeypatch.chdir(_part1(tmp_path))
    part1 = load_part1(lang=lang)
    out = capsys.readouterr().out.strip()
    assert part1.message_ids() == ["ui.part1_not_written"]
    assert part1.not_written == FUNCTIONS and part1.wrong == ()
    assert len(out.splitlines()) == 1 and "`" not in out
    assert bool(CJK.search(out)) == (lang == "zh")
    assert (("、" if lang == "zh" else ", ").join(FUNCTIONS)) in out
    assert out == t("ui.part1_not_written", lang, path="../step_by_step/step_by_step.ipynb", n=10,
                    names=("、" if lang == "zh" else ", ").join(FUNCTIONS))


def test_half_done_part1_lists_the_wrong_one_apart_from_the_unwritten(tmp_path, capsys):
    """With two functions solved, one of them wrong, does the summary give the wrong one one line (its step
    and the hint's first sentence, no backticks), then one line for the eight not written, then the fix?"""
    app = _part1(tmp_path, keep=("initialize_parameters", "update_parameters"),
                 change={"update_parameters": ("- learning_rate * grads", "+ learning_rate * grads")})
    part1 = load_part1(start=app, lang="en")
    lines = capsys.readouterr().out.strip().splitlines()
    assert part1.wrong == ("update_parameters",) and len(part1.not_written) == 8
    assert part1.message_ids() == ["ui.part1_some_failed", "ui.part1_not_written", "ui.part1_fix"]
    assert len(lines) == 4 and not any("`" in line for line in lines)
    assert lines[1].startswith("  ✗ update_parameters: failed at step") and "sign" in lines[1].lower()
    assert "initialize_parameters," not in lines[2] and "linear_forward" in lines[2]


@pytest.fixture
def english():
    import dnn_lab
    before = dnn_lab.get_language()
    dnn_lab.set_language("en")
    yield
    dnn_lab.set_language(before)


def test_a_missing_picture_is_one_line_in_the_students_language(tmp_path, english):
    """Does a my_image that is not there raise ImageNotFoundError (a FileNotFoundError) whose IPython
    rendering is one line naming the file and the folder, and a file that is not a picture one line too?"""
    with pytest.raises(ImageNotFoundError) as exc:
        prepare_image(str(tmp_path / "my_shirt.jpg"))
    assert isinstance(exc.value, FileNotFoundError) and exc.value.message_id == "ui.image_not_found"
    assert exc.value.params == {"path": str(tmp_path / "my_shirt.jpg"), "folder": str(tmp_path)}
    assert len(exc.value._render_traceback_()) == 1
    (tmp_path / "notes.png").write_text("not a picture")
    with pytest.raises(ImageError) as exc:
        prepare_image(tmp_path / "notes.png")
    assert exc.value.message_id == "ui.image_unreadable" and len(exc.value._render_traceback_()) == 1
    assert prepare_image(str(sample_image()))[0].shape == (784, 1)  # a real file still works


def test_in_a_kernel_the_missing_picture_shows_one_line(tmp_path):
    """In IPython (as in the notebook, language set to zh), is the whole output of the failing own-picture
    line one Chinese line, with no traceback through Pillow?"""
    code = ("import dnn_lab; dnn_lab.set_language('zh')\n"
            "from dnn_lab.app.images import prepare_image\n"
            "my_image = 'my_shirt.jpg'\n"
            "x_mine, preview = prepare_image(my_image)\n")
    (tmp_path / "cell.ipy").write_text(code)
    proc = subprocess.run([sys.executable, "-m", "IPython", "--colors=NoColor", "--no-banner", "--quick",
                           str(tmp_path / "cell.ipy")], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    out = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    assert out == [t("ui.image_not_found", "zh", path="my_shirt.jpg", folder=str(tmp_path))], out


# --------------------------------------------------------------------------- cells the text invites changing

NOTEBOOKS = ROOT / "dnn_lab" / "notebooks" / "application"


def _code_cell(nb, needle):
    return next(c for c in nb.cells if c.cell_type == "code" and needle in c.source)


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_cells_the_text_invites_changing_are_editable(lang):
    """In the Part 2 notebook a self-learner gets (generated by nbgrader like the graded release), are the
    own-picture cell (my_image) and the try-it cell after the summary (layers_dims, learning_rate,
    num_iterations) editable and unlocked, while the assignment's other cells stay locked, and does the
    summary send the student to that cell (or to a new cell) in the notebook's language?"""
    nb = nbformat.read(NOTEBOOKS / lang / "application.ipynb", as_version=4)
    own = _code_cell(nb, "my_image = None")
    try_it = _code_cell(nb, "parameters_try, costs_try = L_layer_model(")
    for cell in (own, try_it):
        assert cell.metadata.get("editable", True) is True and cell.metadata.get("deletable", True) is True
        assert "nbgrader" not in cell.metadata  # nbgrader neither locks nor tracks it
    assert all(name in try_it.source for name in ("layers_dims = [", "learning_rate = ", "num_iterations = "))
    assert nb.cells.index(try_it) == len(nb.cells) - 1
    locked = [c for c in nb.cells if c.metadata.get("editable") is False]
    assert len(locked) > 30 and _code_cell(nb, "load_data()") in locked  # the rest stays as it was
    summary = "\n".join(c.source for c in nb.cells[nb.cells.index(try_it) - 2:nb.cells.index(try_it)])
    if lang != "en":
        assert "下面的单元格" in summary and "+ 按钮新建一个单元格" in summary
    if lang != "zh":
        assert "in the cell below" in summary and "add a new cell" in summary


def test_the_source_keeps_the_two_cells_unlocked():
    """Does the instructor's source notebook (what `course init` copies and nbgrader releases) leave the
    own-picture and try-it cells out of nbgrader (no nbgrader metadata: never locked, and no grade_id that
    `nbgrader autograde` would warn is missing from the gradebook), so the graded release keeps them editable?"""
    nb = source_notebook("application")
    by_id = {c.get("id"): c for c in nb.cells}
    assert "nbgrader" not in by_id["own_image"].metadata and "my_image = None" in by_id["own_image"].source
    assert "nbgrader" not in by_id["try_it"].metadata and "L_layer_model(" in by_id["try_it"].source
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    assert cells["load_part1"].metadata["nbgrader"]["locked"] is True
