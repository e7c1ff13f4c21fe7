"""Reading the student's code statically, to explain a failure — never to judge it.

Bytecode (always there): the variables of ``for`` loops and the lines those loops
cover, near-miss names, how often a function is called.  Source (when ``linecache``
knows it, as it does for notebook cells): the template regions between
``# YOUR CODE STARTS HERE`` / ``# YOUR CODE ENDS HERE`` that are still the stub, and
the branch or loop they sit in.  Everything returned is plain data.
"""
import ast
import difflib
import dis
import functools
import inspect
import textwrap

START, END = "YOUR CODE STARTS HERE", "YOUR CODE ENDS HERE"


@functools.lru_cache(maxsize=256)
def loop_variables(code):
    """``{name: (for_line, last_line)}`` for each variable a ``for`` loop of ``code`` binds."""
    out = {}
    instructions = list(dis.get_instructions(code))
    for i, ins in enumerate(instructions):
        if ins.opname != "FOR_ITER":
            continue
        end = ins.argval
        body = [x.positions.lineno for x in instructions[i + 1:] if x.offset < end and x.positions.lineno]
        span = (ins.positions.lineno, max(body, default=ins.positions.lineno))
        for nxt in instructions[i + 1:]:
            if nxt.opname in ("STORE_FAST", "STORE_NAME", "STORE_GLOBAL", "STORE_DEREF"):
                out.setdefault(nxt.argval, span)
            elif nxt.opname != "UNPACK_SEQUENCE":
                break
    return out


@functools.lru_cache(maxsize=256)
def load_counts(code):
    """``{name: n}``: how many times ``code`` (and the code nested in it) loads ``name`` as a
    global or an attribute (``np.log`` and ``log`` both count for "log")."""
    counts = {}
    for ins in dis.get_instructions(code):
        if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_ATTR", "LOAD_METHOD"):
            counts[ins.argval] = counts.get(ins.argval, 0) + 1
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            for name, n in load_counts(const).items():
                counts[name] = counts.get(name, 0) + n
    return counts


def call_count(code, name):
    return load_counts(code).get(name, 0)


@functools.lru_cache(maxsize=256)
def set_only_in_loops(code):
    """``{name: (for_line, last_line)}`` for the locals every assignment of which sits inside
    one ``for`` loop (``dW_temp = …`` in the loop body): after a loop that ran zero times
    they do not exist."""
    spans = sorted(set(loop_variables(code).values()))
    out = {}
    for ins in dis.get_instructions(code):
        if ins.opname != "STORE_FAST" or not ins.positions.lineno:
            continue
        line = ins.positions.lineno
        inner = [s for s in spans if s[0] <= line <= s[1]]
        span = max(inner) if inner else None
        if ins.argval in out and out[ins.argval] != span:
            out[ins.argval] = None
        else:
            out.setdefault(ins.argval, span)
    return {name: span for name, span in out.items() if span is not None and name not in code.co_varnames[:code.co_argcount]}


@functools.lru_cache(maxsize=256)
def reads_outside_loops(code):
    """``[[name, line, for_line], …]``: a ``for`` variable read on a line outside every loop
    that binds it (and never assigned outside them) — an indentation slip, or the
    output layer indexed with the hidden loop's ``l``."""
    loops = {}
    instructions = list(dis.get_instructions(code))
    for i, ins in enumerate(instructions):
        if ins.opname != "FOR_ITER":
            continue
        lines = [x.positions.lineno for x in instructions[i:] if x.offset < ins.argval and x.positions.lineno]
        span = (ins.positions.lineno, max(lines, default=ins.positions.lineno))
        for nxt in instructions[i + 1:]:
            if nxt.opname == "STORE_FAST":
                loops.setdefault(nxt.argval, []).append(span)
            elif nxt.opname != "UNPACK_SEQUENCE":
                break
    out = []
    for name, spans in loops.items():
        def inside(line):
            return any(a <= line <= b for a, b in spans)
        stores = [x for x in instructions if x.opname == "STORE_FAST" and x.argval == name]
        if any(x.positions.lineno and not inside(x.positions.lineno) for x in stores):
            continue
        for x in instructions:
            line = x.positions.lineno
            if x.opname in ("LOAD_FAST", "LOAD_FAST_CHECK") and x.argval == name and line and not inside(line):
                out.append([name, line, spans[0][0]])
                break
    return out


