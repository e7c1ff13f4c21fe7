"""Exercise 8 — ``linear_activation_backward(dA, cache, activation)`` →
``(dA_prev, dW, db)``: dZ by relu_backward / sigmoid_backward, then
linear_backward.  Tells whether the activation part or the linear part is wrong."""
from .. import testcases as tc
from .compare import close
from .diagnosis import check_locals
from .engine import Case, Exercise
from .linear_backward import check_linear_grads

OTHER = {"sigmoid": "relu", "relu": "sigmoid"}


def _ref(activation):
    return lambda: (*tc.linear_activation_backward_test_case(), activation)


def _random(seed, n_prev, n, m, activation):
    def make():
        dA, A, W, b, Z = tc.randn(seed, (n, m), (n_prev, m), (n, n_prev), (n, 1), (n, m))
        return dA, ((A, W, b), Z), activation
    return make


CASES = (
    Case("reference_sigmoid", _ref("sigmoid"), "dA(1,2) A_prev(3,2) W(1,3) sigmoid",
         {"layer_dims": [3, 1], "m": 2, "activation": "sigmoid"}),
    Case("reference_relu", _ref("relu"), "dA(1,2) A_prev(3,2) W(1,3) relu",
         {"layer_dims": [3, 1], "m": 2, "activation": "relu"}),
    Case("bias_rows_relu", _random(61, 4, 3, 5, "relu"), "dA(3,5) A_prev(4,5) W(3,4) relu",
         {"layer_dims": [4, 3], "m": 5, "activation": "relu"}),
    Case("bias_rows_sigmoid", _random(62, 2, 3, 4, "sigmoid"), "dA(3,4) A_prev(2,4) W(3,2) sigmoid",
         {"layer_dims": [2, 3], "m": 4, "activation": "sigmoid"}),
)


def steps(case):
    return ["activation_backward", "linear_backward"]


def _outputs_match(value, prefix, ctx):
    return (isinstance(value, (tuple, list)) and len(value) == 3
            and all(close(v, ctx.exp(prefix + k)) for v, k in zip(value, ("dA_prev", "dW", "db"))))


def check(ctx):
    activation = ctx.args[2]
    other = OTHER[activation]
    value = ctx.value
    ctx.sequence("linear_backward", "(dA_prev, dW, db)", value, 3)
    spied = ctx.call.spied
    wrong_act = dict(what="dZ", expected=activation + "_backward", got=other + "_backward")
    if other + "_backward" in spied and activation + "_backward" not in spied:
        ctx.stop("activation_backward", "wrong_activation", "msg.wrong_activation", **wrong_act)
    if "linear_backward" in spied:
        args, kwargs, _ = spied["linear_backward"][0]
        dZ_used = args[0] if args else kwargs.get("dZ")
        variant = (ctx.exp("dZ_other"), "wrong_activation", "msg.wrong_activation",
                   {"expected": wrong_act["expected"], "got": wrong_act["got"]})
        if not ctx.array("activation_backward", "dZ", dZ_used, "dZ", variants=[variant]):
            return
    elif _outputs_match(value, "other/", ctx):
        ctx.stop("activation_backward", "wrong_activation", "msg.wrong_activation", **wrong_act)
    else:
        wrong = [not close(v, ctx.exp(k)) for v, k in zip(value, ("dA_prev", "dW", "db"))]
        if all(wrong):
            # Every output is off: the dZ that feeds all three is the likely culprit.
            ctx.array("activation_backward", "dA_prev", value[0], "dA_prev")
            return
    ctx.visit("activation_backward")
    m = ctx.args[0].shape[1]
    check_linear_grads(ctx, value, m, step="linear_backward")


def record(solutions, case):
    dA, cache, activation = case.make()
    out = dict(zip(("dA_prev", "dW", "db"), solutions["linear_activation_backward"](dA, cache, activation)))
    other = OTHER[activation]
    out.update({"other/" + k: v for k, v in zip(("dA_prev", "dW", "db"),
                                                solutions["linear_activation_backward"](dA, cache, other))})
    out["dZ"] = solutions[activation + "_backward"](dA, cache[1])
    out["dZ_other"] = solutions[other + "_backward"](dA, cache[1])
    return out


def error_step(ctx):
    return "linear_backward" if ctx.call.spied.get(ctx.args[2] + "_backward") else "activation_backward"


