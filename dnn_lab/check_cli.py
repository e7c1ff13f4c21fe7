"""``dnn-lab check NOTEBOOK``: the public checks of a notebook's functions, from a shell —
what the Check button says.

Only the cells that define the graded functions run (definitions and imports;
see :mod:`dnn_lab.loader`), never the demos or check cells; all of them run before
any function is checked (``--exercise NAME`` checks NAME with the others defined,
as after Run All), and an application notebook first gets the Part 1 functions the
way its ``load_part1()`` cell does (:func:`part1_functions`).  Exit status: 0 when
every function checked passes, 1 when one fails, 2 for bad input (a missing
file, a folder, not a notebook, an unknown exercise) — said in one bilingual
line, never a traceback.
"""
import argparse
import json
import os
import sys
from pathlib import Path

from .messages import LANGS, get_language, t, t_short

EXIT_PASSED, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    """Input the command refuses; ``args[0]`` is a message id, ``kwargs`` its params."""

    def __init__(self, message_id, **params):
        super().__init__(message_id)
        self.message_id, self.params = message_id, params


def build_parser():
    from .checks import ALL_EXERCISES, DEFAULT_TIMEOUT
    parser = argparse.ArgumentParser(
        prog="dnn-lab check",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=("Run the Check button's public checks on the graded functions of a notebook, without running its\n"
                     "other cells. Every graded function of the notebook is defined first (as after Run All);\n"
                     "application.ipynb gets the Part 1 functions from the step_by_step.ipynb beside it.\n"
                     "对笔记本中需要完成的函数运行与“检查”按钮相同的公开检查（不运行其他单元格）：先定义笔记本里\n"
                     "所有需要完成的函数（如同运行了所有单元格）；application.ipynb 从同一文件夹的 step_by_step.ipynb\n"
                     "载入第一部分的函数。"),
        epilog=("exit status / 退出码：0 all passed / 全部通过, 1 a check failed / 有检查未通过, "
                "2 bad input / 输入有误\n"
                f"exercises / 练习：{', '.join(ALL_EXERCISES)}"))
    parser.add_argument("notebook", help="the notebook file (.ipynb) to check / 要检查的笔记本文件（.ipynb）")
    parser.add_argument("--exercise", action="append", metavar="NAME",
                        help="check only this function, with the notebook's other functions defined (repeatable; "
                             "default: every graded function found) / 只检查这个函数，笔记本里的其他函数照样定义（可重复）")
    parser.add_argument("--lang", choices=LANGS, default=None,
                        help="language of the messages: zh, en or both "
                             "(default: $DNN_LAB_LANG, else the notebook's own, else both) "
                             "/ 提示语言")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"time limit per case, in seconds (default: {DEFAULT_TIMEOUT:g}, the same as the "
                             f"Check button) / 每个用例的时间限制（秒）")
    parser.add_argument("--details", action="store_true",
                        help="also print the table of every case / 同时显示每个用例的详情")
    return parser


def read_notebook(path):
    """The notebook at ``path``, or :class:`BadInput`."""
    import nbformat
    p = Path(path)
    if not p.exists():
        raise BadInput("cli.check.missing", path=str(path))
    if p.is_dir():
        raise BadInput("cli.check.is_dir", path=str(path))
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput("cli.check.unreadable", path=str(path), error=type(exc).__name__) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BadInput("cli.check.bad_json", path=str(path), line=getattr(exc, "lineno", "?")) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list) or "nbformat" not in data:
        raise BadInput("cli.check.not_notebook", path=str(path))
    try:
        return nbformat.reads(text, as_version=4)
    except Exception:  # noqa: BLE001 - any nbformat refusal is "not a notebook"
        raise BadInput("cli.check.not_notebook", path=str(path)) from None


def main(argv=None):
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    from .lab_lang import notebook_language
    env = os.environ.get("DNN_LAB_LANG")
    # --lang, else $DNN_LAB_LANG, else the language the notebook was generated in, else both
    lang = args.lang or (env if env in LANGS else None) or notebook_language(args.notebook) or get_language()
    try:
        return _run(args, lang)
    except BadInput as exc:
        print("dnn-lab check: " + t_short(exc.message_id, lang, **exc.params), file=sys.stderr)
        return EXIT_BAD_INPUT


def part1_functions(notebook, lang):
    """The Part 1 functions an application notebook gets the way its ``load_part1`` cell gets them:
    from the ``step_by_step.ipynb`` found beside it (same search, same loader).  Returns
    ``(functions, line to print)``; no notebook found → no functions and the line saying where it looked."""
    from .app.part1 import FUNCTIONS, Part1Error, load_part1
    try:
        part1 = load_part1(start=Path(notebook).resolve().parent, lang=lang, check=False, quiet=True)
    except Part1Error as exc:
        return {}, str(exc)
    shown = part1.path.name if part1.path.parent == Path(notebook).resolve().parent else str(part1.path)
    return dict(part1.functions), t("cli.check.part1", lang, path=shown, n=len(part1.functions), total=len(FUNCTIONS))


def _run(args, lang):
    from .checks import ALL_EXERCISES, run_checks
    from .checks.registry import ASSIGNMENTS
    from .loader import defines, execute_functions, function_cells
    from .render.text import render_text
    unknown = [n for n in args.exercise or () if n not in ALL_EXERCISES]
    if unknown:
        raise BadInput("cli.check.unknown_exercise", name=unknown[0], known=", ".join(ALL_EXERCISES))
    nb = read_notebook(args.notebook)
    # The notebook's own graded functions: every one is defined before any is checked (a function
    # calls the others, as in the kernel after Run All).
    own = set()
    for _, cell in function_cells(nb, ALL_EXERCISES):
        own |= defines(cell.source, ALL_EXERCISES)
    application = ASSIGNMENTS["application"]
    provided = {}
    if own & set(application) or set(args.exercise or ()) & set(application):
        provided, line = part1_functions(args.notebook, lang)
        print(line)
    namespace, cell_errors = execute_functions(nb, ALL_EXERCISES, filename=str(args.notebook), provided=provided)
    names = list(dict.fromkeys(args.exercise or ()))
    if not names:
        names = [n for n in ALL_EXERCISES if n in own and callable(namespace.get(n))]
        if not names:
            raise BadInput("cli.check.no_functions", path=str(args.notebook))
    for number, error in cell_errors:
        print(t_short("cli.check.cell_error", lang, cell=number, error=error))
    passed = 0
    for name in names:
        try:
            report = run_checks(name, namespace.get(name), lang=lang, timeout=args.timeout)
            print(render_text(report, lang=lang, details=args.details))
            passed += report.passed
        except Exception as exc:  # noqa: BLE001 - the checker's own fault: one line, never a traceback
            print(f"✗ {name}: " + t_short("ui.internal_error", lang, error=type(exc).__name__))
    print(t_short("cli.check.summary", lang, passed=passed, total=len(names)))
    return EXIT_PASSED if passed == len(names) else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
