"""Exercise 3 — ``linear_forward(A, W, b)`` → ``(Z, (A, W, b))``."""
from .. import testcases as tc
from .compare import close
from .diagnosis import check_locals
from .engine import Case, Exercise


def _random(seed, n_prev, n, m):
    return lambda: tc.randn(seed, (n_prev, m), (n, n_prev), (n, 1))


CASES = (
    Case("reference", tc.linear_forward_test_case, "A(3,2) W(1,3) b(1,1)", {"layer_dims": [3, 1], "m": 2}),
    Case("bias_rows", _random(11, 4, 3, 5), "A(4,5) W(3,4) b(3,1)", {"layer_dims": [4, 3], "m": 5}),
    Case("one_example", _random(12, 2, 4, 1), "A(2,1) W(4,2) b(4,1)", {"layer_dims": [2, 4], "m": 1}),
    Case("square", _random(13, 3, 3, 3), "A(3,3) W(3,3) b(3,1)", {"layer_dims": [3, 3], "m": 3}),
)


def steps(case):
    return ["Z", "cache"]


def check(ctx):
    Z, cache = ctx.sequence("Z", "(Z, cache)", ctx.value, 2)
    no_bias = (ctx.exp("Z_without_b"), "wrong_value", "msg.missing_bias", {})
    ctx.array("Z", "Z", Z, "Z", variants=[no_bias] + elementwise_variants(ctx.args))
    ctx.visit("cache")
    check_linear_cache(ctx, "cache", cache, ctx.args)


def elementwise_variants(args):
    """``W * A + b`` (and ``A * W + b``) where the shapes allow it (square ones): the
    element-wise product written for np.dot."""
    A, W, b = args
    out = []
    for left, right in ((W, A), (A, W)):
        try:
            out.append((left * right + b, "elementwise_product", "msg.elementwise_value", {}))
        except (TypeError, ValueError):
            pass
    return out


def check_linear_cache(ctx, step, cache, inputs, what="cache"):
    """The linear cache must hold the inputs (A, W, b), in that order."""
    if not (isinstance(cache, (tuple, list)) and len(cache) == 3
            and all(close(c, i) for c, i in zip(cache, inputs))):
        ctx.fail(step, "wrong_value", "msg.cache_mismatch", what=what, expected="(A, W, b)")
        return False
    return True


def record(solutions, case):
    A, W, b = case.make()
    Z, _ = solutions["linear_forward"](A, W, b)
    Z0, _ = solutions["linear_forward"](A, W, b * 0)
    return {"Z": Z, "Z_without_b": Z0}


def explain_error(ctx):
    """The function's own variables when it raised (an assert on Z's shape, say)."""
    check_locals(ctx, [("Z", ("Z",), "Z", {})])


EXERCISE = Exercise("linear_forward", "step_by_step", ("A", "W", "b"), CASES, steps, check, record,
                    explain_error=explain_error)


def hidden_case(id_, seed, n_prev, n, m):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    return Case(id_, _random(seed, n_prev, n, m), f"A({n_prev},{m}) W({n},{n_prev}) b({n},1)",
                {"layer_dims": [n_prev, n], "m": m})


# --------------------------------------------------------------------------- the Check's picture

def diagram(b, dims):
    """The Check's picture, laid out on ``b`` (a ``dnn_lab.diagram.graph.Layout``): A, W, b → Z = W·A + b → Z and the
    cache."""
    A = b.node("A", "A", "data", 0.3, 2.0, minw=0.5)
    W = b.node("W", "W", "param", 0.3, 1.3, minw=0.5)
    bb = b.node("b", "b", "param", 0.3, 0.6, minw=0.5)
    op = b.node("linear", "Z = W·A + b", "op", 2.55, 1.3)
    Z = b.node("Z", "Z", "data", 4.7, 1.75, checkable=True, minw=0.6)
    cache = b.node("cache", "cache = (A, W, b)", "cache", 4.7, 0.6, checkable=True)
    b.edge(A, op, dims.shape(dims.n(0), dims.cols()), side="on")
    b.edge(W, op, dims.W(1, 0), side="on")
    b.edge(bb, op, dims.b(1), side="on")
    b.edge(op, Z, dims.act(1), side="on")
    b.edge(op, cache, style="dashed")
    return b.graph(b.title("linear_forward", dims), note_band=True)
