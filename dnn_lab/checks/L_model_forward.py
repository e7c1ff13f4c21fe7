"""Exercise 5 — ``L_model_forward(X, parameters)`` → ``(AL, caches)``:
[LINEAR→RELU]×(L−1) → LINEAR→SIGMOID, one cache ((A_prev, W, b), Z) per layer.
Blames the first layer (from the input on) whose output diverges."""
import numpy as np

from .. import testcases as tc
from ..helpers import relu, sigmoid
from .engine import Case, Exercise
from .layers import is_cache_pair, layer_steps


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


def _activation_calls(ctx):
    return [c for c in ctx.call.spied.get("linear_activation_forward", [])]


def check(ctx):
    L = _L(ctx.case)
    AL, caches = ctx.sequence("layer1", "(AL, caches)", ctx.value, 2)
    calls = _activation_calls(ctx)
    # Activation used per layer, when the student's helper was called.
    for l, (args, kwargs, _) in enumerate(calls[:L], start=1):
        act = kwargs.get("activation", args[3] if len(args) > 3 else None)
        want = "sigmoid" if l == L else "relu"
        if act != want:
            ctx.fail(f"layer{l}", "wrong_activation", "msg.wrong_activation", what=f"layer {l}", expected=want,
                     got=act)
            return
    if not isinstance(caches, (list, tuple)):
        ctx.fail("caches", "wrong_type", "msg.wrong_type", what="caches", expected="list", got=type(caches).__name__)
        caches = []
    for l in range(1, L + 1):
        step = f"layer{l}"
        if l > len(caches):
            ctx.fail(step, "loop_bounds", "msg.loop_bounds", what="caches", expected=L, got=len(caches))
            return
        cache = caches[l - 1]
        if not is_cache_pair(cache):
            ctx.fail(step, "wrong_type", "msg.cache_mismatch", what=f"caches[{l - 1}]", expected="((A_prev, W, b), Z)")
            return
        (A_prev, W, b), Z = cache
        if not ctx.array(step, f"caches[{l - 1}]: A_prev", A_prev, f"A{l - 1}"):
            return
        if not ctx.array(step, f"caches[{l - 1}]: W", W, f"W{l}"):
            return
        if not ctx.array(step, f"Z{l}", Z, f"Z{l}"):
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
        out[f"A{l - 1}"], out[f"W{l}"], out[f"Z{l}"] = A_prev, W, Z
    L = len(caches)
    out[f"A{L}"] = AL
    return out


def error_step(ctx):
    L = _L(ctx.case)
    done = len(ctx.call.spied.get("linear_activation_forward", []))
    return f"layer{min(done + 1, L)}"


EXERCISE = Exercise("L_model_forward", "step_by_step", ("X", "parameters"), CASES, steps, check, record,
                    spy=("linear_activation_forward",), error_step=error_step)
