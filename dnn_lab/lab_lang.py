"""The language of the terminal commands and of JupyterLab's own interface.

- :func:`notebook_language` is the language a student notebook was generated in
  (``dnn-lab check`` speaks it unless ``--lang`` says otherwise).

- :func:`say` is one terminal line of a message id in the chosen language
  (``both``: Chinese / English on one line).
- :func:`set_default_locale` makes the zh-CN language pack
  (``jupyterlab-language-pack-zh-cn``, a dependency) the default interface
  language of *this* running lab for ``--lang zh``: it adds one entry to the
  settings overrides JupyterLab loaded at start-up (from whatever
  ``app_settings_dir`` is configured, our Help-menu override included).
  Nothing is written to the user's settings, and a language picked in
  JupyterLab's Settings → Language menu still wins.  ``en`` and ``both``
  keep JupyterLab's default, English.
"""
from .messages import LANGS, t_short

LOCALES = {"zh": "zh_CN"}
TRANSLATION_PLUGIN = "@jupyterlab/translation-extension:plugin"


def say(message_id, lang, **params):
    """``dnn-lab: <text>`` of ``message_id`` in ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return "dnn-lab: " + t_short(message_id, lang, **params)


def notebook_language(path):
    """``metadata.dnn_lab.lang`` of the notebook file at ``path``, or None (unreadable, not ours)."""
    import json
    try:
        with open(path, encoding="utf-8") as fh:
            lang = json.load(fh).get("metadata", {}).get("dnn_lab", {}).get("lang")
    except (OSError, ValueError, AttributeError):
        return None
    return lang if lang in LANGS else None


def _rules(router):
    for rule in getattr(router, "rules", ()):
        yield rule
        yield from _rules(rule.target)


def settings_overrides(web_app):
    """The overrides dicts the running lab's settings handlers serve (one shared dict in practice)."""
    from jupyterlab_server.settings_handler import SettingsHandler
    found = []
    for rule in _rules(web_app.default_router):
        target = rule.target
        if isinstance(target, type) and issubclass(target, SettingsHandler):
            overrides = (rule.target_kwargs or {}).get("overrides")
            if isinstance(overrides, dict) and all(overrides is not o for o in found):
                found.append(overrides)
    return found


def set_default_locale(serverapp, lang):
    """Default JupyterLab's interface of ``serverapp`` to ``lang`` (zh → zh_CN); True if set."""
    locale = LOCALES.get(lang)
    if locale is None:
        return False
    found = settings_overrides(serverapp.web_app)
    for overrides in found:
        overrides.setdefault(TRANSLATION_PLUGIN, {})["locale"] = locale
    return bool(found)
