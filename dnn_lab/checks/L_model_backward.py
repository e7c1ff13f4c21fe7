"""Exercise 9 — ``L_model_backward(AL, Y, caches)`` → grads with exactly
dA0..dA(L−1), dW1..dWL, db1..dbL.  Steps in backward order: dAL, layerL … layer1,
keys; blames the first layer, from the output back, whose gradients diverge."""
import re

import numpy as np

from .. import testcases as tc
from .compare import close, type_name
from .diagnosis import outside_loop
from .engine import Case, Exercise, StopCase
from .layers import distinct_calls as _distinct, fmt_keys


def _random(seed, dims, m):
    def make():
        AL, Y, caches = tc.random_forward_caches(seed, dims, m)
        return AL, Y, caches
    return make


CASES = (
    Case("reference", tc.L_model_backward_test_case, "AL(1,2), 2 layers: A0(4,2) W1(3,4) W2(1,3)",
         {"layer_dims": [4, 3, 1], "m": 2}),
    Case("one_layer", _random(71, [3, 1], 4), "AL(1,4), layer_dims [3, 1]", {"layer_dims": [3, 1], "m": 4}),
    Case("three_layers", _random(72, [4, 3, 2, 1], 3), "AL(1,3), layer_dims [4, 3, 2, 1]",
         {"layer_dims": [4, 3, 2, 1], "m": 3}),
    Case("four_layers", _random(73, [5, 4, 3, 2, 1], 5), "AL(1,5), layer_dims [5, 4, 3, 2, 1]",
         {"layer_dims": [5, 4, 3, 2, 1], "m": 5}),
)


def _L(case):
    return len(case.dims["layer_dims"]) - 1


def steps(case):
    L = _L(case)
    return ["dAL"] + [f"layer{l}" for l in range(L, 0, -1)] + ["keys"]


def expected_keys(L):
    return ({f"dA{l}" for l in range(L)} | {f"dW{l}" for l in range(1, L + 1)}
            | {f"db{l}" for l in range(1, L + 1)})


def _call_args(args, kwargs):
    """(dA, cache, activation) of one linear_activation_backward call."""
    names = ("dA", "cache", "activation")
    values = list(args[:3]) + [None] * (3 - min(len(args), 3))
    return [kwargs.get(n, v) for n, v in zip(names, values)]


def _same_cache(a, b):
    try:
        (A, W, bb), Z = a
        (A2, W2, b2), Z2 = b
    except (TypeError, ValueError):
        return False
    return all(close(x, y) for x, y in ((A, A2), (W, W2), (bb, b2), (Z, Z2)))


def _same_call(a, b):
    (dA1, c1, act1), (dA2, c2, act2) = _call_args(a[0], a[1]), _call_args(b[0], b[1])
    return act1 == act2 and close(dA1, dA2) and _same_cache(c1, c2)


def distinct_calls(calls):
    """The layer calls without repeats (see :func:`dnn_lab.checks.layers.distinct_calls`)."""
    return _distinct(calls, _same_call)


def _returns_right(ctx, L):
    grads = ctx.value
    return (ctx.call.error is None and isinstance(grads, dict) and set(grads) == expected_keys(L)
            and all(close(grads[k], ctx.exp(k)) for k in grads))


def dAL_variants(ctx):
    """dAL with one of its two terms left out (Y is 0 or 1: each term lives on its own examples)."""
    want = ctx.exp("dAL")
    try:
        Y = np.asarray(ctx.args[1]).reshape(want.shape)
    except ValueError:
        return []
    first, second = np.where(Y == 1, want, 0.0), np.where(Y == 0, want, 0.0)
    # One term with the wrong sign, e.g. -(Y/AL + (1-Y)/(1-AL)): a sign error, not just "wrong".
    out = [(first - second, "sign_error", "msg.sign_error_term", {"term": "(1−Y)/(1−AL)"}),
           (second - first, "sign_error", "msg.sign_error_term", {"term": "Y/AL"})]
    for variant, term in ((first, "(1−Y)/(1−AL)"), (second, "Y/AL")):
        out += [(variant, "missing_term", "msg.missing_term", {"term": term}),
                (-variant, "missing_term", "msg.missing_term", {"term": term})]
    return out


