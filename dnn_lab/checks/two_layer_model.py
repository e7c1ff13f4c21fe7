"""Part 2, exercise 1 — ``two_layer_model(X, Y, layers_dims, learning_rate=0.0075,
num_iterations=3000, print_cost=False)`` → ``(parameters, costs)``.

LINEAR→RELU→LINEAR→SIGMOID trained by gradient descent with the ten Part 1
functions; ``costs`` holds the cost of iterations 0, 100, 200, … and of the
last iteration (``i == num_iterations - 1``), each once.

Step ids (in checking order; also used by :mod:`dnn_lab.checks.L_layer_model`):

``init``      the parameters training starts from (``initialize_parameters``:
              seed 1, ×0.01) — read from the initialiser's result, else from
              the first call that receives the parameters;
``forward``   AL at iteration 0 (from the forward helpers' results);
``cost``      the cost at iteration 0;
``backward``  dW1, db1, dW2, db2 at iteration 0 (the grads given to
              ``update_parameters``, else the backward helpers' results);
``update``    the learning rate passed on, one update per iteration, the
              updated parameters used by the next iteration, the final parameters;
``costs``     how many costs are recorded, at which iterations, and their values;
``result``    the returned structure ``(parameters, costs)``.

The steps before ``result`` are observed through spies on the Part 1 helpers
the student's function calls (``initialize_parameters``, ``L_model_forward``,
``compute_cost``, ``update_parameters`` …); a helper that is not called is
simply not used as evidence, and the returned values decide.  Hints of their
own: ``wrong_initializer``, ``cost_not_decreasing`` (the result of
``update_parameters`` discarded), ``wrong_cost_interval``,
``wrong_return_structure``.  Each case runs a few hundred iterations at most
on a tiny data set, so a whole check takes a few tens of milliseconds.
"""
import numpy as np

from .compare import as_number_array, close, summarize, type_name
from .engine import Case, Exercise

INIT_NAMES = ("initialize_parameters", "initialize_parameters_deep", "initialize_parameters_deep_scaled")
FORWARD_NAMES = ("L_model_forward", "linear_activation_forward")
BACKWARD_NAMES = ("L_model_backward", "linear_activation_backward")
SPY = INIT_NAMES + FORWARD_NAMES + ("compute_cost",) + BACKWARD_NAMES + ("update_parameters",)
ARG_NAMES = ("X", "Y", "layers_dims", "learning_rate", "num_iterations", "print_cost")
STEPS = ("init", "forward", "cost", "backward", "update", "costs", "result")
# Which initialiser each recorded variant of the initial parameters comes from.
INIT_VARIANTS = {
    "init_small": "initialize_parameters_deep",          # Part 1: seed 3, ×0.01
    "init_two": "initialize_parameters",                   # Part 1: seed 1, ×0.01
    "init_scaled": "initialize_parameters_deep_scaled",   # provided: seed 1, 1/sqrt(n[l-1])
}


# ---- cases -----------------------------------------------------------------------------


def training_case(id_, seed, dims, m, learning_rate, num_iterations, about=None):
    """A tiny, learnable problem: X ~ N(0, 1) of shape (dims[0], m), Y = [x0 + x1 > 0]."""
    def make():
        rng = np.random.RandomState(seed)
        X = rng.randn(dims[0], m)
        Y = (X[0:1] + X[1:2] > 0).astype(float)
        return X, Y, tuple(dims), learning_rate, num_iterations, False
    text = about or (f"X({dims[0]},{m}), layers_dims {list(dims)}, learning_rate={learning_rate}, "
                     f"num_iterations={num_iterations}")
    return Case(id_, make, text, {"layer_dims": list(dims), "m": m, "lr": learning_rate, "iterations": num_iterations})


CASES = (
    training_case("reference", 61, (6, 4, 1), 12, 1.2, 102),
    training_case("short", 62, (3, 2, 1), 5, 0.5, 3),
    training_case("last_is_hundred", 63, (8, 5, 1), 9, 0.8, 101),
)


