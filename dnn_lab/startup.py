"""What a ``dnn-lab`` process does before it imports Jupyter, nbformat or nbgrader.

jsonschema (imported by nbformat, jupyter_events and so by every Jupyter server and nbgrader command)
imports ``rfc3987_syntax`` when it is installed (``jsonschema[format-nongpl]``, pulled in by
jupyter-events). That module builds about 40 lark parsers at import: 2.3-2.7 CPU seconds in every
process, on every start. Only jsonschema's ``iri`` / ``iri-reference`` format checks use it, and no
schema of nbformat, nbgrader, jupyter_server or jupyter_events has such a format; without it jsonschema
simply has no checker for those two formats. So ``dnn-lab`` processes go without it: ``dnn-lab lab``
(the student's server) starts that much sooner, ``dnn-lab autograde`` and its workers grade sooner.
Processes ``dnn-lab`` does not start (``jupyter lab``, ``nbgrader …``) are left as they are.
"""
import sys


def skip_iri_parsers():
    """Keep jsonschema from importing rfc3987_syntax in this process (only before jsonschema is imported)."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)
