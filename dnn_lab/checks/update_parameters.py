"""Exercise 10 — ``update_parameters(params, grads, learning_rate)`` → a NEW
dict with W_l − lr·dW_l and b_l − lr·db_l; ``params`` must stay unchanged."""
from .. import testcases as tc
from .compare import close
from .diagnosis import outside_loop
from .engine import Case, Exercise
from .layers import fmt_keys, param_keys, param_steps


def _reference():
    params, grads = tc.update_parameters_test_case()
    return params, grads, 0.1


def _random(seed, dims, lr):
    def make():
        params = tc.random_parameters(seed, dims)
        g = tc.random_parameters(seed + 100, dims)
        grads = {"d" + k: v for k, v in g.items()}
        return params, grads, lr
    return make


CASES = (
    Case("reference", _reference, "2 layers [4, 3, 1], learning_rate=0.1", {"layer_dims": [4, 3, 1], "lr": 0.1}),
    Case("three_layers", _random(81, [5, 4, 2, 1], 0.05), "3 layers [5, 4, 2, 1], learning_rate=0.05",
         {"layer_dims": [5, 4, 2, 1], "lr": 0.05}),
    Case("one_layer", _random(82, [3, 1], 1.5), "1 layer [3, 1], learning_rate=1.5",
         {"layer_dims": [3, 1], "lr": 1.5}),
)


def _L(case):
    return len(case.dims["layer_dims"]) - 1


def steps(case):
    return param_steps(_L(case)) + ["keys", "inputs"]


def check(ctx):
    L = _L(ctx.case)
    params_in, _, lr = ctx.args
    new = ctx.dict_value("W1", "parameters", ctx.value)
    want = param_keys(L)

    def unchanged(name):
        return name in new and close(new[name], params_in[name])
    # A whole layer left as it was, while another one was updated: the loop missed it.
    touched = [l for l in range(1, L + 1) if not (unchanged(f"W{l}") and unchanged(f"b{l}"))]
    for l in range(1, L + 1):
        for name in (f"W{l}", f"b{l}"):
            if name not in new:
                ctx.fail(name, "wrong_keys", "msg.wrong_keys", missing=name, extra=fmt_keys(set(new) - want))
                continue
            got = new[name]
            if unchanged(name):
                if outside_loop(ctx, name):
                    continue
                hint = "loop_bounds" if touched and l not in touched else "wrong_value"
                ctx.fail(name, hint, "msg.not_updated", what=name)
                continue
            variants = [(ctx.exp("plus/" + name), "sign_error", "msg.sign_error", {})]
            if lr != 0.1:
                variants.append((ctx.exp("lr01/" + name), "wrong_value", "msg.ignores_learning_rate", {"used": 0.1}))
            ctx.array(name, name, got, name, variants=variants)
    ctx.visit("keys")
    extra = set(new) - want
    if extra:
        ctx.fail("keys", "wrong_keys", "msg.wrong_keys", missing="—", extra=fmt_keys(extra))
    ctx.visit("inputs")


def record(solutions, case):
    params, grads, lr = case.make()
    update = solutions["update_parameters"]
    out = dict(update(params, grads, lr))
    negated = {k: -v for k, v in grads.items()}
    out.update({"plus/" + k: v for k, v in update(params, negated, lr).items()})
    out.update({"lr01/" + k: v for k, v in update(params, grads, 0.1).items()})
    return out


def error_step(ctx):
    return "keys" if ctx.error_hint == "loop_bounds" else None


EXERCISE = Exercise("update_parameters", "step_by_step", ("params", "grads", "learning_rate"), CASES, steps,
                    check, record, mutation_step="inputs", error_step=error_step, layered=True)


def hidden_case(id_, seed, layer_dims, learning_rate):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    dims = list(layer_dims)
    return Case(id_, _random(seed, dims, learning_rate), f"{len(dims) - 1} layers {dims}, learning_rate={learning_rate}",
                {"layer_dims": dims, "lr": learning_rate})


# --------------------------------------------------------------------------- the Check's picture

def diagram(b, dims):
    """The Check's picture, laid out on ``b`` (a ``dnn_lab.diagram.graph.Layout``): each W and b minus α times its
    gradient, into a new dict."""
    L = dims.L
    cols = []
    for l in range(1, L + 1):
        for p, shape in (("W", dims.W(l)), ("b", dims.b(l))):
            label = f"{p}{l} − α·d{p}{l}"
            cols.append((f"{p}{l}", label, shape, max(b.box(label)[0], b.text_width(shape, b.SMALL_PT) + 0.16)))
    xs, x = [], 0.0
    for i, (*_, w) in enumerate(cols):
        xs.append(x + w / 2)
        x += w + (0.14 if i % 2 == 0 else 0.34)
    total = x - 0.34
    lr = f"{dims.lr:g}" if dims.lr is not None else "α"
    top = (f"parameters, grads, α = {lr}   ·   " + b.tr("输入不可修改", "inputs must stay unchanged"))
    shown = ", ".join(c[0] for c in cols[:4]) + (", …" if L > 2 else "")
    label = b.tr("新的参数字典", "a new dict") + " {" + shown + "}"
    y_top, y_mid, y_bot = 2.0, 1.15, 0.25
    for (id_, lab, shape, _), x in zip(cols, xs):
        b.node(id_, lab, "param", x, y_mid, checkable=True)
    b.node("keys", label, "dict", total / 2, y_bot, w=max(total, b.box(label)[0]), checkable=True)
    b.node("inputs", top, "dict", total / 2, y_top, w=max(total, b.box(top)[0]), checkable=True)
    for id_, _, shape, _ in cols:
        b.edge("inputs", id_)
        b.edge(id_, "keys", label=shape, side="on")
    return b.graph(b.title("update_parameters", dims, f"learning_rate = {lr}"), note_band=True)
