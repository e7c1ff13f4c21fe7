"""Turning an exception (or a stub reached halfway) into a diagnosis a teacher would give.

The student call describes the exception as plain data (``student_call.describe_error``: the
innermost student line, the function it is in, the provided helper it called, for a
NameError the name, a near-miss and the loop binding it, the stub blocks still left);
this module picks the hint and the message, lets the exercise look for an earlier
cause (its ``explain_error``, e.g. a layer that received the wrong input, or the
failing frame's own variables), and blames the first wrong step in computation order.
"""
import ast
import re

from .student_call import is_data
from .source import near_miss

# Variables the notebook's demo cells define: a function that reads one works in the
# notebook and raises NameError where it is graded.
NOTEBOOK_NAMES = frozenset({"parameters", "grads"})

_LAYER_KEY = re.compile(r"^d?[WbA]\d+$")
_ASSIGNED = re.compile(r"^\s*([A-Za-z_][\w\s,\[\]'\"+\-(){}]*?)\s*=[^=]")


def fn_name(ctx):
    return getattr(ctx.fn, "__name__", None) or ctx.exercise.name


def specific_hint(ctx, error):
    """The hint an exception deserves beyond ``exception``, or None."""
    kind = error["type"]
    code = error.get("code") or ""
    if kind == "TypeError" and _ZEROS_CALL.search(code) and "data type" in str(error.get("message")):
        return "zeros_shape_tuple"
    if kind == "ValueError" and _elementwise_product(ctx, error):
        return "elementwise_product"
    if kind == "IndexError" and past_end(ctx, error):
        return "index_past_end"
    if kind == "AttributeError" and append_result_kept(error):
        return "wrong_type"
    if kind in ("NameError", "UnboundLocalError") and error.get("name"):
        if error.get("graded"):
            return "function_missing"
        if error.get("loop"):
            return "loop_variable_scope"
        if error.get("implemented") and error.get("stubs"):
            return "partly_implemented"
        if not error.get("local") and _notebook_variable(ctx, error["name"]):
            return "uses_globals"
        return "undefined_name"
    if kind == "KeyError" and isinstance(error.get("key"), str):
        return "wrong_keys"
    return None


def refine_hint(ctx, error, first_hint):
    """The engine's first guess for an exception, made specific: a ``loop_bounds`` guess that
    is really a key read with another layer numbering than it was written (``wrong_keys``) or
    ``caches[L]`` (``index_past_end``); an ``exception`` that :func:`specific_hint` explains."""
    if first_hint == "loop_bounds":
        if error["type"] == "KeyError" and renumbered_key(ctx, error):
            return "wrong_keys"
        if error["type"] == "IndexError" and past_end(ctx, error):
            return "index_past_end"
        return first_hint
    if first_hint == "exception":
        if error["type"] != "KeyError" and mixed_numbering(ctx, error):
            return "wrong_keys"
        return specific_hint(ctx, error) or "exception"
    return first_hint


# np.zeros(n, 1): the second argument is the dtype, so numpy cannot read 1 as a data type.
_ZEROS_CALL = re.compile(r"\b(?:np\.|numpy\.)?(zeros|ones|empty)\s*\(")
_BROADCAST = re.compile(r"shapes \((\d+),(\d+)\)\s*\((\d+),(\d+)\)")
_STAR = re.compile(r"(?<![*])\*(?![*=])|\bmultiply\s*\(")


def _elementwise_product(ctx, error):
    """A broadcast error of ``*`` (or np.multiply) between two matrices whose shapes make a
    matrix product: ``W * A`` where ``np.dot(W, A)`` was meant.  The operands are read on the
    failing line (names, or names with ``.T``) and their shapes must be the two of the error —
    ``W1 - learning_rate * dW2`` fails in the subtraction, which is no such product."""
    if "could not be broadcast" not in str(error.get("message")) or not _STAR.search(error.get("code") or ""):
        return False
    found = _BROADCAST.search(str(error.get("message")))
    if not found:
        return False
    a0, a1, b0, b1 = map(int, found.groups())
    if not (a1 == b0 or b1 == a0):
        return False
    names = dict(zip(ctx.exercise.arg_names, ctx.args))
    if error.get("depth", 1) == 1:
        names.update(ctx.call.error_locals or {})
    shapes = sorted([(a0, a1), (b0, b1)])
    return any(sorted([_operand_shape(x, names), _operand_shape(y, names)], key=str) == sorted(shapes, key=str)
               for x, y in _products(error.get("code")))


