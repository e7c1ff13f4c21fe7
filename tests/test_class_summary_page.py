"""The instructor's class summary on `/dnn-lab`, through a real Jupyter server (pytest-jupyter).

The verdict files are written with the grader's own writer from real check reports of wrong
implementations; only a server configured with `c.DnnLab.course_directory` shows them."""
import json

import numpy as np
import pytest

from pytest_jupyter.jupyter_server import *  # noqa: F401,F403 - the fixtures stay in this module

from dnn_lab.checks import run_checks
from dnn_lab.grading import verdict_file
from dnn_lab.grading.grade import Verdict

pytestmark = pytest.mark.server

FORGOT_M = ("def linear_backward(dZ, cache):\n    A_prev, W, b = cache\n"
            "    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T), np.sum(dZ, axis=1, keepdims=True) / A_prev.shape[1]\n")


def _course(root):
    ns = {"np": np}
    exec(FORGOT_M, ns)
    wrong = Verdict("linear_backward", False, "public", run_checks("linear_backward", ns["linear_backward"], lang="en"))
    (root / "nbgrader_config.py").write_text("c = get_config()\n")
    for i, student in enumerate(["s1", "s2", "s3"]):
        (root / "submitted" / student / "step_by_step").mkdir(parents=True)
        if i < 2:
            record = verdict_file.build_record(student, "step_by_step", "step_by_step", {"linear_backward": wrong},
                                               lang="en", isolation="bwrap", points={"linear_backward": 10})
            verdict_file.write(root / "autograded" / student / "step_by_step", record)
    return root


@pytest.fixture
def course(tmp_path_factory):
    return _course(tmp_path_factory.mktemp("course"))


@pytest.fixture
def jp_server_config(course, request):
    config = {"ServerApp": {"jpserver_extensions": {"dnn_lab": True}}}
    if getattr(request, "param", True):
        config["DnnLab"] = {"course_directory": str(course)}
    return config


def _get(jp_fetch, jp_asyncio_loop, *path):
    response = jp_asyncio_loop.run_until_complete(jp_fetch("dnn-lab", *path, raise_error=False))
    return response.code, response.body.decode()


def test_instructor_page_and_api_show_the_class(jp_fetch, jp_asyncio_loop):
    code, page = _get(jp_fetch, jp_asyncio_loop)
    assert code == 200 and "id='class-summary'" in page
    assert "3 students submitted, 2 graded, 1 need attention." in page
    assert "<b>s3</b>" in page  # not graded yet: listed first
    code, body = _get(jp_fetch, jp_asyncio_loop, "api", "class")
    data = json.loads(body)
    assert code == 200
    (step_by_step,) = data["assignments"]
    assert (step_by_step["submitted"], step_by_step["graded"]) == (3, 2)
    (d,) = step_by_step["diagnoses"]
    assert (d["exercise"], d["step"], d["hint"], d["students"]) == ("linear_backward", "dW", "forgot_1_over_m",
                                                                   ["s1", "s2"])


@pytest.mark.parametrize("jp_server_config", [False], indirect=True)
def test_a_server_without_a_course_shows_nothing(jp_fetch, jp_asyncio_loop):
    code, page = _get(jp_fetch, jp_asyncio_loop)
    assert code == 200 and "class-summary" not in page and "s1" not in page
    code, _ = _get(jp_fetch, jp_asyncio_loop, "api", "class")
    assert code == 404
