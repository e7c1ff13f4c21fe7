"""The /dnn-lab page follows the lab's language (`dnn-lab lab --lang`): what it shows first, the fresh-copy
default, its title, and the colons of each language."""
import re
from html import unescape

import pytest

from dnn_lab.messages import t
from dnn_lab.server.page import render_page

ASSIGNMENTS = [{"name": "step_by_step", "langs": ["zh", "en", "both"]}, {"name": "application", "langs": ["en"]}]


def _selected(html, assignment):
    form = re.search(rf'<form class="fresh" data-assignment="{assignment}">(.*?)</form>', html, re.S).group(1)
    selected = re.findall(r'<option value="(\w+)" selected>([^<]*)</option>', form)
    return selected, re.findall(r"<option[^>]*>([^<]*)<", form)


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_page_starts_in_the_labs_language(lang):
    """Does the page start in the lab's language (body class, title, html lang), select that language for a
    fresh copy where the assignment has it (else its only one), and name the languages in it?"""
    html = render_page("/", "xsrf", ASSIGNMENTS, lang=lang)
    assert f'<body class="lang-{lang}"' in html
    assert re.search(r'<html lang="([\w-]+)">', html).group(1) == ("en" if lang == "en" else "zh-Hans")
    title = unescape(re.search(r"<title>(.*?)</title>", html).group(1))
    assert title == {"zh": t("page.title", "zh"), "en": t("page.title", "en"),
                     "both": f"{t('page.title', 'zh')} · {t('page.title', 'en')}"}[lang]
    selected, options = _selected(html, "step_by_step")
    assert selected[0][0] == lang
    if lang == "zh":
        assert options == ["中文", "英文", "中英双语"]
    elif lang == "en":
        assert options == ["Chinese", "English", "Chinese + English"]
    else:
        assert options[0] == "中文 / Chinese" and selected[0][1] == "中英双语 / Chinese + English"
    assert _selected(html, "application")[0][0][0] == "en"


def test_unknown_language_falls_back_to_both():
    """Does a page rendered with a language it does not know start bilingual (no crash, no raw value)?"""
    html = render_page("/", "x", ASSIGNMENTS, lang="fr")
    assert '<body class="lang-both"' in html and "fr" not in re.findall(r'class="lang-(\w+)"', html)


def test_labels_end_with_the_colon_of_their_language():
    """Do the labels the page adds colons to use the full-width colon in Chinese and ': ' in English, in the
    server's HTML and in the page script?"""
    html = render_page("/", "x", ASSIGNMENTS, lang="zh")
    assert f'<span class="zh">{t("page.language", "zh")}：</span>' in html
    assert f'<span class="en">{t("page.language", "en")}: </span>' in html
    assert not re.search(r'<span class="zh">[^<]*[^\s]:\s*</span>', html)  # no ASCII colon ends a zh label
    assert "const COLON = { zh: '：', en: ': ' };" in html and "bi('progress.folder', true)" in html
    assert "', ': '" not in html and "toLocaleString" not in html