def _cache_name(ctx, cache):
    """What was handed on as a layer's cache, named for the student (``caches`` the whole list,
    ``caches[1]``, ``caches[1][0]`` its linear part, ``caches[1][1]`` its Z), or None."""
    caches = list(ctx.args[2])
    if (isinstance(cache, (list, tuple)) and len(cache) == len(caches)
            and all(_same_cache(c, k) for c, k in zip(cache, caches))):
        return "caches"
    for k, c in enumerate(caches):
        if _same_cache(cache, c):
            return f"caches[{k}]"
    for k, ((A, W, b), Z) in enumerate(caches):
        if isinstance(cache, (list, tuple)) and len(cache) == 3 and all(
                close(x, y) for x, y in zip(cache, (A, W, b))):
            return f"caches[{k}][0]"
        if isinstance(cache, np.ndarray) and close(cache, Z):
            return f"caches[{k}][1]"
    return None


def _activation_too(ctx, step, l, L, act):
    """A layer that got the wrong input and also calls the other activation (the output
    layer's line pasted into the loop): both findings, at the same step."""
    want = "sigmoid" if l == L else "relu"
    if act != want:
        ctx.fail(step, "wrong_activation", "msg.layer_wrong_activation", layer=l, expected=want + "_backward",
                 got=f"{act}_backward")


def _dA_source(ctx, dA, L, l):
    """What a layer received instead of its dA, named for the student, or None."""
    candidates = [] if l == L else [("dAL", ctx.exp("dAL"))]
    candidates += [(f"grads['dA{k}']", ctx.exp(f"dA{k}")) for k in range(L) if k != l]
    for name in ("sigmoid_backward", "relu_backward"):
        candidates += [(f"{name}(…)", result) for _, _, result in ctx.call.spied.get(name, [])]
    return next((name for name, value in candidates if close(dA, value)), None)


def check_calls(ctx, calls, L):
    """Through the student's linear_activation_backward calls, from the output back:
    call i is layer L - i; it must get dA{L-i} (dAL first), caches[L-i-1] and the
    right activation, and return that layer's gradients.  ``calls`` may end with a
    call that raised (result None).  Repeated calls (same inputs) count once."""
    caches = list(ctx.args[2])
    m = ctx.args[0].shape[1]
    calls = distinct_calls(calls)
    if len(calls) > L:
        if _returns_right(ctx, L):
            return  # extra calls whose results were not kept: the returned grads decide
        ctx.stop("layer1", "loop_bounds", "msg.loop_bounds", what="linear_activation_backward", expected=L,
                 got=len(calls))
    for i, (args, kwargs, result) in enumerate(calls):
        l = L - i
        step = f"layer{l}"
        dA, cache, act = _call_args(args, kwargs)
        if i == 0:
            got = _dA_source(ctx, dA, L, l)
            if got:
                ctx.visit("dAL")
                _activation_too(ctx, step, l, L, act)
                ctx.stop(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="dA", got=got,
                         expected="dAL")
            if close(dA, ctx.args[0]):
                ctx.stop("dAL", "wrong_layer_input", "msg.layer_got_instead", layer=l, what="dA", got="AL",
                         expected="dAL")
            if not ctx.array("dAL", "dAL", dA, "dAL", variants=dAL_variants(ctx), extra_m=m):
                raise StopCase()
            ctx.visit("dAL")
        elif not close(dA, ctx.exp(f"dA{l}")):
            got = _dA_source(ctx, dA, L, l)
            if isinstance(dA, (tuple, list)) and len(dA) == 3 and close(dA[0], ctx.exp(f"dA{l}")):
                got = "(dA_prev, dW, db)"  # the whole result of the previous call, not unpacked
            _activation_too(ctx, step, l, L, act)
            if got:
                ctx.stop(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="dA", got=got,
                         expected=f"grads['dA{l}']")
            ctx.stop(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="dA", got=type_name(dA),
                     expected=f"grads['dA{l}']")
        ctx.visit(step)
        if not _same_cache(cache, caches[l - 1]):
            _activation_too(ctx, step, l, L, act)
            other = next((k for k, c in enumerate(caches) if _same_cache(cache, c)), None)
            if other is not None:
                ctx.stop(step, "wrong_layer_input", "msg.wrong_layer_cache", layer=l, index=other, needed=l - 1)
            ctx.stop(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="cache",
                     got=_cache_name(ctx, cache) or type_name(cache), expected=f"caches[{l - 1}]")
        want = "sigmoid" if l == L else "relu"
        if act != want:
            ctx.stop(step, "wrong_activation", "msg.layer_wrong_activation", layer=l, expected=want + "_backward",
                     got=f"{act}_backward")
        if result is not None:
            if not (isinstance(result, (tuple, list)) and len(result) == 3):
                ctx.stop(step, "wrong_type", "msg.wrong_type", what="linear_activation_backward",
                         expected="tuple[3]", got=type_name(result))
            ok = ctx.array(step, f"dA{l - 1}", result[0], f"dA{l - 1}", extra_m=m)
            ok &= ctx.array(step, f"dW{l}", result[1], f"dW{l}", m=ctx.args[0].shape[1])
            ok &= ctx.array(step, f"db{l}", result[2], f"db{l}", m=ctx.args[0].shape[1], is_sum=True)
            if not ok:
                raise StopCase()


