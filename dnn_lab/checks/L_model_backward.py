"""Exercise 9 — ``L_model_backward(AL, Y, caches)`` → grads with exactly
dA0..dA(L−1), dW1..dWL, db1..dbL.  Steps in backward order: dAL, layerL … layer1,
keys; blames the first layer, from the output back, whose gradients diverge."""
from .. import testcases as tc
from .compare import close, type_name
from .engine import Case, Exercise, StopCase
from .layers import fmt_keys


def _random(seed, dims, m):
    def make():
        AL, Y, caches = tc.random_forward_caches(seed, dims, m)
        return AL, Y, caches
    return make


CASES = (
    Case("reference", tc.L_model_backward_test_case, "AL(1,2), 2 layers: A1(4,2) W1(3,4) W2(1,3)",
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


def check_calls(ctx, calls, L):
    """Through the student's linear_activation_backward calls, from the output back:
    call i is layer L - i; it must get dA{L-i} (dAL first), caches[L-i-1] and the
    right activation, and return that layer's gradients.  ``calls`` may end with a
    call that raised (result None)."""
    caches = list(ctx.args[2])
    if len(calls) > L:
        ctx.stop("layer1", "loop_bounds", "msg.loop_bounds", what="linear_activation_backward", expected=L,
                 got=len(calls))
    for i, (args, kwargs, result) in enumerate(calls):
        l = L - i
        step = f"layer{l}"
        dA, cache, act = _call_args(args, kwargs)
        if i == 0:
            if not ctx.array("dAL", "dAL", dA, "dAL"):
                raise StopCase()
            ctx.visit("dAL")
        elif not close(dA, ctx.exp(f"dA{l}")):
            ctx.stop(step, "wrong_value", "msg.wrong_layer_input", layer=l, what=f"dA{l}")
        ctx.visit(step)
        if not _same_cache(cache, caches[l - 1]):
            other = next((k for k, c in enumerate(caches) if _same_cache(cache, c)), None)
            if other is not None:
                ctx.stop(step, "wrong_value", "msg.wrong_layer_cache", layer=l, index=other, needed=l - 1)
            ctx.stop(step, "wrong_value", "msg.wrong_layer_input", layer=l, what="cache")
        want = "sigmoid" if l == L else "relu"
        if act != want:
            ctx.stop(step, "wrong_activation", "msg.wrong_activation", what=f"layer {l}", expected=want + "_backward",
                     got=f"{act}_backward")
        if result is not None:
            if not (isinstance(result, (tuple, list)) and len(result) == 3):
                ctx.stop(step, "wrong_type", "msg.wrong_type", what="linear_activation_backward",
                         expected="tuple[3]", got=type_name(result))
            ok = ctx.array(step, f"dA{l - 1}", result[0], f"dA{l - 1}")
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
    ctx.visit("dAL")
    want_keys = expected_keys(L)
    for l in range(L, 0, -1):
        step = f"layer{l}"
        names = (f"dA{l - 1}", f"dW{l}", f"db{l}")
        missing = [k for k in names if k not in grads]
        if missing:
            layers_done = len({k for k in grads if str(k).startswith("dW")})
            if not (set(grads) - want_keys) and layers_done < L:
                ctx.stop(step, "loop_bounds", "msg.loop_bounds", what="grads", expected=L, got=layers_done)
            ctx.stop(step, "wrong_keys", "msg.wrong_keys", missing=fmt_keys(missing),
                     extra=fmt_keys(set(grads) - want_keys))
        if l == L and not calls and _all_negated(grads, names, ctx):
            ctx.stop("dAL", "sign_error", "msg.sign_error", what="dAL")
        ok = ctx.array(step, names[1], grads[names[1]], names[1], m=m)
        ok &= ctx.array(step, names[2], grads[names[2]], names[2], m=m, is_sum=True)
        ok &= ctx.array(step, names[0], grads[names[0]], names[0])
        if not ok:
            return
    ctx.visit("keys")
    extra = set(grads) - want_keys
    if extra:
        ctx.fail("keys", "wrong_keys", "msg.wrong_keys", missing="—", extra=fmt_keys(extra))


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
    done = len(ctx.call.spied.get("linear_activation_backward", []))
    return f"layer{max(L - done, 1)}"


def explain_error(ctx):
    """A layer that raised inside linear_activation_backward: did it get the wrong dA or cache?"""
    raised = ctx.call.spy_raised
    calls = list(ctx.call.spied.get("linear_activation_backward", []))
    if raised and raised[0] == "linear_activation_backward":
        calls.append((raised[1], raised[2], None))
    check_calls(ctx, calls, _L(ctx.case))


EXERCISE = Exercise("L_model_backward", "step_by_step", ("AL", "Y", "caches"), CASES, steps, check, record,
                    spy=("linear_activation_backward",), error_step=error_step, explain_error=explain_error,
                    layered=True)
