"""nbgrader preprocessors of a dnn_lab course (configured by ``dnn-lab course init``)::

    c.Autograde.autograde_preprocessors = [SandboxedExecute, DnnLabGrader, ...]
    c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]

``SandboxedExecute`` starts the grading of the submitted source (a thread; the student code
runs in sandboxed child processes, see :mod:`dnn_lab.grading.grade`) and, meanwhile, runs the
notebook in a kernel *for the feedback only*: a cell that hangs or kills the kernel is
stopped after the exercise limit, the kernel is restarted for the cells below, and after two
such cells the rest is not run.  ``DnnLabGrader`` then writes each dnn_lab grade cell's
verdict into that cell — an error output when it fails, so nbgrader scores it 0 — replacing
whatever the kernel printed there.  ``HideHiddenTests`` keeps hidden cases out of the feedback.
"""
import copy
import os
import re
import shutil
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path

from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Float, List, Unicode

from ..messages import MESSAGES, t

GRADING_KEY = "dnn_lab_grading"
_LANG = re.compile(r"""set_language\(\s*["'](zh|en|both)["']\s*\)""")
_HIDDEN = re.compile(r"\n?### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS\n?", re.S)
MAX_KERNEL_FAILURES = 2


def _notebook_lang(nb):
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("dnn_lab", {}).get("role") == "setup":
            match = _LANG.search(cell.source)
            if match:
                return match.group(1)
    return "both"


def verdict_cells(nb, assignment):
    """Indexes of the grade cells whose outputs :class:`DnnLabGrader` replaces with its verdict (one per
    exercise of ``assignment``): what the kernel would show there is discarded, so it does not run them."""
    from ..checks.registry import ASSIGNMENTS
    names = set(ASSIGNMENTS.get(assignment, ()))
    out = set()
    for index, cell in enumerate(nb.cells):
        grader = cell.metadata.get("nbgrader", {})
        gid = grader.get("grade_id") or ""
        if cell.cell_type == "code" and grader.get("grade") and gid.endswith("_test") and gid[:-len("_test")] in names:
            out.add(index)
    return out


def _is_ours(nb, assignment):
    from ..checks.registry import ASSIGNMENTS
    if assignment not in ASSIGNMENTS:
        return False
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
    return any(f"{name}_test" in ids for name in ASSIGNMENTS[assignment])


