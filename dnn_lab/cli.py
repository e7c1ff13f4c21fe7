"""The ``dnn-lab`` command.

    dnn-lab lab [DIR] [--lang zh|en|both] [--no-browser] [--port N]   start the lab
    dnn-lab check NOTEBOOK [--exercise NAME] [--lang ...]              run the checks on a notebook
    dnn-lab course init DIR [--lang zh|en|both]                        an nbgrader course
    dnn-lab course hub-config [OUT] --course-id ID --instructor NAME --students A,B [--apply]
                                                                       the course on a JupyterHub
    dnn-lab autograde ASSIGNMENT [--jobs N] [--shard K/N] [--db URL]    nbgrader autograde, in parallel
    dnn-lab course slurm-script ASSIGNMENT --shards N --db URL         the same as a Slurm job array
    dnn-lab report ASSIGNMENT [--html FILE] [--lang zh|en|both]         the class at a glance
    dnn-lab figures DIR                                                the notebook figures
    dnn-lab dev expected | student-notebooks | all                     maintainer commands
"""
import argparse
import shlex
import sys

from .startup import skip_iri_parsers

skip_iri_parsers()  # every dnn-lab command starts 2-3 CPU s sooner (see dnn_lab.startup)


def _lab(args, rest):
    from .lab import main as lab_main
    return lab_main(rest)


def _course_init(args, rest):
    from .course import init_course
    from .messages import t, t_short
    from .sources import COURSE_DIST, NoSourceAssignments
    lang = args.lang  # the course's language is also the language of these lines
    try:
        result = init_course(args.dir, lang=lang)
    except NoSourceAssignments:
        print(f"dnn-lab: {t('cli.no_course_package', lang, dist=COURSE_DIST)}", file=sys.stderr)
        return 2
    print(t_short("cli.course.dir", lang, dir=args.dir))
    print("  " + t_short("cli.course.config_written" if result["wrote_config"] else "cli.course.config_kept", lang))
    for name in result["assignments"]:
        state = "cli.course.copied" if name in result["copied"] else "cli.course.kept"
        print("  " + t_short(state, lang, path=f"source/{name}/"))
    print(t_short("cli.course.next", lang))
    for line in course_next_steps(args.dir, result["assignments"], lang):
        print(f"  {line}")
    return 0


def _hub_config(args, rest):
    from .hub import HubConfigError, apply_setup, read_students, write_hub_config
    from .messages import t_short
    lang = args.lang  # the course's language is also the language of these lines
    out = args.out or f"/etc/dnn-lab/{args.course_id}"
    try:
        students = [s.strip() for s in (args.students or "").split(",") if s.strip()]
        if args.students_file:
            students += read_students(args.students_file)
        written = write_hub_config(out, args.course_id, args.instructor, students, exchange=args.exchange,
                                   course_dir=args.course_dir, bind_url=args.bind_url)
        for path in written:
            print(t_short("cli.hub.wrote", lang, path=path))
        if args.apply:
            for line in apply_setup(out, args.course_id, args.instructor, students, exchange=args.exchange,
                                    course_dir=args.course_dir, lang=lang):
                print(t_short("cli.hub.set_up", lang, what=line))
    except HubConfigError as exc:
        print(f"dnn-lab: {t_short('cli.hub.refused', lang, code=exc.code, detail=exc.detail)}", file=sys.stderr)
        return 2
    command = f"jupyterhub -f {shlex.quote(str(out))}/jupyterhub_config.py"
    print(t_short("cli.hub.start", lang, command=command))
    return 0


def course_next_steps(course_dir, assignments, lang="en"):
    """The instructor's commands after ``course init``, in the README's order."""
    from .messages import t_short
    return [f"cd {shlex.quote(str(course_dir))}",
            *(f"nbgrader generate_assignment {a}" for a in assignments),
            "# " + t_short("cli.course.collect", lang),
            *(f"nbgrader autograde {a}" for a in assignments),
            *(f"nbgrader generate_feedback {a}" for a in assignments)]


def _slurm_script(args, rest):
    import os
    from pathlib import Path

    from .autograde.slurm import slurm_script
    if not os.path.isfile("nbgrader_config.py"):
        print("dnn-lab: run this in the course directory (no nbgrader_config.py here) / "
              "请在课程目录中运行（这里没有 nbgrader_config.py）", file=sys.stderr)
        return 2
    try:
        text = slurm_script(Path.cwd(), args.assignment, args.shards, args.db, jobs=args.jobs,
                            time_limit=args.time, partition=args.partition)
    except ValueError as exc:
        print(f"dnn-lab: {exc}", file=sys.stderr)
        return 2
    (Path.cwd() / ".dnn_lab" / "slurm").mkdir(parents=True, exist_ok=True)  # sbatch writes the logs there
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    Path(args.output).write_text(text, encoding="utf-8")
    print(f"wrote / 已写入 {args.output}: sbatch {args.output}  ({args.shards} tasks, --jobs {args.jobs})")
    return 0


def _figures(args, rest):
    from .diagram.figures import main as figures_main
    return figures_main([args.dir]) or 0


def _check(args, rest):
    from .check_cli import main as check_main  # its own parser: every argument explained in --help
    return check_main(rest)