def recorded_iterations(n):
    """The iterations whose cost is kept: every 100th and the last one."""
    return [i for i in range(n) if i % 100 == 0 or i == n - 1]


def steps(case):
    return list(STEPS)


# ---- reading the spied calls --------------------------------------------------------------


def _arg(call, index, name):
    args, kwargs, _ = call
    if len(args) > index:
        return args[index]
    return kwargs.get(name)


def _calls(ctx, name):
    return ctx.call.spied.get(name, [])


def _L(ctx):
    return len(ctx.case.dims["layer_dims"]) - 1


def initial_parameters(ctx):
    """(parameters, source) the training started from, or (None, None)."""
    for name in INIT_NAMES:
        for call in _calls(ctx, name):
            if isinstance(call[2], dict):
                return call[2], name
    updates = _calls(ctx, "update_parameters")
    if updates and isinstance(_arg(updates[0], 0, "params"), dict):
        return _arg(updates[0], 0, "params"), None
    forwards = _calls(ctx, "L_model_forward")
    if forwards and isinstance(_arg(forwards[0], 1, "parameters"), dict):
        return _arg(forwards[0], 1, "parameters"), None
    L = _L(ctx)
    layer_calls = _calls(ctx, "linear_activation_forward")[:L]
    if len(layer_calls) == L:
        params = {}
        for l, call in enumerate(layer_calls, start=1):
            params[f"W{l}"], params[f"b{l}"] = _arg(call, 1, "W"), _arg(call, 2, "b")
        return params, None
    return None, None


def first_output(ctx):
    """AL of iteration 0 as the forward helpers returned it, or None."""
    forwards = _calls(ctx, "L_model_forward")
    if forwards:
        result = forwards[0][2]
        return result[0] if isinstance(result, (tuple, list)) and len(result) == 2 else result
    L = _L(ctx)
    layer_calls = _calls(ctx, "linear_activation_forward")
    if len(layer_calls) >= L:
        result = layer_calls[L - 1][2]
        return result[0] if isinstance(result, (tuple, list)) and len(result) == 2 else result
    return None


def first_grads(ctx):
    """{dW1, db1, …} of iteration 0, or None.  The backward helpers' results
    come first: they are new objects on every call, whereas the ``grads`` dict
    given to ``update_parameters`` is often one dict refilled at every
    iteration; the spies record snapshots (``student_call.snapshot``), so each
    holds the values it had when that call was made."""
    backwards = _calls(ctx, "L_model_backward")
    if backwards and isinstance(backwards[0][2], dict):
        return backwards[0][2]
    L = _L(ctx)
    layer_calls = _calls(ctx, "linear_activation_backward")
    if len(layer_calls) >= L:
        grads = {}
        for l, call in zip(range(L, 0, -1), layer_calls[:L]):
            result = call[2]
            if isinstance(result, (tuple, list)) and len(result) == 3:
                grads[f"dW{l}"], grads[f"db{l}"] = result[1], result[2]
        return grads
    updates = _calls(ctx, "update_parameters")
    given = [_arg(call, 1, "grads") for call in updates[:2]]
    if given and isinstance(given[0], dict):
        return given[0]
    return None


# ---- the steps ---------------------------------------------------------------------------------


def _param_names(L, prefix=""):
    return [f"{prefix}{k}{l}" for l in range(1, L + 1) for k in "Wb"]


def _matches(ctx, params, key_prefix, L):
    exp = ctx.expected
    return isinstance(params, dict) and all(
        k in params and f"{key_prefix}/{k}" in exp and close(params[k], exp[f"{key_prefix}/{k}"])
        for k in _param_names(L))