class DnnLabGrader(NbGraderPreprocessor):
    """Writes each dnn_lab grade cell's verdict, computed from the submitted source in a sandbox."""

    timeout = Float(10.0, help="Seconds each exercise may run (and each cell of the kernel run).").tag(config=True)
    memory_limit = Unicode("2GiB", help="Address-space limit of the sandboxed process, e.g. '2GiB'.").tag(config=True)
    isolate = Bool(True, help="Grade each exercise with reference versions of the functions it calls, "
                              "so that one mistake costs one exercise.").tag(config=True)
    require_bwrap = Bool(False, help="Refuse to grade without bubblewrap (instead of process limits only)."
                         ).tag(config=True)

    # -- the instructor's material -------------------------------------------------------
    def _coursedir(self):
        from nbgrader.coursedir import CourseDirectory
        return CourseDirectory(config=self.config)

    def source_notebooks(self, assignment):
        """The instructor's source notebooks with the reference solutions: Part 1 first."""
        coursedir = self._coursedir()
        wanted = ["step_by_step"] + ([assignment] if assignment != "step_by_step" else [])
        paths = []
        for name in wanted:
            path = Path(coursedir.format_path(coursedir.source_directory, ".", name)) / f"{name}.ipynb"
            if not path.is_file():
                raise FileNotFoundError(f"dnn_lab grading needs the source notebook {path} (solutions) in the course")
            paths.append(path)
        return paths

    def _part1_cells(self, resources):
        """The student's own Part 1 (for Part 2 without isolation), from their submission."""
        import nbformat

        from .grade import submission_cells
        coursedir = self._coursedir()
        student = resources.get("nbgrader", {}).get("student")
        path = Path(coursedir.format_path(coursedir.submitted_directory, student, "step_by_step")) / "step_by_step.ipynb"
        if not path.is_file():
            return None
        return submission_cells(nbformat.read(str(path), as_version=4))

    # -- grading --------------------------------------------------------------------------
    def grade(self, nb, resources):
        from .grade import grade_notebook, load_references
        from .sandbox import Limits, parse_size
        assignment = resources.get("nbgrader", {}).get("assignment")
        references = load_references(self.source_notebooks(assignment))
        part1 = self._part1_cells(resources) if (assignment != "step_by_step" and not self.isolate) else None
        limits = Limits(memory=parse_size(self.memory_limit))
        return grade_notebook(nb, assignment, references, isolate=self.isolate, timeout=self.timeout,
                              limits=limits, lang=_notebook_lang(nb), part1_cells=part1)

    def start(self, nb, resources):
        """Grade in a thread (called by SandboxedExecute before the kernel run); returns a Future."""
        future = Future()
        snapshot = copy.deepcopy(nb)

        def run():
            try:
                future.set_result(self.grade(snapshot, resources))
            except BaseException as exc:  # noqa: BLE001 - raised in preprocess()
                future.set_exception(exc)
        threading.Thread(target=run, name="dnn_lab-grading", daemon=True).start()
        return future

    def preprocess(self, nb, resources):
        assignment = resources.get("nbgrader", {}).get("assignment")
        if not _is_ours(nb, assignment):
            return nb, resources
        future = resources.pop(GRADING_KEY, None)
        verdicts, level = future.result() if future is not None else self.grade(nb, resources)
        if level != "bwrap":
            self.log.warning("dnn_lab: bubblewrap is not available here: student code ran with process limits only "
                             "(isolation: process)")
            if self.require_bwrap:
                raise RuntimeError("dnn_lab: bubblewrap is required (c.DnnLabGrader.require_bwrap) but does not work")
        else:
            self.log.info("dnn_lab: graded in a sandbox (isolation: bwrap)")
        lang = _notebook_lang(nb)
        points = {}
        replaced = verdict_cells(nb, assignment)
        for index, cell in enumerate(nb.cells):
            gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            name = gid[:-len("_test")] if gid.endswith("_test") else None
            if index in replaced and name in verdicts:
                cell.outputs = verdict_outputs(verdicts[name], lang, level,
                                               {"timeout": self.timeout, "memory": self.memory_limit})
                points[name] = cell.metadata["nbgrader"].get("points")
        self.write_verdicts(verdicts, resources, lang=lang, level=level, points=points)
        return nb, resources

    def write_verdicts(self, verdicts, resources, *, lang, level, points):
        """The verdicts as data beside the autograded notebook, for ``dnn-lab report``."""
        from . import verdict_file
        info = resources.get("nbgrader", {})
        student, assignment, notebook = info.get("student"), info.get("assignment"), info.get("notebook")
        if not (student and assignment and notebook):
            return None
        coursedir = self._coursedir()
        directory = coursedir.format_path(coursedir.autograded_directory, student, assignment)
        record = verdict_file.build_record(student, assignment, notebook, verdicts, lang=lang, isolation=level,
                                           points=points)
        return verdict_file.write(directory, record)


_REASON_PARAMS = {"timeout": lambda limits: {"seconds": f"{limits['timeout']:g}"},
                  "memory": lambda limits: {"limit": limits["memory"]}}


def _headline(verdict, lang, limits):
    """One or two sentences: what happened to this exercise (the report below says why)."""
    fn, reason = verdict.exercise, verdict.reason
    if reason == "passed":
        return t("grading.passed", lang, fn=fn)
    if reason == "not_implemented":
        return t("grading.not_implemented", lang, fn=fn)
    if reason == "cell_error":
        errors = "; ".join(str(e[1]) for e in verdict.detail.get("errors", []))[:300]
        return t("grading.cell_error", lang, fn=fn, error=errors)
    if reason == "hidden":
        return t("grading.failed_hidden", lang, fn=fn)
    head = t("grading.failed_public", lang, fn=fn)
    if f"grading.reason.{reason}" in MESSAGES:
        params = _REASON_PARAMS.get(reason, lambda _: {})(limits)
        head += "\n" + t(f"grading.reason.{reason}", lang, **params)
    return head


