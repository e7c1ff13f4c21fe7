"""Exercise 5 — ``L_model_forward(X, parameters)`` → ``(AL, caches)``:
[LINEAR→RELU]×(L−1) → LINEAR→SIGMOID, one cache ((A_prev, W, b), Z) per layer.
Blames the first layer (from the input on) whose output diverges."""
import numpy as np

from .. import testcases as tc
from ..helpers import relu, sigmoid
from .compare import close, type_name
from .engine import Case, Exercise, StopCase
from .layers import distinct_calls as _distinct, is_cache_pair, layer_steps


def _random(seed, dims, m):
    def make():
        X = np.random.RandomState(seed).randn(dims[0], m)
        return X, tc.random_parameters(seed + 1, dims, scale=0.7)
    return make


CASES = (
    Case("reference", tc.L_model_forward_test_case_2hidden, "X(5,4), layer_dims [5, 4, 3, 1]",
         {"layer_dims": [5, 4, 3, 1], "m": 4}),
    Case("one_layer", _random(31, [3, 1], 5), "X(3,5), layer_dims [3, 1]", {"layer_dims": [3, 1], "m": 5}),
    Case("two_layers", _random(32, [4, 3, 1], 2), "X(4,2), layer_dims [4, 3, 1]",
         {"layer_dims": [4, 3, 1], "m": 2}),
    Case("four_layers", _random(33, [6, 5, 4, 3, 1], 3), "X(6,3), layer_dims [6, 5, 4, 3, 1]",
         {"layer_dims": [6, 5, 4, 3, 1], "m": 3}),
)


def _L(case):
    return len(case.dims["layer_dims"]) - 1


def steps(case):
    return layer_steps(_L(case)) + ["caches"]


def _call_args(args, kwargs):
    """(A_prev, W, b, activation) of one linear_activation_forward call."""
    names = ("A_prev", "W", "b", "activation")
    values = list(args[:4]) + [None] * (4 - min(len(args), 4))
    return [kwargs.get(n, v) for n, v in zip(names, values)]


def _layer_of_W(ctx, W, L):
    """Which layer's weights ``W`` is, or None."""
    return next((k for k in range(1, L + 1) if close(W, ctx.exp(f"W{k}"))), None)


def _same_call(a, b):
    one, two = _call_args(a[0], a[1]), _call_args(b[0], b[1])
    return one[3] == two[3] and all(close(x, y) for x, y in zip(one[:3], two[:3]))


def distinct_calls(calls):
    """The layer calls without repeats (see :func:`dnn_lab.checks.layers.distinct_calls`)."""
    return _distinct(calls, _same_call)


def _returns_right(ctx, L):
    value = ctx.value
    if ctx.call.error is not None or not (isinstance(value, (tuple, list)) and len(value) == 2):
        return False
    AL, caches = value
    return (close(AL, ctx.exp("AL")) and isinstance(caches, (list, tuple)) and len(caches) == L
            and all(is_cache_pair(c) and _cache_matches(ctx, c, l) for l, c in enumerate(caches, start=1)))


def _A_name(k):
    return "X" if k == 0 else f"A{k}"


def check_calls(ctx, calls, L):
    """Layer by layer through the student's linear_activation_forward calls:
    what each layer received (A_prev, W, b, activation) and what it returned.
    ``calls`` may end with a call that raised (result None).  Repeated calls (same
    inputs) count once."""
    calls = distinct_calls(calls)
    if len(calls) > L:
        if _returns_right(ctx, L):
            return  # extra calls whose results were not kept: the returned value decides
        # More layers than the network has: say so before the symptoms (a relu on layer L…).
        ctx.stop(f"layer{L}", "loop_bounds", "msg.loop_bounds", what="linear_activation_forward", expected=L,
                 got=len(calls))
    for l, (args, kwargs, result) in enumerate(calls, start=1):
        step = f"layer{l}"
        A_prev, W, b, act = _call_args(args, kwargs)
        ctx.visit(step)
        if not close(W, ctx.exp(f"W{l}")):
            other = _layer_of_W(ctx, W, L)
            if other is not None and other > l:
                ctx.stop(step, "loop_bounds", "msg.layer_skipped", layer=l, other=other, what=f"W{other}")
            if other is not None:
                ctx.stop(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="W", got=f"W{other}",
                         expected=f"W{l}")
            ctx.stop(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="W", got=type_name(W),
                     expected=f"W{l}")
        if not close(b, ctx.exp(f"b{l}")):
            other = next((k for k in range(1, L + 1) if close(b, ctx.exp(f"b{k}"))), None)
            if other is not None:
                ctx.stop(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="b", got=f"b{other}",
                         expected=f"b{l}")
            ctx.stop(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="b", got=type_name(b),
                     expected=f"b{l}")
        if not close(A_prev, ctx.exp(f"A{l - 1}")):
            other = next((k for k in range(L + 1) if k != l - 1 and close(A_prev, ctx.exp(f"A{k}"))), None)
            if isinstance(A_prev, (tuple, list)) and len(A_prev) == 2 and close(A_prev[0], ctx.exp(f"A{l - 1}")):
                # A = linear_activation_forward(...) without unpacking: the whole (A, cache) pair.
                ctx.stop(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="A_prev",
                         got="(A, cache)", expected=_A_name(l - 1))
            if other is not None:
                ctx.stop(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="A_prev",
                         got=_A_name(other), expected=_A_name(l - 1))
            ctx.stop(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="A_prev", got=type_name(A_prev),
                     expected=_A_name(l - 1))
        want = "sigmoid" if l == L else "relu"
        if act != want:
            ctx.stop(step, "wrong_activation", "msg.layer_wrong_activation", layer=l, expected=want, got=act)
        if result is not None:
            out = result[0] if isinstance(result, (tuple, list)) and result else result
            if not ctx.array(step, "AL" if l == L else f"A{l}", out, f"A{l}"):
                raise StopCase()