def _compare_params(ctx, step, params, key_prefix, L, what, prefix=""):
    """Compare a parameter (or gradient) dict with expected ``key_prefix/<name>``."""
    for name in _param_names(L, prefix):
        if not isinstance(params, dict) or name not in params:
            keys = sorted(map(str, params)) if isinstance(params, dict) else type_name(params)
            ctx.fail(step, "wrong_keys", "msg.wrong_keys", missing=name, extra=", ".join(keys) if keys else "—")
            return False
        if not ctx.array(step, f"{what}[{name!r}]", params[name], f"{key_prefix}/{name}"):
            return False
    return True


def check_init(ctx, right):
    L = _L(ctx)
    params, source = initial_parameters(ctx)
    if params is None:
        return True
    ctx.visit("init")
    if _matches(ctx, params, "init", L):
        return True
    for key, name in INIT_VARIANTS.items():
        if name != right and _matches(ctx, params, key, L):
            ctx.fail("init", "wrong_initializer", "msg.wrong_initializer", what="parameters",
                     expected=f"{right}(...)", got=f"{name}(...)")
            return False
    if source is not None and source != right and not _compare_shapes_only(params, ctx, L):
        ctx.fail("init", "wrong_initializer", "msg.wrong_initializer", what="parameters",
                 expected=f"{right}(...)", got=f"{source}(...)")
        return False
    return _compare_params(ctx, "init", params, "init", L, "initial parameters")


def _compare_shapes_only(params, ctx, L):
    try:
        return all(np.shape(params[k]) == ctx.expected[f"init/{k}"].shape for k in _param_names(L))
    except (KeyError, TypeError):
        return False


def check_forward(ctx):
    AL = first_output(ctx)
    if AL is None:
        return True
    return ctx.array("forward", "AL (iteration 0)", AL, "AL0")


def check_cost(ctx, returned_costs):
    calls = _calls(ctx, "compute_cost")
    if calls:
        value = calls[0][2]
    elif returned_costs is not None and len(returned_costs):
        value = returned_costs[0]
    else:
        return True
    return ctx.array("cost", "cost (iteration 0)", value, "cost0")


def check_backward(ctx):
    grads = first_grads(ctx)
    if grads is None:
        return True
    return _compare_params(ctx, "backward", grads, "grads0", _L(ctx), "grads", prefix="d")


def check_update_calls(ctx):
    """Learning rate, number of updates, and whether the update is kept."""
    _, _, _, lr, n, _ = ctx.args
    L = _L(ctx)
    updates = _calls(ctx, "update_parameters")
    if not updates:
        return True
    ctx.visit("update")
    used = _arg(updates[0], 2, "learning_rate")
    if used is not None and not close(used, lr):
        ctx.fail("update", "ignores_learning_rate", "msg.ignores_learning_rate", what="update_parameters", used=used)
        return False
    if len(updates) != n:
        ctx.fail("update", "loop_bounds", "msg.wrong_iteration_count", what="update_parameters",
                 expected=n, got=len(updates))
        return False
    if len(updates) >= 2:
        second = _arg(updates[1], 0, "params")
        first = _arg(updates[0], 0, "params")
        if isinstance(second, dict) and isinstance(first, dict) and (first is second or _same_dict(first, second, L)):
            ctx.fail("update", "cost_not_decreasing", "msg.update_discarded", what="parameters")
            return False
        if isinstance(second, dict) and not _compare_params(ctx, "update", second, "params1", L,
                                                            "parameters after update 1"):
            return False
    return True


def _same_dict(a, b, L):
    try:
        return all(close(a[k], b[k]) for k in _param_names(L))
    except (KeyError, TypeError):
        return False


def check_structure(ctx):
    """(parameters, costs) or a StopCase at ``result``."""
    value = ctx.value
    expected = "(parameters: dict, costs: list)"
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        got = type_name(value) if not isinstance(value, (tuple, list)) else f"{type(value).__name__}[{len(value)}]"
        ctx.stop("result", "wrong_return_structure", "msg.wrong_return_structure", expected=expected, got=got)
    params, costs = value
    if isinstance(costs, dict) and not isinstance(params, dict):
        ctx.stop("result", "wrong_return_structure", "msg.wrong_return_structure", expected=expected,
                 got="(costs, parameters)")
    if not isinstance(params, dict):
        ctx.stop("result", "wrong_return_structure", "msg.wrong_return_structure", expected=expected,
                 got=f"({type_name(params)}, {type_name(costs)})")
    return params, costs


