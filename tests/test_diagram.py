"""Tests for dnn_lab.diagram: graphs as data, the matplotlib renderer, the
Check-feedback rendering of real reports, and the committed notebook figures."""
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.testing.decorators import check_figures_equal

from dnn_lab.checks import ALL_EXERCISES, ASSIGNMENTS, EXERCISES, get_exercise, run_checks
from dnn_lab.diagram import FIGURES, NoDiagram, build_graph, has_diagram, render_report, report_notes
from dnn_lab.diagram import draw as drawing
from dnn_lab.diagram.draw import FAILED, KIND_STYLE, NEUTRAL, NOT_REACHED, PASSED, STATE_STYLE, draw
from dnn_lab.diagram.figures import main as figures_main
from dnn_lab.diagram.figures import copy_figure_set, keep_figure_set, set_dir, write_figure_sets, write_figures

ROOT = Path(__file__).resolve().parents[1]
# Every graded exercise of both parts: each must have a diagram for each of its cases.
ALL_CASES = [(name, case) for name in ALL_EXERCISES for case in get_exercise(name).cases]
APP_CASES = [(name, case) for name, case in ALL_CASES if name in ASSIGNMENTS["application"]]


def _figure(graph):
    """A figure exactly the graph's size (scale 1), one borderless axes."""
    fig = Figure(figsize=(graph.width, graph.height))
    return fig, fig.add_axes((0, 0, 1, 1))


def _by_gid(ax, gid):
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    assert len(found) == 1, f"{len(found)} artists with gid {gid!r}"
    return found[0]


def _boxes(graph):
    return [n for n in graph.nodes if n.kind not in ("group", "text")]


# --------------------------------------------------------------------------- graphs as data

@pytest.mark.parametrize("name,case", ALL_CASES, ids=[f"{n}-{c.id}" for n, c in ALL_CASES])
def test_checkable_nodes_are_the_exercise_steps(name, case):
    """Are the checkable node ids exactly the exercise's step ids, in checking order, for every case (1-4 layers)?"""
    graph = build_graph(name, case.dims)
    assert list(graph.steps) == get_exercise(name).steps(case)
    others = [n.id for n in graph.nodes if not n.checkable]
    assert all(i.startswith("_") for i in others)
    assert len({n.id for n in graph.nodes}) == len(graph.nodes)


@pytest.mark.parametrize("name,dims,steps", [
    ("L_model_backward", {"layer_dims": [4, 3, 2, 1], "m": 3}, ("dAL", "layer3", "layer2", "layer1", "keys")),
    ("L_model_backward", {"layer_dims": [3, 1], "m": 4}, ("dAL", "layer1", "keys")),
    ("L_model_forward", {"layer_dims": [6, 5, 4, 3, 1], "m": 3}, ("layer1", "layer2", "layer3", "layer4", "caches")),
    ("linear_backward", {"layer_dims": [5, 3], "m": 4}, ("dA_prev", "dW", "db")),
    ("initialize_parameters_deep", {"layer_dims": [4, 1]}, ("W1", "b1", "keys")),
    ("update_parameters", {"layer_dims": [4, 3, 1], "lr": 0.1}, ("W1", "b1", "W2", "b2", "keys", "inputs")),
])
def test_step_ids_for_given_dims(name, dims, steps):
    """Does a graph built from bare dims (as in report.dims) name its checkable nodes like SPEC's step ids?"""
    assert build_graph(name, dims).steps == steps


def test_edges_carry_concrete_shapes_when_dims_are_known():
    """Do the edges of linear_backward show the case's shapes, and the static figure the symbolic ones?"""
    graph = build_graph("linear_backward", {"layer_dims": [5, 3], "m": 4})
    into = {e.dst: e.label for e in graph.edges}
    assert (into["dA_prev"], into["dW"], into["db"]) == ("(5, 4)", "(3, 5)", "(3, 1)")
    symbolic = FIGURES["linear_backward"]("en")
    labels = {e.label for e in symbolic.edges}
    assert {"(n[l-1], m)", "(n[l], n[l-1])", "(n[l], 1)", "(n[l], m)"} <= labels


