"""Computation diagrams as data: nodes, edges, a title — no drawing here.

``build_graph(exercise, dims, lang)`` lays out the computation of one exercise
for the Check feedback; the ``*_graph`` functions at the end lay out the static
figures of the notebook (``FIGURES``).  :mod:`dnn_lab.diagram.draw` draws any of
them with matplotlib.

Coordinates are inches (y grows upwards), node positions are box centres, so a
graph knows its own size and the drawing needs no autoscaling.  Text widths are
estimated from character classes (CJK ≈ 1 em, Latin ≈ 0.56 em): enough to size
boxes and spacing without loading a font.

The ids of the *checkable* nodes are exactly the exercise's step ids
(``dnn_lab.checks.<exercise>.steps(case)``); every other node id starts with
``_``.  Shapes on edges are concrete (``(3, 4)``) when ``dims`` gives the
sizes, symbolic (``(n[l], m)``) otherwise.
"""
from dataclasses import dataclass

LANGS = ("zh", "en", "both")

# Font sizes in points; the drawing uses the same numbers.
LABEL_PT = 9.0
SMALL_PT = 7.5      # edge labels, second lines of dict bars, notes
TITLE_PT = 10.0

TITLE_BAND = 0.42   # inches kept free at the top for the title (and legend)
NOTE_BAND = 0.34    # inches kept free at the bottom of feedback graphs for notes
MARGIN = 0.18

KINDS = ("data", "param", "op", "cache", "cost", "dict", "unit", "text", "group")
EDGE_STYLES = ("arrow", "dashed", "line")
LABEL_SIDES = ("auto", "on", "above", "below", "left", "right")


@dataclass(frozen=True)
class Node:
    """One box (or circle, or free text) centred at ``(x, y)``, ``w`` × ``h`` inches."""
    id: str
    label: str
    kind: str
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0
    checkable: bool = False
    pt: float = LABEL_PT


@dataclass(frozen=True)
class Edge:
    """An arrow from ``src`` to ``dst``.  ``label`` is the shape text, ``name``
    the array's name (drawn above a horizontal edge, the shape below it)."""
    src: str
    dst: str
    label: str = ""
    name: str = ""
    style: str = "arrow"
    side: str = "auto"


@dataclass(frozen=True)
class Graph:
    nodes: tuple
    edges: tuple
    title: str
    width: float
    height: float
    lang: str = "both"
    note_band: bool = False    # room for notes below the nodes (feedback graphs)

    @property
    def steps(self):
        """Ids of the checkable nodes, in the order they were laid out."""
        return tuple(n.id for n in self.nodes if n.checkable)

    def node(self, node_id):
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)


class NoDiagram(LookupError):
    """The exercise has no diagram (a name that is not a graded exercise)."""


# --------------------------------------------------------------------------- text

def tr(lang, zh, en, sep=" "):
    """A label in ``lang``; 'both' is Chinese then English (``sep`` between)."""
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return zh if zh == en else f"{zh}{sep}{en}"


# Advance widths (em) of DejaVu Sans, the face that draws Latin text; CJK
# glyphs (Noto Sans CJK) are 1 em.  Measured once with FreeType.
_EM = {}
for _w, _chars in ((0.18, "ᵢ"), (0.23, "′"), (0.28, "'ijl"), (0.29, "IJ"), (0.32, " ,.·"), (0.34, "/:;\\|"),
                   (0.35, "f"), (0.36, "-"), (0.38, "ᵀ"), (0.39, "()[]t"), (0.4, "!"), (0.41, "r"), (0.46, '"'),
                   (0.5, "*_`"), (0.52, "sz"), (0.53, "?"), (0.55, "c"), (0.56, "L"), (0.58, "Fk"),
                   (0.59, "vxyŷ"), (0.6, "P"), (0.61, "TYao"), (0.62, "e"), (0.63, "ESbdghnpquΣ"),
                   (0.64, "$0123456789{}"), (0.66, "Kα"), (0.68, "AV"), (0.69, "BRXZ"), (0.7, "C"), (0.73, "U"),
                   (0.75, "HN"), (0.77, "DG"), (0.78, "&"), (0.79, "OQ"), (0.82, "w"),
                   (0.84, "#+<=>^~→←−✓✗×"), (0.86, "M"), (0.95, "%"), (0.97, "m"), (0.99, "W"),
                   (1.0, "@⋯…")):
    _EM.update(dict.fromkeys(_chars, _w))


def _char_em(c):
    w = _EM.get(c)
    if w is not None:
        return w
    return 1.0 if ord(c) >= 0x2E80 else 0.62


def text_width(text, pt=LABEL_PT, bold=False):
    """Width in inches of the widest line of ``text`` (bold: DejaVu Sans Bold is ~12 % wider)."""
    em = max(sum(_char_em(c) for c in line) for line in text.split("\n"))
    return em * pt / 72 * (1.13 if bold else 1.0)


def text_height(text, pt=LABEL_PT):
    return (text.count("\n") + 1) * pt * 1.3 / 72