def _part_name(value, cache):
    """Which part of ``cache`` = (linear_cache, activation_cache) ``value`` is, for the student."""
    linear_cache, Z = cache
    if _same_parts(value, linear_cache):
        return "linear_cache"
    if close(value, Z):
        return "activation_cache"
    if isinstance(value, (tuple, list)) and len(value) == 2 and _same_parts(value[0], linear_cache):
        return "cache"
    return None


def _same_parts(a, b):
    return (isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and len(a) == len(b)
            and all(close(x, y) for x, y in zip(a, b)))


def _check_helper_inputs(ctx):
    """Did a helper that raised get the wrong half of the cache (linear_cache for Z, or the reverse)?"""
    cache = ctx.args[1]
    calls = [(name, args, kwargs) for name in ("relu_backward", "sigmoid_backward", "linear_backward")
             for args, kwargs, _ in ctx.call.spied.get(name, [])]
    if ctx.call.spy_raised:
        calls.append(ctx.call.spy_raised)
    for name, args, kwargs in calls:
        if name == "linear_backward":
            step, what, want, got = "linear_backward", "cache", "linear_cache", (
                args[1] if len(args) > 1 else kwargs.get("cache"))
        else:
            step, what, want, got = "activation_backward", "Z", "activation_cache", (
                args[1] if len(args) > 1 else kwargs.get("Z"))
        part = _part_name(got, cache)
        if part is not None and part != want:
            ctx.stop(step, "wrong_layer_input", "msg.call_got_instead", callee=name, what=what, got=part,
                     expected=want)


def explain_error(ctx):
    """A helper handed the wrong half of the cache; else the function's own variables when it
    raised: a wrong dZ, or a wrong linear gradient."""
    _check_helper_inputs(ctx)
    m = ctx.args[0].shape[1]
    check_locals(ctx, [("activation_backward", ("dZ",), "dZ", {}),
                       ("linear_backward", ("dA_prev",), "dA_prev", {"extra_m": m}),
                       ("linear_backward", ("dW",), "dW", {"m": m}),
                       ("linear_backward", ("db",), "db", {"m": m, "is_sum": True})])


EXERCISE = Exercise("linear_activation_backward", "step_by_step", ("dA", "cache", "activation"), CASES, steps,
                    check, record, spy=("linear_backward", "relu_backward", "sigmoid_backward"),
                    error_step=error_step, explain_error=explain_error)


def hidden_case(id_, seed, n_prev, n, m, activation):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    return Case(id_, _random(seed, n_prev, n, m, activation), f"dA({n},{m}) A_prev({n_prev},{m}) W({n},{n_prev}) {activation}",
                {"layer_dims": [n_prev, n], "m": m, "activation": activation})


# --------------------------------------------------------------------------- the Check's picture

def diagram(b, dims):
    """The Check's picture, laid out on ``b`` (a ``dnn_lab.diagram.graph.Layout``): dA → activation backward →
    linear_backward → dA_prev, dW, db."""
    act = dims.activation or "relu"
    dA = b.node("dA", "dA", "data", 0.3, 1.6, minw=0.5)
    ab = b.node("activation_backward", f"{act}_backward\ndZ = dA · g′(Z)", "op", 2.0, 1.6, checkable=True)
    lb = b.node("linear_backward", "linear_backward", "op", 4.2, 1.6, checkable=True)
    outs = (("dA_prev", dims.act(0)), ("dW", dims.W(1, 0)), ("db", dims.b(1)))
    for (name, shape), y in zip(outs, (2.45, 1.6, 0.75)):
        b.node(name, name, "data", 6.3, y, minw=0.75)
        b.edge(lb, "_" + name, shape, side="on")
    z = b.node("Z", "activation_cache: Z", "cache", 2.0, 0.45)
    lc = b.node("lc", "linear_cache: (A_prev, W, b)", "cache", 4.2, 0.45)
    b.edge(dA, ab, dims.act(1), name="dA")
    b.edge(ab, lb, dims.act(1), name="dZ")
    b.edge(z, ab, dims.act(1), side="right", style="dashed")
    b.edge(lc, lb, style="dashed")
    return b.graph(b.title("linear_activation_backward", dims, f"activation = {act}"), note_band=True)
