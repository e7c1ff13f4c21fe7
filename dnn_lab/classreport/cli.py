"""``dnn-lab report ASSIGNMENT [--html FILE] [--lang zh|en|both] [--db URL] [--course DIR]``.

Exit status: 0 the report was made; 2 bad input (one line). A corrupt verdict file is named on
stderr and skipped; the rest of the class is still reported."""
import argparse
import sys

from .labels import text


def build_parser():
    p = argparse.ArgumentParser(prog="dnn-lab report",
                                description="What a class got wrong, step by step / 全班在哪一步出错")
    p.add_argument("assignment", help="the assignment, e.g. step_by_step")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report")
    p.add_argument("--lang", choices=["zh", "en", "both"], default="both")
    p.add_argument("--db", metavar="URL", help="take the scores from this nbgrader gradebook")
    p.add_argument("--course", metavar="DIR", default=".", help="the course directory (default: here)")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    from .collect import ReportError, gradebook_scores, load_class
    from .summary import summarise
    try:
        data = load_class(args.course, args.assignment)
        if args.db:
            data.scores, data.completed = gradebook_scores(args.db, args.assignment)
    except ReportError as err:
        print(f"dnn-lab report: {text(err.message_id, args.lang, **err.params)}", file=sys.stderr)
        return 2
    for err in data.skipped:
        print(f"dnn-lab report: {text('report.corrupt_skipped', args.lang, path=err.path, detail=err.detail)}",
              file=sys.stderr)
    summary = summarise(data)
    from .text import render_summary
    print(render_summary(summary, args.lang))
    if args.html:
        from .html import render_html
        with open(args.html, "w", encoding="utf-8") as out:
            out.write(render_html(summary, args.lang))
        print(text("report.html_written", args.lang, path=args.html))
    return 0


if __name__ == "__main__":
    sys.exit(main())
