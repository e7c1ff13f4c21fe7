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


# --------------------------------------------------------------------------- the Check's picture

def diagram(b, dims, symbolic=False):
    """linear_backward: dZ and the cache in, dA_prev, dW, db out (also the static figure)."""
    if symbolic:
        l, p = "l", "l-1"
        dZ, A_prev, W = "dZ[l]", "A[l-1]", "W[l]"
        outs = (("dA_prev", f"dA[{p}] = W[l]ᵀ · dZ[l]", dims.act(p)),
                ("dW", "dW[l] = (1/m) dZ[l] · A[l-1]ᵀ", dims.W(l)),
                ("db", "db[l] = (1/m) Σᵢ dZ[l](i)", dims.b(l)))
        cache_label = b.tr("缓存", "cache") + f" = ({A_prev}, {W}, b[l])"
        dz_shape = dims.act(l)
    else:
        dZ = "dZ"
        outs = (("dA_prev", "dA_prev = Wᵀ · dZ", dims.act(0)),
                ("dW", "dW = (1/m) dZ · A_prevᵀ", dims.W(1, 0)),
                ("db", "db = (1/m) Σ dZ   (axis=1, keepdims)", dims.b(1)))
        cache_label = "cache = (A_prev, W, b)"
        dz_shape = dims.act(1)
    cache = b.node("cache", cache_label, "cache", 0.0, 0.5)
    dz = b.node("dZ", dZ, "data", cache.x - cache.w / 2 + 0.4, 1.8, minw=0.7)
    opw = b.box("linear_backward")[0]
    op = b.node("linear_backward", "linear_backward", "op", cache.x + cache.w / 2 + 0.75 + opw / 2, 1.15)
    ow = max(b.box(lab)[0] for _, lab, _ in outs)
    xo = op.x + opw / 2 + 1.45 + ow / 2
    for (id_, lab, shape), y in zip(outs, (2.2, 1.15, 0.1)):
        b.node(id_, lab, "data", xo, y, w=ow, checkable=not symbolic)
        b.edge(op, id_ if not symbolic else "_" + id_, shape, side="on")
    b.edge(dz, op, dz_shape, side="on")
    b.edge(cache, op, "" if symbolic else f"A_prev {dims.act(0)}, W {dims.W(1, 0)}", side="on")
    if symbolic:
        title = b.tr("线性部分的反向传播", "Backward step of the linear part") + b.named("linear_backward")
        return b.graph(title)
    return b.graph(b.title("linear_backward", dims), note_band=True)
