"""Computation diagrams as data: nodes, edges, a title — no drawing here.

``build_graph(exercise, dims, lang)`` lays out the computation of one exercise
for the Check feedback: each exercise's layout lives with its checks, as
``diagram(b, dims)`` at the end of ``dnn_lab/checks/<exercise>.py``, drawn on the
:class:`Layout` ``b`` this module hands it (the checks import nothing from here).
The ``*_graph`` functions at the end lay out the static figures of the notebook
(``FIGURES``).  :mod:`dnn_lab.diagram.draw` draws any of them with matplotlib.

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

    def param_shapes(self, prefix=""):
        """'W1 (4, 6) … b2 (1, 4)': the first and last parameter (or gradient) with their shapes."""
        L = self.L
        last = f"{prefix}b{L} {self.b(L)}" if L is not None else f"{prefix}b[L] {self.b('L')}"
        first = f"{prefix}W1 {self.W(1)}"
        return f"{first}, {last}" if L == 1 else f"{first} … {last}"


def _prev(l):
    return l - 1 if isinstance(l, int) else f"{l}-1"


# --------------------------------------------------------------------------- building

class Layout:
    """A diagram being laid out in one language (``zh``, ``en``, ``both``).

    Each exercise module (``dnn_lab/checks/<exercise>.py``) has a ``diagram(b, dims)``
    that lays out its computation on the ``Layout`` ``b`` it is given, and returns
    ``b.graph(...)``.  The checks import nothing from here: what they use comes with
    ``b`` — :meth:`node`, :meth:`edge`, :meth:`tr`, :meth:`graph`, :meth:`title`,
    :meth:`named`, and the sizes :meth:`box`, :meth:`text_width`, :meth:`row`, :meth:`gap`,
    ``SMALL_PT``.  ``dims`` is a :class:`Dims`.
    """
    SMALL_PT = SMALL_PT

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

    @staticmethod
    def title(name, dims, extra="", dims_key="layer_dims"):
        """'name  ·  layer_dims [3, 2, 1]  ·  m = 4  ·  extra' (``dims_key=None``: no layer sizes)."""
        parts = [name]
        if dims.layer_dims is not None and dims_key:
            parts.append(f"{dims_key} {dims.layer_dims}")
        if dims.m is not None:
            parts.append(f"m = {dims.m}")
        if extra:
            parts.append(extra)
        return "  ·  ".join(parts)

    def named(self, fn):
        return _named(fn, self.lang)

    @staticmethod
    def box(label, pt=LABEL_PT, padx=0.09, pady=0.07, minw=0.34):
        return box(label, pt, padx, pady, minw)

    @staticmethod
    def text_width(text, pt=LABEL_PT, bold=False):
        return text_width(text, pt, bold)

    @staticmethod
    def row(widths, gaps, x0=0.0):
        return _row(widths, gaps, x0)

    @staticmethod
    def gap(*labels, least=0.5):
        return _gap(*labels, least=least)


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


# --------------------------------------------------------------------------- exercises

def diagram_of(exercise):
    """The ``diagram(b, dims)`` of a graded exercise's module, None for any other name."""
    from ..checks.registry import ALL_EXERCISES, exercise_module
    exercise = getattr(exercise, "__name__", exercise)
    if exercise not in ALL_EXERCISES:
        return None
    return getattr(exercise_module(exercise), "diagram", None)


def exercises_with_diagram():
    from ..checks.registry import ALL_EXERCISES
    return tuple(name for name in ALL_EXERCISES if diagram_of(name) is not None)


def build_graph(exercise, dims, lang="both"):
    """The computation of ``exercise`` for a case with ``dims`` (``report.dims``:
    ``layer_dims`` and maybe ``m``, ``activation``, ``lr``), laid out by the exercise
    module's own ``diagram``.  Checkable node ids are the exercise's step ids, in
    checking order."""
    exercise = getattr(exercise, "__name__", exercise)
    diagram = diagram_of(exercise)
    if diagram is None:
        raise NoDiagram(f"no diagram for {exercise!r}; diagrams exist for: {', '.join(exercises_with_diagram())}")
    return diagram(Layout(lang or "both"), Dims(dims))


# --------------------------------------------------------------------------- static figures

def outline_graph(lang="both"):
    """The whole loop: forward row, cost, backward row, caches between them, update."""
    b = Layout(lang)
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
    b = Layout(lang)
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
    b = Layout(lang)
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
    from ..checks.linear_backward import diagram
    return diagram(Layout(lang), Dims(), symbolic=True)


def l_model_backward_graph(lang="both"):
    from ..checks.L_model_backward import diagram
    return diagram(Layout(lang), Dims(), symbolic=True)


FIGURES = {
    "outline": outline_graph,
    "l_layer_architecture": l_layer_architecture_graph,
    "layer_forward_backward": layer_forward_backward_graph,
    "linear_backward": linear_backward_graph,
    "l_model_backward": l_model_backward_graph,
}
