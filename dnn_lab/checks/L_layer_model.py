"""Part 2, exercise 2 — ``L_layer_model(X, Y, layers_dims, learning_rate=0.0075,
num_iterations=3000, print_cost=False)`` → ``(parameters, costs)``.

[LINEAR→RELU]×(L−1) → LINEAR→SIGMOID trained by gradient descent, starting
from the provided ``initialize_parameters_deep_scaled(layers_dims)`` (seed 1,
W scaled by 1/sqrt(n[l-1])), with ``L_model_forward``, ``compute_cost``,
``L_model_backward`` and ``update_parameters`` from Part 1.  ``costs`` holds
the cost of iterations 0, 100, 200, … and of the last iteration.

Same step ids as :mod:`dnn_lab.checks.two_layer_model`: ``init``, ``forward``,
``cost``, ``backward``, ``update``, ``costs``, ``result``.  Starting from
Part 1's ``initialize_parameters_deep`` (×0.01, seed 3) is reported at
``init`` with the hint ``wrong_initializer``.  Cases: 1, 3 and 4 layers.
"""
from .engine import Exercise
from .two_layer_model import (ARG_NAMES, SPY, check_model, error_step, record_model, steps, training_case,
                              training_diagram)

CASES = (
    training_case("reference", 71, (6, 5, 3, 1), 12, 0.3, 102),
    training_case("one_layer", 72, (4, 1), 6, 0.5, 101),
    training_case("four_layers", 73, (5, 4, 4, 3, 1), 9, 0.4, 3),
)


def check(ctx):
    check_model(ctx, "initialize_parameters_deep_scaled")


def record(solutions, case):
    return record_model(solutions, case, "L_layer_model")


EXERCISE = Exercise("L_layer_model", "application", ARG_NAMES, CASES, steps, check, record, spy=SPY,
                    error_step=error_step, mutation_step="forward")


def hidden_case(id_, seed, dims, m, learning_rate, num_iterations):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    return training_case(id_, seed, tuple(dims), m, learning_rate, num_iterations)


# --------------------------------------------------------------------------- the Check's picture

def diagram(b, dims):
    """The Check's picture, laid out on ``b`` (a ``dnn_lab.diagram.graph.Layout``): the training loop
    (:func:`.two_layer_model.training_diagram`)."""
    return training_diagram(b, dims, "L_layer_model")
