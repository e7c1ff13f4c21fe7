"""dnn_lab.app helpers of Part 2: the provided initialiser, the progress
display, image preparation, figures and the accuracy table."""
import io
import subprocess
import sys
import warnings

import numpy as np
import pytest
from PIL import Image

from dnn_lab.app import TrainingProgress, initialize_parameters_deep_scaled, prepare_image, sample_image, with_helper
from dnn_lab.app import images as app_images
from dnn_lab.app.training_progress import TEXT, WIDGET, choose_mode

# ---- the provided initialiser ---------------------------------------------------------------


def test_scaled_initializer_uses_seed_1_and_one_over_sqrt_fan_in():
    """Are W_l = randn(n_l, n_{l-1}) / sqrt(n_{l-1}) after seed 1 and b_l = 0?"""
    dims = [784, 20, 7, 5, 1]
    params = initialize_parameters_deep_scaled(dims)
    assert sorted(params) == sorted(f"{k}{l}" for l in range(1, 5) for k in "Wb")
    rng = np.random.RandomState(1)
    for l in range(1, 5):
        draw = rng.randn(dims[l], dims[l - 1])
        np.testing.assert_array_equal(params[f"W{l}"], draw / np.sqrt(dims[l - 1]))
        assert params[f"b{l}"].shape == (dims[l], 1) and not params[f"b{l}"].any()


def test_scaled_weights_keep_the_signal_that_small_weights_lose():
    """Does a forward pass through [784, 20, 7, 5] keep the spread of Z with 1/sqrt(n), unlike ×0.01?"""
    X = np.random.RandomState(0).rand(784, 50)

    def last_spread(params):
        A = X
        for l in range(1, 4):
            A = np.maximum(params[f"W{l}"] @ A + params[f"b{l}"], 0)
        return A.std()
    scaled = initialize_parameters_deep_scaled([784, 20, 7, 5])
    rng = np.random.RandomState(3)
    small = {k: rng.randn(*v.shape) * 0.01 if k.startswith("W") else v for k, v in scaled.items()}
    assert last_spread(scaled) > 100 * last_spread(small)


def test_with_helper_swaps_one_global_and_leaves_the_original():
    """Does with_helper change only the copy's global lookup of the named helper?"""
    namespace = {}
    exec("def helper():\n    return 'original'\n\ndef user():\n    return helper()\n", namespace)
    fn, helper = namespace["user"], namespace["helper"]
    swapped = with_helper(fn, helper=lambda: "swapped")
    assert swapped() == "swapped" and fn() == "original" and namespace["helper"] is helper
    with pytest.raises(TypeError):
        with_helper(len, helper=helper)


# ---- progress display ---------------------------------------------------------------------------


def test_progress_hidden_when_show_is_false(capsys):
    """With show=False (how the checks call the models), does the display stay silent?"""
    progress = TrainingProgress(250, show=False)
    for i in range(250):
        progress.update(i, 0.5)
    progress.close()
    assert capsys.readouterr() == ("", "") and progress.lines == []


