"""Helpers for Part 2 (the ``application`` assignment): train an image
classifier with the ten functions written in Part 1.

- :func:`load_part1` — the student's own ten functions, read from their
  ``step_by_step.ipynb`` and checked (``part1.py``);
- :func:`initialize_parameters_deep_scaled` — the provided initialiser for deep
  networks: seed 1, weights scaled by 1/sqrt(n[l-1]) (``init.py``);
- :class:`TrainingProgress` — progress bar / text lines during training (``training_progress.py``);
- :func:`with_helper` — a copy of a function with one global helper swapped (``swap.py``);
- :func:`prepare_image`, :func:`sample_image` — any picture → a (784, 1) input (``images.py``);
- :func:`plot_costs`, :func:`show_examples`, :func:`show_mislabeled`,
  :func:`show_own_image`, :class:`AccuracyTable` — figures and tables (``plots.py``,
  imports matplotlib on first use).

None of the ten graded functions of Part 1, and none of Part 2's, is defined here.
"""
from .images import prepare_image, sample_image
from .init import initialize_parameters_deep_scaled
from .part1 import Part1, Part1CheckError, Part1Error, Part1NotFoundError, load_part1
from .training_progress import TrainingProgress
from .swap import with_helper

_PLOTS = ("plot_costs", "show_examples", "show_mislabeled", "show_own_image", "AccuracyTable", "font_rc")

__all__ = ["load_part1", "Part1", "Part1Error", "Part1NotFoundError", "Part1CheckError",
           "initialize_parameters_deep_scaled", "TrainingProgress", "with_helper", "prepare_image",
           "sample_image", "provided_names", *_PLOTS]


def __getattr__(name):
    if name in _PLOTS:
        from . import plots
        return getattr(plots, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def provided_names():
    """The names Part 2's graded functions may use besides the ten of Part 1
    (what the notebook's setup cell imports): used to run the source
    notebook's solutions outside the notebook (expected data, tests)."""
    return {"TrainingProgress": TrainingProgress,
            "initialize_parameters_deep_scaled": initialize_parameters_deep_scaled}