def _products(code):
    """The operand pairs of ``a * b`` and ``np.multiply(a, b)`` on a line of code."""
    text = (code or "").strip().rstrip("\\").strip()
    tree = None
    for attempt in (text, text.rstrip(",:"), f"({text.rstrip(',:')})"):
        try:
            tree = ast.parse(attempt)
            break
        except SyntaxError:
            continue
    if tree is None:
        return []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            out.append((node.left, node.right))
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "multiply"
              and len(node.args) == 2):
            out.append(tuple(node.args))
    return out


def _operand_shape(node, names):
    """The 2-D shape of an operand written as a name or ``name.T``, or such a name scaled by
    numbers (``1 / m * dZ``), from the failing frame; or None."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
        left, right = _operand_shape(node.left, names), _operand_shape(node.right, names)
        if _is_number(node.left, names) and right:
            return right
        if _is_number(node.right, names) and left:
            return left
        return None
    transposed = False
    if isinstance(node, ast.Attribute) and node.attr == "T":
        node, transposed = node.value, True
    shape = getattr(names.get(node.id), "shape", None) if isinstance(node, ast.Name) else None
    if not (isinstance(shape, tuple) and len(shape) == 2):
        return None
    return shape[::-1] if transposed else shape


def _is_number(node, names):
    """A number written on the line: a constant, a name holding a number, arithmetic of them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if isinstance(node, ast.Name):
        value = names.get(node.id)
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(node, ast.BinOp):
        return _is_number(node.left, names) and _is_number(node.right, names)
    if isinstance(node, ast.UnaryOp):
        return _is_number(node.operand, names)
    return False


_APPEND_KEPT = re.compile(r"\b([A-Za-z_]\w*)\s*=\s*\1\s*\.\s*append\s*\(")


def append_result_kept(error):
    """``caches = caches.append(…)``: append returns None, so the next append fails on None.
    The list's name, or None."""
    if "'NoneType' object has no attribute 'append'" not in str(error.get("message")):
        return None
    found = _APPEND_KEPT.search(error.get("code") or "")
    return found.group(1) if found else None


def zeros_fix(code):
    """``np.zeros((n_h, 1))`` for the student's ``np.zeros(n_h, 1)`` (their own arguments)."""
    found = re.search(r"\b((?:np\.|numpy\.)?(?:zeros|ones|empty))\s*\(([^()]*)\)", code or "")
    if found and "," in found.group(2) and "=" not in found.group(2):
        return f"{found.group(1)}(({found.group(2).strip()}))"
    return "np.zeros((n, 1))"


_SUBSCRIPT = re.compile(r"\b([A-Za-z_]\w*)\s*\[\s*(len\(\s*[A-Za-z_]\w*\s*\)|[A-Z]\w*)\s*\]")


def past_end(ctx, error):
    """``caches[L]`` (or ``caches[len(caches)]``): the index is the length itself, one past
    the last item — the fix is ``L - 1``.  ``(name, index text, length)`` or None.  An index
    made of a loop variable (``caches[l + 1]``) is a loop's bounds, not this."""
    if "out of range" not in str(error.get("message")):
        return None
    local = ctx.call.error_locals or {}
    args = dict(zip(ctx.exercise.arg_names, ctx.args))
    for name, index in _SUBSCRIPT.findall(error.get("code") or ""):
        seq = args.get(name, local.get(name))
        if not isinstance(seq, (list, tuple)):
            continue
        value = len(seq) if index.startswith("len") else local.get(index)
        if isinstance(value, int) and not isinstance(value, bool) and value >= len(seq):
            return name, index, len(seq)
    return None


def _key_terms(code):
    """``[(prefix, variable, offset)]`` of the dict keys built on ``code`` (``'W' + str(l - 1)``)."""
    out = []
    for pattern in _KEY_EXPR:
        for _, prefix, var, sign, n in pattern.findall(code or ""):
            out.append((prefix, var, (int(n) if sign == "+" else -int(n)) if sign else 0))
    return out