def test_progress_text_mode_prints_every_100_and_the_last_to_stdout(capsys, monkeypatch):
    """Under nbgrader, are the lines of iterations 0, 100, 200 and 249 printed, with nothing on stderr?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert choose_mode() == TEXT
    progress = TrainingProgress(250, show=True, lang="en")
    for i in range(250):
        progress.update(i, 1.0 / (i + 1))
    progress.close()
    out, err = capsys.readouterr()
    assert err == ""
    iterations = [int(line.split(":")[0].split()[-1]) for line in progress.lines[:-1]]
    assert iterations == [0, 100, 200, 249]
    assert float(progress.lines[-2].rsplit(" ", 1)[-1]) == 1.0 / 250
    assert out.splitlines() == progress.lines


def test_progress_mode_outside_a_kernel_is_text():
    """In a plain Python process (no IPython kernel), is the text mode chosen?"""
    code = "from dnn_lab.app.training_progress import choose_mode; print(choose_mode())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == TEXT


def test_progress_widget_mode_updates_a_bar_and_ends_with_a_static_summary(monkeypatch):
    """In widget mode, is a bar shown, updated to the end, then replaced by a text/HTML summary?"""
    import ipywidgets
    shown, updates = [], []

    class Handle:
        def update(self, obj, **kw):
            updates.append((obj, kw))

    def fake_display(obj, display_id=None):
        shown.append(obj)
        return Handle()
    monkeypatch.setattr("IPython.display.display", fake_display)
    progress = TrainingProgress(120, show=True, lang="en", mode=WIDGET, min_interval=0.0)
    for i in range(120):
        progress.update(i, 0.3)
    progress.close()
    assert isinstance(shown[0], ipywidgets.HBox)
    bar = shown[0].children[0]
    assert bar.value == bar.max == 120
    summary, kw = updates[-1]
    assert kw == {"raw": True} and set(summary) == {"text/plain", "text/html"}
    assert [line.split(":")[0].split()[-1] for line in progress.lines] == ["0", "100", "119"]


# ---- images -----------------------------------------------------------------------------------------


def shirt_like(size=(60, 48), light_background=True):
    """A dark rectangle (the 'garment') on a light background, as float RGB."""
    img = np.ones(size + (3,)) * (0.9 if light_background else 0.05)
    img[10:50, 12:36] = (0.1, 0.2, 0.5) if light_background else (0.8, 0.8, 0.7)
    return img


@pytest.mark.parametrize("kind", ["rgb_uint8", "rgba_uint8", "gray_uint8", "float_rgb", "gray16_png", "rgb_png",
                                  "palette_png", "la_png"])
def test_prepare_image_accepts_every_common_kind(tmp_path, kind):
    """Whatever the picture's kind, is the result a (784, 1) column in [0, 1] with a dark border?"""
    base = shirt_like()
    u8 = (base * 255).astype(np.uint8)
    gray = (base.mean(axis=2) * 255).astype(np.uint8)
    if kind == "rgb_uint8":
        source = u8
    elif kind == "rgba_uint8":
        source = np.dstack([u8, np.full(u8.shape[:2], 255, np.uint8)])
    elif kind == "gray_uint8":
        source = gray
    elif kind == "float_rgb":
        source = base
    else:
        path = tmp_path / f"{kind}.png"
        img = {"gray16_png": lambda: Image.fromarray(gray.astype(np.uint16) * 257),
               "rgb_png": lambda: Image.fromarray(u8),
               "palette_png": lambda: Image.fromarray(u8).convert("P"),
               "la_png": lambda: Image.fromarray(gray).convert("LA")}[kind]()
        img.save(path)
        source = path
    x, preview = prepare_image(source)
    assert x.shape == (784, 1) and preview.shape == (28, 28)
    assert x.min() >= 0.0 and x.max() == pytest.approx(1.0)
    # A tall garment cropped and padded to a square: dark sides (the background,
    # as in the training data), light middle (the garment).
    assert preview[:, :3].mean() < 0.1 and preview[:, -3:].mean() < 0.1
    assert preview[14, 14] > 0.5


def test_light_background_is_inverted_and_dark_is_kept():
    """Is a light-background picture inverted, while a light-on-dark one is left as it is?"""
    light = app_images.to_gray(shirt_like(light_background=True))
    dark = app_images.to_gray(shirt_like(light_background=False))
    assert app_images.needs_inverting(light) and not app_images.needs_inverting(dark)
    x_light, _ = prepare_image(shirt_like(light_background=True))
    x_dark, _ = prepare_image(shirt_like(light_background=False))
    assert np.allclose(x_light, x_dark, atol=0.05)
    # Forcing the inversion of a light-on-dark picture leaves a dark garment on
    # the (removed) background: nearly nothing of the garment is left.
    _, forced = prepare_image(shirt_like(light_background=False), invert=True)
    assert forced.mean() < 0.5 * x_dark.mean()


def test_transparent_pixels_count_as_white():
    """Is a transparent background treated as white (then inverted to black)?"""
    rgba = np.zeros((40, 40, 4))
    rgba[8:32, 8:32] = (0.1, 0.1, 0.1, 1.0)           # opaque dark square, transparent elsewhere
    gray = app_images.to_gray(rgba)
    assert gray[0, 0] == pytest.approx(1.0) and gray[20, 20] == pytest.approx(0.1)


def test_degenerate_images_give_an_answer_not_a_crash():
    """Are a blank image, a tiny image and a NaN-filled float image handled?"""
    for image in (np.zeros((5, 5)), np.full((3, 4), 255, np.uint8), np.full((30, 30), np.nan)):
        x, preview = prepare_image(image)
        assert x.shape == (784, 1) and np.all(np.isfinite(x))
    with pytest.raises(ValueError):
        prepare_image(np.zeros((2, 2, 2, 2)))


