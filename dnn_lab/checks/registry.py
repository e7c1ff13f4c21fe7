"""Which exercises exist, in notebook order.  Each exercise lives in its own
module ``dnn_lab/checks/<name>.py`` that defines ``EXERCISE`` (and ``diagram``, the
Check's picture); adding one is adding a module, a line here, its cases' expected
data and its messages."""
import importlib

ASSIGNMENTS = {
    "step_by_step": (
        "initialize_parameters",
        "initialize_parameters_deep",
        "linear_forward",
        "linear_activation_forward",
        "L_model_forward",
        "compute_cost",
        "linear_backward",
        "linear_activation_backward",
        "L_model_backward",
        "update_parameters",
    ),
    "application": (
        "two_layer_model",
        "L_layer_model",
        "predict",
    ),
}

EXERCISES = ASSIGNMENTS["step_by_step"]

# The graded functions each exercise calls: when grading is isolated (``c.DnnLabGrader.isolate``),
# these are the reference versions, so that one mistake costs one exercise.  Only these: a
# reference of anything else would be an oracle for the function being graded.
_PART1_ALL = ASSIGNMENTS["step_by_step"]
USES = {
    "linear_activation_forward": ("linear_forward",),
    "L_model_forward": ("linear_activation_forward", "linear_forward"),
    "linear_activation_backward": ("linear_backward",),
    "L_model_backward": ("linear_activation_backward", "linear_backward"),
    "two_layer_model": _PART1_ALL,
    "L_layer_model": _PART1_ALL,
    "predict": ("L_model_forward", "linear_activation_forward", "linear_forward"),
}
ALL_EXERCISES = tuple(name for names in ASSIGNMENTS.values() for name in names)


def assignment_of(name):
    for assignment, names in ASSIGNMENTS.items():
        if name in names:
            return assignment
    raise KeyError(name)


def get_exercise(name):
    name = getattr(name, "__name__", name)
    if name not in ALL_EXERCISES:
        raise KeyError(f"unknown exercise {name!r}; known: {', '.join(ALL_EXERCISES)}")
    return exercise_module(name).EXERCISE


def exercise_module(name):
    """``dnn_lab.checks.<name>``: its ``EXERCISE``, ``hidden_case`` and ``diagram`` (the Check's picture)."""
    return importlib.import_module(f"dnn_lab.checks.{name}")