def renumbered_key(ctx, error):
    """A KeyError on a W/b key (or dW/db) read with another numbering than the keys were
    written with: ``grads['dW' + str(l)]`` on the line that writes ``parameters['W' + str(l + 1)]``,
    or ``parameters['W' + str(l - 1)]`` reaching below layer 1 in a loop whose ``l`` is a layer
    number.  The key to read instead (``'W1'``), or None.  (dA keys chain from one layer to the
    next, ``dA{l + 1}`` read where ``dA{l}`` is written: their offsets are no such sign.)"""
    key = error.get("key")
    local = ctx.call.error_locals or {}
    if not isinstance(key, str) or not _PARAM_KEY.match(key):
        return None
    known = {k for a in ctx.args if isinstance(a, dict) for k in a if isinstance(k, str)}
    known |= {k for k in ctx.expected if isinstance(k, str) and _LAYER_KEY.match(k)}
    terms = [t for t in _key_terms(error.get("code")) if _PARAM_KEY.match(f"{t[0]}1")]
    for prefix, var, offset in terms:
        value = local.get(var)
        if not isinstance(value, int) or isinstance(value, bool) or f"{prefix}{value + offset}" != key:
            continue
        for other in sorted({o for _, v, o in terms if v == var and o != offset}):
            if f"{prefix}{value + other}" in known:
                return f"{prefix}{value + other}"
        if offset and value + offset < 1 and f"{prefix}{value}" in known:
            return f"{prefix}{value}"
    return None


_PARAM_KEY = re.compile(r"^d?[Wb]\d+$")


def mixed_numbering(ctx, error):
    """The keys of one layer (W, b, dW, db) combined on the failing line with different numbers
    of the same loop variable — ``parameters['W' + str(l)] - learning_rate * grads['dW' + str(l + 1)]``
    then fails on the shapes: the keys, as read then (``['W1', 'dW2']``), or None."""
    local = (ctx.call.error_locals or {}) if error.get("depth", 1) == 1 else {}
    terms = [t for t in _key_terms(error.get("code")) if _PARAM_KEY.match(f"{t[0]}1")]
    for var in dict.fromkeys(v for _, v, _ in terms):
        offsets = {o for _, v, o in terms if v == var}
        value = local.get(var)
        if len(offsets) > 1 and isinstance(value, int) and not isinstance(value, bool):
            return list(dict.fromkeys(f"{p}{value + o}" for p, v, o in terms if v == var))
    return None


def read_before_written(ctx, error):
    """``grads['dA' + str(l)]`` read in the loop where the next layer's ``dA{l + 1}``, already
    stored, was meant (the line stores dA{l} itself): the key to read, or None."""
    key = error.get("key")
    grads = (ctx.call.error_locals or {}).get("grads")
    if not (isinstance(key, str) and re.fullmatch(r"dA\d+", key) and isinstance(grads, dict)):
        return None
    following = f"dA{int(key[2:]) + 1}"
    if key not in grads and following in grads and following in ctx.expected:
        return following
    return None


def _notebook_variable(ctx, name):
    if name in NOTEBOOK_NAMES or name.startswith("t_"):
        return True
    namespace = getattr(ctx.fn, "__globals__", None) or {}
    return name in namespace and is_data(namespace[name])


_KEY_EXPR = (re.compile(r"""(['"])(d?[A-Za-z]+)\1\s*\+\s*str\(\s*(\w+)\s*(?:([+-])\s*(\d+))?\s*\)"""),
             re.compile(r"""f(['"])(d?[A-Za-z]+)\{\s*(\w+)\s*(?:([+-])\s*(\d+))?\s*\}\1"""))


def _keys_in(text, local):
    """Dict keys built on ``text`` from a loop variable (``'b' + str(l)``, ``f"W{l + 1}"``),
    evaluated with the failing frame's integer variables."""
    out = []
    for pattern in _KEY_EXPR:
        for _, prefix, var, sign, n in pattern.findall(text):
            value = local.get(var)
            if isinstance(value, int) and not isinstance(value, bool):
                out.append(f"{prefix}{value + (int(n) if sign == '+' else -int(n) if sign else 0)}")
    return out


def _step_in_code(code, steps, local=None):
    """A step id written on the failing line: assigned first (also a key like ``'b' + str(l)``,
    with ``l`` from the failing frame), else mentioned (``assert db.shape …``)."""
    match = _ASSIGNED.match(code or "")
    if match:
        for name in re.findall(r"[A-Za-z_]\w*", match.group(1)) + _keys_in(match.group(1), local or {}):
            if name in steps:
                return name
    for name in re.findall(r"[A-Za-z_]\w*", code or ""):
        if name in steps:
            return name
    return None