def cost_values(costs):
    """The costs as a float vector, or None when they are not a sequence of scalars."""
    if isinstance(costs, np.ndarray):
        items = list(costs.reshape(-1)) if costs.size == costs.shape[0] or costs.ndim <= 1 else None
    elif isinstance(costs, (list, tuple)):
        items = list(costs)
    else:
        return None
    if items is None:
        return None
    out = []
    for c in items:
        arr = as_number_array(c)
        if arr is None or arr.size != 1:
            return None
        out.append(float(arr.reshape(())))
    return np.asarray(out)


def check_costs(ctx, costs):
    _, _, _, _, n, _ = ctx.args
    ctx.visit("costs")
    values = cost_values(costs)
    if values is None:
        ctx.fail("costs", "wrong_return_structure", "msg.wrong_type", what="costs", expected="list[float]",
                 got=summarize(costs))
        return False
    want = recorded_iterations(n)
    k = len(want)
    if len(values) != k:
        if len(values) == n and n != k:
            ctx.fail("costs", "wrong_cost_interval", "msg.costs_every_iteration", got=len(values), n=n)
        elif len(values) == k - 1 and close(values, ctx.exp("costs")[:-1]):
            ctx.fail("costs", "wrong_cost_interval", "msg.costs_missing_final", got=len(values), expected=k,
                     last=n - 1)
        else:
            ctx.fail("costs", "wrong_cost_interval", "msg.wrong_cost_count", expected=k,
                     iters=", ".join(map(str, want)), got=len(values))
        return False
    return ctx.array("costs", "costs", values, "costs")


def check_model(ctx, right_initializer):
    """The whole check of a training function (see the module docstring)."""
    returned_costs = None
    if isinstance(ctx.value, (tuple, list)) and len(ctx.value) == 2:
        returned_costs = cost_values(ctx.value[1])
    if not check_init(ctx, right_initializer):
        return
    if not check_forward(ctx):
        return
    if not check_cost(ctx, returned_costs):
        return
    if not check_backward(ctx):
        return
    if not check_update_calls(ctx):
        return
    params, costs = check_structure(ctx)
    ctx.visit("result")
    L = _L(ctx)
    values = cost_values(costs)
    if values is not None and len(values) >= 2 and np.ptp(values) == 0 and np.ptp(ctx.exp("costs")) > 0:
        ctx.fail("update", "cost_not_decreasing", "msg.cost_constant", n=ctx.args[4], cost=f"{values[0]:.6g}")
        return
    if not _compare_params(ctx, "update", params, "final", L, "parameters"):
        return
    check_costs(ctx, costs)


def check(ctx):
    check_model(ctx, "initialize_parameters")


def error_step(ctx):
    """The step a raised exception is blamed on: the first stage whose observed
    result is already wrong, else the first stage not reached."""
    L = _L(ctx)
    params, _ = initial_parameters(ctx)
    if params is None or not _matches(ctx, params, "init", L):
        return "init"
    AL = first_output(ctx)
    if AL is None or not close(AL, ctx.exp("AL0")):
        return "forward"
    costs = _calls(ctx, "compute_cost")
    if costs and not close(costs[0][2], ctx.exp("cost0")):
        return "cost"
    grads = first_grads(ctx)
    if grads is None:
        return "cost" if not costs else "backward"
    if not all(k in grads and close(grads[k], ctx.exp(f"grads0/{k}")) for k in _param_names(L, "d")):
        return "backward"
    return "update"


# ---- expected data (maintainer side: calls the source notebook's solutions) ----------------------


