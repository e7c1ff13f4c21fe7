"""``dnn-lab lab [DIR] [--lang zh|en|both] [--no-browser] [--port N] [--verbose]``: the self-learner's one command.

Prepares DIR (default ``./dnn-lab``) with the student notebook and the files it
needs — an existing notebook is kept, never overwritten — and runs JupyterLab
on 127.0.0.1 in this process, with the dnn_lab server extension enabled
explicitly (so it works without the installed config file), the notebook
opened, and nothing fetched from the network (no news, no update check, no
extension catalogue).  It is a student's lab: nbgrader's lab and server
extensions are off (this lab only, through its own command line and
``page_config_hook``); nbgrader itself is not needed (``dnn-lab[grading]``)
and never imported.  Every file written is listed; the URLs are printed once
the server answers, with the port it really got.  The terminal shows only
these ``dnn-lab:`` lines in the chosen language: Jupyter's own log (and the
kernels' stderr) goes to ``DIR/.dnn_lab/jupyter.log``, whose path is printed,
unless ``--verbose``.  ``--help`` speaks ``--lang`` (else ``$DNN_LAB_LANG``,
else both languages).
"""
import argparse
import os
import secrets
import socket
import sys
from pathlib import Path

ASSIGNMENT = "step_by_step"
LOG_NAME = ".dnn_lab/jupyter.log"  # Jupyter's log, under the workspace (a hidden folder: not in the file browser)


# a line never starts with these (Chinese punctuation that closes a phrase)
_NO_LINE_START = set("，。；：、）」》！？")


def wrap_display(text, width):
    """``text`` wrapped to ``width`` terminal columns: a CJK character is two columns and a line may break
    between two of them; other words (``./dnn-lab``, ``--verbose``) are never split."""
    import re
    import unicodedata
    wide = "\u2e80-\u9fff\uff00-\uffef\u3000-\u303f"  # CJK characters and punctuation, full-width forms
    lines, line, used = [], "", 0
    for token in re.findall(rf"\s+|[{wide}]|[^\s{wide}]+", text):
        if token.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        size = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in token)
        if line.strip() and used + size > width and token[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line, used = "", 0
        line, used = line + token, used + size
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


class HelpFormatter(argparse.HelpFormatter):
    """Keeps the help's own line breaks (zh line, en line), wraps by display width (a Chinese
    character is two columns) and never breaks a word at a hyphen (``./dnn-lab``)."""

    def _split_lines(self, text, width):
        return [line for part in text.splitlines() for line in wrap_display(part, width)]

    def _fill_text(self, text, width, indent):
        return "\n".join(indent + line for line in self._split_lines(text, width))


def help_language(argv):
    """The language of ``--help``: the ``--lang`` on the same command line, else ``$DNN_LAB_LANG``, else both."""
    from .messages import LANGS
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in LANGS:
            return value
    env = os.environ.get("DNN_LAB_LANG")
    return env if env in LANGS else "both"


def help_text(message_id, lang, **params):
    """One help text: ``both`` puts the Chinese line above the English one."""
    from .messages import t
    if lang == "both":
        return f"{t(message_id, 'zh', **params)}\n{t(message_id, 'en', **params)}"
    return t(message_id, lang, **params)


def parse_args(argv):
    from .messages import t_short
    lang = help_language(argv)

    class Formatter(HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):
            return super().add_usage(usage, actions, groups, t_short("cli.help.usage", lang) + " ")

        def format_help(self):
            text = super().format_help()
            if lang == "zh":  # argparse ends section titles with an ASCII colon
                for key in ("cli.help.positionals", "cli.help.options"):
                    text = text.replace(t_short(key, lang) + ":\n", t_short(key, lang) + "：\n")
            return text

    def say(message_id, **params):
        return help_text(message_id, lang, **params)

    parser = argparse.ArgumentParser(prog="dnn-lab lab", description=say("cli.help.lab"), formatter_class=Formatter,
                                     add_help=False)
    parser._positionals.title = t_short("cli.help.positionals", lang)
    parser._optionals.title = t_short("cli.help.options", lang)
    parser.add_argument("dir", nargs="?", default="dnn-lab", help=say("cli.help.lab.dir"))
    parser.add_argument("--lang", choices=("zh", "en", "both"), default="both", help=say("cli.help.lab.lang"))
    parser.add_argument("--no-browser", action="store_true", help=say("cli.help.lab.no_browser"))
    parser.add_argument("--port", type=int, default=None, help=say("cli.help.lab.port"))
    parser.add_argument("--verbose", action="store_true", help=say("cli.help.lab.verbose", log=LOG_NAME))
    parser.add_argument("-h", "--help", action="help", help=say("cli.help.help"))
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


def send_jupyter_log_to(path):
    """Point this process's stderr (file descriptor 2) at ``path``: Jupyter's log handlers write to
    sys.stderr, and kernels inherit the descriptor. Our own lines go to stdout. Returns the open file, or
    None when ``path`` cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        log_file = open(path, "w", encoding="utf-8", buffering=1)
    except OSError:  # a folder we cannot write into: the log stays on the terminal, as with --verbose
        return None
    sys.stderr.flush()
    os.dup2(log_file.fileno(), 2)
    return log_file


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
    log_file = None if args.verbose else send_jupyter_log_to(directory / LOG_NAME)
    if log_file is not None:
        _say("lab.log_file", path=log_file.name)
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
    serverapp.web_app.settings["dnn_lab_lang"] = args.lang  # the /dnn-lab page speaks it too
    set_default_locale(serverapp, args.lang)  # --lang zh: JupyterLab's own menus in Chinese
    serverapp.io_loop.add_callback(_announce, serverapp, notebook, token)
    serverapp.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