def box(label, pt=LABEL_PT, padx=0.09, pady=0.07, minw=0.34):
    """(w, h) of a box that holds ``label``."""
    return max(text_width(label, pt) + 2 * padx, minw), text_height(label, pt) + 2 * pady


def legend_entries(lang):
    """[(state, label, width in inches)] of the state legend of feedback diagrams."""
    from ..messages import t
    out = []
    for state, badge, msg in (("passed", "✓ ", "ui.passed"), ("failed", "✗ ", "ui.failed"),
                              ("not_reached", "", "ui.not_reached")):
        label = badge + tr(lang, t(msg, "zh"), t(msg, "en"))
        out.append((state, label, text_width(label, SMALL_PT) + 0.06))
    return out


# --------------------------------------------------------------------------- shapes

class Dims:
    """Layer sizes and m, concrete when known, symbolic otherwise.

    ``n(l)`` → ``"4"`` or ``"n[l]"``; ``shape(a, b)`` → ``"(4, 3)"``.
    """

    def __init__(self, dims=None):
        dims = dims or {}
        self.layer_dims = list(dims.get("layer_dims") or []) or None
        self.m = dims.get("m")
        self.activation = dims.get("activation")
        self.lr = dims.get("lr")
        self.iterations = dims.get("iterations")

    @property
    def L(self):
        return len(self.layer_dims) - 1 if self.layer_dims else None

    def n(self, l):
        if self.layer_dims is not None and isinstance(l, int):
            return str(self.layer_dims[l])
        return f"n[{l}]"

    def cols(self):
        return str(self.m) if self.m is not None else "m"

    @staticmethod
    def shape(*parts):
        return "(" + ", ".join(str(p) for p in parts) + ")"

    def act(self, l=None):
        """Shape of A[l]/Z[l]/dA[l]: (n[l], m)."""
        return self.shape(self.n(l), self.cols())

    def W(self, l, prev=None):
        return self.shape(self.n(l), self.n(prev if prev is not None else _prev(l)))

    def b(self, l):
        return self.shape(self.n(l), 1)


def _prev(l):
    return l - 1 if isinstance(l, int) else f"{l}-1"


# --------------------------------------------------------------------------- building

class _Builder:
    def __init__(self, lang):
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
        self.lang = lang
        self.nodes = []
        self.edges = []

    def tr(self, zh, en, sep=" "):
        return tr(self.lang, zh, en, sep)

    def node(self, id, label, kind, x, y, w=None, h=None, checkable=False, pt=LABEL_PT, minw=0.34):
        if kind not in KINDS:
            raise ValueError(kind)
        if not checkable and not id.startswith("_"):
            id = "_" + id
        bw, bh = box(label, pt, minw=minw)
        node = Node(id, label, kind, x, y, w if w is not None else bw, h if h is not None else bh, checkable, pt)
        self.nodes.append(node)
        return node

    def edge(self, src, dst, label="", name="", style="arrow", side="auto"):
        if style not in EDGE_STYLES or side not in LABEL_SIDES:
            raise ValueError((style, side))
        ids = {n.id for n in self.nodes}
        src = src.id if isinstance(src, Node) else src
        dst = dst.id if isinstance(dst, Node) else dst
        assert src in ids and dst in ids, (src, dst)
        self.edges.append(Edge(src, dst, label, name, style, side))

    def graph(self, title, note_band=False):
        """Shift everything so the content starts at the margins; size the canvas."""
        x0 = min(n.x - n.w / 2 for n in self.nodes)
        x1 = max(n.x + n.w / 2 for n in self.nodes)
        y0 = min(n.y - n.h / 2 for n in self.nodes)
        y1 = max(n.y + n.h / 2 for n in self.nodes)
        bottom = MARGIN + (NOTE_BAND if note_band else 0.0)
        dx, dy = MARGIN - x0, bottom - y0
        head = text_width(title, TITLE_PT, bold=True)
        if note_band:   # the legend shares the title line
            head += 0.4 + sum(w + 0.16 for *_, w in legend_entries(self.lang))
        width = max(x1 - x0, head) + 2 * MARGIN
        height = y1 - y0 + bottom + TITLE_BAND
        nodes = tuple(Node(n.id, n.label, n.kind, round(n.x + dx, 4), round(n.y + dy, 4), round(n.w, 4),
                           round(n.h, 4), n.checkable, n.pt) for n in self.nodes)
        return Graph(nodes, tuple(self.edges), title, round(width, 4), round(height, 4), self.lang, note_band)


def _row(widths, gaps, x0=0.0):
    """Centres of boxes of ``widths`` laid left to right, ``gaps`` (one number,
    or one per gap) between them."""
    if isinstance(gaps, (int, float)):
        gaps = [gaps] * (len(widths) - 1)
    xs, x = [], x0
    for w, g in zip(widths, list(gaps) + [0.0]):
        xs.append(x + w / 2)
        x += w + g
    return xs


def _gap(*labels, least=0.5):
    """A horizontal gap wide enough for the edge labels written over it."""
    return max([least] + [text_width(t, SMALL_PT) + 0.24 for t in labels if t])


