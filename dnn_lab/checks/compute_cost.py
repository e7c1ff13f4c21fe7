"""Exercise 6 — ``compute_cost(AL, Y)`` → the cross-entropy cost, a 0-d scalar."""
import numpy as np

from .. import testcases as tc
from .compare import as_number_array, close, summarize
from .engine import Case, Exercise


def _random(seed, m):
    def make():
        rng = np.random.RandomState(seed)
        Y = (rng.uniform(size=(1, m)) > 0.5).astype(int)
        AL = rng.uniform(0.05, 0.95, size=(1, m))
        return AL, Y
    return make


def _reference():
    Y, AL = tc.compute_cost_test_case()
    return AL, Y


CASES = (
    Case("reference", _reference, "AL(1,3), Y=[[1,1,0]]", {"layer_dims": [1], "m": 3}),
    Case("m7", _random(41, 7), "AL(1,7)", {"layer_dims": [1], "m": 7}),
    Case("one_example", _random(42, 1), "AL(1,1)", {"layer_dims": [1], "m": 1}),
)


def steps(case):
    return ["cost"]


def check(ctx):
    check_cost(ctx, ctx.value)


def check_cost(ctx, cost):
    """The returned cost — or, when the function raised (its own ``assert cost.shape == ()``),
    the cost it had computed."""
    arr = as_number_array(cost)
    expected = ctx.exp("cost")
    m = ctx.args[1].shape[1]
    if arr is not None and arr.ndim > 0:
        if arr.size == 1 and close(arr.reshape(()), expected):
            ctx.fail("cost", "cost_not_scalar", "msg.cost_not_scalar", got=tuple(arr.shape),
                     shown=(summarize(expected), summarize(cost)))
            return
        if arr.size == m:
            ctx.fail("cost", "wrong_shape", "msg.wrong_shape", what="cost", expected=(), got=tuple(arr.shape))
            return
        arr = arr.reshape(()) if arr.size == 1 else arr
    if not ctx.array("cost", "cost", arr if arr is not None else cost, "cost", m=m):
        _missing_term(ctx, arr, expected)


def _missing_term(ctx, got, expected):
    """A cost below the right one, from code that takes a single log: one of the two
    cross-entropy terms (each positive) is left out."""
    logs = (ctx.call.loads or {}).get("log")
    last = ctx.findings[-1]
    if logs is None or last.hint != "wrong_value" or got is None or got.size != 1:
        return
    value = float(got.reshape(()))
    if 0 <= value < float(expected) and logs == 1:
        ctx.findings.pop()
        ctx.fail("cost", "missing_term", "msg.missing_cost_term", what="cost", shown=(last.expected, last.got))


def record(solutions, case):
    return {"cost": np.asarray(solutions["compute_cost"](*case.make()), dtype=float)}


def explain_error(ctx):
    cost = (ctx.call.error_locals or {}).get("cost")
    if as_number_array(cost) is not None:
        check_cost(ctx, cost)


EXERCISE = Exercise("compute_cost", "step_by_step", ("AL", "Y"), CASES, steps, check, record,
                    explain_error=explain_error)


def hidden_case(id_, seed, m):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    return Case(id_, _random(seed, m), f"AL(1,{m})", {"layer_dims": [1], "m": m})


# --------------------------------------------------------------------------- the Check's picture

def diagram(b, dims):
    """The Check's picture, laid out on ``b`` (a ``dnn_lab.diagram.graph.Layout``): AL and Y into the cross-entropy
    cost J."""
    AL = b.node("AL", "AL", "data", 0.3, 1.45, minw=0.55)
    Y = b.node("Y", "Y", "data", 0.3, 0.65, minw=0.55)
    label = b.tr("交叉熵代价", "cross-entropy cost") + "\nJ = −(1/m) Σ ( Y·log(AL) + (1−Y)·log(1−AL) )"
    op = b.node("cost", label, "cost", 3.35, 1.05, checkable=True)
    J = b.node("J", "J", "data", 6.4, 1.05, minw=0.5)
    shape = dims.shape(1, dims.cols())
    b.edge(AL, op, shape, side="on")
    b.edge(Y, op, shape, side="on")
    b.edge(op, J, "()  " + b.tr("标量", "scalar"), name="cost")
    return b.graph(b.title("compute_cost", dims, dims_key=None), note_band=True)
