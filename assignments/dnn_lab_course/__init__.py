"""The instructor's material of dnn_lab: nbgrader source notebooks with solutions and hidden tests.

Installed by ``pip install dnn-lab-course``; ``dnn-lab course init DIR`` copies
``source/<assignment>/`` from here into a new nbgrader course.  Nothing imports this
package at grading time, and dnn-lab never depends on it.
"""
from importlib.resources import files

__version__ = "0.1.0"


def source():
    """The folder holding one ``<assignment>/<assignment>.ipynb`` (plus its files) per assignment."""
    return files(__name__) / "source"