def _named(fn, lang):
    """`` (fn)`` after a figure title; full-width parentheses after a Chinese one."""
    return f"（{fn}）" if lang == "zh" else f"   ({fn})"


def _title(name, dims, extra=""):
    parts = [name]
    if dims.layer_dims is not None and name not in ("compute_cost",):
        # Part 2's models take the argument layers_dims (Part 1: layer_dims)
        key = "layers_dims" if name in ("two_layer_model", "L_layer_model") else "layer_dims"
        parts.append(f"{key} {dims.layer_dims}")
    if dims.m is not None:
        parts.append(f"m = {dims.m}")
    if extra:
        parts.append(extra)
    return "  ·  ".join(parts)


# --------------------------------------------------------------------------- exercises

def _initialisers(exercise, dims, lang):
    """The layer table: per layer a W[l] and a b[l] box, their shapes on the
    arrows into the parameters dict."""
    b = _Builder(lang)
    L = dims.L
    pairs = []
    for l in range(1, L + 1):
        header = b.tr(f"第 {l} 层", f"layer {l}")
        ws = [max(box(f"{p}{l}", minw=0.42)[0], text_width(shape, SMALL_PT) + 0.16)
              for p, shape in (("W", dims.W(l)), ("b", dims.b(l)))]
        pairs.append((l, header, ws, max(sum(ws) + 0.16, text_width(header, SMALL_PT) + 0.1) + 0.2))
    xs = _row([p[3] for p in pairs], 0.22)
    y_box, y_head, y_bot = 1.3, 1.64, 0.25
    for (l, header, (ww, wb), gw), x in zip(pairs, xs):
        b.node(f"group{l}", "", "group", x, (y_box + y_head) / 2 + 0.01, w=gw, h=0.78)
        b.node(f"head{l}", header, "text", x, y_head, pt=SMALL_PT)
        b.node(f"W{l}", f"W{l}", "param", x - 0.08 - ww / 2, y_box, w=ww, checkable=True)
        b.node(f"b{l}", f"b{l}", "param", x + 0.08 + wb / 2, y_box, w=wb, checkable=True)
    total = xs[-1] + pairs[-1][3] / 2 - (xs[0] - pairs[0][3] / 2)
    names = [f"{p}{l}" for l in range(1, L + 1) for p in "Wb"]
    label = b.tr("参数字典", "parameters") + " = {" + ", ".join(names[:4]) + (", …}" if L > 2 else "}")
    b.node("keys", label, "dict", xs[0] - pairs[0][3] / 2 + total / 2, y_bot, w=max(total, box(label)[0]),
           checkable=True)
    for l in range(1, L + 1):
        b.edge(f"W{l}", "keys", label=dims.W(l), side="on")
        b.edge(f"b{l}", "keys", label=dims.b(l), side="on")
    if exercise == "initialize_parameters":
        n_x, n_h, n_y = dims.layer_dims
        title = f"initialize_parameters  ·  n_x = {n_x}, n_h = {n_h}, n_y = {n_y}"
    else:
        title = _title(exercise, dims)
    return b.graph(title, note_band=True)


def _update_parameters(dims, lang):
    b = _Builder(lang)
    L = dims.L
    cols = []
    for l in range(1, L + 1):
        for p, shape in (("W", dims.W(l)), ("b", dims.b(l))):
            label = f"{p}{l} − α·d{p}{l}"
            cols.append((f"{p}{l}", label, shape, max(box(label)[0], text_width(shape, SMALL_PT) + 0.16)))
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
    b.node("keys", label, "dict", total / 2, y_bot, w=max(total, box(label)[0]), checkable=True)
    b.node("inputs", top, "dict", total / 2, y_top, w=max(total, box(top)[0]), checkable=True)
    for id_, _, shape, _ in cols:
        b.edge("inputs", id_)
        b.edge(id_, "keys", label=shape, side="on")
    return b.graph(_title("update_parameters", dims, f"learning_rate = {lr}"), note_band=True)


def _linear_forward(dims, lang):
    b = _Builder(lang)
    A = b.node("A", "A", "data", 0.3, 2.0, minw=0.5)
    W = b.node("W", "W", "param", 0.3, 1.3, minw=0.5)
    bb = b.node("b", "b", "param", 0.3, 0.6, minw=0.5)
    op = b.node("linear", "Z = W·A + b", "op", 2.55, 1.3)
    Z = b.node("Z", "Z", "data", 4.7, 1.75, checkable=True, minw=0.6)
    cache = b.node("cache", "cache = (A, W, b)", "cache", 4.7, 0.6, checkable=True)
    b.edge(A, op, dims.shape(dims.n(0), dims.cols()), side="on")
    b.edge(W, op, dims.W(1, 0), side="on")
    b.edge(bb, op, dims.b(1), side="on")
    b.edge(op, Z, dims.act(1), side="on")
    b.edge(op, cache, style="dashed")
    return b.graph(_title("linear_forward", dims), note_band=True)


