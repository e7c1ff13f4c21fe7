"""Exercise 2 — ``initialize_parameters_deep(layer_dims)`` → {W1, b1, …, WL, bL}."""
from ._init_common import check_layers, initialiser_diagram, record_params
from .engine import Case, Exercise
from .layers import param_steps


def _case(dims, id_):
    return Case(id_, lambda: (list(dims),), f"layer_dims={list(dims)}", {"layer_dims": list(dims)})


CASES = (
    _case([5, 4, 3], "reference"),
    _case([4, 1], "one_layer"),
    _case([6, 5, 3, 2, 1], "four_layers"),
)


def steps(case):
    return param_steps(len(case.dims["layer_dims"]) - 1) + ["keys"]


def check(ctx):
    check_layers(ctx, len(ctx.case.dims["layer_dims"]) - 1, count_missing_as_loop_bounds=True)


def record(solutions, case):
    return record_params(solutions["initialize_parameters_deep"](*case.make()))


def error_step(ctx):
    return "keys" if ctx.error_hint == "loop_bounds" else None


EXERCISE = Exercise("initialize_parameters_deep", "step_by_step", ("layer_dims",), CASES, steps, check, record,
                    error_step=error_step, layered=True)


def hidden_case(id_, layer_dims):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    return _case(layer_dims, id_)


# --------------------------------------------------------------------------- the Check's picture

def diagram(b, dims):
    """The Check's picture, laid out on ``b`` (a ``dnn_lab.diagram.graph.Layout``): the layer table
    (:func:`._init_common.initialiser_diagram`)."""
    return initialiser_diagram(b, dims, "initialize_parameters_deep")