def check(ctx):
    L = _L(ctx.case)
    AL, caches = ctx.sequence("layer1", "(AL, caches)", ctx.value, 2)
    calls = distinct_calls(ctx.call.spied.get("linear_activation_forward", []))
    if calls:
        check_calls(ctx, calls, L)
        if len(calls) < L:
            # The remaining layers were computed without the helper (allowed): the
            # returned caches show whether they are right or missing.
            check_layers_from_caches(ctx, AL, caches, L)
            return
        if not ctx.array(f"layer{L}", "AL", AL, "AL"):
            return
        check_caches(ctx, caches, L)
    else:
        # Computed without the helper: the caches are what shows each layer.
        check_layers_from_caches(ctx, AL, caches, L)


def check_caches_structure(ctx, caches, L):
    """caches must be a list (or tuple) of L cache pairs: a dict, a single cache (never appended,
    or overwritten each layer), an empty list or the caches' parts concatenated side by side
    (``caches = caches + cache``) are the wrong type, whatever the layers computed."""
    if caches is None:
        ctx.stop("caches", "wrong_type", "msg.caches_none", expected="list", got="None")
    if not isinstance(caches, (list, tuple)):
        ctx.stop("caches", "wrong_type", "msg.caches_not_list", got=type_name(caches), expected="list")
    if len(caches) == 0 and L:
        ctx.stop("caches", "wrong_type", "msg.caches_empty", expected=L, got=0)
    if is_cache_pair(caches):
        layer = next((k for k in range(L, 0, -1) if _cache_matches_safe(ctx, caches, k)), L)
        ctx.stop("caches", "wrong_type", "msg.caches_single", layer=layer, expected=f"list[{L}]",
                 got="((A_prev, W, b), Z)")
    if len(caches) != L and caches and not any(is_cache_pair(c) for c in caches):
        ctx.stop("caches", "wrong_type", "msg.caches_flat", got=len(caches), expected=L)


def _cache_matches_safe(ctx, cache, l):
    try:
        return _cache_matches(ctx, cache, l)
    except (TypeError, ValueError):
        return False


def check_caches(ctx, caches, L):
    """The list of caches on its own (each layer's computation already passed)."""
    ctx.visit("caches")
    check_caches_structure(ctx, caches, L)
    if len(caches) != L:
        ctx.stop("caches", "loop_bounds", "msg.loop_bounds", what="caches", expected=L, got=len(caches))
    for l, cache in enumerate(caches, start=1):
        if not (is_cache_pair(cache) and _cache_matches(ctx, cache, l)):
            ctx.stop("caches", "wrong_value", "msg.cache_mismatch", what=f"caches[{l - 1}]",
                     expected="((A_prev, W, b), Z)")


def _cache_matches(ctx, cache, l):
    (A_prev, W, b), Z = cache
    return all(close(v, ctx.exp(k)) for v, k in ((A_prev, f"A{l - 1}"), (W, f"W{l}"), (b, f"b{l}"), (Z, f"Z{l}")))


def check_layers_from_caches(ctx, AL, caches, L):
    check_caches_structure(ctx, caches, L)
    for l in range(1, L + 1):
        step = f"layer{l}"
        if l > len(caches):
            ctx.stop(step, "loop_bounds", "msg.loop_bounds", what="caches", expected=L, got=len(caches))
        cache = caches[l - 1]
        if not is_cache_pair(cache):
            ctx.stop(step, "wrong_type", "msg.cache_mismatch", what=f"caches[{l - 1}]", expected="((A_prev, W, b), Z)")
        (A_prev, W, b), Z = cache
        if not ctx.array(step, f"caches[{l - 1}]: A_prev", A_prev, f"A{l - 1}"):
            return
        if not ctx.array(step, f"caches[{l - 1}]: W", W, f"W{l}"):
            return
        no_bias = (ctx.exp(f"Z{l}") - ctx.exp(f"b{l}"), "wrong_value", "msg.missing_bias", {})
        if not ctx.array(step, f"Z{l}", Z, f"Z{l}", variants=[no_bias]):
            return
        out = AL if l == L else (caches[l][0][0] if l < len(caches) and is_cache_pair(caches[l]) else None)
        if out is None:
            continue
        want, other = (sigmoid, relu) if l == L else (relu, sigmoid)
        variants = [(other(ctx.exp(f"Z{l}"))[0], "wrong_activation", "msg.wrong_activation",
                     {"expected": want.__name__, "got": other.__name__})]
        if not ctx.array(step, "AL" if l == L else f"A{l}", out, f"A{l}", variants=variants):
            return
    ctx.visit("caches")
    if len(caches) != L:
        ctx.fail("caches", "loop_bounds", "msg.loop_bounds", what="caches", expected=L, got=len(caches))


