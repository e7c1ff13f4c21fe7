"""nbgrader preprocessors of a dnn_lab course (configured by ``dnn-lab course init``).

``SandboxedExecute`` runs the student's notebook in a kernel for feedback only, inside the
sandbox and with tight limits; ``DnnLabGrader`` then computes every dnn_lab grade cell's verdict
from the submitted source (see :mod:`dnn_lab.grading.grade`) and writes it into that cell;
``HideHiddenTests`` removes hidden-test regions from the feedback.
"""
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Float, Unicode


class SandboxedExecute(Execute):
    """nbgrader's Execute (placeholder: sandboxing is being added)."""


class DnnLabGrader(NbGraderPreprocessor):
    """Writes each dnn_lab grade cell's verdict (placeholder: pass-through)."""

    timeout = Float(10.0, help="Seconds each exercise may run (and each cell of the kernel run).").tag(config=True)
    memory_limit = Unicode("2GiB", help="Address-space limit of the sandboxed process, e.g. '2GiB'.").tag(config=True)
    isolate = Bool(True, help="Grade each exercise with reference versions of the functions it calls, "
                              "so that one mistake costs one exercise.").tag(config=True)

    def preprocess(self, nb, resources):
        return nb, resources


class HideHiddenTests(NbGraderPreprocessor):
    """Removes hidden-test regions from grade cells in the feedback (placeholder)."""

    def preprocess(self, nb, resources):
        return nb, resources