def _linear_activation_forward(dims, lang):
    b = _Builder(lang)
    act = (dims.activation or "relu").upper()
    A = b.node("A_prev", "A_prev", "data", 0.35, 2.1)
    W = b.node("W", "W", "param", 0.35, 1.45, minw=0.62)
    bb = b.node("b", "b", "param", 0.35, 0.8, minw=0.62)
    lin = b.node("linear", "LINEAR\nZ = W·A_prev + b", "op", 2.45, 1.45, checkable=True)
    g = b.node("activation", f"{act}\nA = {act.lower()}(Z)", "op", 4.7, 1.45, checkable=True)
    out = b.node("A", "A", "data", 6.35, 1.45, minw=0.5)
    cache = b.node("cache", "cache = ((A_prev, W, b), Z)", "cache", 3.6, 0.2, checkable=True)
    b.edge(A, lin, dims.shape(dims.n(0), dims.cols()), side="on")
    b.edge(W, lin, dims.W(1, 0), side="on")
    b.edge(bb, lin, dims.b(1), side="on")
    b.edge(lin, g, dims.act(1), name="Z")
    b.edge(g, out, dims.act(1), name="A")
    b.edge(lin, cache, "linear_cache", style="dashed", side="on")
    b.edge(g, cache, "activation_cache (Z)", style="dashed", side="on")
    return b.graph(_title("linear_activation_forward", dims, f"activation = {act.lower()}"), note_band=True)


def _L_model_forward(dims, lang):
    b = _Builder(lang)
    L = dims.L
    layers = []
    for l in range(1, L + 1):
        act = "SIGMOID" if l == L else "RELU"
        layers.append((f"layer{l}", f"LINEAR→{act}\n" + b.tr(f"第 {l} 层", f"layer {l}")))
    widths = [box("X", minw=0.45)[0]] + [box(lab)[0] for _, lab in layers] + [box("AL", minw=0.45)[0]]
    # Edge labels of params sit on vertical edges: a layer column must hold them.
    pw = [text_width(f"{dims.W(l)} {dims.b(l)}", SMALL_PT) + 0.1 for l in range(1, L + 1)]
    widths[1:-1] = [max(w, p) for w, p in zip(widths[1:-1], pw)]
    names = ["X"] + [f"A{l}" for l in range(1, L + 1)]
    xs = _row(widths, [_gap(nm, dims.act(l)) for l, nm in enumerate(names)])
    y = 1.25
    b.node("X", "X", "data", xs[0], y, minw=0.45)
    for (id_, lab), x, l in zip(layers, xs[1:-1], range(1, L + 1)):
        b.node(id_, lab, "op", x, y, w=widths[l], checkable=True)
        b.node(f"_params{l}", f"W{l}, b{l}", "param", x, 2.35)
    b.node("AL", "AL", "data", xs[-1], y, minw=0.45)
    caches_label = b.tr("缓存列表", "caches") + f" = [cache 1, …, cache {L}]   ((A_prev, W, b), Z)"
    span = xs[-2] + widths[-2] / 2 - (xs[1] - widths[1] / 2)
    b.node("caches", caches_label, "dict", (xs[1] + xs[-2]) / 2, 0.1,
           w=max(span, box(caches_label)[0]), checkable=True)
    ids = ["_X"] + [i for i, _ in layers] + ["_AL"]
    for l in range(1, L + 1):
        b.edge(ids[l - 1], ids[l], dims.act(l - 1), name="X" if l == 1 else f"A{l - 1}")
        b.edge(f"_params{l}", ids[l], f"{dims.W(l)} {dims.b(l)}", side="on")
        b.edge(ids[l], "caches", style="dashed")
    b.edge(ids[L], "_AL", dims.act(L), name=f"A{L}")
    return b.graph(_title("L_model_forward", dims), note_band=True)


def _compute_cost(dims, lang):
    b = _Builder(lang)
    AL = b.node("AL", "AL", "data", 0.3, 1.45, minw=0.55)
    Y = b.node("Y", "Y", "data", 0.3, 0.65, minw=0.55)
    label = b.tr("交叉熵代价", "cross-entropy cost") + "\nJ = −(1/m) Σ ( Y·log(AL) + (1−Y)·log(1−AL) )"
    op = b.node("cost", label, "cost", 3.35, 1.05, checkable=True)
    J = b.node("J", "J", "data", 6.4, 1.05, minw=0.5)
    shape = dims.shape(1, dims.cols())
    b.edge(AL, op, shape, side="on")
    b.edge(Y, op, shape, side="on")
    b.edge(op, J, "()  " + b.tr("标量", "scalar"), name="cost")
    return b.graph(_title("compute_cost", dims), note_band=True)


