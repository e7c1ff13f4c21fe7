"""Exercise 4 — ``linear_activation_forward(A_prev, W, b, activation)`` →
``(A, (linear_cache, Z))``.  Steps: the linear part, the activation, the cache."""
from .. import testcases as tc
from ..helpers import relu, sigmoid
from .compare import close
from .diagnosis import check_locals
from .engine import Case, Exercise
from .linear_forward import check_linear_cache

ACTIVATIONS = {"sigmoid": sigmoid, "relu": relu}
OTHER = {"sigmoid": "relu", "relu": "sigmoid"}


def _ref(activation):
    return lambda: (*tc.linear_activation_forward_test_case(), activation)


def _random(seed, n_prev, n, m, activation):
    return lambda: (*tc.randn(seed, (n_prev, m), (n, n_prev), (n, 1)), activation)


CASES = (
    Case("reference_sigmoid", _ref("sigmoid"), "A_prev(3,2) W(1,3) b(1,1) sigmoid",
         {"layer_dims": [3, 1], "m": 2, "activation": "sigmoid"}),
    Case("reference_relu", _ref("relu"), "A_prev(3,2) W(1,3) b(1,1) relu",
         {"layer_dims": [3, 1], "m": 2, "activation": "relu"}),
    Case("bias_rows_relu", _random(21, 4, 3, 5, "relu"), "A_prev(4,5) W(3,4) b(3,1) relu",
         {"layer_dims": [4, 3], "m": 5, "activation": "relu"}),
    Case("bias_rows_sigmoid", _random(22, 2, 4, 3, "sigmoid"), "A_prev(2,3) W(4,2) b(4,1) sigmoid",
         {"layer_dims": [2, 4], "m": 3, "activation": "sigmoid"}),
)


def steps(case):
    return ["linear", "activation", "cache"]


def _spied_z(ctx):
    calls = ctx.call.spied.get("linear_forward")
    if calls:
        result = calls[0][2]
        if isinstance(result, (tuple, list)) and len(result) == 2:
            return result[0]
    return None


def check(ctx):
    activation = ctx.args[3]
    A, cache = ctx.sequence("activation", "(A, cache)", ctx.value, 2)
    cache_ok = isinstance(cache, (tuple, list)) and len(cache) == 2
    # Z as linear_forward returned it when the student called it, else as cached.
    Z_used = _spied_z(ctx)
    if Z_used is None and cache_ok:
        Z_used = cache[1]
    if Z_used is not None:
        no_bias = (ctx.exp("Z") - ctx.args[2], "wrong_value", "msg.missing_bias", {})
        if not ctx.array("linear", "Z", Z_used, "Z", variants=[no_bias]):
            return
    ctx.visit("linear")
    # Which activation did the student call?
    other = OTHER[activation]
    if other in ctx.call.spied and activation not in ctx.call.spied:
        ctx.fail("activation", "wrong_activation", "msg.wrong_activation", what="A", expected=activation, got=other)
        return
    wrong = (ACTIVATIONS[other](ctx.exp("Z"))[0], "wrong_activation", "msg.wrong_activation",
             {"expected": activation, "got": other})
    if not ctx.array("activation", "A", A, "A", variants=[wrong]):
        return
    ctx.visit("cache")
    if not cache_ok:
        ctx.fail("cache", "wrong_type", "msg.cache_mismatch", what="cache", expected="(linear_cache, Z)")
        return
    if check_linear_cache(ctx, "cache", cache[0], ctx.args[:3], what="linear_cache") and not close(cache[1], ctx.exp("Z")):
        ctx.fail("cache", "wrong_value", "msg.cache_mismatch", what="activation_cache", expected="Z")


def record(solutions, case):
    A_prev, W, b, activation = case.make()
    A, (_, Z) = solutions["linear_activation_forward"](A_prev, W, b, activation)
    return {"A": A, "Z": Z}


def error_step(ctx):
    return "activation" if "linear_forward" in ctx.call.spied else "linear"


def explain_error(ctx):
    """The function's own variables when it raised: Z, then A."""
    check_locals(ctx, [("linear", ("Z",), "Z", {}), ("activation", ("A",), "A", {})])


EXERCISE = Exercise("linear_activation_forward", "step_by_step", ("A_prev", "W", "b", "activation"), CASES,
                    steps, check, record, spy=("linear_forward", "sigmoid", "relu"), error_step=error_step,
                    explain_error=explain_error)


def hidden_case(id_, seed, n_prev, n, m, activation):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    return Case(id_, _random(seed, n_prev, n, m, activation), f"A_prev({n_prev},{m}) W({n},{n_prev}) b({n},1) {activation}",
                {"layer_dims": [n_prev, n], "m": m, "activation": activation})


# --------------------------------------------------------------------------- the Check's picture

def diagram(b, dims):
    """The Check's picture, laid out on ``b`` (a ``dnn_lab.diagram.graph.Layout``): LINEAR then the activation, the
    cache of both."""
    act = (dims.activation or "relu").upper()
    A = b.node("A_prev", "A_prev", "data", 0.35, 2.1)
    W = b.node("W", "W", "param", 0.35, 1.45, minw=0.62)
    bb = b.node("b", "b", "param", 0.35, 0.8, minw=0.62)
    lin = b.node("linear", "LINEAR\nZ = W·A_prev + b", "op", 2.45, 1.45, checkable=True)
    g = b.node("activation", f"{act}\nA = {act.lower()}(Z)", "op", 4.7, 1.45, checkable=True)
    out = b.node("A", "A", "data", 6.35, 1.45, minw=0.5)
    cache = b.node("cache", "cache = ((A_prev, W, b), Z)", "cache", 3.6, 0.2, checkable=True)
    b.edge(A, lin, dims.shape(dims.n(0), dims.cols()), side="on")
    b.edge(W, lin, dims.W(1, 0), side="on")
    b.edge(bb, lin, dims.b(1), side="on")
    b.edge(lin, g, dims.act(1), name="Z")
    b.edge(g, out, dims.act(1), name="A")
    b.edge(lin, cache, "linear_cache", style="dashed", side="on")
    b.edge(g, cache, "activation_cache (Z)", style="dashed", side="on")
    return b.graph(b.title("linear_activation_forward", dims, f"activation = {act.lower()}"), note_band=True)
