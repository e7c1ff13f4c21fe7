"""Maintainer script: build the bundled "shirt vs not shirt" data set.

Run it once (the result, ``dnn_lab/data/shirts.npz``, is committed)::

    apt-get install dataset-fashion-mnist     # Debian/Ubuntu package, MIT licence
    python -m dnn_lab.data.build_shirts [--source DIR] [--output FILE]

It reads the four gzipped IDX files of Fashion-MNIST (© 2017 Zalando SE, MIT
licence; by default from ``/usr/share/datasets/fashion-mnist``, where Debian's
package installs them) and draws a small, fixed subset for a binary task:

* train: 209 images from Fashion-MNIST's training split, 72 of them "Shirt"
  (class 6), i.e. about one third positive, like the classic exercise;
* test: 50 images from Fashion-MNIST's test split, 33 of them "Shirt",
  i.e. about two thirds positive.

Negatives are spread as evenly as possible over the other nine classes. The
selection uses ``numpy.random.RandomState(SEED)``, whose stream numpy keeps
stable across versions, so the output is the same on every run. Only numpy
is needed.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.resources
import os
import sys
from pathlib import Path

import numpy as np

DEFAULT_SOURCE = "/usr/share/datasets/fashion-mnist"
SEED = 1
POSITIVE_CLASS = 6  # Fashion-MNIST label 6 is "Shirt"
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
# (total images, positive images) per split
TRAIN_SIZE, TRAIN_POSITIVE = 209, 72
TEST_SIZE, TEST_POSITIVE = 50, 33
CLASSES = np.array([b"not shirt", b"shirt"])

_IMAGE_MAGIC = 2051
_LABEL_MAGIC = 2049


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one (optionally gzipped) IDX file of unsigned bytes into an array."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path}: not an IDX file")
    if raw[2] != 0x08:
        raise ValueError(f"{path}: IDX data type {raw[2]:#x} is not unsigned byte")
    ndim = raw[3]
    header = 4 + 4 * ndim
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    data = np.frombuffer(raw, dtype=np.uint8, offset=header)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: expected {dims} values, found {data.size}")
    return data.reshape(dims).copy()


def load_split(source: str | os.PathLike, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, 28, 28) uint8 and labels (n,) uint8 of split ``kind`` ("train" or "t10k")."""
    source = Path(source)
    images_file = source / f"{kind}-images-idx3-ubyte.gz"
    labels_file = source / f"{kind}-labels-idx1-ubyte.gz"
    for f in (images_file, labels_file):
        if not f.is_file():
            raise FileNotFoundError(
                f"{f} not found. Install Debian's 'dataset-fashion-mnist' package "
                f"(apt-get install dataset-fashion-mnist) or pass --source DIR with "
                f"the gzipped IDX files of Fashion-MNIST."
            )
    images = read_idx(images_file)
    labels = read_idx(labels_file)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(
            f"{source}: inconsistent {kind} images {images.shape} / labels {labels.shape}"
        )
    return images, labels


def _spread(total: int, parts: int) -> list[int]:
    """Split ``total`` into ``parts`` counts that differ by at most one."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def select(
    labels: np.ndarray, size: int, positive: int, rng: np.random.RandomState
) -> np.ndarray:
    """Indices of ``positive`` shirts and ``size - positive`` others, in random order."""
    negatives = sorted({int(c) for c in np.unique(labels)} - {POSITIVE_CLASS})
    counts = _spread(size - positive, len(negatives))
    # Give the larger shares to a random subset of classes, not always the first ones.
    counts = [counts[i] for i in rng.permutation(len(counts))]
    chosen = [
        rng.choice(np.flatnonzero(labels == POSITIVE_CLASS), positive, replace=False)
    ]
    for cls, n in zip(negatives, counts):
        chosen.append(rng.choice(np.flatnonzero(labels == cls), n, replace=False))
    idx = np.concatenate(chosen)
    return idx[rng.permutation(len(idx))]


def build(
    source: str | os.PathLike = DEFAULT_SOURCE, seed: int = SEED
) -> dict[str, np.ndarray]:
    """The arrays stored in ``shirts.npz``, built from the Fashion-MNIST files in ``source``."""
    rng = np.random.RandomState(seed)
    out: dict[str, np.ndarray] = {}
    for name, kind, size, positive in (
        ("train", "train", TRAIN_SIZE, TRAIN_POSITIVE),
        ("test", "t10k", TEST_SIZE, TEST_POSITIVE),
    ):
        images, labels = load_split(source, kind)
        idx = select(labels, size, positive, rng)
        out[f"{name}_x"] = images[idx].astype(np.uint8)
        out[f"{name}_y"] = (
            (labels[idx] == POSITIVE_CLASS).astype(np.uint8).reshape(1, -1)
        )
        # Provenance: index into the Fashion-MNIST split and original class label.
        out[f"{name}_source_index"] = idx.astype(np.int32)
        out[f"{name}_source_label"] = labels[idx].astype(np.uint8)
    out["classes"] = CLASSES.copy()
    return out


def default_output() -> Path:
    """``shirts.npz`` inside the installed (or checked-out) ``dnn_lab.data`` package."""
    return Path(str(importlib.resources.files("dnn_lab.data").joinpath("shirts.npz")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dnn_lab.data.build_shirts",
        description="Build dnn_lab/data/shirts.npz (shirt vs not shirt) from Fashion-MNIST.",
    )
    parser.add_argument(
        "--source",
        default=DEFAULT_SOURCE,
        help=f"folder with Fashion-MNIST's *-idx*-ubyte.gz files (default: {DEFAULT_SOURCE})",
    )
    parser.add_argument(
        "--output",
        default=None,
        help="where to write the .npz (default: shirts.npz in the dnn_lab.data package)",
    )
    parser.add_argument(
        "--seed", type=int, default=SEED, help=f"selection seed (default: {SEED})"
    )
    args = parser.parse_args(argv)

    try:
        arrays = build(args.source, args.seed)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    output = Path(args.output) if args.output else default_output()
    with open(output, "wb") as fh:  # a file object keeps the exact name (no added .npz)
        np.savez_compressed(fh, **arrays)

    print(f"wrote {output} ({output.stat().st_size / 1e6:.3f} MB)")
    for name in ("train", "test"):
        x, y = arrays[f"{name}_x"], arrays[f"{name}_y"]
        src = arrays[f"{name}_source_label"]
        per_class = ", ".join(
            f"{FASHION_MNIST_CLASSES[c]}={int((src == c).sum())}" for c in range(10)
        )
        print(
            f"{name}: x {x.shape} {x.dtype}, y {y.shape}; "
            f"{int(y.sum())} shirt / {y.size - int(y.sum())} not shirt "
            f"({y.mean():.1%} positive)"
        )
        print(f"  source classes: {per_class}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
