"""Is each generated student version single-language end to end?

The bundled student notebooks (real ``nbgrader generate_assignment`` output) are
scanned cell by cell: markdown, docstrings, comments and string literals.  Their
figures are checked from our own graph data (the labels each figure draws),
not by OCR, and against the files shipped with that version.

- en: no CJK character anywhere;
- zh: no English prose (three or more English words in a row) outside inline
  code, formulas, code blocks (expected outputs) and code identifiers;
- both: zh first — markdown pairs and every run of ``zh:``/``en:`` lines.
"""
import io
import re
import tokenize
from pathlib import Path

import nbformat
import pytest

from dnn_lab.checks import ASSIGNMENTS
from dnn_lab.diagram.figures import FIGURES, figure_texts, set_dir
from dnn_lab.nbgrader_lang import CHECK_COMMENT, LANG_LINE, select_language
from dnn_lab.notebooks import student_notebook, supporting_files
from nbutil import SOLUTION_REGION, SOURCE, source_notebook

CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")
# three or more English words in a row: the first may be capitalised, the others lower case
PROSE = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,;'’-]+[a-z]+){2,}\b")
# markup that is not prose: fenced blocks, inline code, formulas, link targets, HTML tags
NOT_PROSE = [re.compile(p, re.S) for p in (r"```.*?```", r"`[^`\n]*`", r"\$\$.*?\$\$", r"\$[^$\n]*\$",
                                            r"\]\([^)]*\)", r"<[^>]+>")]
# nbgrader's stub is part of the contract (SPEC §5), identical in every language
STUB_LINES = ("# YOUR CODE STARTS HERE", "# YOUR CODE ENDS HERE")
IMAGE = re.compile(r"!\[[^\]]*\]\((images/[^)]+)\)")

VERSIONS = [(a, lang) for a in sorted(ASSIGNMENTS) for lang in ("zh", "en", "both")]


def prose_of_markdown(text):
    for pattern in NOT_PROSE:
        text = pattern.sub(" ", text)
    return text


def texts_of_code(source):
    """Comments and string literals of a code cell (docstrings, print labels), without nbgrader's stub."""
    out = []
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    for tok in tokens:
        if tok.type == tokenize.COMMENT and tok.string.strip() not in STUB_LINES:
            out.append(tok.string)
        elif tok.type == tokenize.STRING:
            out.append(tok.string)
    return out


def english_prose(text):
    return PROSE.findall(text)


def load(assignment, lang):
    return nbformat.reads(student_notebook(assignment, lang).read_text(encoding="utf-8"), as_version=4)