def verdict_outputs(verdict, lang, level, limits=None):
    """The grade cell's outputs: headline, report and (when it fails) the diagram as one HTML/text
    display, plus an error output when it fails (nbgrader then scores the cell 0)."""
    import base64
    import html as _html

    from ..render.html import render_html
    from ..render.text import render_text
    limits = limits or {"timeout": 10.0, "memory": "2GiB"}
    headline = _headline(verdict, lang, limits)
    footer = t("grading.footer", lang, level=level)
    shown = verdict.report if verdict.reason != "hidden" else verdict.hidden
    reported = verdict.reason not in ("not_implemented", "cell_error")
    text_report = render_text(shown, lang=lang) if reported else ""
    html_report = render_html(shown, lang=lang) if reported else ""
    picture = ""
    if reported and not verdict.passed:
        try:
            from ..diagram import render_report
            png, _states = render_report(shown, lang=lang, fmt="png")
            # inside the HTML: the feedback shows text/html, and a separate image/png would be dropped
            picture = f"<img alt='' style='max-width:100%' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"
        except Exception:  # noqa: BLE001 - exercises without a diagram
            picture = ""
    text = "\n\n".join(p for p in (headline, text_report, footer) if p)
    html = (f"<div class='dnn-lab-verdict' data-exercise='{verdict.exercise}' data-reason='{verdict.reason}'>"
            f"<p><b>{_html.escape(headline).replace(chr(10), '<br>')}</b></p>{html_report}{picture}"
            f"<p style='font-size:smaller;color:#666'>{_html.escape(footer).replace(chr(10), '<br>')}</p></div>")
    outputs = [new_output("display_data", data={"text/plain": text, "text/html": html})]
    if not verdict.passed:
        outputs.append(new_output("error", ename="CheckFailed", evalue=headline.splitlines()[0],
                                  traceback=[headline]))
    return outputs


# ipykernel imports debugpy at start-up when it can (a third of the kernel's start, in CPU seconds); the
# feedback run never debugs, so the kernel is started with debugpy unimportable, otherwise as ``-m`` does.
_NO_DEBUGGER = ("import os, runpy, sys\n"
                "sys.modules['debugpy'] = None\n"
                "sys.path[0] = os.getcwd()\n"
                "runpy.run_module('ipykernel_launcher', run_name='__main__', alter_sys=True)\n")


