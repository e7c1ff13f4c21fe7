"""Part 2, exercise 3 — ``predict(X, y, parameters)`` → ``p`` of shape (1, m)
holding 0/1 (1 where the network's probability is > 0.5, so exactly 0.5 → 0);
it prints the accuracy, computed as a mean: ``np.mean(p == y)``.

Step ids:

``forward``    the probabilities, as returned by the student's call of
               ``L_model_forward`` (when it is called);
``threshold``  the returned predictions: an array (not a tuple), shape (1, m),
               only 0 and 1, equal to the expected ones; a difference exactly
               where the probability is 0.5 is the hint ``wrong_threshold``;
``accuracy``   the last number printed equals the expected accuracy, written
               the way ``str(np.mean(p == y))`` writes it; a value that differs
               only by rounding (a sum of 1/m terms) is ``accuracy_not_mean``.

The printed accuracy is the function's expected output: the check consumes
that line, so only other prints raise the ``prints_output`` warning.
Cases: a 1-layer net with every example right (m = 7, where adding seven
1/7 gives 0.9999999999999998, with np.sum as with a loop) and one probability
of exactly 0.5, a 2-layer and a 3-layer net.
"""
import contextlib
import io
import re

import numpy as np

from .. import testcases as tc
from .compare import close, summarize
from .engine import Case, Exercise

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
ACCURACY_WORD = re.compile(r"accura|准确", re.I)
STEPS = ("forward", "threshold", "accuracy")


def _all_right():
    # One layer, W = [1, 0, 0], b = 0: the probability is sigmoid(x0), so the
    # prediction is [x0 > 0]; the labels below are exactly that; the last
    # column has x0 = 0, i.e. probability 0.5 → 0.
    x0 = np.array([[0.7, -1.2, 2.0, -0.3, 1.1, -2.2, 0.0]])
    rest = np.random.RandomState(91).randn(2, 7)
    X = np.vstack([x0, rest])
    y = np.array([[1, 0, 1, 0, 1, 0, 0]])
    params = {"W1": np.array([[1.0, 0.0, 0.0]]), "b1": np.zeros((1, 1))}
    return X, y, params


def _random(seed, dims, m):
    def make():
        rng = np.random.RandomState(seed)
        X = rng.randn(dims[0], m)
        y = (rng.rand(1, m) > 0.5).astype(int)
        return X, y, tc.random_parameters(seed + 1, dims, scale=0.8)
    return make


CASES = (
    Case("all_right", _all_right, "1 layer [3, 1], m=7, every prediction right, one probability = 0.5",
         {"layer_dims": [3, 1], "m": 7}),
    Case("two_layers", _random(92, [4, 3, 1], 7), "2 layers [4, 3, 1], m=7", {"layer_dims": [4, 3, 1], "m": 7}),
    Case("three_layers", _random(93, [5, 4, 2, 1], 6), "3 layers [5, 4, 2, 1], m=6",
         {"layer_dims": [5, 4, 2, 1], "m": 6}),
)


def steps(case):
    return list(STEPS)


def check(ctx):
    printed = _take_accuracy_line(ctx)
    calls = ctx.call.spied.get("L_model_forward", [])
    if calls:
        result = calls[0][2]
        probas = result[0] if isinstance(result, (tuple, list)) and len(result) == 2 else result
        if not ctx.array("forward", "probas", probas, "probas"):
            return
    ctx.visit("forward")
    p = ctx.value
    if isinstance(p, (tuple, list)):
        ctx.fail("threshold", "wrong_return_structure", "msg.wrong_return_structure",
                 expected="p: ndarray (1, m)", got=summarize(p))
        return
    if not _check_predictions(ctx, p):
        return
    _check_accuracy(ctx, printed)


def _check_predictions(ctx, p):
    ctx.visit("threshold")
    expected = ctx.exp("p")
    if not isinstance(p, np.ndarray) or p.dtype.kind not in "biuf":
        return ctx.array("threshold", "p", p, "p")
    if p.shape == expected.shape and not np.all(np.isin(p, (0, 1))):
        ctx.fail("threshold", "wrong_threshold", "msg.not_binary", what="p")
        return False
    if p.shape == expected.shape and not close(p, expected):
        at_half = ctx.exp("probas") == 0.5
        differs = np.asarray(p, dtype=float) != expected
        if differs.any() and np.all(at_half[differs]):
            ctx.fail("threshold", "wrong_threshold", "msg.wrong_threshold", what="p")
            return False
    return ctx.array("threshold", "p", p, "p")


