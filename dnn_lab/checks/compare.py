"""Comparing a student's array with the expected one and naming the mistake.

:func:`diagnose` returns ``None`` when ``got`` matches, else a ``(hint,
message_id, params)`` triple: the most specific explanation that fits
(transposed, factor m, sign, keepdims, sum axis, a recorded variant …).
Only arithmetic on the expected *data* happens here — never the exercise's formula.
"""
import numpy as np

RTOL, ATOL = 1e-5, 1e-8


def close(a, b):
    """Same shape and values within RTOL/ATOL (np.allclose's rule, without its overhead:
    the checks compare thousands of small arrays per click)."""
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape:
        return False
    if (np.abs(a - b) <= ATOL + RTOL * np.abs(b)).all():
        return True
    if np.isfinite(a).all() and np.isfinite(b).all():
        return False
    return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))  # inf == inf, as allclose has it


def as_number_array(value):
    """``value`` as a float ndarray, or None when it is not numeric data."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.number)):
        return np.asarray(value, dtype=float)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return value.astype(float, copy=False)
    return None


def type_name(value):
    if isinstance(value, np.ndarray):
        return f"ndarray{value.shape}"
    return type(value).__name__


def summarize(value, limit=6):
    """A short printable summary: type, shape and the first few values."""
    if isinstance(value, np.ndarray):
        flat = value.ravel()[:limit]
        vals = np.array2string(flat, precision=5, separator=" ", suppress_small=True, max_line_width=200)
        more = " …" if value.size > limit else ""
        return f"ndarray{tuple(value.shape)} {vals[:-1]}{more}]"
    if isinstance(value, (float, np.floating)):
        return f"{type(value).__name__} {float(value):.10g}"
    if isinstance(value, dict):
        return "dict{" + ", ".join(f"{k!r}: {type_name(v)}" for k, v in list(value.items())[:8]) + "}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}[{len(value)}]: " + ", ".join(type_name(v) for v in value[:6])
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def diagnose(got, expected, what, *, m=None, is_sum=False, variants=(), extra_m=None):
    """Compare ``got`` with ``expected`` (an ndarray).

    ``m``: the number of examples, to recognise a missing 1/m.  ``is_sum``: the
    value is a per-row sum like db of shape (n, 1), to recognise a lost
    keepdims or a wrong axis.  ``variants``: ``(array, hint, message_id,
    params)`` for recorded wrong answers (e.g. the other activation).  ``extra_m``:
    the number of examples for a value that has no 1/m (dA_prev), to recognise
    one division too many (``m`` also checks that, for values that have one).
    """
    expected = np.asarray(expected)
    arr = as_number_array(got)
    base = {"what": what}
    if arr is None:
        return "wrong_type", "msg.wrong_type", {**base, "expected": type_name(expected), "got": type_name(got)}
    if arr.shape != expected.shape:
        shapes = {**base, "expected": tuple(expected.shape), "got": tuple(arr.shape)}
        if is_sum and expected.ndim == 2 and expected.shape[1] == 1:
            if arr.shape == (expected.shape[0],):
                return "missing_keepdims", "msg.missing_keepdims", shapes
            if arr.ndim == 0 or arr.shape[0] != expected.shape[0] or arr.ndim == 1:
                return "wrong_sum_axis", "msg.wrong_sum_axis", shapes
        if expected.ndim == 2 and arr.shape == expected.T.shape:
            return ("transposed", "msg.transposed", shapes) if close(arr, expected.T) else \
                ("wrong_shape", "msg.wrong_shape", shapes)
        return "wrong_shape", "msg.wrong_shape", shapes
    if not np.all(np.isfinite(arr)) and np.all(np.isfinite(expected)):
        return "wrong_value", "msg.wrong_value", {**base, "diff": "nan/inf"}
    if close(arr, expected):
        return None
    for variant, hint, message_id, params in variants:
        if close(arr, variant):
            return hint, message_id, {**base, **params}
    nonzero = bool(np.any(np.abs(expected) > ATOL))
    if nonzero and close(arr, -expected):
        return "sign_error", "msg.sign_error", base
    if m and m > 1 and nonzero and close(arr, expected * m):
        return "forgot_1_over_m", "msg.forgot_1_over_m", {**base, "m": m}
    over = m or extra_m
    if over and over > 1 and nonzero and close(arr, expected / over):
        return "extra_1_over_m", "msg.extra_1_over_m", {**base, "m": over}
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and close(arr, expected.T):
        shapes = {**base, "expected": tuple(expected.shape), "got": tuple(arr.shape)}
        return "transposed", "msg.transposed", shapes
    diff = float(np.max(np.abs(arr - expected)))
    return "wrong_value", "msg.wrong_value", {**base, "diff": f"{diff:.3g}"}
