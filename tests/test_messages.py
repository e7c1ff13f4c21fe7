"""The message catalog: every id in both languages, with the same placeholders,
and every id the checks use present."""
import re
import string
from pathlib import Path

import pytest

import dnn_lab
from dnn_lab.checks.report import HINT_ORDER, HINTS
from dnn_lab.messages import LANGS, MESSAGES, placeholders, t

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
PACKAGE = Path(dnn_lab.__file__).parent
CHECK_SOURCES = sorted((PACKAGE / "checks").glob("*.py")) + [PACKAGE / "public_tests.py"]
IDS = sorted(MESSAGES)


def _dummy(message_id, lang):
    return {name: "X" for name in placeholders(MESSAGES[message_id][lang])}


@pytest.mark.parametrize("message_id", IDS)
def test_message_has_exactly_zh_and_en(message_id):
    """Does this id have a non-empty Chinese and English text, and nothing else?"""
    entry = MESSAGES[message_id]
    assert set(entry) == {"zh", "en"}
    assert entry["zh"].strip() and entry["en"].strip()


@pytest.mark.parametrize("message_id", IDS)
def test_placeholders_agree(message_id):
    """Do the Chinese and English texts of this id use the same {placeholders}?"""
    entry = MESSAGES[message_id]
    assert placeholders(entry["zh"]) == placeholders(entry["en"])


@pytest.mark.parametrize("message_id", IDS)
def test_languages_are_what_they_claim(message_id):
    """Is the English text free of CJK characters, and does the Chinese text contain some (unless it is only symbols)?"""
    entry = MESSAGES[message_id]
    assert not CJK.search(entry["en"])
    letters = re.sub(r"\{[^}]*\}|`[^`]*`", "", entry["zh"])
    if re.search(r"[^\W\d_]", letters):  # any letter outside placeholders and `code`
        assert CJK.search(letters)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("message_id", IDS)
def test_every_message_formats_in_every_language(message_id, lang):
    """Does t() render this id in zh, en and both once its placeholders are given?"""
    params = _dummy(message_id, "en")
    text = t(message_id, lang, **params)
    assert text
    if lang == "both" and MESSAGES[message_id]["zh"] != MESSAGES[message_id]["en"]:
        assert t(message_id, "zh", **params) in text and t(message_id, "en", **params) in text


@pytest.mark.parametrize("hint", HINT_ORDER)
def test_every_hint_has_an_explanation(hint):
    """Does every hint id the report can list have a hint.<id> text?"""
    assert f"hint.{hint}" in MESSAGES


def test_hint_order_lists_each_hint_once():
    """Is every hint listed exactly once in HINT_ORDER, and are the SPEC's nineteen among them?"""
    spec = {"not_implemented", "exception", "timeout", "wrong_type", "wrong_shape", "wrong_value", "transposed",
            "forgot_1_over_m", "wrong_sum_axis", "missing_keepdims", "sign_error", "cost_not_scalar",
            "wrong_activation", "loop_bounds", "wrong_init_scale", "wrong_keys", "mutates_inputs",
            "uses_globals", "prints_output"}
    assert len(HINT_ORDER) == len(set(HINT_ORDER))
    assert spec <= HINTS


def _used_ids():
    ids = set()
    for path in CHECK_SOURCES:
        ids |= set(re.findall(r"""["']((?:msg|hint|ui)\.[a-z0-9_]+)["']""", path.read_text(encoding="utf-8")))
    return ids


def test_the_checks_use_many_message_ids():
    """Does the scan of the check modules find the ids they use (so the next test means something)?"""
    assert {"msg.wrong_value", "msg.exception", "msg.timeout", "msg.uses_globals", "ui.passed_all"} <= _used_ids()


def test_every_message_id_used_by_the_checks_exists():
    """Does every message id written in dnn_lab/checks/*.py and public_tests.py exist in the catalog?"""
    assert sorted(_used_ids() - set(MESSAGES)) == []