# What Part 2's setup cell provides besides the Part 1 functions; the solutions that record the
# expected data need them (``dev.load_solutions`` and the grader's references put them there: the
# checks never import ``dnn_lab.app``).
PROVIDED = ("initialize_parameters_deep_scaled", "TrainingProgress")


def provided(solutions):
    """The solutions namespace, checked to hold what Part 2's setup cell provides."""
    missing = [name for name in PROVIDED if name not in solutions]
    if missing:
        raise KeyError(f"the solutions namespace lacks Part 2's provided names: {', '.join(missing)}")
    return solutions


def record_model(solutions, case, model):
    ns = provided(solutions)
    X, Y, dims, lr, n, _ = case.make()
    dims = list(dims)
    out = {}
    inits = {"init_small": ns["initialize_parameters_deep"](dims),
             "init_scaled": ns["initialize_parameters_deep_scaled"](dims)}
    if len(dims) == 3:
        inits["init_two"] = ns["initialize_parameters"](*dims)
    right = {"two_layer_model": "init_two", "L_layer_model": "init_scaled"}[model]
    inits["init"] = inits[right]
    for key, params in inits.items():
        out.update({f"{key}/{k}": v for k, v in params.items()})
    init = inits["init"]
    AL0, caches = ns["L_model_forward"](X, init)
    grads0 = ns["L_model_backward"](AL0, Y, caches)
    out["AL0"] = AL0
    out["cost0"] = ns["compute_cost"](AL0, Y)
    out.update({f"grads0/{k}": v for k, v in grads0.items() if k[:2] in ("dW", "db")})
    out.update({f"params1/{k}": v for k, v in ns["update_parameters"](init, grads0, lr).items()})
    final, costs = ns[model](X, Y, tuple(dims), lr, n, False)
    out.update({f"final/{k}": v for k, v in final.items()})
    out["costs"] = np.asarray([float(np.squeeze(c)) for c in costs])
    return out


def record(solutions, case):
    return record_model(solutions, case, "two_layer_model")


EXERCISE = Exercise("two_layer_model", "application", ARG_NAMES, CASES, steps, check, record, spy=SPY,
                    error_step=error_step, mutation_step="forward")


def hidden_case(id_, seed, dims, m, learning_rate, num_iterations):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    return training_case(id_, seed, tuple(dims), m, learning_rate, num_iterations)


# --------------------------------------------------------------------------- the Check's picture

def _recorded(n):
    """The iterations whose cost is kept (every 100th and the last), shortened for a label."""
    if n is None:
        return "i = 0, 100, …, n−1"
    kept = recorded_iterations(n)
    shown = kept if len(kept) <= 4 else kept[:2] + ["…"] + kept[-1:]
    return "i = " + ", ".join(map(str, shown))


