"""The messages between the grader and its sandboxed child: plain data only.

A message is one JSON document behind a 4-byte length.  Values are encoded as
tagged JSON: numbers, strings, lists, tuples, dicts, numeric numpy arrays and
scalars keep their type; anything else becomes an :class:`Opaque` stand-in that
only knows its type name.  There is no pickle anywhere, so a hostile child can
send nothing but data, and a message larger than ``MAX_MESSAGE`` or nested deeper
than ``MAX_DEPTH`` is refused (:class:`WireError`).
"""
import base64
import json
import struct

import numpy as np

MAX_MESSAGE = 64 * 1024 * 1024
MAX_DEPTH = 64
_KINDS = "biufc"  # numpy dtype kinds sent as raw bytes


class WireError(Exception):
    """A message that is not well-formed (too large, too deep, unknown tag, truncated)."""


class Opaque:
    """A value that cannot cross the boundary as data (a generator, a module, a custom
    object…): only its type name and a short repr are kept."""

    def __init__(self, type_name, text=""):
        self.type_name, self.text = str(type_name)[:80], str(text)[:200]

    def __repr__(self):
        return self.text or f"<{self.type_name}>"


def _opaque_class(type_name):
    # The checks print type(value).__name__; give the stand-in the original name.
    cls = type(type_name if type_name.isidentifier() else "object", (Opaque,), {})
    return cls


def encode(value, depth=0):
    if depth > MAX_DEPTH:
        return {"~": "opaque", "type": "object", "text": "(nested too deeply)"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value if -2**63 <= value < 2**63 else {"~": "bigint", "v": str(value)}
    if isinstance(value, float):
        return value if np.isfinite(value) else {"~": "float", "v": repr(value)}
    if isinstance(value, np.ndarray):
        if value.dtype.kind in _KINDS and not value.dtype.hasobject:
            data = np.array(value, order="C", copy=True)   # keeps 0-d arrays 0-d (ascontiguousarray would not)
            return {"~": "nd", "dtype": data.dtype.str, "shape": list(data.shape),
                    "b": base64.b64encode(data.tobytes()).decode("ascii")}
        return {"~": "opaque", "type": "ndarray", "text": f"ndarray(dtype={value.dtype}, shape={value.shape})"}
    if isinstance(value, np.generic) and value.dtype.kind in _KINDS:
        return {"~": "np", "dtype": value.dtype.str,
                "b": base64.b64encode(np.asarray(value).tobytes()).decode("ascii")}
    if isinstance(value, tuple):
        return {"~": "tuple", "v": [encode(v, depth + 1) for v in value]}
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {"~": "dict", "v": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, complex):
        return {"~": "complex", "re": encode(value.real), "im": encode(value.imag)}
    try:
        text = repr(value)[:200]
    except BaseException:  # noqa: BLE001 - a hostile __repr__
        text = ""
    return {"~": "opaque", "type": type(value).__name__, "text": text}


def decode(obj, depth=0):
    if depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, list):
        return [decode(v, depth + 1) for v in obj]
    if not isinstance(obj, dict):
        raise WireError(f"unexpected {type(obj).__name__}")
    tag = obj.get("~")
    try:
        if tag == "nd":
            dtype = np.dtype(obj["dtype"])
            if dtype.kind not in _KINDS or dtype.hasobject:
                raise WireError("dtype")
            shape = tuple(int(n) for n in obj["shape"])
            raw = base64.b64decode(obj["b"], validate=True)
            return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        if tag == "np":
            dtype = np.dtype(obj["dtype"])
            if dtype.kind not in _KINDS or dtype.hasobject:
                raise WireError("dtype")
            return np.frombuffer(base64.b64decode(obj["b"], validate=True), dtype=dtype)[0]
        if tag == "tuple":
            return tuple(decode(v, depth + 1) for v in obj["v"])
        if tag == "dict":
            out = {}
            for k, v in obj["v"]:
                key = decode(k, depth + 1)
                try:
                    hash(key)
                except TypeError:
                    raise WireError("unhashable key") from None
                out[key] = decode(v, depth + 1)
            return out
        if tag == "float":
            return float(obj["v"])
        if tag == "bigint":
            return int(obj["v"])
        if tag == "complex":
            return complex(decode(obj["re"]), decode(obj["im"]))
        if tag == "opaque":
            return _opaque_class(str(obj.get("type", "object")))(obj.get("type", "object"), obj.get("text", ""))
    except WireError:
        raise
    except Exception as exc:  # noqa: BLE001 - any malformed field
        raise WireError(f"malformed {tag}: {type(exc).__name__}") from None
    raise WireError(f"unknown tag {tag!r}")


# ---- framing ------------------------------------------------------------------------


def send(sock, message):
    """Send one message (a dict of plain JSON, values already encoded)."""
    data = json.dumps(message, allow_nan=False, separators=(",", ":")).encode("utf-8")
    if len(data) > MAX_MESSAGE:
        data = json.dumps({"op": "error", "error": {"type": "MessageTooLarge",
                                                    "message": f"{len(data)} bytes"}}).encode()
    sock.sendall(struct.pack(">I", len(data)) + data)


def _recv_exact(sock, n):
    chunks, left = [], n
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def recv(sock):
    """Receive one message; raises EOFError when the peer is gone, WireError when it is malformed."""
    (n,) = struct.unpack(">I", _recv_exact(sock, 4))
    if n > MAX_MESSAGE:
        raise WireError(f"message of {n} bytes")
    try:
        message = json.loads(_recv_exact(sock, n).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"not JSON: {exc}") from None
    if not isinstance(message, dict) or not isinstance(message.get("op"), str):
        raise WireError("not a message")
    return message