def report_error(ctx, steps, first_hint, stop_case):
    """Record an exception: its own finding, after any earlier cause the exercise finds."""
    ex, e = ctx.exercise, ctx.call.error
    try:
        hint = refine_hint(ctx, e, first_hint)
    except Exception:  # noqa: BLE001 - reading the failing line only explains; the exception is still reported
        hint = first_hint
    ctx.error_hint = hint
    before = len(ctx.findings)
    if hint != "loop_bounds" and ex.explain_error:
        try:
            ex.explain_error(ctx)
        except stop_case:
            pass
        except Exception:  # noqa: BLE001 - an explanation is a bonus; the exception is still reported
            del ctx.findings[before:]
    order = {s: i for i, s in enumerate(steps)}
    causes = sorted((f for f in ctx.findings[before:] if not f.warning), key=lambda f: order.get(f.step, len(order)))
    if causes:
        message_id, params = plain_message(ctx, e)
        ctx.fail(causes[0].step, causes[0].hint, message_id, **params)
        return
    named = e.get("name") if e.get("name") in steps else None
    if hint == "uses_globals":
        named = steps[0]  # where the globals scan reports it when the variable exists
    local = ctx.call.error_locals if e.get("depth", 1) == 1 else None
    if hint == "wrong_type":  # the list a line rebinds (caches = caches.append(…)): that line's step
        named = named or _step_in_code(e["code"], steps, local)
    step = (named or (ex.error_step(ctx) if ex.error_step else None)
            or _step_in_code(e["code"], steps, local) or steps[0])
    try:
        message_id, params = message(ctx, e, hint)
    except Exception:  # noqa: BLE001 - a specific message is a bonus: the plain one still names the line
        message_id, params = plain_message(ctx, e)
    ctx.fail(step, hint, message_id, **params)


def plain_message(ctx, e):
    """msg.exception, or the variants naming the called function / provided helper that raised."""
    base = {"exc_type": e["type"], "exc_msg": e["message"], "line": e["line"], "code": e["code"]}
    where = e.get("where")
    if e.get("helper") and where:
        return "msg.exception_helper", {**base, "helper": e["helper"], "where": where}
    if where and where != fn_name(ctx) and e.get("depth", 1) > 1:
        return "msg.exception_in", {**base, "where": where}
    return "msg.exception", base


def function_missing_message(ctx, at, name):
    """Another exercise's function is not defined: which exercise defines it, and what to run."""
    from .registry import ASSIGNMENTS, assignment_of
    assignment = assignment_of(name)
    params = {**at, "name": name, "number": ASSIGNMENTS[assignment].index(name) + 1}
    if assignment != ctx.exercise.assignment:
        return "msg.function_missing_part1", params
    return "msg.function_missing", params


def message(ctx, e, hint):
    where = e.get("where") or fn_name(ctx)
    at = {"where": where, "line": e["line"], "code": e["code"]}
    name = e.get("name")
    if hint == "wrong_keys" and e["type"] != "KeyError" and mixed_numbering(ctx, e):
        return "msg.key_numbering_line", {**at, "keys": ", ".join(map(repr, mixed_numbering(ctx, e)))}
    if hint == "wrong_keys" and e["type"] == "KeyError" and read_before_written(ctx, e):
        return "msg.key_read_before_written", {**at, "key": repr(e["key"]),
                                               "expected": repr(read_before_written(ctx, e))}
    if hint == "wrong_keys" and e["type"] == "KeyError":
        expected = renumbered_key(ctx, e) or expected_key(ctx, e["key"])
        if expected:
            return "msg.key_missing", {**at, "key": repr(e["key"]), "expected": repr(expected), "got": repr(e["key"])}
        return "msg.key_missing_plain", {**at, "key": repr(e["key"]), "missing": repr(e["key"])}
    if hint == "function_missing":
        return function_missing_message(ctx, at, name)
    if hint == "undefined_name":
        if e.get("suggestion"):
            return "msg.undefined_name_suggest", {**at, "name": name, "suggestion": e["suggestion"]}
        return "msg.undefined_name", {**at, "name": name}
    if hint == "uses_globals" and name:
        return "msg.uses_missing_global", {**at, "name": name}
    if hint == "loop_variable_scope":
        return "msg.loop_variable_scope", {**at, "name": name, "loop_line": e["loop"][0]}
    if hint == "partly_implemented":
        return partly_message(e, where)
    if hint == "zeros_shape_tuple":
        return "msg.zeros_shape_tuple", {**at, "fix": zeros_fix(e["code"])}
    if hint == "wrong_type" and append_result_kept(e):
        return "msg.append_result_kept", {**at, "name": append_result_kept(e)}
    if hint == "elementwise_product":
        found = _BROADCAST.search(str(e["message"]))
        return "msg.elementwise_product", {**at, "shapes": "({}, {}) * ({}, {})".format(*found.groups())}
    if hint == "index_past_end" and past_end(ctx, e):
        seq, index, n = past_end(ctx, e)
        return "msg.index_past_end", {**at, "seq": seq, "index": index, "n": n, "last": n - 1,
                                      "fix": f"{seq}[{index} - 1]"}
    return plain_message(ctx, e)


