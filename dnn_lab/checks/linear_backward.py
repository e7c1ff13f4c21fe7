"""Exercise 7 — ``linear_backward(dZ, cache)`` → ``(dA_prev, dW, db)`` with
dW = dZ·A_prevᵀ/m, db = row sums of dZ / m (keepdims), dA_prev = Wᵀ·dZ."""
from .. import testcases as tc
from .diagnosis import check_locals
from .engine import Case, Exercise


def _random(seed, n_prev, n, m):
    def make():
        dZ, A, W, b = tc.randn(seed, (n, m), (n_prev, m), (n, n_prev), (n, 1))
        return dZ, (A, W, b)
    return make


CASES = (
    Case("reference", tc.linear_backward_test_case, "dZ(3,4) A_prev(5,4) W(3,5) b(3,1)",
         {"layer_dims": [5, 3], "m": 4}),
    Case("one_example", _random(51, 3, 2, 1), "dZ(2,1) A_prev(3,1) W(2,3) b(2,1)", {"layer_dims": [3, 2], "m": 1}),
    Case("square", _random(52, 4, 4, 4), "dZ(4,4) A_prev(4,4) W(4,4) b(4,1)", {"layer_dims": [4, 4], "m": 4}),
    Case("wide", _random(53, 2, 1, 6), "dZ(1,6) A_prev(2,6) W(1,2) b(1,1)", {"layer_dims": [2, 1], "m": 6}),
)


def steps(case):
    return ["dA_prev", "dW", "db"]


def check(ctx):
    check_linear_grads(ctx, ctx.value, m=ctx.args[0].shape[1])


def check_linear_grads(ctx, value, m, step=None, prefix=""):
    """Shared with linear_activation_backward (``step`` then names its linear part)."""
    dA_prev, dW, db = ctx.sequence(step or "dA_prev", "(dA_prev, dW, db)", value, 3)
    ok = ctx.array(step or "dA_prev", prefix + "dA_prev", dA_prev, "dA_prev", extra_m=m)
    ok &= ctx.array(step or "dW", prefix + "dW", dW, "dW", m=m)
    ok &= ctx.array(step or "db", prefix + "db", db, "db", m=m, is_sum=True)
    return ok


def record(solutions, case):
    dZ, cache = case.make()
    dA_prev, dW, db = solutions["linear_backward"](dZ, cache)
    return {"dA_prev": dA_prev, "dW": dW, "db": db}


def explain_error(ctx):
    """The function's own variables when it raised (its own assert on db's shape, say)."""
    m = ctx.args[0].shape[1]
    check_locals(ctx, [("dA_prev", ("dA_prev",), "dA_prev", {"extra_m": m}),
                       ("dW", ("dW",), "dW", {"m": m}),
                       ("db", ("db",), "db", {"m": m, "is_sum": True})])


EXERCISE = Exercise("linear_backward", "step_by_step", ("dZ", "cache"), CASES, steps, check, record,
                    explain_error=explain_error)


def hidden_case(id_, seed, n_prev, n, m):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    return Case(id_, _random(seed, n_prev, n, m), f"dZ({n},{m}) A_prev({n_prev},{m}) W({n},{n_prev}) b({n},1)",
                {"layer_dims": [n_prev, n], "m": m})
