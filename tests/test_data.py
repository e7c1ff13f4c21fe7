"""Tests for dnn_lab.data: the bundled Fashion-MNIST subset and the classic h5 layout."""

import gzip
import importlib.resources
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dnn_lab.data
from dnn_lab.data import build_shirts, load_data

MB = 1_000_000


@pytest.fixture(scope="module")
def bundled():
    return load_data()


def test_bundled_shapes_and_dtypes(bundled):
    """Does load_data() return the five arrays with the documented shapes and dtypes?"""
    train_x, train_y, test_x, test_y, _classes = bundled
    assert train_x.shape == (209, 28, 28) and train_x.dtype == np.uint8
    assert test_x.shape == (50, 28, 28) and test_x.dtype == np.uint8
    assert train_y.shape == (1, 209) and np.issubdtype(train_y.dtype, np.integer)
    assert test_y.shape == (1, 50) and np.issubdtype(test_y.dtype, np.integer)


def test_bundled_labels_are_binary_and_balanced_like_the_classic_exercise(bundled):
    """Are labels 0/1 with about a third positive in train and two thirds in test?"""
    _, train_y, _, test_y, _ = bundled
    assert set(np.unique(train_y)) == {0, 1}
    assert set(np.unique(test_y)) == {0, 1}
    assert 0.25 <= train_y.mean() <= 0.40
    assert 0.55 <= test_y.mean() <= 0.75
    assert int(train_y.sum()) == 72 and int(test_y.sum()) == 33


def test_bundled_pixels_are_real_grayscale_images(bundled):
    """Are pixels within 0..255, using the full range, and are the images distinct?"""
    train_x, _, test_x, _, _ = bundled
    for x in (train_x, test_x):
        assert x.min() == 0 and x.max() == 255
        assert 20 < x.mean() < 200  # not blank, not saturated
        assert len({img.tobytes() for img in x}) == len(x)


def test_bundled_classes_are_bytes_like_the_classic_list_classes(bundled):
    """Is classes == [b"not shirt", b"shirt"], so that classes[label].decode() names a label?"""
    classes = bundled[4]
    assert classes.dtype.kind == "S"
    assert classes.tolist() == [b"not shirt", b"shirt"]
    assert classes[bundled[1][0, 0]].decode() in ("not shirt", "shirt")


def test_bundled_labels_match_fashion_mnist_shirt_class():
    """Does label 1 mean exactly Fashion-MNIST class 6 ("Shirt") in the stored provenance?"""
    npz_file = importlib.resources.files("dnn_lab.data").joinpath("shirts.npz")
    with npz_file.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        for split in ("train", "test"):
            source = npz[f"{split}_source_label"]
            y = npz[f"{split}_y"].ravel()
            np.testing.assert_array_equal(y, (source == 6).astype(y.dtype))
            # Negatives come from all nine other classes.
            assert set(source[y == 0].tolist()) == set(range(10)) - {6}


def test_each_call_returns_fresh_arrays():
    """Does changing one call's arrays leave the next call's data untouched?"""
    first = load_data()
    first[0][:] = 0
    first[1][:] = 0
    second = load_data()
    assert second[0].max() == 255 and second[1].sum() == 72


def test_licence_ships_in_the_package():
    """Is the Fashion-MNIST MIT notice (Zalando SE, 2017) installed next to the data?"""
    licence = importlib.resources.files("dnn_lab.data").joinpath(
        "LICENSE-fashion-mnist.txt"
    )
    assert licence.is_file()
    text = licence.read_text(encoding="utf-8")
    assert "Copyright (c) 2017 Zalando SE" in text
    assert "Permission is hereby granted, free of charge" in text
    assert "shirts.npz" in text


def test_bundled_file_is_small():
    """Is the bundled npz under 0.7 MB?"""
    npz_file = importlib.resources.files("dnn_lab.data").joinpath("shirts.npz")
    size = len(npz_file.read_bytes())
    assert 0 < size < 0.7 * MB


def test_import_is_light():
    """Does importing dnn_lab.data avoid h5py, matplotlib and the build script?"""
    code = (
        "import sys, dnn_lab.data; "
        "print(sorted(m for m in ('h5py', 'matplotlib', 'dnn_lab.data.build_shirts') "
        "if m in sys.modules))"
    )
    repo_root = Path(dnn_lab.data.__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=repo_root,
    )
    assert out.stdout.strip() == "[]"


def _write_classic(folder, n_train=5, n_test=3):
    import h5py

    rng = np.random.default_rng(0)
    train_x = rng.integers(0, 256, (n_train, 64, 64, 3), dtype=np.uint8)
    train_y = np.array([1, 0, 1, 1, 0][:n_train], dtype=np.int64)
    test_x = rng.integers(0, 256, (n_test, 64, 64, 3), dtype=np.uint8)
    test_y = np.array([0, 1, 1][:n_test], dtype=np.int64)
    classes = np.array([b"non-cat", b"cat"])
    with h5py.File(folder / "train_catvnoncat.h5", "w") as f:
        f["train_set_x"] = train_x
        f["train_set_y"] = train_y
        f["list_classes"] = classes
    with h5py.File(folder / "test_catvnoncat.h5", "w") as f:
        f["test_set_x"] = test_x
        f["test_set_y"] = test_y
        f["list_classes"] = classes
    return train_x, train_y, test_x, test_y, classes