def test_backward_pass_edges_name_each_gradient():
    """Does the L-model backward graph send dA[l-1] from layer l to its left neighbour, with (n[l-1], m)?"""
    graph = build_graph("L_model_backward", {"layer_dims": [4, 3, 2, 1], "m": 3})
    flow = {(e.src, e.dst): (e.name, e.label) for e in graph.edges}
    assert flow[("dAL", "layer3")] == ("dAL", "(1, 3)")
    assert flow[("layer3", "layer2")] == ("dA2", "(2, 3)")
    assert flow[("layer2", "layer1")] == ("dA1", "(3, 3)")
    assert flow[("layer1", "_dA0")] == ("dA0", "(4, 3)")
    assert flow[("layer2", "keys")] == ("dW2, db2", "(2, 3) (2, 1)")


ALL_GRAPHS = ([(f"{n}-{c.id}", build_graph(n, c.dims, lang)) for n, c in ALL_CASES for lang in ("both",)]
              + [(f"figure-{n}-{lang}", f(lang)) for n, f in FIGURES.items() for lang in ("zh", "en", "both")])


@pytest.mark.parametrize("label,graph", ALL_GRAPHS, ids=[g[0] for g in ALL_GRAPHS])
def test_layout_has_no_overlapping_boxes(label, graph):
    """Do the boxes of every graph stay apart and inside the canvas (so no text sits on another)?"""
    boxes = _boxes(graph)
    for n in graph.nodes:
        assert 0 <= n.x - n.w / 2 and n.x + n.w / 2 <= graph.width, n.id
        assert 0 <= n.y - n.h / 2 and n.y + n.h / 2 <= graph.height, n.id
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a.x + a.w / 2 <= b.x - b.w / 2 or b.x + b.w / 2 <= a.x - a.w / 2
                     or a.y + a.h / 2 <= b.y - b.h / 2 or b.y + b.h / 2 <= a.y - a.h / 2)
            assert apart, f"{a.id} overlaps {b.id}"
    ids = {n.id for n in graph.nodes}
    assert all(e.src in ids and e.dst in ids for e in graph.edges)


def test_labels_follow_the_language():
    """Are words Chinese, English or both as asked, while math-like labels stay the same in every language?"""
    dims = {"layer_dims": [4, 3, 1], "m": 2}
    labels = {lang: build_graph("L_model_backward", dims, lang).node("layer1").label for lang in ("zh", "en", "both")}
    assert "第 1 层" in labels["zh"] and "layer 1" not in labels["zh"]
    assert "layer 1" in labels["en"] and "层" not in labels["en"]
    assert "第 1 层" in labels["both"] and "layer 1" in labels["both"]
    assert len({build_graph("L_model_backward", dims, lang).node("dAL").label for lang in labels}) == 1


def test_every_graded_exercise_has_a_diagram():
    """Does has_diagram agree with build_graph: yes for all thirteen exercises, NoDiagram for any other name?"""
    assert set(ALL_EXERCISES) <= set(ASSIGNMENTS["application"]) | set(EXERCISES)
    assert all(has_diagram(name) for name in ALL_EXERCISES)
    assert not has_diagram("train_everything")
    with pytest.raises(NoDiagram):
        build_graph("train_everything", {})


@pytest.mark.parametrize("name,case", APP_CASES, ids=[f"{n}-{c.id}" for n, c in APP_CASES])
def test_application_graph_nodes_are_the_steps(name, case):
    """Are the Part 2 diagrams' checkable nodes exactly steps(case) (models: init … result; predict:
    forward, threshold, accuracy), with everything else '_'-prefixed?"""
    graph = build_graph(name, case.dims)
    expected = (["forward", "threshold", "accuracy"] if name == "predict"
                else ["init", "forward", "cost", "backward", "update", "costs", "result"])
    assert list(graph.steps) == get_exercise(name).steps(case) == expected
    assert all(n.id.startswith("_") for n in graph.nodes if not n.checkable)


def test_training_loop_edges_close_the_loop_with_the_iteration_count():
    """Does the model diagram draw forward → cost → backward → update → forward, the way back
    labelled with the case's num_iterations, and shapes from its dims?"""
    dims = {"layer_dims": [6, 5, 3, 1], "m": 12, "lr": 0.3, "iterations": 102}
    graph = build_graph("L_layer_model", dims)
    flow = {(e.src, e.dst): (e.name, e.label) for e in graph.edges}
    for pair in (("init", "forward"), ("forward", "cost"), ("cost", "backward"), ("backward", "update"),
                 ("update", "forward"), ("cost", "costs"), ("update", "result"), ("costs", "result")):
        assert pair in flow, pair
    assert flow[("update", "forward")] == ("× 102", "num_iterations")
    assert flow[("forward", "cost")] == ("AL", "(1, 12)")
    assert flow[("_X", "forward")][1] == "(6, 12)"
    assert flow[("backward", "update")] == ("grads", "dW1 (5, 6) … db3 (1, 1)")
    assert flow[("cost", "costs")][1] == "i = 0, 100, 101"
    assert "initialize_parameters_deep_scaled" in graph.node("init").label
    assert "initialize_parameters\n" in build_graph("two_layer_model", {"layer_dims": [3, 2, 1]}).node("init").label


