"""Renderers of a :class:`~dnn_lab.checks.report.Report`: plain text and
self-contained HTML (the diagram lives in ``dnn_lab.diagram``).  Imports the
standard library and the message catalog only."""
from .html import render_html
from .text import render_text

__all__ = ["render_html", "render_text"]