def check(ctx):
    L = _L(ctx.case)
    m = ctx.args[0].shape[1]
    grads = ctx.dict_value("dAL", "grads", ctx.value)
    calls = ctx.call.spied.get("linear_activation_backward", [])
    if calls:
        check_calls(ctx, calls, L)
    else:
        check_dAL_by_hand(ctx, L)
    ctx.visit("dAL")
    want_keys = expected_keys(L)
    for l in range(L, 0, -1):
        step = f"layer{l}"
        names = (f"dA{l - 1}", f"dW{l}", f"db{l}")
        missing = [k for k in names if k not in grads]
        if missing:
            stop_if_misplaced(ctx, grads, L)
            if outside_loop(ctx, step):
                raise StopCase()
            layers_done = len({k for k in grads if str(k).startswith("dW")})
            if not (set(grads) - want_keys) and layers_done < L:
                ctx.stop(step, "loop_bounds", "msg.loop_bounds", what="grads", expected=L, got=layers_done)
            ctx.stop(step, "wrong_keys", "msg.wrong_keys", missing=fmt_keys(missing),
                     extra=fmt_keys(set(grads) - want_keys))
        if l == L and not calls and _all_negated(grads, names, ctx):
            ctx.stop("dAL", "sign_error", "msg.sign_error", what="dAL")
        before = len(ctx.findings)
        ok = ctx.array(step, names[1], grads[names[1]], names[1], m=m)
        ok &= ctx.array(step, names[2], grads[names[2]], names[2], m=m, is_sum=True)
        ok &= ctx.array(step, names[0], grads[names[0]], names[0], extra_m=m)
        if not ok:
            if find_misplaced(ctx, grads, L):
                del ctx.findings[before:]
                stop_if_misplaced(ctx, grads, L)
            by_hand_layer(ctx, L, l, before)
            return
    ctx.visit("keys")
    extra = set(grads) - want_keys
    if extra:
        ctx.fail("keys", "wrong_keys", "msg.wrong_keys", missing="—", extra=fmt_keys(extra))


def _helper_calls_by_layer(ctx, L):
    """{layer: [(helper name, dA)]}: the activation backward helpers the student called by
    hand on that layer's Z (``sigmoid_backward(dAL, Z)`` in the loop, say)."""
    caches = list(ctx.args[2])
    out = {}
    for name in ("sigmoid_backward", "relu_backward"):
        for args, kwargs, _ in ctx.call.spied.get(name, []):
            Z = args[1] if len(args) > 1 else kwargs.get("cache", kwargs.get("Z"))
            dA = args[0] if args else kwargs.get("dA")
            for l in range(1, L + 1):
                if close(Z, caches[l - 1][1]):
                    out.setdefault(l, []).append((name, dA))
    return out


def by_hand_layer(ctx, L, l, before):
    """Layer ``l``'s gradients are wrong and it called an activation helper by hand: the other
    activation, and the wrong dA handed to it (dAL inside the loop), replace the generic
    findings recorded since ``before``."""
    used = _helper_calls_by_layer(ctx, L).get(l, [])
    if not used:
        return
    step = f"layer{l}"
    want = "sigmoid_backward" if l == L else "relu_backward"
    names = sorted({name for name, _ in used})
    wrong_dA = [dA for _, dA in used if not close(dA, ctx.exp("dAL" if l == L else f"dA{l}"))]
    if want in names and not wrong_dA:
        return
    del ctx.findings[before:]
    if want not in names:
        ctx.fail(step, "wrong_activation", "msg.layer_wrong_activation", layer=l, expected=want,
                 got=", ".join(names))
    if wrong_dA:
        got = _dA_source(ctx, wrong_dA[0], L, l) or type_name(wrong_dA[0])
        ctx.fail(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="dA", got=got,
                 expected="dAL" if l == L else f"grads['dA{l}']")