def test_predict_edges_carry_the_row_shapes():
    """Does predict's diagram pass AL and p as (1, m) from forward to threshold to accuracy, y into accuracy?"""
    graph = build_graph("predict", {"layer_dims": [4, 3, 1], "m": 7})
    flow = {(e.src, e.dst): (e.name, e.label) for e in graph.edges}
    assert flow[("forward", "threshold")] == ("AL", "(1, 7)")
    assert flow[("threshold", "accuracy")] == ("p", "(1, 7)")
    assert flow[("_y", "accuracy")][1] == "(1, 7)"
    assert flow[("_X", "forward")][1] == "(4, 7)"
    assert flow[("_parameters", "forward")][1] == "W1 (3, 4) … b2 (1, 1)"


def test_import_does_not_load_matplotlib():
    """Does `import dnn_lab.diagram` (and building a graph) leave matplotlib unloaded?"""
    code = ("import sys, dnn_lab.diagram as d; d.build_graph('L_model_backward', {'layer_dims': [3, 2, 1]}); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


# --------------------------------------------------------------------------- drawing

STATES_3 = {"dAL": PASSED, "layer3": PASSED, "layer2": FAILED, "layer1": NOT_REACHED}   # "keys" left out
DIMS_3 = {"layer_dims": [4, 3, 2, 1], "m": 3}


def test_draw_colours_nodes_by_state():
    """Does each checkable box get its state's fill, outline and width, and a stateless one its kind's colours?"""
    graph = build_graph("L_model_backward", DIMS_3)
    _, ax = _figure(graph)
    drawn = draw(ax, graph, STATES_3)
    assert drawn == {**STATES_3, "keys": NEUTRAL}
    for step, state in STATES_3.items():
        box = _by_gid(ax, step)
        assert box.get_facecolor() == to_rgba(STATE_STYLE[state]["fc"]), step
        assert box.get_edgecolor() == to_rgba(STATE_STYLE[state]["ec"]), step
        assert box.get_linewidth() == pytest.approx(STATE_STYLE[state]["lw"])
    keys = _by_gid(ax, "keys")
    assert keys.get_facecolor() == to_rgba(KIND_STYLE["dict"]["fc"])
    assert _by_gid(ax, "layer2").get_linewidth() > _by_gid(ax, "layer3").get_linewidth()
    assert _by_gid(ax, "layer1").get_linestyle() != _by_gid(ax, "layer3").get_linestyle()


def test_passed_and_failed_steps_carry_badges():
    """Is colour backed by a ✓/✗ badge on passed and failed steps (and none on unchecked ones)?"""
    graph = build_graph("L_model_backward", DIMS_3)
    _, ax = _figure(graph)
    draw(ax, graph, STATES_3)
    badges = {a.get_gid().split(":")[0] for a in ax.get_children() if str(a.get_gid()).endswith(":badge")}
    assert badges == {"dAL", "layer3", "layer2"}
    _, ax = _figure(graph)
    draw(ax, graph, STATES_3, markers=False)
    assert not [a for a in ax.get_children() if str(a.get_gid()).endswith(":badge")]


def test_unknown_state_is_refused():
    """Is a misspelt state an error rather than a silently neutral box?"""
    graph = build_graph("linear_backward", {"layer_dims": [5, 3], "m": 4})
    _, ax = _figure(graph)
    with pytest.raises(ValueError):
        draw(ax, graph, {"dW": "fail"})


def test_note_is_drawn_inside_the_picture_under_its_node():
    """Does a note appear, for the failed node only, within the canvas and below every box?"""
    graph = build_graph("L_model_backward", DIMS_3)
    _, ax = _figure(graph)
    draw(ax, graph, STATES_3, notes={"layer2": "layer2: expected (3, 1) · got (3,) " + "x" * 200})
    note = _by_gid(ax, "layer2:note")
    x0, _ = note.get_path().vertices.min(axis=0)
    x1, y1 = note.get_path().vertices.max(axis=0)
    assert 0 < x0 < x1 < graph.width
    assert y1 < min(n.y - n.h / 2 for n in _boxes(graph))
    assert not [a for a in ax.get_children() if str(a.get_gid()).endswith(":note") and a is not note]


GRAPH_LB = build_graph("linear_backward", {"layer_dims": [5, 3], "m": 4})
STATES_LB = {"dA_prev": PASSED, "dW": FAILED, "db": NOT_REACHED}


@check_figures_equal(extensions=["png"])
def test_highlighting_equals_recolouring_by_hand(fig_test, fig_ref):
    """Is a highlighted drawing the plain drawing with just the step boxes and labels recoloured?"""
    for fig in (fig_test, fig_ref):
        fig.set_size_inches(GRAPH_LB.width, GRAPH_LB.height)
    draw(fig_test.add_axes((0, 0, 1, 1)), GRAPH_LB, STATES_LB, markers=False, legend=False)
    ax = fig_ref.add_axes((0, 0, 1, 1))
    assert set(draw(ax, GRAPH_LB).values()) == {NEUTRAL}
    for step, state in STATES_LB.items():
        style = STATE_STYLE[state]
        box = _by_gid(ax, step)
        box.set_facecolor(style["fc"])
        box.set_edgecolor(style["ec"])
        box.set_linewidth(style["lw"])
        box.set_linestyle(style["ls"])
        label = _by_gid(ax, f"{step}:label")
        label.set_facecolor(style["text"])
        label.set_edgecolor(style["text"])


def test_chinese_renders_without_missing_glyphs():
    """Do Chinese labels render from the Noto CJK font with font warnings turned into errors?"""
    assert any("CJK" in f for f in drawing.font_family()), drawing.font_family()
    graph = build_graph("L_model_backward", DIMS_3, lang="zh")
    assert any("层" in n.label for n in graph.nodes)
    fig, ax = _figure(graph)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig)
    drawing.clear_glyph_cache()   # look the glyphs up again, under the filter
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw(ax, graph, STATES_3, notes={"layer2": "layer2: 期望 expected (3, 1)"})
        fig.canvas.draw()
    # A real glyph has an outline with many points; a missing-glyph box has a handful.
    verts, *_ = drawing._glyphs("层", False)
    assert len(verts) > 30