def expected_key(ctx, key):
    """The key a student most likely meant: present in a dict argument (or among the
    expected layer keys), e.g. 'w1' → 'W1', grads['W1'] → 'dW1'."""
    keys = [k for a in ctx.args if isinstance(a, dict) for k in a if isinstance(k, str)]
    keys += [k for k in ctx.expected if isinstance(k, str) and _LAYER_KEY.match(k)]
    if key in keys:
        # It exists — in another dict: the same name with or without the leading d.
        other = "d" + key if "d" + key in keys else (key[1:] if key.startswith("d") and key[1:] in keys else None)
        return other
    return near_miss(key, keys)


def _block(stub):
    kind, text, header = stub.get("kind"), stub.get("text"), stub.get("header")
    if kind == "if" and header and header.startswith(("if ", "elif ")):
        return f"`{header}`"  # quoted as written
    if kind == "if":
        return f"`if {text}`"
    if kind == "else":
        return f"`else` (`if {text}`)"
    if kind == "for":
        return f"`{text}`"
    return f"`# {text}`" if text else "`# YOUR CODE STARTS HERE`"


def partly_message(e, where):
    stubs = e.get("stubs") or []
    line = e.get("line")
    numeric = isinstance(line, int)
    before = [s for s in stubs if numeric and s["line"] <= line]
    stub = max(before, key=lambda s: s["line"]) if before else (stubs[0] if stubs else {"line": line})
    return "msg.partly_implemented", {"where": where, "block": _block(stub), "line": stub.get("line", line)}


def partly_implemented(ctx, steps):
    """Record ``partly_implemented`` when a NotImplementedError comes from one stub left in
    otherwise written code; False when the function is simply not implemented."""
    stub = ctx.call.stub or {}
    own = stub.get("where") in (None, fn_name(ctx))
    if not ((stub.get("implemented") and stub.get("stubs")) or (own and any(ctx.call.spied.values()))):
        return False
    ctx.error_hint = "partly_implemented"
    ex = ctx.exercise
    step = (ex.error_step(ctx) if ex.error_step else None) or steps[0]
    message_id, params = partly_message(stub, stub.get("where") or fn_name(ctx))
    ctx.fail(step, "partly_implemented", message_id, **params)
    return True


def check_locals(ctx, items):
    """Explain an exception by the variables the function had computed when it raised
    (its own ``assert`` on a value, a crash after a wrong value): ``items`` are
    ``(step, names, key, kwargs)`` in computation order; the first local among
    ``names`` is compared with expected ``key`` like a returned value."""
    local = ctx.call.error_locals or {}
    for step, names, key, kwargs in items:
        for name in names:
            value = local.get(name)
            if value is not None and not isinstance(value, str):
                ctx.array(step, name, value, key, **kwargs)
                break


def outside_loop(ctx, step):
    """Record ``loop_variable_scope`` at ``step`` when the function reads a ``for`` variable
    after (or before) its loop — the line that should have run for every layer ran once,
    for the last one.  True when recorded."""
    reads = ctx.call.loop_reads or []
    if not reads:
        return False
    name, line, loop_line = reads[0]
    ctx.fail(step, "loop_variable_scope", "msg.loop_variable_outside", where=fn_name(ctx), name=name, line=line,
             loop_line=loop_line)
    return True
