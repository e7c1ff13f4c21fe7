"""``dnn-lab lab [DIR] [--lang zh|en|both] [--no-browser] [--port N]``: the self-learner's one command.

Prepares DIR (default ``./dnn-lab``) with the student notebook and the files it
needs — an existing notebook is kept, never overwritten — and runs JupyterLab
on 127.0.0.1 in this process, with the dnn_lab server extension enabled
explicitly (so it works without the installed config file), the notebook
opened, and nothing fetched from the network (no news, no update check, no
extension catalogue).
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
    parser.add_argument("--port", type=int, default=None, help="port (default: a free one) / 端口")
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


def lab_argv(directory, notebook, port, token, open_browser):
    """The JupyterLab command line: local only, the extension on, nothing fetched."""
    return [
        f"--ServerApp.root_dir={directory}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.open_browser={open_browser}",
        "--ServerApp.jpserver_extensions={'dnn_lab': True}",
        f"--LabApp.default_url=/lab/tree/{notebook.name}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ] + (["--ServerApp.allow_root=True"] if _is_root() else [])


def _is_root():
    # containers often run as root; Jupyter refuses that unless told, which a student cannot fix
    return hasattr(os, "geteuid") and os.geteuid() == 0


def main(argv=None):
    """Run ``dnn-lab lab``; returns the exit status when JupyterLab stops."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    directory = Path(args.dir).expanduser().resolve()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        notebook, created = prepare_workspace(directory, args.lang)
        # Part 2 sits beside Part 1: it loads the student's own functions from ./step_by_step.ipynb.
        from .notebooks import available
        for other in available():
            if other != ASSIGNMENT:
                prepare_workspace(directory, args.lang, other)
    except OSError as exc:
        print(f"dnn-lab lab: cannot prepare {directory}: {exc}\n无法准备工作文件夹 {directory}：{exc}", file=sys.stderr)
        return 1
    port = args.port or free_port()
    token = secrets.token_hex(24)
    base = f"http://127.0.0.1:{port}/"
    if created:
        print(f"dnn-lab: wrote {notebook} / 已写入 {notebook}")
    else:
        print(f"dnn-lab: keeping your notebook {notebook} / 保留你已有的 notebook {notebook}")
    print(f"dnn-lab: notebook  {base}lab/tree/{notebook.name}?token={token}")
    print(f"dnn-lab: DNN Lab page / 实验室页面  {base}dnn-lab?token={token}")
    print("dnn-lab: stop with Ctrl-C / 按 Ctrl-C 停止", flush=True)

    from jupyterlab.labapp import LabApp
    LabApp.launch_instance(argv=lab_argv(directory, notebook, port, token, not args.no_browser))
    return 0


if __name__ == "__main__":
    sys.exit(main())