def _linear_backward(dims, lang, symbolic=False):
    """linear_backward: dZ and the cache in, dA_prev, dW, db out (also the static figure)."""
    b = _Builder(lang)
    if symbolic:
        l, p = "l", "l-1"
        dZ, A_prev, W = "dZ[l]", "A[l-1]", "W[l]"
        outs = (("dA_prev", f"dA[{p}] = W[l]ᵀ · dZ[l]", dims.act(p)),
                ("dW", "dW[l] = (1/m) dZ[l] · A[l-1]ᵀ", dims.W(l)),
                ("db", "db[l] = (1/m) Σᵢ dZ[l](i)", dims.b(l)))
        cache_label = b.tr("缓存", "cache") + f" = ({A_prev}, {W}, b[l])"
        dz_shape = dims.act(l)
    else:
        dZ = "dZ"
        outs = (("dA_prev", "dA_prev = Wᵀ · dZ", dims.act(0)),
                ("dW", "dW = (1/m) dZ · A_prevᵀ", dims.W(1, 0)),
                ("db", "db = (1/m) Σ dZ   (axis=1, keepdims)", dims.b(1)))
        cache_label = "cache = (A_prev, W, b)"
        dz_shape = dims.act(1)
    cache = b.node("cache", cache_label, "cache", 0.0, 0.5)
    dz = b.node("dZ", dZ, "data", cache.x - cache.w / 2 + 0.4, 1.8, minw=0.7)
    opw = box("linear_backward")[0]
    op = b.node("linear_backward", "linear_backward", "op", cache.x + cache.w / 2 + 0.75 + opw / 2, 1.15)
    ow = max(box(lab)[0] for _, lab, _ in outs)
    xo = op.x + opw / 2 + 1.45 + ow / 2
    for (id_, lab, shape), y in zip(outs, (2.2, 1.15, 0.1)):
        b.node(id_, lab, "data", xo, y, w=ow, checkable=not symbolic)
        b.edge(op, id_ if not symbolic else "_" + id_, shape, side="on")
    b.edge(dz, op, dz_shape, side="on")
    b.edge(cache, op, "" if symbolic else f"A_prev {dims.act(0)}, W {dims.W(1, 0)}", side="on")
    if symbolic:
        title = b.tr("线性部分的反向传播", "Backward step of the linear part") + _named("linear_backward", lang)
        return b.graph(title)
    return b.graph(_title("linear_backward", dims), note_band=True)


def _linear_activation_backward(dims, lang):
    b = _Builder(lang)
    act = dims.activation or "relu"
    dA = b.node("dA", "dA", "data", 0.3, 1.6, minw=0.5)
    ab = b.node("activation_backward", f"{act}_backward\ndZ = dA · g′(Z)", "op", 2.0, 1.6, checkable=True)
    lb = b.node("linear_backward", "linear_backward", "op", 4.2, 1.6, checkable=True)
    outs = (("dA_prev", dims.act(0)), ("dW", dims.W(1, 0)), ("db", dims.b(1)))
    for (name, shape), y in zip(outs, (2.45, 1.6, 0.75)):
        b.node(name, name, "data", 6.3, y, minw=0.75)
        b.edge(lb, "_" + name, shape, side="on")
    z = b.node("Z", "activation_cache: Z", "cache", 2.0, 0.45)
    lc = b.node("lc", "linear_cache: (A_prev, W, b)", "cache", 4.2, 0.45)
    b.edge(dA, ab, dims.act(1), name="dA")
    b.edge(ab, lb, dims.act(1), name="dZ")
    b.edge(z, ab, dims.act(1), side="right", style="dashed")
    b.edge(lc, lb, style="dashed")
    return b.graph(_title("linear_activation_backward", dims, f"activation = {act}"), note_band=True)


_SYM_PREV = {"L": "L-1", "L-1": "L-2", "1": "0", "l": "l-1"}


def _l_model_backward(dims, lang, symbolic=False):
    """Backward pass, drawn right to left: dAL → layer L → … → layer 1 → dA0.

    Columns left to right: dA0, layer 1 … layer L, dAL; caches[l-1] above
    layer l, the grads dict below.  ``symbolic`` draws layers 1, ⋯, L-1, L.
    """
    b = _Builder(lang)
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
    widths = [box("dA0", minw=0.5)[0]]
    for l in layers:
        if l == "…":
            widths.append(0.3)
        else:
            widths.append(max(box(layer_label(l))[0], text_width(grad_label(l), SMALL_PT) + 0.1))
    widths.append(box(dal_label, SMALL_PT)[0])
    # The gap left of each column carries the gradient flowing out of it:
    # dA[l-1] out of layer l; out of ⋯, dA1 into layer 1.
    flows = {l: ((key("dA", prev(l)), dims.act(prev(l))) if l != "…" else ("dA1", dims.act("1"))) for l in layers}
    gaps = [_gap(*flows[l]) for l in layers] + [_gap("dAL", dims.act(top))]
    xs = _row(widths, gaps)
    x_of = dict(zip(["dA0"] + layers + ["dAL"], xs))
    y, y_top = 1.35, 2.45
    # Checkable nodes in checking order: dAL, layer L … layer 1, keys.
    b.node("dAL", dal_label, "op", x_of["dAL"], y, checkable=check, pt=SMALL_PT)
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
    b.node("keys", keys, "dict", (x0 + x1) / 2, 0.2, w=max(x1 - x0, box(keys)[0]), checkable=check)
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
        title = b.tr("整个网络的反向传播", "Backward pass through the whole network") + _named("L_model_backward", lang)
        return b.graph(title)
    return b.graph(_title("L_model_backward", dims), note_band=True)