def test_every_hint_id_used_by_the_checks_is_known():
    """Is every hint id passed to ctx.fail/ctx.stop or used in a variant one of the report's hints?"""
    used = set()
    for path in sorted((PACKAGE / "checks").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\.(?:fail|stop)\([^,()]+(?:\([^()]*\))?[^,()]*,\s*["']([a-z_0-9]+)["']""", text))
        used |= set(re.findall(r"""["']([a-z_0-9]+)["'],\s*["']msg\.""", text))
    assert {"wrong_value", "loop_bounds", "wrong_activation", "mutates_inputs"} <= used
    assert sorted(used - HINTS) == []


def test_unknown_id_raises_key_error():
    """Does t() refuse an unknown id instead of falling back silently?"""
    with pytest.raises(KeyError):
        t("msg.no_such_message", "en")
    with pytest.raises(KeyError):
        t("hint.no_such_hint", "zh")


def test_missing_placeholder_is_an_error():
    """Does t() fail loudly when a placeholder is not given?"""
    message_id = next(k for k in IDS if placeholders(MESSAGES[k]["en"]))
    with pytest.raises(KeyError):
        t(message_id, "en")


def test_placeholders_helper_reads_format_fields():
    """Does placeholders() return the names of the {fields} of a text?"""
    assert placeholders("{a} and {b:>3} but not {{c}}") == {"a", "b"}
    assert {name for _, name, _, _ in string.Formatter().parse("{x}") if name} == {"x"}


# --------------------------------------------------------------------------- one word per concept

def test_chinese_uses_one_word_per_concept():
    """Does the Chinese catalog say 代价 (never 成本), 笔记本 (never "notebook") on the page and in the
    terminal, 拷贝 for copies, and does the page title say "Lab" only once?"""
    zh = {k: v["zh"] for k, v in MESSAGES.items()}
    assert [k for k, v in zh.items() if "成本" in v] == []
    assert [k for k, v in zh.items() if k.startswith(("page.", "lab.", "cli.")) and re.search(r"\bnotebook\b", v)] == []
    assert [k for k, v in zh.items() if "复制" in v and k.startswith("hint.")] == []
    assert t("page.title", "zh").count("Lab") + t("page.title", "zh").count("实验室") == 1


def test_code_in_hints_is_what_the_notebook_says():
    """Do the hints quote numpy the way it works and the way the instructions say it
    (randn takes separate dimensions; the threshold ends with .astype(int))?"""
    for lang in ("zh", "en"):
        calls = re.findall(r"randn\(([^)]*)\)", t("hint.wrong_init_scale", lang))
        assert calls and all("," in args for args in calls)
        assert ".astype(int)" in t("hint.wrong_threshold", lang)
        assert "np.squeeze(cost)" in t("hint.cost_not_scalar", lang)
    assert t("hint.forgot_1_over_m", "en").count("number of examples") == 1


# --------------------------------------------------------------------------- dnn-lab lab's language

@pytest.mark.parametrize("lang", LANGS)
def test_lab_terminal_lines_speak_the_chosen_language(lang):
    """Does every line `dnn-lab lab` prints come in the --lang of the run (both: zh / en)?"""
    from dnn_lab.lab_lang import say
    ids = [k for k in MESSAGES if k.startswith("lab.")]
    assert len(ids) >= 5
    for message_id in ids:
        line = say(message_id, lang, **_dummy(message_id, "en"))
        assert line.startswith("dnn-lab: ")
        assert bool(CJK.search(line)) == (lang != "en"), message_id
        if lang == "both":
            assert " / " in line


def test_lab_zh_makes_chinese_the_default_jupyterlab_locale():
    """Does `--lang zh` add zh_CN as the default locale to the overrides the lab's settings handler
    serves (keeping the others), leave en/both alone, and is the zh-CN language pack installed?"""
    from types import SimpleNamespace

    from jupyterlab_server.settings_handler import SettingsHandler
    from jupyterlab_server.translation_utils import get_language_packs
    from tornado.web import Application

    from dnn_lab.lab_lang import TRANSLATION_PLUGIN, set_default_locale
    overrides = {"@jupyterlab/mainmenu-extension:plugin": {"menus": []}}
    app = SimpleNamespace(web_app=Application([(r"/lab/api/settings/(.*)", SettingsHandler,
                                                 {"overrides": overrides})]))
    assert set_default_locale(app, "en") is False and set_default_locale(app, "both") is False
    assert TRANSLATION_PLUGIN not in overrides
    assert set_default_locale(app, "zh") is True
    assert overrides[TRANSLATION_PLUGIN] == {"locale": "zh_CN"}
    assert "@jupyterlab/mainmenu-extension:plugin" in overrides
    assert set_default_locale(SimpleNamespace(web_app=Application([])), "zh") is False  # nothing to change: said so
    packs, _ = get_language_packs()
    assert "zh_CN" in packs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_course_init_speaks_its_language(tmp_path, capsys, lang):
    """Does `dnn-lab course init --lang zh|en` print its report in that language only, and copy
    only that language's figures?"""
    from dnn_lab import cli
    from dnn_lab.diagram.figures import set_dir
    assert cli.main(["course", "init", str(tmp_path / "c"), "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert bool(CJK.search(out)) == (lang == "zh")
    images = tmp_path / "c" / "source" / "step_by_step" / "images"
    source = set_dir(Path(dnn_lab.__file__).parents[1] / "assignments" / "source" / "step_by_step" / "images", lang)
    assert sorted(p.name for p in images.iterdir()) == sorted(p.name for p in source.iterdir() if p.is_file())
    assert (images / "outline.png").read_bytes() == (source / "outline.png").read_bytes()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dnn_lab_check_speaks_the_notebooks_language(tmp_path, capsys, monkeypatch, lang):
    """Without --lang, does `dnn-lab check` answer in the language the notebook was generated in?"""
    from dnn_lab import cli
    from dnn_lab.notebooks import student_notebook
    monkeypatch.delenv("DNN_LAB_LANG", raising=False)
    path = tmp_path / "step_by_step.ipynb"
    path.write_text(student_notebook("step_by_step", lang).read_text(encoding="utf-8"), encoding="utf-8")
    assert cli.main(["check", str(path), "--exercise", "linear_forward"]) == 1
    out = capsys.readouterr().out
    assert out.strip() and bool(CJK.search(out)) == (lang == "zh")
    assert cli.main(["check", str(path), "--exercise", "linear_forward", "--lang", "en"]) == 1
    assert not CJK.search(capsys.readouterr().out)
