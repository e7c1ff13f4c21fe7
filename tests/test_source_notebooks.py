"""The source notebooks' structure: bilingual pairs, nbgrader metadata, graded cells."""
import re

import pytest

from dnn_lab.checks import ASSIGNMENTS
from nbutil import grade_id, source_notebook

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_every_prose_cell_exists_in_both_languages(assignment):
    """Is every markdown cell one half of a zh/en pair of the same section, zh in Chinese, en without Chinese?"""
    cells = [c for c in source_notebook(assignment).cells if c.cell_type == "markdown"]
    assert len(cells) >= 10
    for zh, en in zip(cells[::2], cells[1::2]):
        mz, me = zh.metadata["dnn_lab"], en.metadata["dnn_lab"]
        assert (mz["lang"], me["lang"]) == ("zh", "en")
        assert mz["section"] == me["section"]
        assert CJK.search(zh.source), mz["section"]
        assert not CJK.search(en.source), me["section"]
    assert len(cells) % 2 == 0


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_each_exercise_has_a_solution_cell_and_a_graded_test_cell(assignment):
    """Has every exercise a solution cell (grade_id = name) and a graded, locked test cell with hidden tests?"""
    nb = source_notebook(assignment)
    by_id = {grade_id(c): c for c in nb.cells if grade_id(c)}
    for name in ASSIGNMENTS[assignment]:
        solution = by_id[name]
        assert solution.metadata["nbgrader"]["solution"] and "### BEGIN SOLUTION" in solution.source
        test = by_id[f"{name}_test"]
        meta = test.metadata["nbgrader"]
        assert meta["grade"] and meta["locked"] and meta["points"] > 0
        assert test.source.splitlines()[0].startswith(f'check("{name}")  # ')
        assert "### BEGIN HIDDEN TESTS\n" in test.source and "hidden_cases = [" in test.source
        # our own metadata never goes inside nbgrader's
        assert "dnn_lab" not in meta and "lang" not in meta


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_bilingual_code_lines_come_in_zh_en_runs(assignment):
    """Does every run of zh:/en: docstring or comment lines hold both languages, Chinese first,
    and is every other docstring or comment line free of prose (so one language can be kept)?"""
    from dnn_lab.nbgrader_lang import LANG_LINE
    for cell in source_notebook(assignment).cells:
        if cell.cell_type != "code" or cell.metadata.get("dnn_lab", {}).get("role") == "check":
            continue
        run = []
        for line in cell.source.splitlines() + [""]:
            m = LANG_LINE.match(line)
            if m:
                run.append(m.group(2))
                continue
            if run:
                assert set(run) == {"zh", "en"} and run == sorted(run, key=["zh", "en"].index), cell.source
            run = []
            comment = line.split("#", 1)[1] if "#" in line and "BEGIN" not in line and "END" not in line else ""
            assert not re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", comment), line