def training_diagram(b, dims, exercise):
    """The training loop: layers_dims → init → [forward → cost → backward → update]
    (a clockwise cycle, update → forward labelled × num_iterations) → costs → result."""
    two = exercise == "two_layer_model"
    n = dims.iterations
    lr = f"{dims.lr:g}" if dims.lr is not None else "α"
    if two:
        init_call = "initialize_parameters\n(" + ", ".join(dims.n(l) for l in range(3)) + ")"
        fw_call, bw_call = "linear_activation_forward ×2", "linear_activation_backward ×2"
    else:
        layer_dims = "[" + ", ".join(dims.n(l) for l in range(dims.L + 1)) + "]" if dims.L else "layers_dims"
        init_call = f"initialize_parameters_deep_scaled\n({layer_dims})"
        fw_call, bw_call = "L_model_forward", "L_model_backward"
    labels = {
        "init": init_call,
        "forward": b.tr("前向传播", "forward") + "\n" + fw_call,
        "cost": b.tr("代价", "cost") + "\ncompute_cost",
        "backward": b.tr("反向传播", "backward") + "\n" + bw_call,
        "update": b.tr("更新参数", "update") + "\nupdate_parameters" + (f", α = {lr}" if dims.lr is not None else ""),
        "costs": "costs\n" + b.tr("每 100 次迭代 + 最后一次", "every 100 iterations + last", "\n"),
    }
    params_label, grads_label = dims.param_shapes(), dims.param_shapes("d")
    loop_name = f"× {n}" if n is not None else "×"
    loop_label = "num_iterations"
    cost_name, cost_label = "cost", _recorded(n)
    w = {k: b.box(v)[0] for k, v in labels.items()}
    # Columns: init | forward, update | cost, backward | costs.
    widths = [w["init"], max(w["forward"], w["update"]), max(w["cost"], w["backward"]), w["costs"]]
    gaps = [b.gap("parameters", params_label), b.gap("AL", dims.shape(1, dims.cols()), "grads", grads_label, least=0.9),
            b.gap(cost_name, cost_label) + 0.15]   # + room for the cost box's badge
    xs = b.row(widths, gaps)
    y_in, y_top, y_bot, y_res = 3.15, 2.2, 0.95, 0.0
    # The loop's tinted background, behind its four steps.
    x0, x1 = xs[1] - widths[1] / 2 - 0.15, xs[2] + widths[2] / 2 + 0.15
    hb = max(b.box(labels[k])[1] for k in ("forward", "update"))
    b.node("loop", "", "group", (x0 + x1) / 2, (y_top + y_bot) / 2, w=x1 - x0, h=y_top - y_bot + hb + 0.3)
    b.node("init", labels["init"], "op", xs[0], y_top, checkable=True)
    b.node("forward", labels["forward"], "op", xs[1], y_top, w=widths[1], checkable=True)
    b.node("cost", labels["cost"], "cost", xs[2], y_top, w=widths[2], checkable=True)
    b.node("backward", labels["backward"], "op", xs[2], y_bot, w=widths[2], checkable=True)
    b.node("update", labels["update"], "op", xs[1], y_bot, w=widths[1], checkable=True)
    b.node("costs", labels["costs"], "data", xs[3], y_top, checkable=True)
    result = b.tr("返回", "return") + " (parameters, costs)"
    rx0, rx1 = xs[1] - widths[1] / 2, xs[3] + widths[3] / 2
    b.node("result", result, "dict", (rx0 + rx1) / 2, y_res, w=max(rx1 - rx0, b.box(result)[0]), checkable=True)
    b.node("layers_dims", "layers_dims", "data", xs[0], y_in)
    b.node("X", "X", "data", xs[1], y_in, minw=0.5)
    b.node("Y", "Y", "data", xs[2], y_in, minw=0.5)
    b.edge("_layers_dims", "init")
    b.edge("_X", "forward", dims.act(0))
    b.edge("_Y", "cost", dims.shape(1, dims.cols()))
    b.edge("init", "forward", params_label, name="parameters")
    b.edge("forward", "cost", dims.shape(1, dims.cols()), name="AL")
    b.edge("cost", "backward", "AL, Y, caches")
    b.edge("backward", "update", grads_label, name="grads", side="below")
    b.edge("update", "forward", loop_label, name=loop_name, side="right")
    b.edge("cost", "costs", cost_label, name=cost_name)
    b.edge("update", "result", params_label, name="parameters", side="right")
    k = len(recorded_iterations(n)) if n is not None else None
    b.edge("costs", "result", f"len {k}" if k is not None else "list", side="right")
    extra = f"learning_rate = {lr}" + (f", num_iterations = {n}" if n else "")
    # Part 2's models take the argument layers_dims (Part 1: layer_dims)
    return b.graph(b.title(exercise, dims, extra, dims_key="layers_dims"), note_band=True)


def diagram(b, dims):
    """The Check's picture, laid out on ``b`` (a ``dnn_lab.diagram.graph.Layout``): the training loop
    (:func:`training_diagram`)."""
    return training_diagram(b, dims, "two_layer_model")
