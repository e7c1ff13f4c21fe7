"""Exercise 1 — ``initialize_parameters(n_x, n_h, n_y)`` → {W1, b1, W2, b2}."""
from ._init_common import check_layers, initialiser_diagram, record_params
from .engine import Case, Exercise
from .layers import param_steps


def _case(n_x, n_h, n_y, id_):
    return Case(id_, lambda: (n_x, n_h, n_y), f"n_x={n_x}, n_h={n_h}, n_y={n_y}",
                {"layer_dims": [n_x, n_h, n_y]})


CASES = (
    _case(3, 2, 1, "reference"),
    _case(4, 5, 3, "wider"),
    _case(2, 7, 1, "tall_hidden"),
)


def steps(case):
    return param_steps(2) + ["keys"]


def check(ctx):
    check_layers(ctx, 2, count_missing_as_loop_bounds=False)


def record(solutions, case):
    return record_params(solutions["initialize_parameters"](*case.make()))


EXERCISE = Exercise("initialize_parameters", "step_by_step", ("n_x", "n_h", "n_y"), CASES, steps, check, record)


def hidden_case(id_, n_x, n_h, n_y):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    return _case(n_x, n_h, n_y, id_)


# --------------------------------------------------------------------------- the Check's picture

def diagram(b, dims):
    """The Check's picture, laid out on ``b`` (a ``dnn_lab.diagram.graph.Layout``): the layer table
    (:func:`._init_common.initialiser_diagram`)."""
    return initialiser_diagram(b, dims, "initialize_parameters")