def test_missing_glyph_would_fail_the_font_test():
    """Does a character no installed font has raise under the same filter (so the test above can fail)?"""
    drawing.clear_glyph_cache()
    graph = build_graph("linear_backward", {"layer_dims": [5, 3], "m": 4})
    _, ax = _figure(graph)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="missing from font"):
            drawing._glyphs("dW \U000F0000", False)
        # ... while a student's odd character in a note is replaced, not warned about.
        draw(ax, graph, {"dW": FAILED}, notes={"dW": "got '\U000F0000'"})
    assert _by_gid(ax, "dW:note") is not None
    assert not drawing.has_glyph("\U000F0000") and drawing.has_glyph("层")
    drawing.clear_glyph_cache()


# --------------------------------------------------------------------------- real reports

def _wrong_hidden_activation(AL, Y, caches):
    """layer 1 of a 3-layer net goes through sigmoid_backward (only shows with 3+ layers)."""
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(  # noqa: F821
        dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        act = "relu" if l == L - 2 else "sigmoid"
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = linear_activation_backward(  # noqa: F821
            grads[f"dA{l + 1}"], caches[l], act)
    return grads


def _db_without_keepdims(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1) / m


def test_render_report_marks_the_failing_layer(as_student):
    """On the 3-layer case with a wrong hidden activation, is layer1 drawn failed and the later layers passed?"""
    report = run_checks("L_model_backward", as_student(_wrong_hidden_activation), lang="both")
    assert report.failed_case == "three_layers" and report.failed_step == "layer1"
    png, drawn = render_report(report)
    assert png.startswith(b"\x89PNG")
    assert drawn == report.step_states
    assert drawn["layer1"] == FAILED and drawn["layer2"] == drawn["layer3"] == drawn["dAL"] == PASSED
    assert drawn["keys"] == NOT_REACHED
    notes = report_notes(report)
    assert list(notes) == ["layer1"] and "relu_backward" in notes["layer1"]
    svg, drawn_svg = render_report(report, fmt="svg")
    assert svg.lstrip().startswith(b"<?xml") and drawn_svg == drawn


def test_render_report_shows_a_shape_note(as_student):
    """Does a lost keepdims in db mark db failed with the two shapes in the note?"""
    report = run_checks("linear_backward", as_student(_db_without_keepdims), lang="en")
    _, drawn = render_report(report)
    assert drawn["db"] == FAILED and drawn["dW"] == PASSED
    note = report_notes(report)["db"]
    assert "(3, 1)" in note and "(3,)" in note


@pytest.mark.parametrize("name", EXERCISES)
def test_correct_solution_draws_every_step_passed(name, solutions, as_student):
    """Does a correct function's report draw every node of its diagram green?"""
    report = run_checks(name, as_student(solutions[name]), lang="zh")
    png, drawn = render_report(report)
    assert report.passed and png.startswith(b"\x89PNG")
    assert drawn == {step: PASSED for step in build_graph(name, report.dims).steps}


@pytest.fixture(scope="module")
def app():
    """(solutions namespace, solution sources) of Part 2, as tests/test_application_checks.py uses them."""
    from dnn_lab.checks.two_layer_model import provided
    from dnn_lab.dev import load_solutions
    from nbutil import solution_sources
    return provided(load_solutions("application")), solution_sources("application")


def _app_function(app, name, edits=()):
    """Part 2's solution of ``name`` with (old, new) ``edits``, run in the solutions namespace."""
    namespace, sources = app
    source = sources[name]
    for old, new in edits:
        assert old in source, f"edit does not apply: {old!r}"
        source = source.replace(old, new)
    namespace = dict(namespace)
    exec(compile(source, f"<wrong {name}>", "exec"), namespace)
    return namespace[name]


DISCARD_UPDATE = ("parameters = update_parameters(parameters, grads, learning_rate)",
                  "update_parameters(parameters, grads, learning_rate)")
APP_WRONG = {   # exercise: (edit, failed step, steps passed before it)
    "two_layer_model": (DISCARD_UPDATE, "update", ("init", "forward", "cost", "backward")),
    "L_layer_model": (DISCARD_UPDATE, "update", ("init", "forward", "cost", "backward")),
    "predict": (("(probas > 0.5)", "(probas >= 0.5)"), "threshold", ("forward",)),
}


@pytest.mark.parametrize("name", list(APP_WRONG))
def test_render_report_marks_the_failing_application_step(name, app):
    """On a real failing Part 2 report (update discarded; threshold >= 0.5), is the blamed node drawn
    failed with its note, the earlier steps passed and the later ones not reached?"""
    edit, step, before = APP_WRONG[name]
    report = run_checks(name, _app_function(app, name, [edit]), lang="both")
    assert report.failed_step == step
    png, drawn = render_report(report)
    assert png.startswith(b"\x89PNG") and drawn == report.step_states
    assert drawn[step] == FAILED
    assert all(drawn[s] == PASSED for s in before)
    steps = build_graph(name, report.dims).steps
    assert all(drawn[s] == NOT_REACHED for s in steps[steps.index(step) + 1:])
    assert list(report_notes(report)) == [step]


@pytest.mark.parametrize("name", list(APP_WRONG))
def test_correct_application_solution_draws_every_step_passed(name, app):
    """Does the Part 2 solution's report draw every node of its diagram green, in Chinese too?"""
    report = run_checks(name, _app_function(app, name), lang="zh")
    _, drawn = render_report(report)
    assert report.passed and drawn == {step: PASSED for step in build_graph(name, report.dims).steps}


# --------------------------------------------------------------------------- figures

def _pixels(path):
    from PIL import Image
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)