def _take_accuracy_line(ctx):
    """The accuracy printed: the last number of the last line that names the
    accuracy (else of the last line with a number), or None.  That line is the
    function's expected output, so it is removed from what counts as a stray print."""
    lines = ctx.call.printed.splitlines()
    with_number = [i for i, line in enumerate(lines) if NUMBER.search(line)]
    named = [i for i in with_number if ACCURACY_WORD.search(lines[i])]
    if not with_number:
        return None
    index = (named or with_number)[-1]
    text = NUMBER.findall(lines[index])[-1]
    ctx.call.printed = "\n".join(lines[:index] + lines[index + 1:])
    return text


def _check_accuracy(ctx, text):
    ctx.visit("accuracy")
    want_text = str(ctx.exp("accuracy_text"))
    want = float(ctx.exp("accuracy"))
    if text is None:
        ctx.fail("accuracy", "wrong_value", "msg.accuracy_not_printed")
        return
    value = float(text)
    if text == want_text or value == want:
        return
    if abs(value - want) < 1e-9:
        ctx.fail("accuracy", "accuracy_not_mean", "msg.accuracy_not_mean", got=text, expected=want_text)
    elif abs(value - 100 * want) < 1e-6:
        return  # printed as a percentage: fine
    else:
        ctx.fail("accuracy", "wrong_value", "msg.wrong_accuracy", got=text, expected=want_text)


def error_step(ctx):
    return "threshold" if ctx.call.spied.get("L_model_forward") else "forward"


def record(solutions, case):
    X, y, params = case.make()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        p = solutions["predict"](X, y, params)
    text = NUMBER.findall(out.getvalue())[-1]
    return {"p": p, "probas": solutions["L_model_forward"](X, params)[0],
            "accuracy": float(text), "accuracy_text": np.array(text)}


EXERCISE = Exercise("predict", "application", ("X", "y", "parameters"), CASES, steps, check, record,
                    spy=("L_model_forward",), error_step=error_step, mutation_step="forward")


def hidden_case(id_, seed, layer_dims, m):
    """A case from a hidden spec in the instructor's notebook (see :mod:`dnn_lab.grading.hidden`)."""
    dims = list(layer_dims)
    return Case(id_, _random(seed, dims, m), f"{len(dims) - 1} layers {dims}, m={m}", {"layer_dims": dims, "m": m})


# --------------------------------------------------------------------------- the Check's picture

def diagram(b, dims):
    """X → forward (parameters from above) → AL → threshold → p → accuracy (y from above) → printed."""
    row = dims.shape(1, dims.cols())
    labels = {"forward": b.tr("前向传播", "forward") + "\nL_model_forward",
              "threshold": b.tr("阈值", "threshold") + "\np = (AL > 0.5)",
              "accuracy": b.tr("准确率", "accuracy") + "\nmean(p == y)"}
    printed = 'print("Accuracy: " …)'
    params_label = dims.param_shapes()
    widths = [b.box("X", minw=0.5)[0]] + [b.box(v)[0] for v in labels.values()] + [b.box(printed)[0]]
    # The parameters' shapes sit beside a vertical edge: the forward column must hold them.
    widths[1] = max(widths[1], b.text_width(params_label, b.SMALL_PT) + 0.1)
    gaps = [b.gap("X", dims.act(0)), b.gap("AL", row), b.gap("p", row), b.gap("accuracy", "()")]
    xs = b.row(widths, gaps)
    y, y_top = 1.25, 2.35
    b.node("X", "X", "data", xs[0], y, minw=0.5)
    for (id_, lab), x, w in zip(labels.items(), xs[1:4], widths[1:4]):
        b.node(id_, lab, "cost" if id_ == "accuracy" else "op", x, y, w=w, checkable=True)
    b.node("parameters", "parameters", "param", xs[1], y_top)
    b.node("y", "y", "data", xs[3], y_top, minw=0.5)
    b.node("printed", printed, "data", xs[4], y)
    b.edge("_X", "forward", dims.act(0), name="X")
    b.edge("_parameters", "forward", params_label)
    b.edge("forward", "threshold", row, name="AL")
    b.edge("threshold", "accuracy", row, name="p")
    b.edge("_y", "accuracy", row)
    b.edge("accuracy", "_printed", "()", name="accuracy")
    return b.graph(b.title("predict", dims), note_band=True)
