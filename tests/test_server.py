"""The dnn_lab server extension through a real Jupyter server (pytest-jupyter)."""
import hashlib
import json
import os
import subprocess
import sys

import nbformat
import pytest
from browser_util import (
    WRONG_LINEAR_BACKWARD,
    child_env,
    fill,
    nbgrader_meta,
    shuffle_and_break,
    student_notebook,
    write_notebook,
)

# pytest-jupyter's fixtures, imported here rather than registered as a plugin: its
# autouse fixtures (an event loop and a ServerApp cleanup per test) then stay in this module.
from pytest_jupyter.jupyter_server import *
from tornado.httpclient import HTTPClientError

pytestmark = pytest.mark.server

MARKERS = {
    "linear_forward": "def linear_forward(A, W, b):\n    return 'student linear_forward'\n",
    "linear_backward": WRONG_LINEAR_BACKWARD,
}


@pytest.fixture
def jp_server_config():
    return {"ServerApp": {"jpserver_extensions": {"dnn_lab": True}}}


@pytest.fixture
def call(jp_fetch, jp_asyncio_loop):
    """call(method, path, body=None, params=None) -> (status, json) with the token."""
    def run(method, path, body=None, params=None, **kwargs):
        kw = dict(method=method, params=params, raise_error=False, **kwargs)
        if method == "POST":
            kw["body"] = body if isinstance(body, (bytes, str)) else json.dumps(body or {})
        response = jp_asyncio_loop.run_until_complete(jp_fetch("dnn-lab", *path.split("/"), **kw))
        return response.code, response.body
    def api(method, path, body=None, params=None):
        code, raw = run(method, "api/" + path, body, params)
        return code, json.loads(raw)
    api.raw = run
    return api


@pytest.fixture
def raw(jp_serverapp, jp_base_url, http_server_client, jp_asyncio_loop):
    """A request with whatever headers are given and no token added."""
    def fetch(method, path, headers=None, body=None):
        try:
            r = jp_asyncio_loop.run_until_complete(http_server_client.fetch(
                jp_base_url + path, method=method, headers=headers or {}, body=body, follow_redirects=False, raise_error=False))
        except HTTPClientError as exc:  # pragma: no cover - raise_error=False
            r = exc.response
        return r
    return fetch


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def broken_notebook(root, name="mine.ipynb", lang="en"):
    nb = shuffle_and_break(fill(student_notebook(lang), MARKERS))
    return write_notebook(nb, root / name)


def test_extension_is_loaded(jp_serverapp):
    """Is the dnn_lab extension found, enabled, and pointing at dnn_lab.server?"""
    ext = jp_serverapp.extension_manager.extensions["dnn_lab"]
    assert ext.enabled
    assert list(ext.extension_points) == ["dnn_lab.server"]
    assert "dnn_lab.server.handlers" in sys.modules