def _without_debugger(cmd):
    """``python -m ipykernel_launcher ARGS`` → the same kernel without debugpy; other commands as given."""
    cmd = list(cmd)
    for i in range(len(cmd) - 1):
        if cmd[i] == "-m" and cmd[i + 1] == "ipykernel_launcher":
            return cmd[:i] + ["-c", _NO_DEBUGGER] + cmd[i + 2:]
    return cmd


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel launched inside the sandbox (:func:`dnn_lab.grading.sandbox.kernel_command`)."""

    sandbox_work = Unicode("")
    sandbox_at = Unicode("")
    sandbox_socket_dir = Unicode("")
    sandbox_home = Unicode("")
    sandbox_hide = List(Unicode())
    sandbox_readonly = List()
    sandbox_level = Unicode("")

    def format_kernel_cmd(self, extra_arguments=None):
        from .sandbox import LEVEL_BWRAP, kernel_command
        from . import warm_kernel
        cmd = super().format_kernel_cmd(extra_arguments)
        warm = getattr(self, "sandbox_warm", None)   # (template, this kernel's folder): fork a warm kernel
        arguments = warm_kernel.kernel_arguments(cmd) if warm else None
        if arguments is not None and warm[0].alive():
            self.sandbox_level = LEVEL_BWRAP
            return warm[0].command(arguments, own=warm[1], work=self.sandbox_work, at=self.sandbox_at,
                                   readonly=self.sandbox_readonly)
        cmd = _without_debugger(cmd)
        wrapped, level = kernel_command(cmd, work=self.sandbox_work, at=self.sandbox_at,
                                        socket_dir=self.sandbox_socket_dir,
                                        hide=self.sandbox_hide, readonly=self.sandbox_readonly)
        self.sandbox_level = level
        return wrapped

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        from .sandbox import kernel_environment
        kw["env"] = kernel_environment(kw.get("env") or os.environ, self.sandbox_home)
        return await super()._async_launch_kernel(kernel_cmd, **kw)


def _private_home(parent):
    home = Path(parent) / "home"
    (home / "mpl").mkdir(parents=True)
    try:  # matplotlib's font list, so that the kernel does not rebuild it (seconds)
        import matplotlib
        for f in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
            shutil.copy(f, home / "mpl" / f.name)
    except Exception:  # noqa: BLE001
        pass
    return home


def _private_places(config):
    """Besides the course: nbgrader's exchange (every student's submissions) and the grader's keys and
    Jupyter state, hidden from the feedback kernel."""
    places = [os.path.expanduser(p) for p in ("~/.ssh", "~/.jupyter", "~/.local/share/jupyter", "~/.gnupg")]
    exchange = config.get("Exchange", {}).get("root") if hasattr(config, "get") else None
    places.append(str(exchange or "/srv/nbgrader/exchange"))
    return [p for p in places if os.path.isdir(p)]


class SandboxedExecute(Execute):
    """nbgrader's Execute, made safe for feedback: grading starts first (in a thread), then the
    kernel runs the notebook with a per-cell limit; a hanging or killing cell costs one limit,
    the kernel restarts for the rest, and after two such cells the rest is not run."""

    def preprocess(self, nb, resources):
        assignment = resources.get("nbgrader", {}).get("assignment")
        if _is_ours(nb, assignment):
            from . import warm_sandbox
            warm_sandbox.template_for(())   # started here, in the main thread (the grading thread ends per student)
            grader = DnnLabGrader(config=self.config, parent=self.parent)
            resources[GRADING_KEY] = grader.start(nb, resources)
            self.timeout = int(max(1, round(grader.timeout)))
            self.interrupt_on_timeout = False
            return self._run_sandboxed(nb, resources)
        return super().preprocess(nb, resources)

    def _run_sandboxed(self, nb, resources):
        """Run the kernel on a scratch copy of the submission's folder, mounted where the folder is."""
        from nbgrader.coursedir import CourseDirectory
        from . import warm_kernel
        from .sandbox import Limits
        cwd = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        coursedir = CourseDirectory(config=self.config)
        root = str(Path(coursedir.root).resolve())
        hide = [root] + _private_places(self.config)
        # dnn-lab autograde's workers: a kernel forked from the worker's warm template (warm_kernel), for a
        # submission inside the course directory (its path is then re-created under a fresh cover)
        template = warm_kernel.template_for(tuple(hide), Limits()) if str(cwd).startswith(root + os.sep) else None
        own = template.folder() if template is not None else None
        if own is not None:
            scratch, sockets = own / "w", own / "s"
            scratch.mkdir()
            sockets.mkdir(mode=0o700)
        else:
            scratch = Path(tempfile.mkdtemp(prefix="dnn_lab-kernel-cwd-"))
            sockets = Path(tempfile.mkdtemp(prefix="dk-", dir="/tmp"))
        home = _private_home(sockets)
        try:
            shutil.copytree(cwd, scratch, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "__pycache__"))
            os.chmod(scratch, 0o755)
            readonly = []
            info = resources.get("nbgrader", {})
            if info.get("assignment") != "step_by_step" and info.get("student"):
                # Part 2 loads the student's own Part 1 from ../step_by_step: show their submission there.
                part1 = Path(coursedir.format_path(coursedir.submitted_directory, info["student"],
                                                   "step_by_step")).resolve()
                if own is not None and part1.is_dir():   # the template cannot see the course: a copy, read-only
                    shutil.copytree(part1, own / "p1", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
                    part1 = own / "p1"
                readonly.append((str(part1), str(cwd.parent / "step_by_step")))
            self.kernel_manager_class = SandboxedKernelManager
            self._sandbox = {"at": str(cwd), "sandbox_socket_dir": str(sockets), "readonly": readonly,
                             "sandbox_home": str(home), "sandbox_hide": hide,
                             "scratch": str(scratch), "warm": (template, own) if own is not None else None}
            return self._run_bounded(nb, resources)
        finally:
            for d in (scratch, sockets) if own is None else (own,):
                shutil.rmtree(d, ignore_errors=True)

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        settings = getattr(self, "_sandbox", None)
        if settings and isinstance(km, SandboxedKernelManager):
            km.transport = "ipc"
            km.ip = str(Path(settings["sandbox_socket_dir"]) / "k")
            km.connection_file = str(Path(settings["sandbox_socket_dir"]) / "kernel.json")
            # The kernel's folder is a scratch copy mounted at the submission's path.
            km.sandbox_work = settings["scratch"]
            km.sandbox_at = settings["at"]
            km.sandbox_socket_dir = settings["sandbox_socket_dir"]
            km.sandbox_home = settings["sandbox_home"]
            km.sandbox_hide = settings["sandbox_hide"]
            km.sandbox_readonly = settings["readonly"]
            km.sandbox_warm = settings.get("warm")
        return km

    def _run_bounded(self, nb, resources):
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from nbclient.client import NotebookClient
        NotebookClient.__init__(self, nb, None)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        lang = _notebook_lang(nb)
        index, failures = 0, 0
        cells = self.nb.cells
        # The grade cells' outputs are replaced by DnnLabGrader's verdicts: running their Check in the
        # kernel (a widget, the checks, a report rendered) would be thrown away, so they are not run.
        replaced = verdict_cells(self.nb, resources.get("nbgrader", {}).get("assignment"))
        while index < len(cells) and failures < MAX_KERNEL_FAILURES:
            running = None
            try:
                with self.setup_kernel():
                    info_msg = self.wait_for_reply(self.kc.kernel_info())
                    self.nb.metadata["language_info"] = info_msg["content"]["language_info"]
                    if index:
                        self._replay(index)
                    while index < len(cells):
                        running = index
                        if index in replaced:
                            cells[index].outputs = []
                            cells[index].execution_count = None
                        else:
                            self.preprocess_cell(cells[index], resources, index)
                        index += 1
                    running = None
            except (CellTimeoutError, DeadKernelError, TimeoutError, RuntimeError) as exc:
                failures += 1
                self.log.warning("dnn_lab: kernel run: %s (%s)", type(exc).__name__, str(exc)[:200])
                if running is not None and running == index:
                    died = isinstance(exc, DeadKernelError) or "died" in str(exc).lower()
                    message = (t("grading.kernel_died", lang) if died
                               else t("grading.kernel_timeout", lang, seconds=f"{self.timeout:g}"))
                    cells[index].outputs = list(cells[index].get("outputs", [])) + [
                        new_output("stream", name="stdout", text=message + "\n")]
                    index += 1
                self.km = None
                self.kc = None
        for offset, cell in enumerate(cells[index:], start=index):
            if cell.cell_type == "code" and offset not in replaced:
                cell.outputs = [new_output("stream", name="stdout", text=t("grading.kernel_skipped", lang) + "\n")]
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _replay(self, upto):
        """After a restart, give the new kernel the setup and the student's definitions (quietly)."""
        for i, cell in enumerate(self.nb.cells[:upto]):
            if cell.cell_type != "code":
                continue
            role = cell.metadata.get("dnn_lab", {}).get("role")
            if role == "setup" or cell.metadata.get("nbgrader", {}).get("solution"):
                self.execute_cell(copy.deepcopy(cell), i, store_history=False)


class HideHiddenTests(NbGraderPreprocessor):
    """Feedback shows the check reports, never the hidden cases: their region is removed."""

    # generate_feedback configures this on every preprocessor of its list (as nbgrader's GetGrades has it)
    display_data_priority = List(["text/html", "application/pdf", "text/latex", "image/svg+xml", "image/png",
                                  "image/jpeg", "text/plain"], help="Unused; accepted like GetGrades does."
                                 ).tag(config=True)

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if cell.cell_type == "code" and "### BEGIN HIDDEN TESTS" in cell.source:
                cell.source = _HIDDEN.sub("\n", cell.source).rstrip("\n")
        return nb, resources
