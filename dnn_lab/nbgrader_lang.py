"""Language selection for generated student notebooks (an nbgrader preprocessor).

The source notebooks keep every text twice: markdown cells tagged
``metadata.dnn_lab.lang`` = "zh" or "en" (in that order), and docstring/comment
lines prefixed ``zh:`` / ``en:``.  For ``lang`` = "zh" or "en" this keeps one
language and drops the prefixes; "both" keeps both (Chinese first).  The setup
cell's ``dnn_lab.set_language(...)`` is rewritten so that the checks speak the
same language.  Configure it in ``nbgrader_config.py``::

    c.LanguagePreprocessor.lang = "zh"
"""
import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Enum

LANG_LINE = re.compile(r"^(\s*(?:#\s*)?)(zh|en):\s?(.*)$")
SET_LANGUAGE = re.compile(r"""set_language\(\s*["'](zh|en|both)["']\s*\)""")


def select_code(source, lang):
    """Keep the ``zh:``/``en:`` lines of ``lang`` (all for 'both'), prefix removed."""
    out = []
    for line in source.splitlines():
        m = LANG_LINE.match(line)
        if m:
            indent, line_lang, text = m.groups()
            if lang != "both" and line_lang != lang:
                continue
            line = indent + text if lang != "both" else line
        out.append(line)
    text = "\n".join(out)
    return SET_LANGUAGE.sub(f'set_language("{lang}")', text)


def select_language(nb, lang):
    """Return ``nb`` with only ``lang``'s prose (in place, also returned)."""
    if lang not in ("zh", "en", "both"):
        raise ValueError(f"lang must be zh, en or both, not {lang!r}")
    cells = []
    for cell in nb.cells:
        cell_lang = cell.get("metadata", {}).get("dnn_lab", {}).get("lang")
        if cell.cell_type == "markdown" and cell_lang and lang != "both" and cell_lang != lang:
            continue
        if cell.cell_type == "code":
            cell.source = select_code(cell.source, lang)
        cells.append(cell)
    nb.cells = cells
    nb.metadata.setdefault("dnn_lab", {})["lang"] = lang
    return nb


class LanguagePreprocessor(Preprocessor):
    """Keeps the chosen language of a bilingual dnn_lab notebook."""

    lang = Enum(["zh", "en", "both"], default_value="both",
                help="Language of the generated student notebook: zh, en or both.").tag(config=True)
    enabled = True

    def preprocess(self, nb, resources):
        return select_language(nb, self.lang), resources
