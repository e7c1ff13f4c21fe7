"""The language of ``dnn-lab lab``: its terminal lines, and JupyterLab's own interface.

- :func:`say` is one terminal line of a message id in the chosen language
  (``both``: Chinese / English on one line).
- :func:`lab_locale_argv` gives JupyterLab the interface language: for ``zh``
  the zh-CN language pack (``jupyterlab-language-pack-zh-cn``, a dependency)
  is selected as the default locale of *this* lab only.  It does so through a
  private copy of JupyterLab's application settings folder (its
  ``overrides.d`` kept, one override added) in the workspace's ``.dnn_lab/``:
  nothing in the user's own settings changes, and a locale the user picked
  in the Settings menu still wins.
"""
import json
import shutil
from pathlib import Path

from .messages import LANGS, t_short

LOCALES = {"zh": "zh_CN", "en": "en"}    # "both": JupyterLab's default (English)
TRANSLATION_PLUGIN = "@jupyterlab/translation-extension:plugin"
OVERRIDE_NAME = "zz-dnn-lab-locale.json"  # sorted last: it wins over the other overrides


def say(message_id, lang, **params):
    """``dnn-lab: <text>`` of ``message_id`` in ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return "dnn-lab: " + t_short(message_id, lang, **params)


def default_app_settings_dir():
    from jupyterlab.commands import get_app_dir
    return Path(get_app_dir()) / "settings"


def lab_locale_argv(lang, workspace, app_settings_dir=None):
    """Extra JupyterLab arguments that make its interface speak ``lang`` ([] for 'both')."""
    locale = LOCALES.get(lang)
    if locale is None:
        return []
    source = Path(app_settings_dir) if app_settings_dir else default_app_settings_dir()
    target = Path(workspace) / ".dnn_lab" / "lab-settings"
    if target.exists():
        shutil.rmtree(target)
    if source.is_dir():
        shutil.copytree(source, target)
    overrides = target / "overrides.d"
    overrides.mkdir(parents=True, exist_ok=True)
    (overrides / OVERRIDE_NAME).write_text(json.dumps({TRANSLATION_PLUGIN: {"locale": locale}}, indent=2) + "\n",
                                           encoding="utf-8")
    return [f"--LabApp.app_settings_dir={target}"]
