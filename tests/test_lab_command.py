"""`dnn-lab lab`: a workspace with the student notebook, served by a real JupyterLab."""
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser_util import child_env, free_port, stop

from dnn_lab.lab import (LOG_NAME, NBGRADER_SERVER_EXTENSIONS, lab_argv, parse_args, prepare_workspace,
                         student_page_config, wrap_display)
from dnn_lab.messages import t_short

URL = re.compile(r"(http://127\.0\.0\.1:(\d+)/)lab/tree/step_by_step\.ipynb\?token=([0-9a-f]+)")


def get(url, token=None):
    headers = {"Authorization": f"token {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_for_line(log_path, pattern, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = pattern.search(log_path.read_text(encoding="utf-8", errors="replace"))
        if m:
            return m
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"no URL printed; output:\n{log_path.read_text(errors='replace')[-3000:]}")


def _start(workspace, log_path, *extra):
    script = Path(sys.executable).with_name("dnn-lab")
    assert script.exists(), "the dnn-lab console script is installed by `pip install -e .`"
    with open(log_path, "w") as log:
        return subprocess.Popen([str(script), "lab", str(workspace), "--no-browser", *extra],
                                cwd=workspace.parent, stdout=log, stderr=subprocess.STDOUT, env=child_env(),
                                start_new_session=True)


@pytest.mark.server
@pytest.mark.slow
def test_dnn_lab_lab_serves_a_working_lab(tmp_path):
    """Does `dnn-lab lab DIR --no-browser --port N` list every file it wrote, print a URL with a
    token only once the server answers, serve JupyterLab with the /dnn-lab page and widgets but
    no nbgrader, say nothing of nbgrader's config, and stop cleanly?"""
    workspace = tmp_path / "demo"
    port = free_port()
    log_path = tmp_path / "lab.log"
    proc = _start(workspace, log_path, "--port", str(port))
    try:
        m = wait_for_line(log_path, URL, proc)
        base, printed_port, token = m.group(1), int(m.group(2)), m.group(3)
        assert printed_port == port
        status, _ = get(base + "api/status", token)  # printed once it answers: no waiting here
        assert status == 200

        log = log_path.read_text(encoding="utf-8")
        for name in ("step_by_step.ipynb", "application.ipynb", "dnn_utils.py"):
            assert (workspace / name).is_file()
            assert t_short("lab.wrote", "both", path=str(workspace / name)) in log
        assert log.index(t_short("lab.wrote", "both", path=str(workspace / "application.ipynb"))) < m.start()
        code, body = get(base + f"dnn-lab?token={token}")
        assert code == 200 and b'data-assignment="step_by_step"' in body
        assert get(base + "dnn-lab/api/assignments")[0] == 403
        code, body = get(base + "api/contents/step_by_step.ipynb?content=0", token)
        assert code == 200 and json.loads(body)["type"] == "notebook"
        code, body = get(base + "lab/tree/step_by_step.ipynb", token)
        assert code == 200
        page_config = json.loads(re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                           body, re.S).group(1))
        assert "@jupyter/nbgrader" in page_config["disabledExtensions"]
        assert get(base + "formgrader", token)[0] == 404  # nbgrader's server extensions are off too
        code, body = get(base + "lab/api/extensions", token)
        names = {e["name"] for e in json.loads(body)}
        assert "@jupyter-widgets/jupyterlab-manager" in names  # the Check buttons can render
    finally:
        stop(proc, timeout=30)
    assert proc.returncode == 0, log_path.read_text(errors="replace")[-2000:]  # SIGTERM: a clean shutdown
    terminal = log_path.read_text(encoding="utf-8")
    jupyter_log = workspace / LOG_NAME
    # the terminal: only our own lines, one of them naming Jupyter's log; Jupyter's lines are in that file
    assert t_short("lab.log_file", "both", path=str(jupyter_log)) in terminal
    assert [line for line in terminal.splitlines() if not line.startswith("dnn-lab: ")] == []
    log = jupyter_log.read_text(encoding="utf-8")
    assert "ServerApp] dnn_lab | extension was successfully loaded" in log and "Skipped non-installed server" in log
    assert "nbgrader_config.py" not in terminal + log


