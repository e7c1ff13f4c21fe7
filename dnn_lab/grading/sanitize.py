"""What a student wrote or printed never runs in the instructor's (or anyone's) browser.

``ActiveContent`` is nbconvert's :class:`~nbconvert.preprocessors.SanitizeHTML` (bleach, its CSS
sanitizer) with a list of tags and attributes that keeps what notebooks and our verdicts use
(tables, details, inline styles, ``data-`` attributes, PNG/JPEG images as ``data:`` URLs) and made
to fit notebooks:

- a markdown cell is rendered the way nbconvert renders it; when the result holds anything outside
  the list (``<script>``, ``<svg onload>``, ``<img onerror>``, ``javascript:`` links, ``<iframe>``,
  forms, …) the cell is replaced by the cleaned HTML (one line, so markdown leaves it alone); other
  markdown cells stay as they are (their math and code blocks intact);
- outputs: HTML is always cleaned, markdown is rendered then cleaned, JavaScript and widget views are
  dropped, an SVG with scripts or event handlers is dropped, images must be base64 (nbconvert puts
  them in an attribute), output metadata keeps numeric sizes only; the notebook's widget state
  (rendered by a widget manager from a CDN) is dropped, without a note (honest notebooks have it);
  raw HTML cells are cleaned; cell tags are kept only when they are plain words; MathJax's ``\\href``
  is allowed only to http(s);
- when anything active was removed, a note (``feedback.active_removed``) opens the notebook.

It runs in ``c.Autograde.autograde_preprocessors`` right after the kernel run (so the autograded
notebook that formgrader shows is already clean, and our verdicts, written after it, are ours) and
again in ``c.GenerateFeedback.preprocessors`` and ``c.HTMLExporter.preprocessors`` (every HTML page).

``ForeignGradeCells`` (in ``c.Autograde.sanitize_preprocessors``, before nbgrader's ``OverwriteCells``)
turns cells whose nbgrader metadata names a cell this notebook does not have in the gradebook into
ordinary cells, so nbgrader grades the rest instead of refusing the notebook, and says so.
"""
import re

from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbgrader.preprocessors import NbGraderPreprocessor
from nbformat.v4 import new_markdown_cell
from traitlets import Any, Integer, List, Unicode

from ..messages import t