def check_dAL_by_hand(ctx, L):
    """Without linear_activation_backward, the dA handed to the helper on Z_L is the student's dAL."""
    Z_L = ctx.args[2][L - 1][1]
    for name in ("sigmoid_backward", "relu_backward"):
        for args, kwargs, _ in ctx.call.spied.get(name, []):
            Z = args[1] if len(args) > 1 else kwargs.get("Z")
            if close(Z, Z_L):
                dA = args[0] if args else kwargs.get("dA")
                if not ctx.array("dAL", "dAL", dA, "dAL", variants=dAL_variants(ctx), extra_m=ctx.args[0].shape[1]):
                    raise StopCase()
                return


def find_misplaced(ctx, grads, L):
    """In computation order, the first layer output stored under another key of ``grads``:
    ``(layer, key, stored_under)``, or None.  A slot that holds a later layer's value was
    overwritten by that layer, which is the one to blame."""
    order = [(l, k) for l in range(L, 0, -1) for k in (f"dA{l - 1}", f"dW{l}", f"db{l}")]
    for i, (l, key) in enumerate(order):
        want = ctx.exp(key)
        if key in grads and close(grads[key], want):
            continue
        under = next((k for k, v in grads.items() if k != key and close(v, want)), None)
        if under is not None:
            return l, key, under
        if key in grads and any(close(grads[key], ctx.exp(k2)) for _, k2 in order[i + 1:]):
            continue
        return None
    return None


def stop_if_misplaced(ctx, grads, L):
    found = find_misplaced(ctx, grads, L)
    if found:
        l, key, under = found
        for k in range(L, l, -1):
            ctx.visit(f"layer{k}")
        ctx.stop(f"layer{l}", "wrong_keys", "msg.key_misplaced", what=key, got=f"grads[{under!r}]",
                 expected=f"grads[{key!r}]")


def _all_negated(grads, names, ctx):
    return all(close(grads[k], -ctx.exp(k)) for k in names) and not any(close(grads[k], ctx.exp(k)) for k in names)


def record(solutions, case):
    AL, Y, caches = case.make()
    grads = solutions["L_model_backward"](AL, Y, caches)
    out = {k: v for k, v in grads.items()}
    # dAL as the solution hands it to the last layer
    calls = []
    inner = solutions["linear_activation_backward"]

    def spy(dA, cache, activation):
        calls.append(dA)
        return inner(dA, cache, activation)
    solutions["linear_activation_backward"] = spy
    try:
        solutions["L_model_backward"](AL, Y, caches)
    finally:
        solutions["linear_activation_backward"] = inner
    out["dAL"] = calls[0]
    return out


def error_step(ctx):
    L = _L(ctx.case)
    done = len(distinct_calls(ctx.call.spied.get("linear_activation_backward", [])))
    error = ctx.call.error or {}
    code = str(error.get("code", ""))
    if done and code.startswith("grads[") and "linear_activation_backward" not in code:
        return f"layer{L - done + 1}"  # storing the last call's gradients is still that layer's work
    return f"layer{max(L - done, 1)}"


def explain_error(ctx):
    """An exception: was dAL already wrong (the failing frame's variables)?  Did a layer
    that raised inside linear_activation_backward get the wrong dA or cache?  Did a
    layer store its gradients under another layer's key (a later read then fails)?"""
    L = _L(ctx.case)
    local = ctx.call.error_locals or {}
    if isinstance(local.get("dAL"), np.ndarray):
        if not ctx.array("dAL", "dAL", local["dAL"], "dAL", variants=dAL_variants(ctx), extra_m=ctx.args[0].shape[1]):
            return
    raised = ctx.call.spy_raised
    calls = list(ctx.call.spied.get("linear_activation_backward", []))
    if raised and raised[0] == "linear_activation_backward":
        calls.append((raised[1], raised[2], None))
    if calls:
        check_calls(ctx, calls, L)
    else:
        check_dAL_by_hand(ctx, L)
    _stop_if_helper_got_wrong_cache(ctx, calls, L)
    _stop_if_caches_unpacked(ctx, calls, L)
    grads = local.get("grads")
    if isinstance(grads, dict):
        stop_if_misplaced(ctx, grads, L)
        _stop_if_not_stored(ctx, grads, calls, L)
        _check_partial(ctx, grads, L)


