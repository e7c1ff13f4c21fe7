"""dnn_lab.progress_record (and the public call dnn_lab.progress()): the last result per exercise in .dnn_lab/progress.json, and the live view."""
import json
import os
from datetime import datetime

import pytest

import dnn_lab
import dnn_lab.progress_record as progress  # noqa: PLR0402
from dnn_lab.checks import EXERCISES, run_checks


def no_bias(A, W, b):
    return W @ A, (A, W, b)


@pytest.fixture(scope="module")
def reports(solutions):
    return {"pass": run_checks("linear_forward", solutions["linear_forward"], lang="en"),
            "fail": run_checks("linear_forward", no_bias, lang="en"),
            "cost": run_checks("compute_cost", solutions["compute_cost"], lang="en")}


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return tmp_path


def test_record_writes_the_documented_json(workdir, reports):
    """Does record() write {"version": 1, "exercises": {name: passed, failed_step, hints, time}}
    into .dnn_lab/progress.json of the working directory?"""
    assert progress.record(reports["fail"]) is True
    data = json.loads((workdir / ".dnn_lab" / "progress.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    e = data["exercises"]["linear_forward"]
    assert e["passed"] is False and e["failed_step"] == "Z" and e["hints"] == reports["fail"].hints
    assert datetime.fromisoformat(e["time"]).tzinfo is not None


def test_record_keeps_the_last_result_per_exercise(workdir, reports):
    """Does a later result replace the earlier one of the same exercise and keep the others?"""
    progress.record(reports["fail"])
    progress.record(reports["cost"])
    progress.record(reports["pass"])
    states = {name: state for name, state, _, _ in progress.entries()}
    assert states["linear_forward"] == "passed" and states["compute_cost"] == "passed"
    assert [n for n, s in states.items() if s == "not_checked"] == [
        n for n in EXERCISES if n not in ("linear_forward", "compute_cost")]
    assert sorted(os.listdir(workdir / ".dnn_lab")) == ["progress.json"]  # no temp file left behind


def test_record_never_raises(workdir, reports):
    """When the file cannot be written, does record() return False instead of raising?"""
    (workdir / "blocked").write_text("a file where a folder should be")
    assert progress.record(reports["pass"], path=workdir / "blocked" / "progress.json") is False


def test_corrupt_file_is_replaced(workdir, reports):
    """Does a corrupt progress.json read as empty and get replaced by a valid one?"""
    path = workdir / ".dnn_lab" / "progress.json"
    path.parent.mkdir()
    path.write_text("{not json")
    assert progress.load(path)["exercises"] == {}
    assert progress.record(reports["pass"]) is True
    assert progress.load(path)["exercises"]["linear_forward"]["passed"] is True


def test_grading_leaves_no_progress_file(workdir, reports, monkeypatch):
    """Under nbgrader (NBGRADER_EXECUTION), does record() write nothing?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert progress.record(reports["pass"]) is False
    assert not (workdir / ".dnn_lab").exists()


def test_view_lists_all_ten_and_updates_as_checks_run(workdir, reports):
    """Does the progress widget list all ten exercises and refresh when a result is recorded?"""
    view = dnn_lab.progress(lang="en")
    assert list(view.states) == list(EXERCISES)
    assert set(view.states.values()) == {"not_checked"}
    progress.record(reports["fail"])
    assert view.states["linear_forward"] == "failed"
    (out,) = view.output.outputs
    assert {"text/plain", "text/html"} <= set(out["data"])
    assert 'data-exercise="linear_forward" data-state="failed"' in out["data"]["text/html"]


def test_view_in_grading_mode_is_static(workdir, reports, monkeypatch):
    """Under nbgrader, is the progress view plain output rather than a widget?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    view = progress.show(lang="zh")
    assert isinstance(view, progress.StaticProgress)
    assert {"text/plain", "text/html"} <= set(view.outputs[0]["data"])


def test_dnn_lab_progress_stays_callable(workdir):
    """Is dnn_lab.progress() still the public call after the record module was imported?"""
    import dnn_lab.progress_record as module
    assert callable(dnn_lab.progress) and dnn_lab.progress is not module
    assert list(dnn_lab.progress(lang="en").states) == list(EXERCISES)


def test_public_tests_record_progress(workdir, solutions):
    """Does the original-style entry point linear_forward_test(fn) record its result too?"""
    from dnn_lab.public_tests import linear_forward_test
    with pytest.raises(AssertionError):
        linear_forward_test(no_bias)
    assert progress.load()["exercises"]["linear_forward"]["failed_step"] == "Z"
    linear_forward_test(solutions["linear_forward"])
    assert progress.load()["exercises"]["linear_forward"]["passed"] is True
