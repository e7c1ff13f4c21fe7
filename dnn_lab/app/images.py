"""Turning any picture into what the classifier was trained on.

The training images are 28×28 grayscale, a light garment on a black
background, pixel values scaled to [0, 1].  :func:`prepare_image` takes a file
path, a PIL image or a numpy array — grayscale, RGB or RGBA, any size, 8-bit,
16-bit or float — and returns the column vector the model expects::

    x, preview = prepare_image("my_shirt.jpg")   # x: (784, 1) in [0, 1]; preview: (28, 28)

Steps: to float in [0, 1] → transparent pixels onto white → grayscale
(luminance) → invert when the background (the border) is light → crop to the
object, pad to a square → resize to 28×28 → stretch to the full [0, 1] range.
Pillow (a matplotlib dependency) does the file reading and resizing.
"""
from importlib import resources

import numpy as np

SIZE = 28
SAMPLE = "sample_image.png"


def sample_image():
    """The bundled sample picture (drawn for this project: a shirt on a light background)."""
    return resources.files("dnn_lab.app") / SAMPLE


class ImageError(Exception):
    """A picture the student named that is not there or is not a picture: one line in the student's
    language in the notebook (no traceback through Pillow). ``message_id`` and ``params`` for tests."""

    def __init__(self, message_id, lang=None, **params):
        from ..messages import t
        self.message_id, self.params = message_id, params
        super().__init__(t(message_id, lang, **params))

    def _render_traceback_(self):
        return str(self).splitlines()


class ImageNotFoundError(ImageError, FileNotFoundError):
    """No file at the path given."""


def read_image(source):
    """``source`` (path, Traversable, PIL image or array) as a float array in
    [0, 1] of shape (H, W), (H, W, 3) or (H, W, 4).  A path that is not a file raises
    :class:`ImageNotFoundError`, a file that is not a picture :class:`ImageError`."""
    if isinstance(source, np.ndarray):
        return _to_unit(source)
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError as exc:  # pragma: no cover - Pillow comes with matplotlib
        raise ImportError("reading image files needs Pillow: pip install pillow") from exc
    if isinstance(source, Image.Image):
        return _from_pil(source)
    import os
    if hasattr(source, "open") and not isinstance(source, (str, bytes, os.PathLike)):  # a Traversable
        with source.open("rb") as fh, Image.open(fh) as img:
            return _from_pil(img)
    path = os.fsdecode(os.fspath(source))
    if not os.path.isfile(path):
        raise ImageNotFoundError("ui.image_not_found", path=path,
                                 folder=os.path.abspath(os.path.dirname(path) or "."))
    try:
        with Image.open(path) as img:
            return _from_pil(img)
    except (UnidentifiedImageError, OSError, ValueError) as exc:  # not a picture, truncated, unsupported
        raise ImageError("ui.image_unreadable", source=path, error=type(exc).__name__) from None


def _from_pil(img):
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = arr.max()
        return arr / (65535.0 if top > 255 else 255.0) if top > 0 else arr
    if img.mode == "F":
        return _to_unit(np.asarray(img, dtype=np.float64))
    if img.mode not in ("L", "RGB", "RGBA", "LA"):
        img = img.convert("RGBA" if "A" in img.getbands() or "transparency" in img.info else "RGB")
    arr = np.asarray(img)
    if img.mode == "LA":  # gray + alpha → RGBA
        arr = np.dstack([arr[..., 0]] * 3 + [arr[..., 1]])
    return arr.astype(np.float64) / 255.0


def _to_unit(arr):
    arr = np.asarray(arr)
    if arr.dtype == np.bool_:
        return arr.astype(np.float64)
    if arr.dtype.kind in "ui":
        top = 255.0 if arr.dtype.itemsize == 1 or arr.max() <= 255 else float(np.iinfo(arr.dtype).max)
        return arr.astype(np.float64) / top
    arr = arr.astype(np.float64)
    arr = np.nan_to_num(arr, nan=0.0, posinf=1.0, neginf=0.0)
    if arr.size and arr.max() > 1.0:
        arr = arr / 255.0
    return np.clip(arr, 0.0, 1.0)


def to_gray(arr):
    """(H, W[, C]) in [0, 1] → (H, W): RGBA is put onto white, RGB weighted by luminance."""
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim == 2:
        return arr
    if arr.ndim != 3:
        raise ValueError(f"an image has 2 or 3 dimensions, not shape {arr.shape}")
    channels = arr.shape[2]
    if channels == 1:
        return arr[..., 0]
    if channels == 2:  # gray + alpha
        gray, alpha = arr[..., 0], arr[..., 1]
        return gray * alpha + (1.0 - alpha)
    rgb = arr[..., :3]
    if channels >= 4:
        alpha = arr[..., 3:4]
        rgb = rgb * alpha + (1.0 - alpha)
    return rgb @ np.array([0.299, 0.587, 0.114])


def border(gray, width=None):
    """The pixels along the four edges (the background, in a photo of one object)."""
    h, w = gray.shape
    k = width or max(1, min(h, w) // 20)
    return np.concatenate([gray[:k].ravel(), gray[-k:].ravel(), gray[:, :k].ravel(), gray[:, -k:].ravel()])


def needs_inverting(gray):
    """A light background (border median above 0.5): the training images are light-on-dark."""
    return bool(np.median(border(gray)) > 0.5)


def crop_to_object(gray, threshold=0.15):
    """Crop to the pixels brighter than ``threshold``·max, then pad (with 0) to a square."""
    top = gray.max()
    if top <= 0:
        return gray
    rows = np.flatnonzero((gray > threshold * top).any(axis=1))
    cols = np.flatnonzero((gray > threshold * top).any(axis=0))
    if rows.size == 0 or cols.size == 0:
        return gray
    piece = gray[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = piece.shape
    side = max(h, w)
    square = np.zeros((side, side))
    y0, x0 = (side - h) // 2, (side - w) // 2
    square[y0:y0 + h, x0:x0 + w] = piece
    return square


def resize(gray, size=SIZE):
    from PIL import Image
    img = Image.fromarray(np.asarray(gray, dtype=np.float32), mode="F")
    return np.asarray(img.resize((size, size), Image.Resampling.BOX if min(gray.shape) >= size
                                 else Image.Resampling.BILINEAR), dtype=np.float64)


def prepare_image(source=None, size=SIZE, invert="auto", crop=True):
    """``(x, preview)``: x of shape (size·size, 1) in [0, 1] for ``predict``,
    preview (size, size) to show.  ``source=None`` uses the bundled sample;
    ``invert``: "auto" (light background → invert), True or False."""
    image = read_image(sample_image() if source is None else source)
    if image.size == 0:
        raise ValueError("the image is empty")
    gray = to_gray(image)
    if invert == "auto":
        invert = needs_inverting(gray)
    if invert:
        gray = 1.0 - gray
    # The training images have a black background: remove what is left of ours.
    gray = np.clip(gray - np.median(border(gray)), 0.0, None)
    if crop:
        gray = crop_to_object(gray)
    small = np.clip(resize(gray, size), 0.0, None)
    top = small.max()
    if top > 0:
        small = small / top
    return small.reshape(size * size, 1), small