def texts(nb):
    """(where, text) of every piece of prose a student sees in the notebook file."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            yield f"cell {i} (markdown)", cell.source
        else:
            for text in texts_of_code(cell.source):
                yield f"cell {i} (code)", text


def figures_of(nb):
    names = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            names.update(Path(p).stem for p in IMAGE.findall(cell.source))
    return sorted(names)


@pytest.mark.parametrize("assignment,lang", VERSIONS)
def test_generated_version_speaks_one_language(assignment, lang):
    """Does the bundled zh / en version hold no prose of the other language (markdown, docstrings,
    comments, printed labels, check-cell comments), and the both version both?"""
    nb = load(assignment, lang)
    assert nb.metadata["dnn_lab"]["lang"] == lang
    found = list(texts(nb))
    assert len(found) > 40
    if lang == "en":
        bad = [(where, text[:80]) for where, text in found if CJK.search(text)]
    elif lang == "zh":
        bad = [(where, english_prose(prose_of_markdown(text) if "markdown" in where else text))
               for where, text in found]
        bad = [b for b in bad if b[1]]
    else:
        bad = []
        assert any(CJK.search(text) for _, text in found) and any(english_prose(t) for _, t in found)
    assert bad == []


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_both_version_puts_chinese_first(assignment):
    """In the both version, does every zh/en pair come Chinese first: markdown pairs and each run of prefixed lines?"""
    nb = load(assignment, "both")
    langs = [c.metadata["dnn_lab"]["lang"] for c in nb.cells if c.cell_type == "markdown"]
    assert langs == ["zh", "en"] * (len(langs) // 2)
    runs = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        run = []
        for line in cell.source.splitlines() + [""]:
            m = LANG_LINE.match(line)
            if m:
                run.append(m.group(2))
                continue
            if run:
                assert run == sorted(run, key=["zh", "en"].index) and set(run) == {"zh", "en"}, cell.source
                runs += 1
            run = []
    assert runs >= 4


@pytest.mark.parametrize("assignment,lang", VERSIONS)
def test_check_cells_comment_in_the_chosen_language(assignment, lang):
    """Does every check cell start with check("<name>") and the check comment of that language?"""
    nb = load(assignment, lang)
    checks = [c for c in nb.cells if c.metadata.get("dnn_lab", {}).get("role") == "check"]
    assert len(checks) == len(ASSIGNMENTS[assignment])
    for cell, name in zip(checks, ASSIGNMENTS[assignment]):
        assert cell.source.splitlines()[0] == f'check("{name}")  {CHECK_COMMENT[lang]}'


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_figures_of_each_version_are_drawn_in_its_language(lang):
    """Are the figures shipped with the step_by_step version exactly that language's set, and does
    every label they draw (from the graph data) pass the same language scan?"""
    nb = load("step_by_step", lang)
    names = figures_of(nb)
    assert names == sorted(FIGURES)
    # each figure is shown once, also in both (its figures are bilingual: the zh cell shows them)
    refs = [p for c in nb.cells if c.cell_type == "markdown" for p in IMAGE.findall(c.source)]
    assert len(refs) == len(FIGURES), refs
    shipped = {rel: src for rel, src in supporting_files("step_by_step", lang)}
    source_set = set_dir(SOURCE / "step_by_step" / "images", lang)
    for name in names:
        assert shipped[f"images/{name}.png"].read_bytes() == (source_set / f"{name}.png").read_bytes(), name
        labels = figure_texts(name, lang)
        assert labels
        if lang == "en":
            assert [t for t in labels if CJK.search(t)] == [], name
        elif lang == "zh":
            assert [t for t in labels if english_prose(t)] == [], name
            assert any(CJK.search(t) for t in labels), name
    # the three sets differ: a single-language version never ships the other language's figures
    sets = {other: (set_dir(SOURCE / "step_by_step" / "images", other) / "outline.png").read_bytes()
            for other in ("zh", "en", "both")}
    assert len(set(sets.values())) == 3


def test_the_scan_can_fail():
    """Would the scan catch a Chinese comment in en, an English sentence in zh, and a stray prefix order?"""
    assert CJK.search("# 层数")
    assert english_prose(prose_of_markdown("梯度 `np.sum` 是 the number of layers。"))
    assert not english_prose(prose_of_markdown("随机初始化打破了这种对称性（symmetry breaking），见 `np.random.randn(n_h, n_x)`。"))
    assert english_prose("\n".join(texts_of_code('x = 1  # number of layers\n')))
    assert not english_prose("\n".join(texts_of_code("# YOUR CODE STARTS HERE\nraise NotImplementedError()\n")))
    nb = source_notebook("step_by_step")
    zh = select_language(nb, "zh")
    zh.cells[0].source += "\n\nThis sentence is English."
    assert english_prose(prose_of_markdown(zh.cells[0].source))


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_instructions_quote_no_solution_line(assignment):
    """Do the instructions describe each step without quoting a line of the solution?"""
    nb = source_notebook(assignment)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    quoted = [line.strip() for c in nb.cells for region in SOLUTION_REGION.findall(c.source)
              for line in region.splitlines() if len(line.strip()) > 12 and line.strip() in prose]
    assert quoted == []


@pytest.mark.browser
@pytest.mark.slow
def test_dnn_lab_lab_zh_shows_jupyterlab_in_chinese(tmp_path):
    """With `dnn-lab lab --lang zh`, are JupyterLab's own menus Chinese (zh-CN language pack),
    the notebook the zh version, and every line the command prints Chinese?"""
    from browser_util import ARTIFACTS, chromium_page, dnn_lab_lab, require_chromium, screenshot
    require_chromium()
    workspace = tmp_path / "ws"
    log = tmp_path / "lab.log"
    with dnn_lab_lab(workspace, log, lang="zh") as (base, token), chromium_page("en-US") as page:
        page.goto(f"{base}lab/tree/step_by_step.ipynb?token={token}")
        page.locator(".jp-Notebook .jp-MarkdownCell").first.wait_for(timeout=90_000)
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert {"文件", "编辑", "内核", "帮助"} <= set(menus), menus
        page.locator(".lm-MenuBar-itemLabel", has_text="内核").first.click()
        # the item as this JupyterLab shows it in zh_CN, and as the zh notebook names it (rule 6)
        item = "重启内核 和 运行所有单元格"
        page.locator(".lm-Menu-itemLabel", has_text=item).first.wait_for()
        rule = [c.source for c in load("step_by_step", "zh").cells if "内核 →" in c.source]
        assert rule and all(f"内核 → {item}…" in s for s in rule), rule
        screenshot(page, "zh-lab-kernel-menu.png")
        title = page.locator(".jp-Notebook .jp-MarkdownCell").first.inner_text()
        assert CJK.search(title) and not english_prose(title)
    printed = [line for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("dnn-lab: ")]
    assert len(printed) >= 5 and all(CJK.search(line) for line in printed), printed
    assert (ARTIFACTS / "zh-lab-kernel-menu.png").is_file()


# ---- what the Check says in the zh form: no English label a student reads ---------------------------
# Step and case ids and English words the renderers once showed ("在步骤 layer2（用例 reference）",
# "[步骤: inputs]", "shape (3, 5)", "- layer 1：…"); code (`…`, identifiers with _ or (), keys) is allowed.
ENGLISH_LABEL = re.compile(r"(?<![\w.'\"\[])(?:layer ?\d+|inputs|keys|init|forward|backward|update|result|threshold"
                           r"|accuracy|activation|linear|step|case|cases|shape|expected|got|reference|wide|square"
                           r"|tall_hidden|one_example|hidden\d+|layers?|iteration|initial)(?![\w(\['\"])")


def zh_visible(text):
    """What a reader of the zh form reads as prose: without `code`, HTML tags and data attributes."""
    text = re.sub(r"<[^>]+>", " | ", text)  # cells and lines stay apart
    text = re.sub(r"`[^`\n]*`", " | ", text)
    # Python's own error message after its type (IndexError: list index out of range) is quoted output
    return re.sub(r"\b\w*(?:Error|Exception|Warning): [^\n|。（）]*", " | ", text)


def english_labels(text):
    return ENGLISH_LABEL.findall(zh_visible(text)) + english_prose(zh_visible(text))


def _wrong_variants():
    import test_checks_wrong as wrong
    return [(row[0], row[1]) for row in wrong.WRONG] + list(wrong.SHAPE_ONLY)


def test_zh_check_reports_show_no_english_labels(as_student):
    """Rendered in zh (text, HTML, diagram notes), does every wrong variant's report name its steps
    and cases in Chinese (第 2 层, 输入, 用例 1, 形状), with the ids only in data- attributes?"""
    from dnn_lab.checks import run_checks
    from dnn_lab.diagram import report_notes
    from dnn_lab.render.html import render_html
    from dnn_lab.render.text import render_text
    variants = _wrong_variants()
    assert len(variants) >= 50
    bad, steps = [], set()
    for exercise, fn in variants:
        report = run_checks(exercise, as_student(fn), lang="zh", timeout=5)
        assert not report.passed, fn.__name__
        steps.add(report.failed_step)
        page = render_html(report, "zh")
        shown = [render_text(report, "zh"), page, *report_notes(report, "zh").values()]
        found = [label for text in shown for label in english_labels(text)]
        if found:
            bad.append((fn.__name__, sorted(set(found))))
        assert f'data-failed-step="{report.failed_step}"' in page  # the id stays data
    assert bad == [], "\n".join(map(str, bad))
    assert {"layer2", "inputs", "keys"} & steps  # the variants reach steps whose ids are words


def test_the_zh_label_scan_can_fail():
    """Would the scan catch the labels the review found in the zh form, and leave code alone?"""
    for shown in ("✗ linear_backward：在步骤 layer2（用例 reference）失败。", "  ✗ reference  AL(1,2)  [步骤: inputs]",
                  "期望：shape (3, 5)：[…]", "- layer 1：应当使用 relu_backward", "出现在：init；3 个用例（reference, wide）"):
        assert english_labels(shown), shown
    for shown in ("✗ `linear_backward`：在步骤“第 2 层”失败（用例 1）。", "期望：形状 (3, 5)：[…]",
                  "用 grads[\"dA\" + str(l + 1)] 和 caches[l]", "第 1 层：应当使用 relu_backward",
                  "AL(1,3)，layer_dims [4, 3, 2, 1]", "<tr data-case=\"reference\" data-step=\"inputs\">"):
        assert not english_labels(shown), (shown, english_labels(shown))


def test_both_version_shows_the_training_lines_it_prints():
    """Do the both version's expected training outputs show the bilingual lines that version prints
    (迭代 / iteration 0: 代价 / cost …), while zh and en show their own (迭代 0：代价 …, iteration 0: cost …)?"""
    from dnn_lab.app.training_progress import TrainingProgress
    blocks = {}
    for lang in ("zh", "en", "both"):
        nb = load("application", lang)
        blocks[lang] = [re.search(r"```\n(.*?)```", c.source, re.S).group(1) for c in nb.cells
                        if c.metadata.get("dnn_lab", {}).get("section") == "train_two_layer.expected"]
    printed = {lang: TrainingProgress(2500, show=False, lang=lang).line(0, 0.692234) for lang in ("zh", "en", "both")}
    assert printed["zh"] == "迭代    0：代价 0.692234" and printed["en"] == "iteration    0: cost 0.692234"
    for lang in ("zh", "en", "both"):
        assert blocks[lang] and all(b.splitlines()[0] == printed[lang] for b in blocks[lang]), (lang, blocks[lang])
    assert len(blocks["both"]) == 2  # the zh and the en cell of the pair
