"""Language selection for generated student notebooks (an nbgrader preprocessor).

The source notebooks keep every text twice: markdown cells tagged
``metadata.dnn_lab.lang`` = "zh" or "en" (in that order), and docstring/comment
lines prefixed ``zh:`` / ``en:`` (in each run of prefixed lines the Chinese
lines come first).  For ``lang`` = "zh" or "en" this keeps one language and
drops the prefixes; "both" keeps both, prefixes included (Chinese first).

Two lines are rewritten rather than selected:

- the setup cell's ``dnn_lab.set_language(...)``, so that the checks speak the
  notebook's language;
- the comment after ``check("<name>")`` on the first line of a check cell
  (``metadata.dnn_lab.role == "check"``), which becomes :data:`CHECK_COMMENT`
  in the chosen language.  Nothing else of a check cell is touched (its hidden
  region is data the grader parses).

Configure it in ``nbgrader_config.py``::

    c.LanguagePreprocessor.lang = "zh"
"""
import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Enum

LANGS = ("zh", "en", "both")
LANG_LINE = re.compile(r"^(\s*(?:#\s*)?)(zh|en):\s?(.*)$")
SET_LANGUAGE = re.compile(r"""set_language\(\s*["'](zh|en|both)["']\s*\)""")
CHECK_CALL = re.compile(r"""^(check\(\s*["'][A-Za-z_][A-Za-z0-9_]*["']\s*\))[ \t]*(#[^\n]*)?$""")

# The comment on a check cell's first line, per language.
CHECK_COMMENT = {
    "zh": "# 每次修改函数并重新运行它的单元格后，再点一次“检查”",
    "en": "# after every change, re-run the function's cell and click Check again",
    "both": "# 每次修改函数并重新运行它的单元格后，再点一次“检查” / re-run the function's cell and click Check again",
}


def select_code(source, lang):
    """Keep the ``zh:``/``en:`` lines of ``lang`` (all for 'both'), prefix removed."""
    out = []
    for line in source.splitlines():
        m = LANG_LINE.match(line)
        if m:
            indent, line_lang, text = m.groups()
            if lang != "both" and line_lang != lang:
                continue
            line = (indent + text).rstrip() if lang != "both" else line
        out.append(line)
    text = "\n".join(out)
    return SET_LANGUAGE.sub(f'set_language("{lang}")', text)


def check_comment(source, lang):
    """``source`` of a check cell with its first line's comment in ``lang``."""
    first, sep, rest = source.partition("\n")
    m = CHECK_CALL.match(first)
    if not m:
        return source
    return f"{m.group(1)}  {CHECK_COMMENT[lang]}{sep}{rest}"


# An expected output whose printed lines differ per language (迭代 0：代价 … / iteration 0: cost …)
# keeps, in the zh cell's metadata.dnn_lab.both_block, what the both version prints; the both
# version shows that block in the section's zh and en cells.
FENCED = re.compile(r"```\n.*?```", re.S)
IMAGE_LINE = re.compile(r"^!\[[^\]]*\]\(images/[^)]+\)[ \t]*$", re.M)


def drop_repeated_figures(source, shown):
    """``source`` without the figure lines already in ``shown`` (the bilingual figure is shown once)."""
    text = IMAGE_LINE.sub(lambda m: "" if m.group().strip() in shown else m.group(), source)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def select_language(nb, lang):
    """Return ``nb`` with only ``lang``'s prose (in place, also returned).  In 'both', a figure
    the Chinese cell of a section shows is not repeated in its English cell (the figure is bilingual)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be zh, en or both, not {lang!r}")
    cells = []
    zh_figures = {}
    both_blocks = {}  # section -> the expected output the both version really prints
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("dnn_lab", {})
        cell_lang = meta.get("lang")
        if cell.cell_type == "markdown" and cell_lang and lang != "both" and cell_lang != lang:
            continue
        if cell.cell_type == "markdown" and lang == "both" and cell_lang == "zh":
            zh_figures[meta.get("section")] = {m.group().strip() for m in IMAGE_LINE.finditer(cell.source)}
        elif cell.cell_type == "markdown" and lang == "both" and cell_lang == "en":
            cell.source = drop_repeated_figures(cell.source, zh_figures.get(meta.get("section"), set()))
        if cell.cell_type == "markdown" and lang == "both" and (meta.get("both_block") or meta.get("section") in both_blocks):
            block = both_blocks.setdefault(meta.get("section"), meta.get("both_block"))
            cell.source = FENCED.sub(lambda m: f"```\n{block.rstrip()}\n```", cell.source, count=1)
        if cell.cell_type == "code":
            if meta.get("role") == "check":
                cell.source = check_comment(cell.source, lang)
            else:
                cell.source = select_code(cell.source, lang)
        cells.append(cell)
    nb.cells = cells
    nb.metadata.setdefault("dnn_lab", {})["lang"] = lang
    return nb


class LanguagePreprocessor(Preprocessor):
    """Keeps the chosen language of a bilingual dnn_lab notebook."""

    lang = Enum(list(LANGS), default_value="both",
                help="Language of the generated student notebook: zh, en or both.").tag(config=True)
    enabled = True

    def preprocess(self, nb, resources):
        return select_language(nb, self.lang), resources