def _stop_if_helper_got_wrong_cache(ctx, calls, L):
    """An activation helper called by hand raised: the layer it worked for (counted from the
    output: the layers already done) got the wrong cache (the whole ``caches`` list, another
    layer's, the pair instead of its Z) or the wrong dA (dAL in the loop): that layer's input."""
    raised = ctx.call.spy_raised
    if not (raised and raised[0] in ("sigmoid_backward", "relu_backward")):
        return
    name, args, kwargs = raised
    Z = args[1] if len(args) > 1 else kwargs.get("cache", kwargs.get("Z"))
    dA = args[0] if args else kwargs.get("dA")
    caches = list(ctx.args[2])
    done = len(distinct_calls(calls)) + sum(len(ctx.call.spied.get(h, [])) for h in ("sigmoid_backward",
                                                                                        "relu_backward"))
    l = max(L - done, 1)
    step = f"layer{l}"
    right_Z = isinstance(Z, np.ndarray) and close(Z, caches[l - 1][1])
    right_dA = close(dA, ctx.exp("dAL" if l == L else f"dA{l}"))
    if right_Z and right_dA:
        return
    for k in range(L, l, -1):
        ctx.visit(f"layer{k}")
    if not right_Z:
        ctx.fail(step, "wrong_layer_input", "msg.layer_call_got_instead", layer=l, callee=name, what="cache",
                 got=_cache_name(ctx, Z) or type_name(Z), expected=f"caches[{l - 1}][1]")
    if not right_dA:
        ctx.fail(step, "wrong_layer_input", "msg.layer_got_instead", layer=l, what="dA",
                 got=_dA_source(ctx, dA, L, l) or type_name(dA), expected="dAL" if l == L else f"grads['dA{l}']")
    raise StopCase()


def _stop_if_caches_unpacked(ctx, calls, L):
    """``linear_cache, activation_cache = caches``: the whole list unpacked where one layer's
    cache was meant (it raises once the network has more than two layers)."""
    error = ctx.call.error or {}
    if not (error.get("type") == "ValueError" and "unpack" in str(error.get("message"))
            and re.search(r"=\s*caches\s*$", str(error.get("code", ""))) and error.get("depth", 1) == 1):
        return
    l = max(L - len(distinct_calls(calls)) - sum(len(ctx.call.spied.get(h, [])) for h in ("sigmoid_backward",
                                                                                           "relu_backward")), 1)
    for k in range(L, l, -1):
        ctx.visit(f"layer{k}")
    ctx.stop(f"layer{l}", "wrong_layer_input", "msg.layer_got_instead", layer=l, what="cache", got="caches",
             expected=f"caches[{l - 1}]")


def _stop_if_not_stored(ctx, grads, calls, L):
    """A KeyError on grads['dA{k}'] that layer k+1 computed but never stored: that layer's fault."""
    key = (ctx.call.error or {}).get("key")
    if not (isinstance(key, str) and key.startswith("dA") and key[2:].isdigit() and key not in grads):
        return
    k = int(key[2:])
    if k >= L:
        return
    for _, _, result in calls:
        if isinstance(result, (tuple, list)) and result and close(result[0], ctx.exp(key)):
            for j in range(L, k + 1, -1):
                ctx.visit(f"layer{j}")
            ctx.stop(f"layer{k + 1}", "wrong_keys", "msg.key_not_stored", layer=k + 1, what=key,
                     expected=f"grads[{key!r}]")


def _check_partial(ctx, grads, L):
    """The gradients stored before the exception, layer by layer from the output back."""
    m = ctx.args[0].shape[1]
    for l in range(L, 0, -1):
        names = [k for k in (f"dW{l}", f"db{l}", f"dA{l - 1}") if k in grads]
        if not names:
            return
        ok = True
        for k in names:
            kw = {"extra_m": m} if k.startswith("dA") else {"m": m, "is_sum": k.startswith("db")}
            ok &= ctx.array(f"layer{l}", k, grads[k], k, **kw)
        if not ok:
            return


EXERCISE = Exercise("L_model_backward", "step_by_step", ("AL", "Y", "caches"), CASES, steps, check, record,
                    spy=("linear_activation_backward", "sigmoid_backward", "relu_backward"), error_step=error_step,
                    explain_error=explain_error,
                    layered=True)


def hidden_case(id_, seed, layer_dims, m):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    dims = list(layer_dims)
    return Case(id_, _random(seed, dims, m), f"AL(1,{m}), layer_dims {dims}", {"layer_dims": dims, "m": m})


# --------------------------------------------------------------------------- the Check's picture

_SYM_PREV = {"L": "L-1", "L-1": "L-2", "1": "0", "l": "l-1"}