@pytest.mark.server
@pytest.mark.slow
def test_busy_port_moves_to_a_free_one(tmp_path):
    """When the asked port is taken, does `dnn-lab lab` say so and print the URL of the port it got?"""
    import socket
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        log_path = tmp_path / "lab.log"
        proc = _start(tmp_path / "ws", log_path, "--port", str(port), "--verbose", "--lang", "en")
        try:
            m = wait_for_line(log_path, URL, proc)
            got = int(m.group(2))
            assert got != port
            terminal = log_path.read_text(encoding="utf-8")
            assert t_short("lab.port_taken", "en", port=port, other=got) in terminal
            assert get(m.group(1) + "api/status", m.group(3))[0] == 200
        finally:
            stop(proc, timeout=30)
    # --verbose: Jupyter's log stays on the terminal, no log file
    assert "ServerApp] dnn_lab | extension was successfully loaded" in terminal
    assert not (tmp_path / "ws" / LOG_NAME).exists() and "jupyter.log" not in terminal


def test_existing_notebook_is_kept(tmp_path):
    """Does preparing a workspace keep the student's notebook and add only missing files?"""
    nb = tmp_path / "step_by_step.ipynb"
    nb.write_text('{"mine": true}')
    (tmp_path / "dnn_utils.py").write_text("# my edit")
    path, created = prepare_workspace(tmp_path, "zh")
    assert (path, created) == (nb, False)
    assert nb.read_text() == '{"mine": true}'
    assert (tmp_path / "dnn_utils.py").read_text() == "# my edit"
    assert (tmp_path / "testCases.py").is_file()


def test_new_workspace_gets_the_chosen_language(tmp_path):
    """Does a new workspace get the student notebook in the language asked for?"""
    path, created = prepare_workspace(tmp_path / "new", "en")
    assert created and path == tmp_path / "new" / "step_by_step.ipynb"
    assert json.loads(path.read_text(encoding="utf-8"))["metadata"]["dnn_lab"]["lang"] == "en"


def test_command_line_is_local_offline_and_enables_the_extension(tmp_path):
    """Does the JupyterLab command line bind 127.0.0.1, enable dnn_lab and switch off network fetches?"""
    args = parse_args([str(tmp_path), "--no-browser", "--port", "9999", "--lang", "zh"])
    assert (args.no_browser, args.port, args.lang) == (True, 9999, "zh")
    assert parse_args([]).dir == "dnn-lab"
    argv = lab_argv(tmp_path, tmp_path / "step_by_step.ipynb", 9999, "tok", False)
    assert "--ServerApp.ip=127.0.0.1" in argv and "--ServerApp.port=9999" in argv
    extensions = next(a for a in argv if a.startswith("--ServerApp.jpserver_extensions="))
    enabled = eval(extensions.split("=", 1)[1])  # noqa: S307 - our own literal
    assert enabled == {"dnn_lab": True, **{name: False for name in NBGRADER_SERVER_EXTENSIONS}}
    assert "--LabApp.news_url=None" in argv
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in argv
    assert "--ServerApp.open_browser=False" in argv
    assert "--LabApp.default_url=/lab/tree/step_by_step.ipynb" in argv


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _help(capsys, monkeypatch, *argv, env=None):
    monkeypatch.delenv("DNN_LAB_LANG", raising=False)
    if env:
        monkeypatch.setenv("DNN_LAB_LANG", env)
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as exc:
        parse_args([*argv, "--help"])
    assert exc.value.code == 0
    return capsys.readouterr().out


def test_help_speaks_the_students_language(capsys, monkeypatch):
    """Does `dnn-lab lab --help` come in both languages by default (each option's Chinese line above its
    English one), in Chinese only with --lang zh (full-width colons), in English only with --lang en or
    $DNN_LAB_LANG=en, with no RST backticks and ./dnn-lab never broken at its hyphen?"""
    both = _help(capsys, monkeypatch)
    zh = _help(capsys, monkeypatch, "--lang", "zh")
    en = _help(capsys, monkeypatch, "--lang=en")
    assert _help(capsys, monkeypatch, env="en") == en
    assert _help(capsys, monkeypatch, "--lang", "zh", env="en") == zh
    for text in (both, zh, en):
        assert "`" not in text and "./dnn-lab" in text and "--verbose" in text and LOG_NAME in text
    assert not CJK.search(en) and en.startswith("usage: dnn-lab lab")
    assert "usage" not in zh and "options" not in zh
    assert zh.startswith("用法： dnn-lab lab") and "选项：\n" in zh and "位置参数：\n" in zh
    lines = both.splitlines()
    zh_line = next(i for i, line in enumerate(lines) if "不自动打开浏览器" in line)
    assert "do not open a browser" in lines[zh_line + 1]
    assert "显示本帮助并退出" in both and "show this help and exit" in both