def test_classic_layout_is_read_with_labels_as_row_vectors(tmp_path):
    """Does load_data(folder) read a classic h5 pair, giving labels shaped (1, m)?"""
    expected = _write_classic(tmp_path)
    train_x, train_y, test_x, test_y, classes = load_data(tmp_path)
    assert train_x.shape == (5, 64, 64, 3) and test_x.shape == (3, 64, 64, 3)
    assert train_y.shape == (1, 5) and test_y.shape == (1, 3)
    np.testing.assert_array_equal(train_x, expected[0])
    np.testing.assert_array_equal(train_y.ravel(), expected[1])
    np.testing.assert_array_equal(test_x, expected[2])
    np.testing.assert_array_equal(test_y.ravel(), expected[3])
    assert classes.tolist() == [b"non-cat", b"cat"]


def test_classic_layout_accepts_a_string_path(tmp_path):
    """Does load_data accept the folder as a plain string too?"""
    _write_classic(tmp_path)
    assert load_data(str(tmp_path))[1].shape == (1, 5)


def test_missing_classic_file_gives_clear_error(tmp_path):
    """Does a folder without the classic files raise FileNotFoundError naming them?"""
    with pytest.raises(FileNotFoundError) as info:
        load_data(tmp_path)
    message = str(info.value)
    assert "train_catvnoncat.h5" in message and "test_catvnoncat.h5" in message


def test_one_missing_classic_file_is_named(tmp_path):
    """If only the test file is missing, does the error say so?"""
    _write_classic(tmp_path)
    (tmp_path / "test_catvnoncat.h5").unlink()
    with pytest.raises(FileNotFoundError, match=r"missing: test_catvnoncat\.h5"):
        load_data(tmp_path)


# --- the maintainer script, on a synthetic Fashion-MNIST-like source -------------


def _write_idx(path, array):
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    with gzip.open(path, "wb") as fh:
        fh.write(header + array.astype(np.uint8).tobytes())


def _fake_source(folder, per_class_train=80, per_class_test=40):
    rng = np.random.default_rng(1)
    for kind, per_class in (("train", per_class_train), ("t10k", per_class_test)):
        labels = np.repeat(np.arange(10, dtype=np.uint8), per_class)
        rng.shuffle(labels)
        images = rng.integers(0, 256, (labels.size, 28, 28), dtype=np.uint8)
        images[:, 0, 0] = labels  # lets the test trace each image back to its class
        _write_idx(folder / f"{kind}-images-idx3-ubyte.gz", images)
        _write_idx(folder / f"{kind}-labels-idx1-ubyte.gz", labels)


def test_idx_reader_round_trips(tmp_path):
    """Does the build script's IDX reader return exactly the array that was written?"""
    data = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    _write_idx(tmp_path / "x.gz", data)
    np.testing.assert_array_equal(build_shirts.read_idx(tmp_path / "x.gz"), data)


def test_build_script_is_deterministic_and_balanced(tmp_path):
    """Does the build give 209/50 images with 72/33 shirts, identically on every run?"""
    _fake_source(tmp_path)
    first = build_shirts.build(tmp_path)
    second = build_shirts.build(tmp_path)
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])
    assert first["train_x"].shape == (209, 28, 28)
    assert first["test_x"].shape == (50, 28, 28)
    assert int(first["train_y"].sum()) == 72 and int(first["test_y"].sum()) == 33
    for split in ("train", "test"):
        y = first[f"{split}_y"].ravel()
        pixel_class = first[f"{split}_x"][:, 0, 0]
        np.testing.assert_array_equal(y, (pixel_class == 6).astype(y.dtype))
        assert set(pixel_class[y == 0].tolist()) == set(range(10)) - {6}


def test_build_script_writes_a_loadable_file(tmp_path, capsys):
    """Does the command line write an npz with the keys load_data reads and report balance?"""
    _fake_source(tmp_path)
    out = tmp_path / "out.npz"
    assert build_shirts.main(["--source", str(tmp_path), "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert (
        "72 shirt / 137 not shirt" in printed and "33 shirt / 17 not shirt" in printed
    )
    with np.load(out, allow_pickle=False) as npz:
        assert {"train_x", "train_y", "test_x", "test_y", "classes"} <= set(npz.files)


def test_build_script_reports_missing_source(tmp_path, capsys):
    """Without the Fashion-MNIST files, does the script fail with a hint about the package?"""
    assert (
        build_shirts.main(
            ["--source", str(tmp_path), "--output", str(tmp_path / "o.npz")]
        )
        == 1
    )
    assert "dataset-fashion-mnist" in capsys.readouterr().err