def _differing_pixels(a, b):
    """Pixels whose colour differs by more than 24/255 in some channel (None: different sizes)."""
    pa, pb = _pixels(a), _pixels(b)
    if pa.shape != pb.shape:
        return None
    return int((np.abs(pa - pb).max(axis=-1) > 24).sum())


FRESH_TOLERANCE = 8   # pixels; a changed label or shape changes hundreds


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    write_figure_sets(out, formats=("png", "svg"))
    return out


@pytest.mark.parametrize("lang", ["both", "zh", "en"])
@pytest.mark.parametrize("folder", ["images", "assignments/source/step_by_step/images"])
@pytest.mark.parametrize("name", list(FIGURES))
def test_committed_figures_are_fresh(name, folder, lang, regenerated):
    """Are the committed notebook figures of each language what the diagram code draws now?
    (Fix: dnn-lab dev figures)"""
    committed = set_dir(ROOT / folder, lang) / f"{name}.png"
    assert committed.is_file(), f"missing {committed}"
    diff = _differing_pixels(committed, set_dir(regenerated, lang) / f"{name}.png")
    assert diff is not None and diff <= FRESH_TOLERANCE, f"{committed} is stale ({diff} pixels differ)"


def test_the_three_figure_sets_differ_by_language(regenerated):
    """Do the zh, en and both sets draw different labels (so a wrong set cannot pass as the right one)?"""
    for name in FIGURES:
        a, b, c = (set_dir(regenerated, lang) / f"{name}.png" for lang in ("zh", "en", "both"))
        assert all(_differing_pixels(x, y) in (None,) or _differing_pixels(x, y) > FRESH_TOLERANCE
                   for x, y in ((a, b), (a, c), (b, c))), name