def _param_shapes(dims, prefix=""):
    """'W1 (4, 6) … b2 (1, 4)': the first and last parameter (or gradient) with their shapes."""
    L = dims.L
    last = f"{prefix}b{L} {dims.b(L)}" if L is not None else f"{prefix}b[L] {dims.b('L')}"
    first = f"{prefix}W1 {dims.W(1)}"
    return f"{first}, {last}" if L == 1 else f"{first} … {last}"


def _recorded(n):
    """The iterations whose cost is kept (every 100th and the last), shortened for a label."""
    if n is None:
        return "i = 0, 100, …, n−1"
    kept = [i for i in range(n) if i % 100 == 0 or i == n - 1]
    shown = kept if len(kept) <= 4 else kept[:2] + ["…"] + kept[-1:]
    return "i = " + ", ".join(map(str, shown))


def _training_model(exercise, dims, lang):
    """The training loop: layers_dims → init → [forward → cost → backward → update]
    (a clockwise cycle, update → forward labelled × num_iterations) → costs → result."""
    b = _Builder(lang)
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
    params_label, grads_label = _param_shapes(dims), _param_shapes(dims, "d")
    loop_name = f"× {n}" if n is not None else "×"
    loop_label = "num_iterations"
    cost_name, cost_label = "cost", _recorded(n)
    w = {k: box(v)[0] for k, v in labels.items()}
    # Columns: init | forward, update | cost, backward | costs.
    widths = [w["init"], max(w["forward"], w["update"]), max(w["cost"], w["backward"]), w["costs"]]
    gaps = [_gap("parameters", params_label), _gap("AL", dims.shape(1, dims.cols()), "grads", grads_label, least=0.9),
            _gap(cost_name, cost_label) + 0.15]   # + room for the cost box's badge
    xs = _row(widths, gaps)
    y_in, y_top, y_bot, y_res = 3.15, 2.2, 0.95, 0.0
    # The loop's tinted background, behind its four steps.
    x0, x1 = xs[1] - widths[1] / 2 - 0.15, xs[2] + widths[2] / 2 + 0.15
    hb = max(box(labels[k])[1] for k in ("forward", "update"))
    b.node("loop", "", "group", (x0 + x1) / 2, (y_top + y_bot) / 2, w=x1 - x0, h=y_top - y_bot + hb + 0.3)
    b.node("init", labels["init"], "op", xs[0], y_top, checkable=True)
    b.node("forward", labels["forward"], "op", xs[1], y_top, w=widths[1], checkable=True)
    b.node("cost", labels["cost"], "cost", xs[2], y_top, w=widths[2], checkable=True)
    b.node("backward", labels["backward"], "op", xs[2], y_bot, w=widths[2], checkable=True)
    b.node("update", labels["update"], "op", xs[1], y_bot, w=widths[1], checkable=True)
    b.node("costs", labels["costs"], "data", xs[3], y_top, checkable=True)
    result = b.tr("返回", "return") + " (parameters, costs)"
    rx0, rx1 = xs[1] - widths[1] / 2, xs[3] + widths[3] / 2
    b.node("result", result, "dict", (rx0 + rx1) / 2, y_res, w=max(rx1 - rx0, box(result)[0]), checkable=True)
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
    k = len([i for i in range(n) if i % 100 == 0 or i == n - 1]) if n is not None else None
    b.edge("costs", "result", f"len {k}" if k is not None else "list", side="right")
    return b.graph(_title(exercise, dims, f"learning_rate = {lr}" + (f", num_iterations = {n}" if n else "")),
                   note_band=True)


def _predict(dims, lang):
    """X → forward (parameters from above) → AL → threshold → p → accuracy (y from above) → printed."""
    b = _Builder(lang)
    row = dims.shape(1, dims.cols())
    labels = {"forward": b.tr("前向传播", "forward") + "\nL_model_forward",
              "threshold": b.tr("阈值", "threshold") + "\np = (AL > 0.5)",
              "accuracy": b.tr("准确率", "accuracy") + "\nmean(p == y)"}
    printed = 'print("Accuracy: " …)'
    params_label = _param_shapes(dims)
    widths = [box("X", minw=0.5)[0]] + [box(v)[0] for v in labels.values()] + [box(printed)[0]]
    # The parameters' shapes sit beside a vertical edge: the forward column must hold them.
    widths[1] = max(widths[1], text_width(params_label, SMALL_PT) + 0.1)
    gaps = [_gap("X", dims.act(0)), _gap("AL", row), _gap("p", row), _gap("accuracy", "()")]
    xs = _row(widths, gaps)
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
    return b.graph(_title("predict", dims), note_band=True)