def _dev(args, rest):
    from . import dev
    if args.what in ("expected", "all"):
        for assignment in dev.source_assignments():
            path, n = dev.regenerate_expected(assignment)
            print(f"expected data: {path} ({n} arrays)")
    if args.what in ("figures", "all"):
        from .diagram.figures import main as figures_main
        root = dev.repo_root()
        figures_main([str(root / "images"), "--all-langs"])
        figures_main([str(root / "assignments" / "source" / "step_by_step" / "images"), "--formats", "png",
                      "--all-langs"])
        print("figures (both, zh/, en/): images/ and assignments/source/step_by_step/images/")
    if args.what in ("student-notebooks", "all"):
        for path in dev.regenerate_student_notebooks():
            print(f"student notebook: {path}")
    return 0


def build_parser():
    from .lab import HelpFormatter, help_language, help_text
    lang = help_language([])  # $DNN_LAB_LANG, else both; `dnn-lab lab --help` has its own, in its --lang
    parser = argparse.ArgumentParser(prog="dnn-lab", description=help_text("cli.help.main", lang),
                                     formatter_class=HelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    lab = sub.add_parser("lab", help=help_text("cli.help.main.lab", lang), add_help=False)
    lab.set_defaults(func=_lab)
    sub.add_parser("autograde", help="nbgrader autograde with N workers, shards, PostgreSQL (in a course)",
                   add_help=False)
    sub.add_parser("report", help="what a class got wrong, step by step (in a course)", add_help=False)
    chk = sub.add_parser("check", help=help_text("cli.help.main.check", lang), add_help=False)
    chk.set_defaults(func=_check)
    course = sub.add_parser("course", help="instructor commands")
    csub = course.add_subparsers(dest="course_command", required=True)
    init = csub.add_parser("init", help="write a ready nbgrader course directory")
    init.add_argument("dir")
    init.add_argument("--lang", choices=["zh", "en", "both"], default="both")
    init.set_defaults(func=_course_init)
    hub = csub.add_parser("hub-config", help="JupyterHub configuration of one course (one machine); "
                                             "--apply (root) creates the exchange and the course directory")
    hub.add_argument("out", nargs="?", help="folder for the configuration (default /etc/dnn-lab/COURSE_ID)")
    hub.add_argument("--course-id", required=True)
    hub.add_argument("--instructor", required=True, help="the instructor's login")
    hub.add_argument("--students", default="", help="logins, comma-separated")
    hub.add_argument("--students-file", help="a file of logins, one a line")
    hub.add_argument("--exchange", default="/srv/nbgrader/exchange")
    hub.add_argument("--course-dir", help="default: ~INSTRUCTOR/course")
    hub.add_argument("--bind-url", default="http://:8000", help="the hub's public URL (default http://:8000)")
    hub.add_argument("--lang", choices=["zh", "en", "both"], default="both", help="the course's language (--apply)")
    hub.add_argument("--apply", action="store_true",
                     help="(root) create the exchange root, the course directory, private homes")
    hub.set_defaults(func=_hub_config)
    slurm = csub.add_parser("slurm-script", help="an sbatch script grading ASSIGNMENT as a Slurm job array "
                                                 "(one --shard per task; PostgreSQL gradebook)")
    slurm.add_argument("assignment")
    slurm.add_argument("--shards", type=int, required=True, help="array tasks (shards)")
    slurm.add_argument("--db", required=True, help="the shared PostgreSQL gradebook URL")
    slurm.add_argument("--jobs", type=int, default=1, help="workers per task (= --cpus-per-task)")
    slurm.add_argument("--time", help="time limit per task, e.g. 01:00:00")
    slurm.add_argument("--partition")
    slurm.add_argument("-o", "--output", default="grade.sbatch", help="the script (default grade.sbatch; - for stdout)")
    slurm.set_defaults(func=_slurm_script)
    fig = sub.add_parser("figures", help="draw the notebook figures into DIR",
                         description="Draw the notebook figures (PNG and SVG, labels in Chinese and English) "
                                     "into DIR.")
    fig.add_argument("dir", help="output folder, created if needed")
    fig.set_defaults(func=_figures)
    dev = sub.add_parser("dev", help="maintainer commands (source checkout only)")
    dev.add_argument("what", choices=["expected", "figures", "student-notebooks", "all"])
    dev.set_defaults(func=_dev)
    return parser


def grading_installed():
    """Is the grading stack (the ``dnn-lab[grading]`` extra: nbgrader) installed? Never imports it."""
    import importlib.util
    return importlib.util.find_spec("nbgrader") is not None


def _needs_grading(command):
    from .messages import t
    print(f"dnn-lab: {t('cli.needs_grading', None, command=command)}", file=sys.stderr)
    return 2


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv[:1] == ["lab"]:
        return _lab(None, argv[1:])
    if argv[:1] == ["autograde"]:
        if not grading_installed():
            return _needs_grading("autograde")
        from .autograde.runner import main as autograde_main
        return autograde_main(argv[1:])
    if argv[:1] == ["check"]:
        return _check(None, argv[1:])
    if argv[:1] == ["report"]:
        from .classreport.cli import main as report_main
        return report_main(argv[1:])
    args, rest = parser.parse_known_args(argv)
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    return args.func(args, rest)


if __name__ == "__main__":
    sys.exit(main())