def test_bundled_sample_is_a_light_background_colour_picture():
    """Is the sample picture an RGB image with a light background, prepared into a centred garment?"""
    with sample_image().open("rb") as fh, Image.open(fh) as img:
        assert img.mode == "RGB" and min(img.size) >= 100
        arr = np.asarray(img) / 255.0
    assert app_images.needs_inverting(app_images.to_gray(arr))
    x, preview = prepare_image()
    assert x.shape == (784, 1)
    assert preview[10:18, 10:18].mean() > 0.5
    assert preview[:3, :3].mean() < 0.1 and preview[:3, -3:].mean() < 0.1


# ---- figures and table ----------------------------------------------------------------------------


def png_of(fig):
    data = fig._repr_png_()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data))


def test_figures_render_chinese_without_missing_glyphs():
    """Do the cost curve, the examples and the mislabeled grid draw their Chinese labels with a real font?"""
    from dnn_lab.app import plot_costs, show_examples, show_mislabeled
    from dnn_lab.data import load_data
    train_x, train_y, test_x, test_y, classes = load_data()
    p = 1 - test_y
    p[0, ::2] = test_y[0, ::2]
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # "Glyph … missing from font(s)" would raise here
        figs = [plot_costs([0.69, 0.5, 0.4], learning_rate=0.0075, num_iterations=250, lang="both"),
                plot_costs({"a": [0.7, 0.6], "b": [0.7, 0.65]}, lang="zh"),
                show_examples(train_x, train_y, classes, n=6, lang="both"),
                show_mislabeled(classes, test_x.reshape(50, -1).T / 255, test_y, p, lang="both")]
        images = [png_of(f) for f in figs]
    assert all(img.size[0] > 300 for img in images)
    grid = figs[3]
    wrong = int((p != test_y).sum())
    titled = [ax for ax in grid.axes if ax.get_title()]
    assert len(titled) == min(wrong, 15)
    assert all("真实" in ax.get_title() and "predicted" in ax.get_title() for ax in titled)


def test_cost_curve_places_the_last_point_at_the_last_iteration():
    """With num_iterations=250, are the points at 0, 100, 200 and 249?"""
    from dnn_lab.app import plot_costs
    fig = plot_costs([0.7, 0.6, 0.5, 0.45], num_iterations=250, lang="en")
    x = fig.axes[0].lines[0].get_xdata()
    assert list(x) == [0, 100, 200, 249]


def test_mislabeled_grid_with_no_error_says_so():
    """When every prediction is right, does the grid show a message instead of images?"""
    from dnn_lab.app import show_mislabeled
    y = np.array([[1, 0, 1]])
    fig = show_mislabeled(np.array([b"not shirt", b"shirt"]), np.zeros((3, 28, 28)), y, y.copy(), lang="en")
    assert any(t.get_text() for ax in fig.axes for t in ax.texts)
    png_of(fig)


def test_own_image_figure_shows_both_pictures():
    """Does the own-image figure show the original and the 28×28 input with the verdict?"""
    from dnn_lab.app import show_own_image
    x, preview = prepare_image()
    fig = show_own_image(None, preview, 0.8, np.array([b"not shirt", b"shirt"]), lang="en")
    assert len(fig.axes) == 2 and "shirt" in fig._suptitle.get_text()
    png_of(fig)


def test_accuracy_table_text_and_html():
    """Does the accuracy table give aligned text and an HTML table with one row per model?"""
    from dnn_lab.app import AccuracyTable
    table = AccuracyTable([("2-layer", 0.938, 0.82), ("4-layer", 0.99, 0.8)], lang="both")
    text = repr(table).splitlines()
    assert len(text) == 3 and "93.8%" in text[1] and "80.0%" in text[2]
    html = table._repr_html_()
    assert html.count("<tr>") == 3 and "99.0%" in html


def test_importing_dnn_lab_app_does_not_import_matplotlib_or_ipywidgets():
    """Is `import dnn_lab.app` light (matplotlib and ipywidgets only when a figure or bar is made)?"""
    code = ("import sys, dnn_lab.app; "
            "print(any(m.split('.')[0] in ('matplotlib', 'ipywidgets') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