_BUILDERS = {
    "initialize_parameters": lambda d, lang: _initialisers("initialize_parameters", d, lang),
    "initialize_parameters_deep": lambda d, lang: _initialisers("initialize_parameters_deep", d, lang),
    "linear_forward": _linear_forward,
    "linear_activation_forward": _linear_activation_forward,
    "L_model_forward": _L_model_forward,
    "compute_cost": _compute_cost,
    "linear_backward": _linear_backward,
    "linear_activation_backward": _linear_activation_backward,
    "L_model_backward": _l_model_backward,
    "update_parameters": _update_parameters,
    "two_layer_model": lambda d, lang: _training_model("two_layer_model", d, lang),
    "L_layer_model": lambda d, lang: _training_model("L_layer_model", d, lang),
    "predict": _predict,
}
EXERCISES = tuple(_BUILDERS)


def build_graph(exercise, dims, lang="both"):
    """The computation of ``exercise`` for a case with ``dims`` (``report.dims``:
    ``layer_dims`` and maybe ``m``, ``activation``, ``lr``).  Checkable node ids
    are the exercise's step ids, in checking order."""
    exercise = getattr(exercise, "__name__", exercise)
    if exercise not in _BUILDERS:
        raise NoDiagram(f"no diagram for {exercise!r}; diagrams exist for: {', '.join(EXERCISES)}")
    lang = lang or "both"
    return _BUILDERS[exercise](Dims(dims), lang)


# --------------------------------------------------------------------------- static figures

def outline_graph(lang="both"):
    """The whole loop: forward row, cost, backward row, caches between them, update."""
    b = _Builder(lang)
    d = Dims()
    f1_label, f2_label = "[LINEAR → RELU] × (L−1)", "LINEAR → SIGMOID"
    b1_label, b2_label = "[LINEAR ← RELU] × (L−1)", "LINEAR ← SIGMOID"
    w1 = max(box(f1_label)[0], box(b1_label)[0])
    w2 = max(box(f2_label)[0], box(b2_label)[0])
    cost_label = b.tr("代价", "cost") + " J"
    widths = [0.62, w1, w2, 0.62, box(cost_label)[0]]
    xs = _row(widths, [_gap("A0", d.act(0), least=0.62), _gap("dA[L-1]", d.act("L-1")), _gap(d.shape(1, "m")),
                       _gap(d.shape(1, "m"))])
    yf, yb = 2.25, 0.95
    b.node("params", "W[l], b[l]", "param", (xs[1] + xs[2]) / 2, 3.2)
    b.node("X", "X", "data", xs[0], yf, w=0.62)
    b.node("f1", f1_label, "op", xs[1], yf, w=w1)
    b.node("f2", f2_label, "op", xs[2], yf, w=w2)
    b.node("AL", "AL", "data", xs[3], yf, w=0.62)
    b.node("cost", cost_label, "cost", xs[4], yf)
    b.node("dA0", "dA0", "data", xs[0], yb, w=0.62)
    b.node("b1", b1_label, "op", xs[1], yb, w=w1)
    b.node("b2", b2_label, "op", xs[2], yb, w=w2)
    b.node("dAL", "dAL", "data", xs[3], yb, w=0.62)
    upd = (b.tr("更新参数", "update", " / ") + ("：" if lang == "zh" else ":  ")
           + "W[l] ← W[l] − α·dW[l],   b[l] ← b[l] − α·db[l]")
    b.node("update", upd, "dict", (xs[1] + xs[2]) / 2, -0.2, w=max(xs[2] + w2 / 2 - xs[1] + w1 / 2, box(upd)[0]))
    fw = b.tr("前向", "Forward", "\n") + " →"
    bw = "← " + b.tr("反向", "Backward", "\n")
    b.node("fw", fw, "text", xs[0] - 0.95, yf)
    b.node("bw", bw, "text", xs[0] - 0.95, yb)
    b.edge("_params", "_f1")
    b.edge("_params", "_f2")
    b.edge("_X", "_f1", d.act(0), name="A0")
    b.edge("_f1", "_f2", d.act("L-1"), name="A[L-1]")
    b.edge("_f2", "_AL", d.shape(1, "m"))
    b.edge("_AL", "_cost", d.shape(1, "m"))
    b.edge("_cost", "_dAL")
    b.edge("_dAL", "_b2", d.shape(1, "m"))
    b.edge("_b2", "_b1", d.act("L-1"), name="dA[L-1]")
    b.edge("_b1", "_dA0", d.act(0))
    cache = b.tr("缓存", "cache")
    b.edge("_f1", "_b1", cache, style="dashed", side="on")
    b.edge("_f2", "_b2", cache, style="dashed", side="on")
    b.edge("_b1", "_update", "dW[l], db[l]", side="on")
    b.edge("_b2", "_update", "dW[L], db[L]", side="on")
    return b.graph(b.tr("前向传播、代价、反向传播、更新", "Forward pass, cost, backward pass, update"))