def record(solutions, case):
    X, params = case.make()
    AL, caches = solutions["L_model_forward"](X, params)
    out = {"AL": AL}
    for l, ((A_prev, W, b), Z) in enumerate(caches, start=1):
        out[f"A{l - 1}"], out[f"W{l}"], out[f"b{l}"], out[f"Z{l}"] = A_prev, W, b, Z
    L = len(caches)
    out[f"A{L}"] = AL
    return out


def error_step(ctx):
    L = _L(ctx.case)
    done = len(distinct_calls(ctx.call.spied.get("linear_activation_forward", [])))
    return f"layer{min(done + 1, L)}"


def explain_error(ctx):
    """A layer that raised inside linear_activation_forward: did it get the wrong inputs?"""
    raised = ctx.call.spy_raised
    calls = list(ctx.call.spied.get("linear_activation_forward", []))
    if raised and raised[0] == "linear_activation_forward":
        calls.append((raised[1], raised[2], None))
    check_calls(ctx, calls, _L(ctx.case))


EXERCISE = Exercise("L_model_forward", "step_by_step", ("X", "parameters"), CASES, steps, check, record,
                    spy=("linear_activation_forward",), error_step=error_step, explain_error=explain_error,
                    layered=True)


def hidden_case(id_, seed, layer_dims, m):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    dims = list(layer_dims)
    return Case(id_, _random(seed, dims, m), f"X({dims[0]},{m}), layer_dims {dims}", {"layer_dims": dims, "m": m})


# --------------------------------------------------------------------------- the Check's picture

def diagram(b, dims):
    """The Check's picture, laid out on ``b`` (a ``dnn_lab.diagram.graph.Layout``): X through layers 1 … L to AL, the
    caches below."""
    L = dims.L
    layers = []
    for l in range(1, L + 1):
        act = "SIGMOID" if l == L else "RELU"
        layers.append((f"layer{l}", f"LINEAR→{act}\n" + b.tr(f"第 {l} 层", f"layer {l}")))
    widths = [b.box("X", minw=0.45)[0]] + [b.box(lab)[0] for _, lab in layers] + [b.box("AL", minw=0.45)[0]]
    # Edge labels of params sit on vertical edges: a layer column must hold them.
    pw = [b.text_width(f"{dims.W(l)} {dims.b(l)}", b.SMALL_PT) + 0.1 for l in range(1, L + 1)]
    widths[1:-1] = [max(w, p) for w, p in zip(widths[1:-1], pw)]
    names = ["X"] + [f"A{l}" for l in range(1, L + 1)]
    xs = b.row(widths, [b.gap(nm, dims.act(l)) for l, nm in enumerate(names)])
    y = 1.25
    b.node("X", "X", "data", xs[0], y, minw=0.45)
    for (id_, lab), x, l in zip(layers, xs[1:-1], range(1, L + 1)):
        b.node(id_, lab, "op", x, y, w=widths[l], checkable=True)
        b.node(f"_params{l}", f"W{l}, b{l}", "param", x, 2.35)
    b.node("AL", "AL", "data", xs[-1], y, minw=0.45)
    caches_label = b.tr("缓存列表", "caches") + f" = [cache 1, …, cache {L}]   ((A_prev, W, b), Z)"
    span = xs[-2] + widths[-2] / 2 - (xs[1] - widths[1] / 2)
    b.node("caches", caches_label, "dict", (xs[1] + xs[-2]) / 2, 0.1,
           w=max(span, b.box(caches_label)[0]), checkable=True)
    ids = ["_X"] + [i for i, _ in layers] + ["_AL"]
    for l in range(1, L + 1):
        b.edge(ids[l - 1], ids[l], dims.act(l - 1), name="X" if l == 1 else f"A{l - 1}")
        b.edge(f"_params{l}", ids[l], f"{dims.W(l)} {dims.b(l)}", side="on")
        b.edge(ids[l], "caches", style="dashed")
    b.edge(ids[L], "_AL", dims.act(L), name=f"A{L}")
    return b.graph(b.title("L_model_forward", dims), note_band=True)