def test_importing_the_extension_module_stays_light():
    """Does `import dnn_lab.server` (what Jupyter does to list extensions) leave tornado and jupyter_server out?"""
    code = ("import sys, dnn_lab, dnn_lab.server; dnn_lab.server._jupyter_server_extension_points(); "
            "print(sorted(m for m in ('tornado', 'jupyter_server', 'nbformat') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=child_env()).stdout
    assert out.strip() == "[]"


def test_page_with_token(call):
    """Does /dnn-lab render the page, listing the bundled assignment and its languages?"""
    code, body = call.raw("GET", "")
    html = body.decode("utf-8")
    assert code == 200
    assert 'data-assignment="step_by_step"' in html
    assert '<option value="zh"' in html and '<option value="en"' in html
    assert 'id="repair-form"' in html and 'id="progress"' in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html  # no CDN


def test_assignments(call):
    """Does api/assignments list step_by_step in zh, en and both?"""
    code, data = call("GET", "assignments")
    assert code == 200
    assert {"name": "step_by_step", "langs": ["zh", "en", "both"]} in data["assignments"]


def test_fresh_copy_never_overwrites(call, jp_root_dir):
    """Does api/fresh write a student notebook + files, and a second call a new name?"""
    code, first = call("POST", "fresh", {"assignment": "step_by_step", "lang": "zh", "folder": "work"})
    assert code == 200, first
    assert first["notebook"] == "work/step_by_step.ipynb"
    stamp = sha(jp_root_dir / "work" / "step_by_step.ipynb")
    assert (jp_root_dir / "work" / "dnn_utils.py").is_file()
    code, second = call("POST", "fresh", {"assignment": "step_by_step", "lang": "zh", "folder": "work"})
    assert code == 200
    assert second["notebook"] == "work/step_by_step-1.ipynb"
    assert "dnn_utils.py" in second["files_kept"] and second["files_written"] == []
    assert sha(jp_root_dir / "work" / "step_by_step.ipynb") == stamp
    nb = nbformat.read(jp_root_dir / second["notebook"], as_version=4)
    assert nb.metadata["dnn_lab"]["lang"] == "zh"


def test_fresh_copy_into_the_root_by_default(call, jp_root_dir):
    """Without a folder, does the fresh copy land in the server root?"""
    code, data = call("POST", "fresh", {})
    assert code == 200, data
    assert data["notebook"] == "step_by_step.ipynb" and (jp_root_dir / "step_by_step.ipynb").is_file()


def test_repair_keeps_original_and_reports(call, jp_root_dir):
    """Does api/repair write a new notebook, report the moved answers and leave the original byte-identical?"""
    path = broken_notebook(jp_root_dir / "sub")
    before = sha(path)
    code, data = call("POST", "repair", {"path": "sub/mine.ipynb"})
    assert code == 200, data
    assert sha(path) == before
    assert data["source"] == "sub/mine.ipynb" and data["target"] == "sub/mine-repaired.ipynb"
    assert sorted(data["moved"]) == sorted(MARKERS) and data["missing"] == []
    new = nbformat.read(jp_root_dir / data["target"], as_version=4)
    sources = {nbgrader_meta(c).get("grade_id"): c.source for c in new.cells}
    assert sources["linear_backward"] == WRONG_LINEAR_BACKWARD
    assert "linear_backward_test" in sources


def test_progress(call, jp_root_dir):
    """Does api/progress report each folder's recorded Check results, and survive a corrupt file?"""
    ok = jp_root_dir / "a" / ".dnn_lab"
    ok.mkdir(parents=True)
    (ok / "progress.json").write_text(json.dumps({"version": 1, "exercises": {
        "linear_backward": {"passed": False, "failed_step": "dW", "hints": ["forgot_1_over_m"],
                            "time": "2024-05-01T10:00:00+00:00"},
        "linear_forward": {"passed": True, "failed_step": None, "hints": [], "time": "2024-05-01T09:00:00+00:00"},
        "bogus": "not a dict"}}))
    (jp_root_dir / "a" / "step_by_step.ipynb").write_text("{}")
    bad = jp_root_dir / "b" / ".dnn_lab"
    bad.mkdir(parents=True)
    (bad / "progress.json").write_text("{not json")

    code, data = call("GET", "progress")

    assert code == 200
    folders = {f["folder"]: f for f in data["folders"]}
    assert set(folders) == {"a", "b"}
    a = folders["a"]
    assert a["notebooks"] == ["step_by_step.ipynb"] and a["error"] is None
    assert [e["name"] for e in a["exercises"]] == ["linear_forward", "linear_backward", "bogus"]
    lb = a["exercises"][1]
    assert (lb["passed"], lb["failed_step"], lb["hints"]) == (False, "dW", ["forgot_1_over_m"])
    assert a["exercises"][2]["passed"] is None
    assert folders["b"]["error"] == "progress_unreadable"


API = [("GET", "dnn-lab/api/assignments", None), ("POST", "dnn-lab/api/fresh", b"{}"),
       ("POST", "dnn-lab/api/repair", b'{"path": "x.ipynb"}'), ("GET", "dnn-lab/api/progress", None)]


@pytest.mark.parametrize("method, path, body", API)
def test_api_without_token_is_403(raw, jp_root_dir, method, path, body):
    """Does every API endpoint answer 403 to a request without a token, and do nothing?"""
    r = raw(method, path, body=body)
    assert r.code == 403
    assert list(jp_root_dir.iterdir()) == []


@pytest.mark.parametrize("method, path, body", API)
def test_api_with_wrong_token_is_403(raw, method, path, body):
    """Is a wrong token refused like no token?"""
    assert raw(method, path, headers={"Authorization": "token wrong"}, body=body).code == 403


def test_page_without_token_goes_to_login(raw):
    """Does the page, opened without credentials, send the browser to the login page instead?"""
    r = raw("GET", "dnn-lab")
    assert r.code == 302
    assert "/login" in r.headers["Location"]
    assert b"data-assignment" not in (r.body or b"")


def test_post_with_cookie_but_no_xsrf_is_refused(raw, jp_serverapp):
    """Is a cookie-authenticated POST without the XSRF token refused (the browser page must send it)?"""
    login = raw("GET", f"login?token={jp_serverapp.identity_provider.token}")
    cookies = "; ".join(c.split(";")[0] for c in login.headers.get_list("Set-Cookie"))
    assert "username-" in cookies  # logged in by cookie
    r = raw("POST", "dnn-lab/api/fresh", headers={"Cookie": cookies}, body=b"{}")
    assert r.code == 403


@pytest.mark.parametrize("folder, code", [
    ("../escape", "parent_path"),
    ("a/../../escape", "parent_path"),
    ("/tmp", "absolute_path"),
    ("C:\\Windows", "absolute_path"),
    ("~/x", "absolute_path"),
    (".hidden", "hidden_path"),
])
def test_fresh_refuses_paths_out_of_root(call, jp_root_dir, folder, code):
    """Is a folder outside the root (.., absolute) refused with a clear error code?"""
    status, data = call("POST", "fresh", {"folder": folder})
    assert status == 400
    assert data["error"] == code and data["message"]
    assert not (jp_root_dir.parent / "escape").exists()


@pytest.fixture
def outside(tmp_path):
    d = tmp_path / "outside"
    d.mkdir()
    return d


def test_fresh_refuses_symlink_out(call, jp_root_dir, outside):
    """Is a folder that is a symlink to outside the root refused, writing nothing there?"""
    os.symlink(outside, jp_root_dir / "link")
    status, data = call("POST", "fresh", {"folder": "link"})
    assert (status, data["error"]) == (400, "outside_root")
    assert list(outside.iterdir()) == []


def test_fresh_refuses_symlinked_supporting_folder(call, jp_root_dir, outside):
    """Is a supporting-file target behind a symlink out of the root refused before anything is written?"""
    (jp_root_dir / "w").mkdir()
    from dnn_lab.notebooks import supporting_files
    first = supporting_files("step_by_step")[0][0]
    # the first supporting file's own name (or its top folder) points outside
    top = first.split("/")[0]
    os.symlink(outside / top, jp_root_dir / "w" / top)
    status, data = call("POST", "fresh", {"folder": "w"})
    assert (status, data["error"]) == (400, "outside_root")
    assert list(outside.iterdir()) == []
    assert not any(p.suffix == ".ipynb" for p in (jp_root_dir / "w").iterdir())


@pytest.mark.parametrize("path, code", [
    ("../mine.ipynb", "parent_path"),
    ("/etc/passwd", "absolute_path"),
    ("sub/../../mine.ipynb", "parent_path"),
])
def test_repair_refuses_paths_out_of_root(call, jp_root_dir, path, code):
    """Is a notebook path outside the root refused with a clear error code?"""
    broken_notebook(jp_root_dir.parent)
    status, data = call("POST", "repair", {"path": path})
    assert (status, data["error"]) == (400, code)
    assert not (jp_root_dir.parent / "mine-repaired.ipynb").exists()


def test_repair_refuses_symlink_out(call, jp_root_dir, outside):
    """Is a notebook reached through a symlink out of the root refused, writing nothing next to it?"""
    target = broken_notebook(outside)
    os.symlink(target, jp_root_dir / "link.ipynb")
    status, data = call("POST", "repair", {"path": "link.ipynb"})
    assert (status, data["error"]) == (400, "outside_root")
    assert [p.name for p in outside.iterdir()] == ["mine.ipynb"]


def test_progress_refuses_paths_out_of_root(call):
    """Is a progress folder outside the root refused?"""
    status, data = call("GET", "progress", params={"folder": "../"})
    assert (status, data["error"]) == (400, "parent_path")


def test_progress_ignores_symlinked_record_out_of_root(call, jp_root_dir, outside):
    """Is a .dnn_lab folder that links outside the root not read?"""
    (outside / "progress.json").write_text(json.dumps({"exercises": {"linear_forward": {"passed": True}}}))
    (jp_root_dir / "c").mkdir()
    os.symlink(outside, jp_root_dir / "c" / ".dnn_lab")
    status, data = call("GET", "progress")
    assert status == 200 and data["folders"] == []


def test_huge_notebook_is_400(call, jp_root_dir):
    """Is a notebook over 20 MB refused with a clean JSON 400?"""
    path = jp_root_dir / "huge.ipynb"
    with open(path, "wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    status, data = call("POST", "repair", {"path": "huge.ipynb"})
    assert (status, data["error"]) == (400, "too_large")
    assert "Traceback" not in json.dumps(data)
    assert sorted(p.name for p in jp_root_dir.iterdir()) == ["huge.ipynb"]


@pytest.mark.parametrize("content", [b"{not json", b'{"cells": "x", "metadata": {}}', b"\x00\xff" * 10])
def test_malformed_notebook_is_400(call, jp_root_dir, content):
    """Is a malformed notebook refused with a clean JSON 400 and left as it was?"""
    (jp_root_dir / "bad.ipynb").write_bytes(content)
    status, data = call("POST", "repair", {"path": "bad.ipynb"})
    assert (status, data["error"]) == (400, "not_a_notebook")
    assert "Traceback" not in json.dumps(data)
    assert (jp_root_dir / "bad.ipynb").read_bytes() == content


@pytest.mark.parametrize("body, code", [
    (b"not json", "bad_request"),
    (b"[1, 2]", "bad_request"),
    (json.dumps({"path": 5}).encode(), "bad_request"),
    (b"{}", "missing_path"),
])
def test_bad_repair_request_is_400(call, body, code):
    """Is a malformed request body answered with a JSON 400 naming the problem?"""
    status, data = call("POST", "repair", body)
    assert (status, data["error"]) == (400, code)


def test_repair_missing_file_is_404(call):
    """Is a notebook that does not exist a 404 with an error code?"""
    status, data = call("POST", "repair", {"path": "nope.ipynb"})
    assert (status, data["error"]) == (404, "not_found")


def test_unknown_assignment_or_language_is_400(call):
    """Are an unknown assignment and an unknown language refused?"""
    assert call("POST", "fresh", {"assignment": "nope"})[1]["error"] == "unknown_assignment"
    assert call("POST", "fresh", {"lang": "fr"})[1]["error"] == "unknown_language"


def test_repair_does_not_execute_student_code(call, jp_root_dir):
    """Is a notebook whose code would write a file when run repaired without running it?"""
    evil = "def linear_forward(A, W, b):\n    pass\nopen('PWNED', 'w').write('x')\n"
    write_notebook(fill(student_notebook("en"), {"linear_forward": evil}), jp_root_dir / "e.ipynb")
    status, data = call("POST", "repair", {"path": "e.ipynb"})
    assert status == 200 and data["moved"] == ["linear_forward"]
    assert not (jp_root_dir / "PWNED").exists() and not os.path.exists("PWNED")


def test_fresh_copy_into_folder_with_spaces_and_chinese(call, jp_root_dir):
    """Does a fresh copy into a folder named with spaces and Chinese characters work?"""
    code, data = call("POST", "fresh", {"folder": "我的 作业"})
    assert code == 200, data
    assert (jp_root_dir / "我的 作业" / "step_by_step.ipynb").is_file()
    assert data["notebook"] == "我的 作业/step_by_step.ipynb"


def test_symlink_that_stays_inside_the_root_is_allowed(call, jp_root_dir):
    """Is a symlink to another folder inside the root followed (only leaving the root is refused)?"""
    (jp_root_dir / "real").mkdir()
    os.symlink(jp_root_dir / "real", jp_root_dir / "alias")
    status, data = call("POST", "fresh", {"folder": "alias"})
    assert status == 200, data
    assert (jp_root_dir / "real" / "step_by_step.ipynb").is_file()