def l_layer_architecture_graph(lang="both"):
    """An L-layer network drawn as units: input, hidden layer 1, ⋯, hidden layer L-1, output."""
    b = _Builder(lang)
    d = Dims()
    sep = "\n"
    columns = [  # (id, units, header, data label)
        ("in", 3, b.tr("输入层", "input layer", sep), "X = A[0]\n" + d.act(0)),
        ("h1", 4, b.tr("隐藏层 1", "hidden layer 1", sep), "A[1]\n" + d.act(1)),
        ("dots", 0, "", ""),
        ("hL", 4, b.tr("隐藏层 L−1", "hidden layer L−1", sep), "A[L-1]\n" + d.act("L-1")),
        ("out", 1, b.tr("输出层 L", "output layer L", sep), "A[L] = ŷ\n" + d.shape(1, "m")),
    ]
    ops = ["W[1], b[1]\nLINEAR→RELU", "", "", "W[L], b[L]\nLINEAR→SIGMOID"]
    xs = [0.0, 1.85, 3.05, 4.25, 6.1]
    yc, pitch, r = 1.75, 0.4, 0.28
    units = {}
    for (cid, n, header, data), x in zip(columns, xs):
        if cid == "dots":
            b.node("dots", "⋯", "text", x, yc, w=0.3, pt=14)
            units[cid] = ["_dots"]
            continue
        ids = []
        for i in range(n):
            y = yc + (i - (n - 1) / 2) * pitch
            ids.append(b.node(f"{cid}{i}", "", "unit", x, y, w=r, h=r).id)
        units[cid] = ids
        b.node(f"{cid}_head", header, "text", x, 2.95)
        b.node(f"{cid}_data", data, "text", x, 0.8, pt=SMALL_PT)
    for (a, _, _, _), (c, _, _, _), op, xa, xc in zip(columns, columns[1:], ops, xs, xs[1:]):
        style = "line"
        for s_ in units[a]:
            for t_ in units[c]:
                b.edge(s_, t_, style=style)
        if op:
            b.node(f"op_{a}", op, "op", (xa + xc) / 2, 0.2, pt=SMALL_PT)
    b.node("op_mid", "[LINEAR→RELU] × (L−2)", "op", xs[2], 0.2, pt=SMALL_PT)
    return b.graph(b.tr("L 层神经网络", "An L-layer neural network") +
                   "   X → [LINEAR→RELU] × (L−1) → LINEAR→SIGMOID → ŷ")


def layer_forward_backward_graph(lang="both"):
    """One layer: forward (LINEAR, g) on top, backward (g', LINEAR) below, the cache between."""
    b = _Builder(lang)
    d = Dims()
    lin_b, g_b = "linear_backward", "relu_backward\nsigmoid_backward"
    widths = [0.75, box(lin_b)[0] + 0.5, box(g_b)[0] + 0.2, 0.75]
    xs = _row(widths, 0.85)
    yf, yb = 2.2, 0.75
    b.node("params", "W[l], b[l]", "param", xs[1], 3.2)
    b.node("A_prev", "A[l-1]", "data", xs[0], yf, w=widths[0])
    b.node("linear", "LINEAR", "op", xs[1], yf, w=widths[1])
    b.node("g", "RELU / SIGMOID", "op", xs[2], yf, w=widths[2])
    b.node("A", "A[l]", "data", xs[3], yf, w=widths[3])
    b.node("dA_prev", "dA[l-1]", "data", xs[0], yb, w=widths[0])
    b.node("linear_b", lin_b, "op", xs[1], yb, w=widths[1])
    b.node("g_b", g_b, "op", xs[2], yb, w=widths[2])
    b.node("dA", "dA[l]", "data", xs[3], yb, w=widths[3])
    b.node("grads", "dW[l], db[l]", "param", xs[1], -0.35)
    fw = b.tr("前向", "Forward", "\n") + " →"
    bw = "← " + b.tr("反向", "Backward", "\n")
    b.node("fw", fw, "text", xs[0] - 1.0, yf)
    b.node("bw", bw, "text", xs[0] - 1.0, yb)
    b.edge("_params", "_linear", f"{d.W('l', 'l-1')} {d.b('l')}", side="right")
    b.edge("_A_prev", "_linear", d.act("l-1"))
    b.edge("_linear", "_g", d.act("l"), name="Z[l]")
    b.edge("_g", "_A", d.act("l"))
    b.edge("_dA", "_g_b", d.act("l"))
    b.edge("_g_b", "_linear_b", d.act("l"), name="dZ[l]")
    b.edge("_linear_b", "_dA_prev", d.act("l-1"))
    cache = b.tr("缓存", "cache")
    b.edge("_linear", "_linear_b", "(A[l-1], W[l], b[l])", name=cache, style="dashed", side="on")
    b.edge("_g", "_g_b", "Z[l]", name=cache, style="dashed", side="on")
    b.edge("_linear_b", "_grads", f"{d.W('l', 'l-1')} {d.b('l')}", side="right")
    return b.graph(b.tr("一层的前向与反向计算", "One layer: forward step and backward step"))


def linear_backward_graph(lang="both"):
    return _linear_backward(Dims(), lang, symbolic=True)


def l_model_backward_graph(lang="both"):
    return _l_model_backward(Dims(), lang, symbolic=True)


FIGURES = {
    "outline": outline_graph,
    "l_layer_architecture": l_layer_architecture_graph,
    "layer_forward_backward": layer_forward_backward_graph,
    "linear_backward": linear_backward_graph,
    "l_model_backward": l_model_backward_graph,
}