def diagram(b, dims, symbolic=False):
    """Backward pass, drawn right to left: dAL → layer L → … → layer 1 → dA0.

    Columns left to right: dA0, layer 1 … layer L, dAL; caches[l-1] above
    layer l, the grads dict below.  ``symbolic`` draws layers 1, ⋯, L-1, L.
    """
    layers = ["1", "…", "L-1", "L"] if symbolic else list(range(1, dims.L + 1))
    top = layers[-1]
    check = not symbolic

    def prev(l):
        return l - 1 if isinstance(l, int) else _SYM_PREV[l]

    def key(prefix, l):
        return f"{prefix}{l}" if isinstance(l, int) or len(l) == 1 and l.isdigit() else f"{prefix}[{l}]"

    def layer_id(l):
        return f"layer{l}" if check else f"_layer{l}"

    keys_id = "keys" if check else "_keys"

    def layer_label(l):
        act = "SIGMOID" if l == top else "RELU"
        return b.tr(f"第 {l} 层", f"layer {l}") + f"\nLINEAR ← {act}"

    def grad_label(l):
        return f"{dims.W(l, prev(l))} {dims.b(l)}"

    dal_label = "dAL =\n−(Y/AL − (1−Y)/(1−AL))"
    widths = [b.box("dA0", minw=0.5)[0]]
    for l in layers:
        if l == "…":
            widths.append(0.3)
        else:
            widths.append(max(b.box(layer_label(l))[0], b.text_width(grad_label(l), b.SMALL_PT) + 0.1))
    widths.append(b.box(dal_label, b.SMALL_PT)[0])
    # The gap left of each column carries the gradient flowing out of it:
    # dA[l-1] out of layer l; out of ⋯, dA1 into layer 1.
    flows = {l: ((key("dA", prev(l)), dims.act(prev(l))) if l != "…" else ("dA1", dims.act("1"))) for l in layers}
    gaps = [b.gap(*flows[l]) for l in layers] + [b.gap("dAL", dims.act(top))]
    xs = b.row(widths, gaps)
    x_of = dict(zip(["dA0"] + layers + ["dAL"], xs))
    y, y_top = 1.35, 2.45
    # Checkable nodes in checking order: dAL, layer L … layer 1, keys.
    b.node("dAL", dal_label, "op", x_of["dAL"], y, checkable=check, pt=b.SMALL_PT)
    for l in reversed(layers):
        if l == "…":
            b.node("_layerdots", "⋯", "text", x_of[l], y, w=0.3, pt=14)
        else:
            b.node(layer_id(l), layer_label(l), "op", x_of[l], y, w=widths[layers.index(l) + 1], checkable=check)
    x0, x1 = xs[1] - widths[1] / 2, xs[-2] + widths[-2] / 2
    if symbolic:
        keys = "grads = {dA0 … dA(L-1), dW1 … dWL, db1 … dbL}"
    elif dims.L > 1:
        keys = f"grads = {{dA0 … dA{dims.L - 1}, dW1 … dW{dims.L}, db1 … db{dims.L}}}"
    else:
        keys = "grads = {dA0, dW1, db1}"
    b.node("keys", keys, "dict", (x0 + x1) / 2, 0.2, w=max(x1 - x0, b.box(keys)[0]), checkable=check)
    b.node("dA0", "dA0", "data", x_of["dA0"], y, minw=0.5)
    b.node("ALY", "AL, Y", "data", x_of["dAL"], y_top)
    b.edge("_ALY", "_dAL" if symbolic else "dAL")
    # The gradient flows right to left.
    ids = ["_dA0"] + ["_layerdots" if l == "…" else layer_id(l) for l in layers]
    b.edge("_dAL" if symbolic else "dAL", ids[-1], dims.act(top), name="dAL")
    for i in range(len(layers), 0, -1):
        name, shape = flows[layers[i - 1]]
        b.edge(ids[i], ids[i - 1], shape, name=name)
    for l in layers:
        if l == "…":
            continue
        cache_index = f"caches[{l - 1}]" if isinstance(l, int) else f"caches[{_SYM_PREV[l] if l != '1' else 0}]"
        b.node(f"cache{l}", cache_index, "cache", x_of[l], y_top)
        b.edge(f"_cache{l}", layer_id(l), style="dashed")
        b.edge(layer_id(l), keys_id, grad_label(l), name=f"{key('dW', l)}, {key('db', l)}", side="on")
    if symbolic:
        title = b.tr("整个网络的反向传播", "Backward pass through the whole network") + b.named("L_model_backward")
        return b.graph(title)
    return b.graph(b.title("L_model_backward", dims), note_band=True)
