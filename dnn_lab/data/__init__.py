"""Data for the deep-neural-network exercise.

``load_data()`` returns a small, bundled, openly licensed image set: a subset of
Fashion-MNIST (MIT licence, Copyright (c) 2017 Zalando SE; the notice is in
``LICENSE-fashion-mnist.txt`` next to this file) turned into the binary task
"shirt vs not shirt". ``load_data(path)`` instead reads the classic course files
``train_catvnoncat.h5`` / ``test_catvnoncat.h5`` from a folder of your own
(those files are not bundled).

Only numpy is imported here; h5py is imported when ``load_data(path)`` needs it.
"""

from __future__ import annotations

import importlib.resources
import os

import numpy as np

__all__ = ["BUNDLED_FILE", "CLASSIC_FILES", "POSITIVE_CLASS", "load_data"]

#: Name of the bundled data file inside this package.
BUNDLED_FILE = "shirts.npz"
#: File names expected by ``load_data(path)`` (the classic course layout).
CLASSIC_FILES = ("train_catvnoncat.h5", "test_catvnoncat.h5")
#: Fashion-MNIST class used as the positive class (6 = "Shirt").
POSITIVE_CLASS = 6


def load_data(path: str | os.PathLike | None = None):
    """Load the training and test images of the binary classification task.

    Parameters
    ----------
    path : str or path-like, optional
        ``None`` (default): the bundled "shirt vs not shirt" set.
        A folder: read the classic course layout from it, i.e. the files
        ``train_catvnoncat.h5`` (datasets ``train_set_x``, ``train_set_y``) and
        ``test_catvnoncat.h5`` (datasets ``test_set_x``, ``test_set_y``,
        ``list_classes``), for users who have their own copy. Needs h5py.

    Returns
    -------
    train_x_orig, train_y, test_x_orig, test_y, classes

    For the bundled set (a fixed subset of Fashion-MNIST, MIT licence,
    Copyright (c) 2017 Zalando SE; built by ``python -m dnn_lab.data.build_shirts``):

    ========== ======================== ============================================
    name       shape, dtype             content
    ========== ======================== ============================================
    train_x    (209, 28, 28) uint8      grayscale images, pixel values 0..255
    train_y    (1, 209) int64           1 = shirt (72 images, ~34 %), 0 = not shirt
    test_x     (50, 28, 28) uint8       grayscale images, pixel values 0..255
    test_y     (1, 50) int64            1 = shirt (33 images, 66 %), 0 = not shirt
    classes    (2,) bytes (``|S9``)     ``np.array([b"not shirt", b"shirt"])``
    ========== ======================== ============================================

    "Shirt" is Fashion-MNIST class 6; the negatives are drawn from the other
    nine classes (T-shirt/top, trouser, pullover, dress, coat, sandal, sneaker,
    bag, ankle boot). ``classes[y]`` gives a label's name, as with the classic
    files' ``list_classes``. Images have no channel axis, so one image flattens
    to 784 values: ``train_x_orig.reshape(train_x_orig.shape[0], -1).T``.

    For the classic layout, the arrays are returned as stored in the files
    (e.g. images (m, 64, 64, 3) uint8), with the labels reshaped to (1, m) and
    ``classes`` taken from ``test_catvnoncat.h5``'s ``list_classes``.

    Raises
    ------
    FileNotFoundError
        If ``path`` is given and does not hold both classic files.
    ImportError
        If ``path`` is given and h5py is not installed.
    """
    if path is None:
        return _load_bundled()
    return _load_classic(path)


def _load_bundled():
    resource = importlib.resources.files(__name__).joinpath(BUNDLED_FILE)
    with resource.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        train_x = np.array(npz["train_x"], dtype=np.uint8)
        train_y = np.array(npz["train_y"], dtype=np.int64).reshape(1, -1)
        test_x = np.array(npz["test_x"], dtype=np.uint8)
        test_y = np.array(npz["test_y"], dtype=np.int64).reshape(1, -1)
        classes = np.array(npz["classes"])
    return train_x, train_y, test_x, test_y, classes


def _load_classic(path):
    folder = os.fspath(path)
    train_file = os.path.join(folder, CLASSIC_FILES[0])
    test_file = os.path.join(folder, CLASSIC_FILES[1])
    missing = [
        name
        for name, f in zip(CLASSIC_FILES, (train_file, test_file))
        if not os.path.isfile(f)
    ]
    if missing:
        raise FileNotFoundError(
            f"load_data({folder!r}) expects the files {CLASSIC_FILES[0]} and "
            f"{CLASSIC_FILES[1]} in that folder; missing: {', '.join(missing)}. "
            f"Call load_data() without an argument for the bundled data set."
        )
    try:
        import h5py
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "load_data(path) reads .h5 files and needs h5py: pip install h5py"
        ) from exc

    with h5py.File(train_file, "r") as train_h5:
        train_x = np.array(train_h5["train_set_x"][:])
        train_y = np.array(train_h5["train_set_y"][:])
    with h5py.File(test_file, "r") as test_h5:
        test_x = np.array(test_h5["test_set_x"][:])
        test_y = np.array(test_h5["test_set_y"][:])
        classes = np.array(test_h5["list_classes"][:])

    train_y = train_y.reshape((1, train_y.shape[0]))
    test_y = test_y.reshape((1, test_y.shape[0]))
    return train_x, train_y, test_x, test_y, classes