def near_miss(name, candidates):
    """The candidate a misspelt ``name`` most likely meant, or None."""
    candidates = [c for c in dict.fromkeys(candidates) if c and c != name and not c.startswith("__")]
    lowered = {c.lower(): c for c in candidates}
    if name.lower() in lowered:
        return lowered[name.lower()]
    prefixed = [c for c in candidates if c.startswith(name) or name.startswith(c)]
    if prefixed and len(name) >= 3:
        return min(prefixed, key=lambda c: abs(len(c) - len(name)))
    match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[match[0]] if match else None


# ---- the source, when it is known ------------------------------------------------------------


@functools.lru_cache(maxsize=128)
def _tree(code):
    """(parsed function, source lines, absolute line of the tree's line 1) or None."""
    try:
        lines, first = inspect.getsourcelines(code)
    except (OSError, TypeError):
        return None
    text = textwrap.dedent("".join(lines))
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    return tree, [line.rstrip("\n") for line in lines], first


def _is_stub_line(text):
    text = text.strip()
    return (not text or text.startswith("#") or text in ("pass", "...", "None")
            or text.startswith("raise NotImplementedError"))


def _regions(lines, first):
    """Absolute (start, end) lines of each template region in ``lines``."""
    out, start = [], None
    for i, text in enumerate(lines):
        if START in text:
            start = first + i
        elif END in text and start is not None:
            out.append((start, first + i))
            start = None
    return out


def _enclosing(tree, line, first):
    """The innermost ``if`` branch or ``for`` loop around absolute ``line``: (kind, text)."""
    found = None
    rel = line - first + 1
    for node in ast.walk(tree):
        if isinstance(node, (ast.If, ast.For, ast.While)) and node.lineno <= rel <= (node.end_lineno or rel):
            if isinstance(node, ast.If):
                in_else = node.orelse and node.orelse[0].lineno <= rel and not (
                    len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If))
                kind, text = ("else", ast.unparse(node.test)) if in_else else ("if", ast.unparse(node.test))
            else:
                kind, text = "for", f"for {ast.unparse(node.target)} in {ast.unparse(node.iter)}"
            if found is None or node.lineno >= found[0]:
                found = (node.lineno, kind, text)
    return found


def _comment_above(lines, line, first):
    """The nearest comment above ``line`` outside a template marker (e.g. ``# LINEAR -> SIGMOID``)."""
    for i in range(line - first - 1, -1, -1):
        text = lines[i].strip()
        if text.startswith("#") and START not in text and END not in text:
            return text.lstrip("#").strip()
        if text and not text.startswith("#"):
            return None
    return None


def stub_blocks(code):
    """The template regions (or, without markers, ``if``/``for`` bodies) of ``code`` that
    are still the stub, and whether anything else was written.

    Returns ``(stubs, implemented)``: ``stubs`` a list of dicts ``{"line", "kind",
    "text"}`` (kind: "if", "else", "for", "block"), ``implemented`` True when at least
    one region holds real code.  ``None`` when the source is unknown."""
    parsed = _tree(code)
    if parsed is None:
        return None
    tree, lines, first = parsed
    regions = _regions(lines, first)
    stubs, implemented = [], False
    if regions:
        for start, end in regions:
            body = lines[start - first + 1:end - first]
            if all(_is_stub_line(t) for t in body):
                stubs.append(_describe(tree, lines, first, start + 1))
            else:
                implemented = True
        return stubs, implemented
    # No markers left: bodies of branches and loops that hold nothing but the stub.
    for node in ast.walk(tree):
        for body in _bodies(node):
            if all(_stub_stmt(s) for s in body):
                stubs.append(_describe(tree, lines, first, first + body[0].lineno - 1))
            else:
                implemented = True
    return stubs, implemented


def _bodies(node):
    if isinstance(node, (ast.If, ast.For, ast.While)):
        yield node.body
        if node.orelse and not (len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If)):
            yield node.orelse


def _stub_stmt(stmt):
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return True
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return False


def _describe(tree, lines, first, line):
    around = _enclosing(tree, line, first)
    if around:
        # the branch's first line as the student sees it (elif activation == "relu"), not rebuilt
        header = lines[around[0] - 1].strip().rstrip(":").strip() if around[0] - 1 < len(lines) else ""
        return {"line": line, "kind": around[1], "text": around[2], "header": header}
    return {"line": line, "kind": "block", "text": _comment_above(lines, line, first) or ""}