def test_an_assignment_copy_keeps_one_language(tmp_path, regenerated):
    """Does keep_figure_set leave exactly the chosen language's figures, flat under images/?"""
    import shutil
    for lang in ("zh", "en", "both"):
        images = tmp_path / lang / "images"
        shutil.copytree(regenerated, images)
        keep_figure_set(images, lang)
        assert sorted(p.name for p in images.iterdir() if p.suffix == ".png") == sorted(f"{n}.png" for n in FIGURES)
        assert not (images / "zh").exists() and not (images / "en").exists()
        for name in FIGURES:
            assert (images / f"{name}.png").read_bytes() == (set_dir(regenerated, lang) / f"{name}.png").read_bytes()
    copied = copy_figure_set(regenerated, tmp_path / "flat", "en")
    assert len(copied) == len(FIGURES)


def _svg_geometry(svg_bytes):
    """The SVG with ids dropped and numbers rounded: what is drawn, not how this
    matplotlib version happens to spell it."""
    import re
    text = svg_bytes.decode()
    text = re.sub(r'\s(id|clip-path|xlink:href)="[^"]*"', "", text)
    return re.sub(r"-?\d+\.\d+", lambda m: f"{float(m.group()):.1f}", text)


@pytest.mark.parametrize("name", list(FIGURES))
def test_committed_svgs_are_fresh(name, regenerated):
    """Does every committed SVG draw the same shapes as a fresh rendering of the same figure?"""
    committed = _svg_geometry((ROOT / "images" / f"{name}.svg").read_bytes())
    assert committed == _svg_geometry((regenerated / f"{name}.svg").read_bytes()), f"images/{name}.svg is stale"


def test_freshness_check_detects_a_changed_label(tmp_path, regenerated):
    """Would the freshness test fail after a one-label change (i.e. can it fail at all)?"""
    import dataclasses
    graph = FIGURES["linear_backward"]("both")
    changed = dataclasses.replace(graph, nodes=tuple(
        dataclasses.replace(n, label=n.label.replace("(1/m)", "(1/n)")) for n in graph.nodes))
    png, _ = drawing.render(changed, dpi=120)
    (tmp_path / "changed.png").write_bytes(png)
    assert _differing_pixels(tmp_path / "changed.png", regenerated / "linear_backward.png") > FRESH_TOLERANCE
    svg, _ = drawing.render(changed, fmt="svg", dpi=120)
    assert _svg_geometry(svg) != _svg_geometry((regenerated / "linear_backward.svg").read_bytes())


def test_svg_output_is_deterministic():
    """Does rendering the same figure twice give byte-identical SVG (no dates, fixed ids)?"""
    graph = FIGURES["outline"]("both")
    first, _ = drawing.render(graph, fmt="svg")
    second, _ = drawing.render(graph, fmt="svg")
    assert first == second and b"<dc:date>" not in first


def test_figures_command_writes_every_figure(tmp_path, capsys):
    """Does `python -m dnn_lab.diagram.figures DIR --formats png` write the five PNGs and list them?"""
    assert figures_main([str(tmp_path), "--formats", "png"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.png" for n in FIGURES)
    assert len(capsys.readouterr().out.splitlines()) == len(FIGURES)
    with pytest.raises(SystemExit):
        figures_main([str(tmp_path), "--formats", "gif"])
