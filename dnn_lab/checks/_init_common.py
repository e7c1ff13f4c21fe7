"""Checks shared by the two initialisers: one W/b pair per layer, then the keys."""
import re

from .compare import close
from .diagnosis import outside_loop
from .layers import fmt_keys, param_keys


def check_layers(ctx, L, *, count_missing_as_loop_bounds):
    params = ctx.dict_value("W1", "parameters", ctx.value)
    expected_keys = param_keys(L)
    outside = sorted(k for k in params if _layer_index(k) is not None and not 1 <= _layer_index(k) <= L)
    if outside:
        renumbered = _renumbered(ctx, params, L)
        if renumbered:
            # Every layer's values are right, under keys numbered from another start.
            ctx.stop("W1", "wrong_keys", "msg.key_numbering", got=_quoted(renumbered),
                     expected=_quoted(sorted(expected_keys, key=_order)),
                     first_got=f"parameters[{renumbered[0]!r}]", first_expected="parameters['W1']")
        # W0 or W(L+1): the loop starts or ends one layer off (and every later draw shifts).
        n_got = len([k for k in params if str(k).startswith("W")])
        ctx.stop("W1", "loop_bounds", "msg.loop_bounds", what=f"parameters ({fmt_keys(outside)})", expected=L,
                 got=n_got)
    for l in range(1, L + 1):
        for name in (f"W{l}", f"b{l}"):
            if name not in params:
                present = {k for k in params if k in expected_keys}
                if outside_loop(ctx, name):
                    continue
                if count_missing_as_loop_bounds and present and not (set(params) - expected_keys):
                    n_got = len([k for k in params if str(k).startswith("W")])
                    ctx.fail(name, "loop_bounds", "msg.loop_bounds", what="parameters", expected=L, got=n_got)
                else:
                    ctx.fail(name, "wrong_keys", "msg.wrong_keys", missing=name,
                             extra=fmt_keys(set(params) - expected_keys))
                continue
            exp = ctx.exp(name)
            if name.startswith("W"):
                variants = [(exp / 0.01, "wrong_init_scale", "msg.wrong_init_scale", {"factor": 100})]
                ok = ctx.array(name, name, params[name], name, variants=variants)
                if not ok and ctx.findings[-1].hint == "wrong_value" and _plausible_scale(params[name], exp):
                    f = ctx.findings.pop()
                    ctx.fail(name, "wrong_value", "msg.wrong_seed", what=name, shown=(f.expected, f.got))
            else:
                ctx.array(name, name, params[name], name)
    ctx.visit("keys")
    extra = set(params) - expected_keys
    if extra:
        ctx.fail("keys", "wrong_keys", "msg.wrong_keys", missing=fmt_keys(expected_keys - set(params)),
                 extra=fmt_keys(extra))


def _order(key):
    return (_layer_index(key) or 0, str(key))


def _quoted(keys):
    return ", ".join(repr(k) for k in keys)


def _renumbered(ctx, params, L):
    """The keys, in layer order, when they are W/b numbered from another start than 1 (``'W' +
    str(l - 1)``) and each holds the right layer's values; else None."""
    if len(params) != 2 * L or any(_layer_index(k) is None for k in params):
        return None
    shift = min(_layer_index(k) for k in params) - 1
    if not shift:
        return None
    keys = []
    for l in range(1, L + 1):
        for name in ("W", "b"):
            key = f"{name}{l + shift}"
            if key not in params or not close(params[key], ctx.exp(f"{name}{l}")):
                return None
            keys.append(key)
    return keys


def _layer_index(key):
    match = re.match(r"^[Wb](\d+)$", str(key))
    return int(match.group(1)) if match else None


def _plausible_scale(got, exp):
    """Random values of the right size but different draws: a seed problem."""
    try:
        return abs(got.std() - exp.std()) < 3 * exp.std() and not close(got, exp)
    except Exception:
        return False


def record_params(out):
    return {k: v for k, v in out.items()}


# --------------------------------------------------------------------------- the Check's picture

def initialiser_diagram(b, dims, exercise):
    """The picture of both initialisers (``b``: a ``dnn_lab.diagram.graph.Layout``): the layer table,
    per layer a W[l] and a b[l] box, their shapes on the arrows into the parameters dict."""
    L = dims.L
    pairs = []
    for l in range(1, L + 1):
        header = b.tr(f"第 {l} 层", f"layer {l}")
        ws = [max(b.box(f"{p}{l}", minw=0.42)[0], b.text_width(shape, b.SMALL_PT) + 0.16)
              for p, shape in (("W", dims.W(l)), ("b", dims.b(l)))]
        pairs.append((l, header, ws, max(sum(ws) + 0.16, b.text_width(header, b.SMALL_PT) + 0.1) + 0.2))
    xs = b.row([p[3] for p in pairs], 0.22)
    y_box, y_head, y_bot = 1.3, 1.64, 0.25
    for (l, header, (ww, wb), gw), x in zip(pairs, xs):
        b.node(f"group{l}", "", "group", x, (y_box + y_head) / 2 + 0.01, w=gw, h=0.78)
        b.node(f"head{l}", header, "text", x, y_head, pt=b.SMALL_PT)
        b.node(f"W{l}", f"W{l}", "param", x - 0.08 - ww / 2, y_box, w=ww, checkable=True)
        b.node(f"b{l}", f"b{l}", "param", x + 0.08 + wb / 2, y_box, w=wb, checkable=True)
    total = xs[-1] + pairs[-1][3] / 2 - (xs[0] - pairs[0][3] / 2)
    names = [f"{p}{l}" for l in range(1, L + 1) for p in "Wb"]
    label = b.tr("参数字典", "parameters") + " = {" + ", ".join(names[:4]) + (", …}" if L > 2 else "}")
    b.node("keys", label, "dict", xs[0] - pairs[0][3] / 2 + total / 2, y_bot, w=max(total, b.box(label)[0]),
           checkable=True)
    for l in range(1, L + 1):
        b.edge(f"W{l}", "keys", label=dims.W(l), side="on")
        b.edge(f"b{l}", "keys", label=dims.b(l), side="on")
    if exercise == "initialize_parameters":
        n_x, n_h, n_y = dims.layer_dims
        title = f"initialize_parameters  ·  n_x = {n_x}, n_h = {n_h}, n_y = {n_y}"
    else:
        title = b.title(exercise, dims)
    return b.graph(title, note_band=True)