def test_help_wraps_by_display_width():
    """Does the help's wrapper count a Chinese character as two columns, break between Chinese
    characters but never inside ./dnn-lab, and never start a line with a closing punctuation mark?"""
    lines = wrap_display("工作文件夹，不存在时自动创建（默认：./dnn-lab）；已有的笔记本会保留，不会被覆盖", 20)
    assert all(sum(2 if CJK.match(ch) else 1 for ch in line) <= 22 for line in lines)
    assert len(lines) > 3 and "".join(lines).replace(" ", "") == \
        "工作文件夹，不存在时自动创建（默认：./dnn-lab）；已有的笔记本会保留，不会被覆盖"
    assert any("./dnn-lab" in line for line in lines)
    assert not any(line[0] in "，。；：、）" for line in lines)
    assert wrap_display("a-b c-d", 3) == ["a-b", "c-d"]


def test_student_page_config_disables_nbgrader_only_there():
    """Does the lab's page-config hook add nbgrader's lab extension to the disabled ones, keeping
    the others (list or dict form)?"""
    assert student_page_config(None, {"disabledExtensions": ["x"]})["disabledExtensions"] == ["x", "@jupyter/nbgrader"]
    assert student_page_config(None, {"disabledExtensions": {"y": True, "z": False}})["disabledExtensions"] == [
        "y", "@jupyter/nbgrader"]
    assert student_page_config(None, {})["disabledExtensions"] == ["@jupyter/nbgrader"]


def test_readme_puts_the_self_learners_two_commands_first():
    """Is the README's first command block the self-learner's install and `dnn-lab lab`, with the
    developer's `pip install -e ".[test]"` and `pytest` after it?"""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    commands = [[line.split("#")[0].strip() for line in b.splitlines() if line.split("#")[0].strip()] for b in blocks]
    assert commands[0] == ["pip install dnn-lab", "dnn-lab lab"]
    developer = next(i for i, c in enumerate(commands) if 'pip install -e ".[test]"' in c)
    assert developer > 0 and "pytest" in commands[developer]


def test_top_level_help_has_no_rst_markup_and_speaks_the_language(monkeypatch):
    """Does `dnn-lab --help` start with a plain bilingual description (no RST backticks), say what lab and
    check do in $DNN_LAB_LANG (both by default), and does `dnn-lab figures --help` describe DIR?"""
    from dnn_lab.cli import build_parser
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("DNN_LAB_LANG", raising=False)
    both = build_parser().format_help()
    monkeypatch.setenv("DNN_LAB_LANG", "zh")
    zh = build_parser().format_help()
    assert "``" not in both and "The dnn-lab command" in both and "dnn-lab 命令" in both
    assert "准备工作文件夹并启动 JupyterLab" in zh and "prepare a workspace" not in zh and "The dnn-lab command" not in zh
    figures = build_parser()._subparsers._group_actions[0].choices["figures"].format_help()
    assert "output folder" in figures and "Draw the notebook figures" in figures


def test_jupyters_log_goes_to_the_file_with_what_children_write(tmp_path):
    """Does send_jupyter_log_to put this process's stderr and what a child process (a kernel) writes to its
    stderr into the file, leave stdout on the terminal, and leave stderr alone when the file cannot be made?"""
    import subprocess
    import sys
    code = ("import os, sys, subprocess\n"
            "from pathlib import Path\n"
            "from dnn_lab.lab import send_jupyter_log_to\n"
            "print(send_jupyter_log_to(Path(sys.argv[2])) is None, flush=True)\n"
            "f = send_jupyter_log_to(Path(sys.argv[1]))\n"
            "print('ours', flush=True)\n"
            "print('[I ServerApp] jupyter', file=sys.stderr, flush=True)\n"
            "subprocess.run([sys.executable, '-c', 'import sys; sys.stderr.write(\"kernel says\\\\n\")'])\n")
    blocker = tmp_path / "file"
    blocker.write_text("")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "ws" / LOG_NAME), str(blocker / "x" / "log")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["True", "ours"] and proc.stderr == ""
    assert (tmp_path / "ws" / LOG_NAME).read_text().splitlines() == ["[I ServerApp] jupyter", "kernel says"]
