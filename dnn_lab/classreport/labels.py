"""Short labels of hints and steps for the class report (the catalog's texts, shortened)."""
import re

from ..messages import MESSAGES, t

_CUT = {"zh": re.compile(r"[：。；]"), "en": re.compile(r"(?<=[a-z0-9)\]])[:.;](?:\s|$)")}


def _short(text, lang, limit=70):
    text = text.replace("`", "")
    head = _CUT[lang].split(text, maxsplit=1)[0].strip()
    return head if len(head) <= limit else head[:limit - 1] + "…"


def hint_label(hint, lang):
    """'forgot 1/m'-like label: the hint's explanation up to its first colon or full stop."""
    key = f"hint.{hint}"
    if key not in MESSAGES:
        return hint
    if lang == "both":
        return " / ".join(dict.fromkeys(_short(t(key, x), x) for x in ("zh", "en")))
    return _short(t(key, lang), lang)


def step_label(exercise, step, lang):
    """The step as a student sees it (the renderers' own label when there is one)."""
    try:
        from ..render import _model
        label = getattr(_model, "step_label", None)
        if label is not None:
            return label(step, lang, exercise=exercise) if _accepts_exercise(label) else label(step, lang)
    except Exception:  # noqa: BLE001 - a label is never worth a failed report
        pass
    return step


def _accepts_exercise(fn):
    import inspect
    try:
        return "exercise" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def text(message_id, lang, **params):
    return t(message_id, lang, **params) if lang != "both" else " / ".join(
        dict.fromkeys(t(message_id, x, **params) for x in ("zh", "en")))


def pct(n, total):
    return f"{round(100 * n / total) if total else 0}"