TAGS = ["a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br",
        "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt",
        "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
        "img", "ins", "kbd", "li", "main", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp",
        "section", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr"]
STYLES = ["color", "background-color", "font-size", "font-weight", "font-style", "font-family", "text-align",
          "text-decoration", "vertical-align", "white-space", "line-height", "max-width", "min-width", "width",
          "height", "margin", "margin-top", "margin-bottom", "margin-left", "margin-right", "padding",
          "padding-top", "padding-bottom", "padding-left", "padding-right", "border", "border-top",
          "border-bottom", "border-left", "border-right", "border-collapse", "border-color", "border-width",
          "border-style", "border-radius", "opacity", "display", "list-style-type", "overflow-x", "cursor"]
GLOBAL_ATTRS = {"class", "title", "lang", "dir", "align", "style"}
TAG_ATTRS = {"a": {"href"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan", "valign"},
             "th": {"colspan", "rowspan", "valign", "scope"}, "ol": {"start", "type"}, "col": {"span"},
             "colgroup": {"span"}, "details": {"open"}, "font": {"color", "size"}, "time": {"datetime"}}
# a relative path inside the notebook's folder (the course's own figures, ``images/x.png``): no scheme, no
# leading slash, no "..", so it cannot point at the instructor's server pages (``/hub/logout``)
RELATIVE = r"(?!\.\.?/)(?![^/?#]*:)[A-Za-z0-9_][A-Za-z0-9_./%+-]*(?:#[\w.-]*)?"
SAFE_HREF = re.compile(rf"^\s*(https?:|mailto:|#|{RELATIVE}$)", re.I)
SAFE_SRC = re.compile(rf"^\s*(data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*|attachment:[\w.-]+|{RELATIVE})$",
                      re.I)
BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")
DANGEROUS_SVG = re.compile(r"<\s*script|\bon[a-z]+\s*=|javascript:|<\s*foreignObject|href\s*=", re.I)
HREF = re.compile(r"\\href\s*\{([^{}]*)\}")
INERT_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
TAG_WORD = re.compile(r"^[\w.-]{1,64}$")
IMAGE_KEYS = ("image/png", "image/jpeg", "image/gif")
NOTICE = "notice"


def _harmless_or_active(tag, name, value):
    """Attributes whose removal does not count as "active content removed" are dropped here too."""
    return name not in ("id", "name") and not name.startswith("aria-")


def _allowed_attribute(tag, name, value):
    if name.startswith("data-") and re.match(r"^data-[a-z0-9-]+$", name):
        return True
    if name in GLOBAL_ATTRS or name in TAG_ATTRS.get(tag, ()):
        if name in ("href", "src") and "/../" in f"/{value.strip()}/":
            return False
        if name == "href":
            return bool(SAFE_HREF.match(value))
        if name == "src":
            return bool(SAFE_SRC.match(value))
        return True
    return False


def _notebook_lang(nb):
    from .nbgrader import _notebook_lang as lang
    return lang(nb)


def _notice(nb, message_id, **params):
    """Put (or add to) the note that opens the notebook."""
    text = t(message_id, _notebook_lang(nb), **params).replace("\n", "  \n")
    first = nb.cells[0] if nb.cells else None
    if (first is not None and first.cell_type == "markdown"
            and first.metadata.get("dnn_lab", {}).get("role") == NOTICE and text not in first.source):
        first.source += "\n\n" + text
    elif first is None or text not in first.source:
        cell = new_markdown_cell(text)
        cell.metadata["dnn_lab"] = {"role": NOTICE}
        nb.cells.insert(0, cell)


class ActiveContent(SanitizeHTML):
    """nbconvert's SanitizeHTML, for notebooks a student wrote: see the module docstring."""

    tags = List(Unicode(), default_value=TAGS, help="HTML tags kept").tag(config=True)
    styles = List(Unicode(), default_value=STYLES, help="CSS properties kept in style attributes").tag(config=True)
    attributes = Any(default_value=_allowed_attribute, help="Attributes kept (a bleach callable)").tag(config=True)
    max_html_chars = Integer(1_000_000, help="Longer HTML (an output, a markdown cell) is not parsed: an output "
                             "keeps its text/plain only, a cell is shown as text (bounded time per notebook)"
                             ).tag(config=True)
    # display_data_priority is set on every preprocessor of GenerateFeedback's list: accept it
    display_data_priority = List([], help="Unused (accepted like nbgrader's preprocessors do)").tag(config=True)

    def preprocess(self, nb, resources):
        self.removed = 0
        # widget state (rendered by a widget manager loaded from a CDN: an HTML widget is raw HTML) goes; honest
        # notebooks have it too (Part 2's progress bars), so it is not counted as active content
        nb.metadata.pop("widgets", None)
        for key in ("title", "authors"):
            nb.metadata.pop(key, None)
        for index, cell in enumerate(nb.cells):
            self.preprocess_cell(cell, resources, index)
        if self.removed:
            self.log.warning("dnn_lab: active content removed from the notebook (%d places)", self.removed)
            _notice(nb, "feedback.active_removed", count=self.removed)
        return nb, resources

    # -- pieces ---------------------------------------------------------------------------
    def clean(self, html):
        """(cleaned HTML, whether anything outside the lists was there)."""
        import bleach
        from bleach.css_sanitizer import CSSSanitizer
        kwargs = {"tags": self.tags, "attributes": self.attributes, "strip_comments": True,
                  "protocols": ["http", "https", "mailto", "data", "attachment"],
                  "css_sanitizer": CSSSanitizer(allowed_css_properties=self.styles)}
        blocks = any(m.group(1).lower() == "script" for m in INERT_BLOCKS.finditer(html))  # a <style> is not active
        html = INERT_BLOCKS.sub("", html)  # their text would otherwise stay as text (bleach strips the tags only)
        stripped = bleach.clean(html, strip=True, **kwargs)
        escaped = bleach.clean(html, strip=False, **kwargs)
        loose = bleach.clean(html, strip=True, **{**kwargs, "attributes": _harmless_or_active,
                                                  "protocols": list(bleach.sanitizer.ALLOWED_PROTOCOLS) + ["data",
                                                  "javascript", "vbscript"]})
        return stripped, (blocks or stripped != escaped or stripped != loose)

    def _href(self, text):
        def repl(match):
            if SAFE_HREF.match(match.group(1)) and not match.group(1).lstrip().startswith("#"):
                return match.group(0)
            self.removed += 1
            return ""
        return HREF.sub(repl, text)

    def preprocess_cell(self, cell, resources, cell_index):
        tags = cell.metadata.get("tags")
        if tags is not None:
            cell.metadata["tags"] = [tag for tag in tags if isinstance(tag, str) and TAG_WORD.match(tag)]
        for name, data in list(cell.get("attachments", {}).items()):
            if not all(isinstance(v, str) and k in IMAGE_KEYS and BASE64.match(v) for k, v in data.items()):
                del cell.attachments[name]
                self.removed += 1
        if cell.cell_type == "markdown":
            cell.source = self._markdown_cell(self._href(cell.source))
        elif cell.cell_type == "raw":
            fmt = (cell.metadata.get("format") or cell.metadata.get("raw_mimetype") or "").lower()
            if "html" in fmt or not fmt:
                cleaned, active = self.clean(cell.source)
                if active:
                    self.removed += 1
                    cell.source = cleaned
        elif cell.cell_type == "code":
            cell.outputs = [self._output(o) for o in cell.get("outputs", [])]
        return cell, resources

    def _markdown_cell(self, source):
        from nbconvert.filters.markdown import markdown2html
        if len(source) > self.max_html_chars:
            return "```\n" + source.replace("```", "'''")[:self.max_html_chars] + "\n```"
        try:
            rendered = markdown2html(source)
        except Exception:  # noqa: BLE001 - whatever mistune cannot render is shown as text
            self.removed += 1
            return "```\n" + source.replace("```", "'''") + "\n```"
        cleaned, active = self.clean(rendered)
        if not active:
            return source
        self.removed += 1
        return "<div class='dnn-lab-cleaned'>" + cleaned.replace("\n", "&#10;") + "</div>"

    def _output(self, output):
        if output.get("output_type") not in ("display_data", "execute_result"):
            return output
        data, kept = output.get("data", {}), {}
        for key, value in data.items():
            if key in ("text/plain", "application/json"):
                kept[key] = value
            elif key in IMAGE_KEYS:
                if isinstance(value, str) and BASE64.match(value):
                    kept[key] = value
                else:
                    self.removed += 1
            elif key == "text/latex":
                kept[key] = self._href(value) if isinstance(value, str) else ""
            elif key in ("text/html", "text/markdown") and len(value) > self.max_html_chars:
                continue  # too long to clean in bounded time: its text/plain (if any) stays
            elif key == "text/html":
                cleaned, active = self.clean(value if isinstance(value, str) else "".join(value))
                self.removed += active
                kept[key] = cleaned
            elif key == "text/markdown":
                from nbconvert.filters.markdown import markdown2html
                cleaned, active = self.clean(markdown2html(self._href(value)))
                self.removed += active
                kept.setdefault("text/html", cleaned)
            elif key == "image/svg+xml":
                if isinstance(value, str) and not DANGEROUS_SVG.search(value):
                    kept[key] = value
                else:
                    self.removed += 1
            elif "javascript" in key or "ecmascript" in key:
                self.removed += 1
            # anything else (widget views, custom renderers) is dropped: static HTML cannot show it
        output["data"] = kept
        metadata = {}
        for key, value in (output.get("metadata") or {}).items():
            if key in IMAGE_KEYS and key in kept and isinstance(value, dict):
                sizes = {k: v for k, v in value.items() if k in ("width", "height") and isinstance(v, (int, float))}
                if sizes:
                    metadata[key] = sizes
        output["metadata"] = metadata
        return output


class ForeignGradeCells(NbGraderPreprocessor):
    """Cells whose nbgrader metadata this notebook does not have in the gradebook become ordinary cells."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook, MissingEntry
        info = resources.get("nbgrader", {})
        try:
            with Gradebook(info["db_url"]) as gb:
                notebook = gb.find_notebook(info["notebook"], info["assignment"])
                known = ({c.name for c in notebook.source_cells} | {c.name for c in notebook.grade_cells}
                         | {c.name for c in notebook.solution_cells} | {c.name for c in notebook.task_cells})
        except (KeyError, MissingEntry) as exc:
            self.log.warning("dnn_lab: cannot read the notebook's cells from the gradebook (%s)", exc)
            return nb, resources
        foreign = []
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is None:
                continue
            if isinstance(meta, dict) and not any(meta.get(k) for k in ("grade", "solution", "locked", "task")):
                continue  # no part in grading (e.g. an editable cell the text invites changing): nothing to drop
            gid = meta.get("grade_id") if isinstance(meta, dict) else None
            if not isinstance(gid, str) or gid not in known:
                del cell.metadata["nbgrader"]
                foreign.append(str(gid)[:40])
        if foreign:
            self.log.warning("dnn_lab: %d cells with grading metadata unknown to this notebook made ordinary: %s",
                             len(foreign), ", ".join(foreign))
            _notice(nb, "feedback.foreign_cells", count=len(foreign), cells=", ".join(foreign))
        return nb, resources
