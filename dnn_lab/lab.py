"""``dnn-lab lab [DIR] [--lang zh|en|both] [--no-browser] [--port N]``: the self-learner's one command.

Prepares DIR (default ``./dnn-lab``) with the student notebook and the files it
needs — an existing notebook is kept, never overwritten — and runs JupyterLab
on 127.0.0.1 in this process, with the dnn_lab server extension enabled
explicitly (so it works without the installed config file), the notebook
opened, and nothing fetched from the network (no news, no update check, no
extension catalogue).  It is a student's lab: nbgrader's lab and server
extensions are off (this lab only, through its own command line and
``page_config_hook``).  Every file written is listed; the URLs are printed once
the server answers, with the port it really got.
"""
import argparse
import os
import secrets
import socket
import sys
from pathlib import Path

ASSIGNMENT = "step_by_step"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="dnn-lab lab",
        description="Prepare a workspace with the student notebook and start JupyterLab. "
                    "准备好作业 notebook 并启动 JupyterLab。")
    parser.add_argument("dir", nargs="?", default="dnn-lab",
                        help="workspace folder, created if needed (default: ./dnn-lab) / 工作文件夹")
    parser.add_argument("--lang", choices=("zh", "en", "both"), default="both",
                        help="language of a new notebook (default: both) / 新 notebook 的语言")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser / 不打开浏览器")
    parser.add_argument("--port", type=int, default=None,
                        help="port (default: a free one; a busy port: the next free one) / 端口（被占用时换一个空闲端口）")
    return parser.parse_args(argv)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_workspace(directory, lang="both", assignment=ASSIGNMENT):
    """(notebook path, created?) — the existing notebook is kept; missing supporting files are added."""
    from .notebooks import install_assignment, supporting_files
    directory = Path(directory)
    notebook = directory / f"{assignment}.ipynb"
    if notebook.exists():
        for rel, src in supporting_files(assignment, lang):
            target = directory / rel
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(src.read_bytes())
        return notebook, False
    return install_assignment(directory, assignment, lang), True


# nbgrader's lab and server extensions are the instructor's (formgrader, create assignment, course
# list) or need an exchange (assignment list, validate): a self-learner's lab has none of them.
NBGRADER_LAB_EXTENSION = "@jupyter/nbgrader"
NBGRADER_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.assignment_list",
                              "nbgrader.server_extensions.course_list",
                              "nbgrader.server_extensions.validate_assignment")
PORT_RETRIES = 50


def lab_argv(directory, notebook, port, token, open_browser):
    """The JupyterLab command line: local only, the extension on, nbgrader off, nothing fetched."""
    extensions = {"dnn_lab": True, **{name: False for name in NBGRADER_SERVER_EXTENSIONS}}
    return [
        f"--ServerApp.root_dir={directory}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--ServerApp.port_retries={PORT_RETRIES}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.open_browser={open_browser}",
        f"--ServerApp.jpserver_extensions={extensions!r}",
        f"--LabApp.default_url=/lab/tree/{notebook.name}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ] + (["--ServerApp.allow_root=True"] if _is_root() else [])


def student_page_config(handler, page_config):
    """``page_config_hook`` of the student's lab: nbgrader's lab extension disabled (this
    lab only; an instructor's own ``jupyter lab`` keeps it)."""
    disabled = page_config.get("disabledExtensions") or []
    if isinstance(disabled, dict):
        disabled = [name for name, off in disabled.items() if off]
    if NBGRADER_LAB_EXTENSION not in disabled:
        disabled = [*disabled, NBGRADER_LAB_EXTENSION]
    page_config["disabledExtensions"] = disabled
    return page_config


def _is_root():
    # containers often run as root; Jupyter refuses that unless told, which a student cannot fix
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _files(directory):
    return {p for p in Path(directory).rglob("*") if p.is_file()} if Path(directory).exists() else set()


def prepare_all(directory, lang):
    """Prepare Part 1 and (beside it) Part 2; returns ``(Part 1 notebook, files written)``."""
    from .notebooks import available
    before = _files(directory)
    directory.mkdir(parents=True, exist_ok=True)
    notebook, _created = prepare_workspace(directory, lang)
    # Part 2 sits beside Part 1: it loads the student's own functions from ./step_by_step.ipynb.
    for other in available():
        if other != ASSIGNMENT:
            prepare_workspace(directory, lang, other)
    return notebook, sorted(_files(directory) - before)


TERMINAL = {"lang": "both"}   # the --lang of this run: the terminal lines speak it too


def _say(message_id, **params):
    from .lab_lang import say
    print(say(message_id, TERMINAL["lang"], **params), flush=True)


async def _announce(serverapp, notebook, token, deadline=120.0):
    """Print the URLs once the server answers /api/status (never before)."""
    import asyncio
    import time

    from tornado.httpclient import AsyncHTTPClient, HTTPClientError
    base = f"http://127.0.0.1:{serverapp.port}/"
    client = AsyncHTTPClient()
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        try:
            response = await client.fetch(base + "api/status", headers={"Authorization": f"token {token}"},
                                          request_timeout=5)
            if response.code == 200:
                break
        except (HTTPClientError, OSError):
            pass
        await asyncio.sleep(0.2)
    else:
        _say("lab.not_answering", url=base)
        return
    from .messages import t_short
    print(f"dnn-lab: {t_short('lab.ready_notebook', TERMINAL['lang'])}  {base}lab/tree/{notebook.name}?token={token}")
    print(f"dnn-lab: {t_short('lab.ready_page', TERMINAL['lang'])}  {base}dnn-lab?token={token}")
    _say("lab.stop")


def main(argv=None):
    """Run ``dnn-lab lab``; returns the exit status when JupyterLab stops."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    TERMINAL["lang"] = args.lang
    directory = Path(args.dir).expanduser().resolve()
    try:
        kept = (directory / f"{ASSIGNMENT}.ipynb").exists()
        notebook, written = prepare_all(directory, args.lang)
    except OSError as exc:
        _say("lab.cannot_prepare", dir=str(directory), error=str(exc))
        return 1
    if kept:
        _say("lab.keeping", path=str(notebook))
    for path in written:
        _say("lab.wrote", path=str(path))
    token = secrets.token_hex(24)
    from jupyterlab.labapp import LabApp

    from .lab_lang import set_default_locale
    try:
        serverapp = LabApp.initialize_server(
            argv=lab_argv(directory, notebook, args.port or free_port(), token, not args.no_browser))
    except SystemExit as exc:  # no free port: JupyterLab said why; no URL was printed
        _say("lab.no_port")
        return exc.code or 1
    if args.port and serverapp.port != args.port:
        _say("lab.port_taken", port=args.port, other=serverapp.port)
    serverapp.web_app.settings["page_config_hook"] = student_page_config
    set_default_locale(serverapp, args.lang)  # --lang zh: JupyterLab's own menus in Chinese
    serverapp.io_loop.add_callback(_announce, serverapp, notebook, token)
    serverapp.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
