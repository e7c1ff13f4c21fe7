"""The HTML of the /dnn-lab page: server-rendered, a little inline JavaScript, no CDN.

Every text is rendered in both languages (``<span class="zh">`` and
``<span class="en">``); a toggle (remembered in localStorage) shows Chinese,
English or both.  The page starts in the lab's language (``dnn-lab lab --lang``,
the server setting ``dnn_lab_lang``; both by default), which is also the
fresh-copy default.  Labels end with the colon of their language (Chinese
full-width ``：``); times are the browser's local time, written
``2026年12月7日 22:36`` in Chinese and ``2026-12-07 22:36`` otherwise.
The script calls the JSON API with Jupyter's XSRF token.
"""
import json
from html import escape

from ..messages import MESSAGES

# The page's slice of the one message catalog (ids "page.<key>"), keyed by <key> for the page's script.
TEXTS = {key[len("page."):]: entry for key, entry in MESSAGES.items() if key.startswith("page.")}

CSS = """
:root { --ok:#1a7f37; --bad:#cf222e; --muted:#57606a; --line:#d0d7de; --accent:#0969da; }
* { box-sizing: border-box; }
body { font-family: system-ui, "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 0 auto; max-width: 1000px; padding: 1.5rem; color: #1f2328; line-height: 1.5; }
h1 { margin: 0 0 .2rem; } h2 { border-bottom: 1px solid var(--line); padding-bottom: .3rem; margin-top: 2rem; }
.sub { color: var(--muted); margin: 0 0 1rem; }
body.lang-zh .en, body.lang-en .zh { display: none; }
body.lang-both span.en:not(:first-child)::before { content: " / "; color: var(--muted); }
body.lang-both p.en, body.lang-both div.en { color: var(--muted); }
body.lang-both .when .zh { display: none; } body.lang-both .when span.en::before { content: none; }
table { border-collapse: collapse; margin: .5rem 0; width: 100%; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
button { font: inherit; padding: .35rem .9rem; border-radius: 6px; border: 1px solid var(--line);
         background: #f6f8fa; cursor: pointer; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
button:disabled { opacity: .6; cursor: progress; }
input[type=text] { font: inherit; padding: .3rem .5rem; width: 100%; max-width: 32rem;
                   border: 1px solid var(--line); border-radius: 6px; }
label { display: block; margin: .4rem 0 .2rem; }
.toggle button[aria-pressed=true] { background: var(--accent); color: #fff; }
.result { margin: .6rem 0; padding: .6rem .8rem; border-radius: 6px; display: none; }
.result.ok { display: block; background: #dafbe1; } .result.bad { display: block; background: #ffebe9; }
.pass { color: var(--ok); font-weight: 600; } .fail { color: var(--bad); font-weight: 600; }
.muted { color: var(--muted); } code { background: #f6f8fa; padding: 0 .2rem; border-radius: 4px; }
"""

SCRIPT = r"""
(function () {
  const CFG = JSON.parse(document.getElementById('dnn-lab-config').textContent);
  const TX = CFG.texts;
  const api = (p) => CFG.baseUrl + 'dnn-lab/api/' + p;

  const COLON = { zh: '：', en: ': ' };
  function bi(key, colon) {
    const frag = document.createDocumentFragment();
    for (const lang of ['zh', 'en']) {
      const s = document.createElement('span');
      s.className = lang;
      s.textContent = (TX[key] ? TX[key][lang] : key) + (colon ? COLON[lang] : '');
      frag.appendChild(s);
    }
    return frag;
  }
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const k of kids) e.append(k);
    return e;
  }
  function setLang(lang) {
    document.body.className = 'lang-' + lang;
    for (const b of document.querySelectorAll('.toggle button'))
      b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
    try { localStorage.setItem('dnn-lab-page-lang', lang); } catch (e) {}
  }
  async function call(method, path, body) {
    const opts = { method, credentials: 'same-origin',
                   headers: { 'X-XSRFToken': CFG.xsrf, 'Content-Type': 'application/json' } };
    if (body !== undefined) opts.body = JSON.stringify(body);
    const r = await fetch(api(path), opts);
    let data = {};
    try { data = await r.json(); } catch (e) { data = { error: 'internal' }; }
    if (!r.ok) throw data;
    return data;
  }
  function showError(box, err) {
    box.className = 'result bad';
    box.replaceChildren(el('strong', {}, bi('error')), ' ',
      bi('error.' + (err && err.error && TX['error.' + err.error] ? err.error : 'internal')));
    if (err && err.detail) box.append(' ', el('code', {}, err.detail));
  }
  function openLink(path) {
    return el('a', { href: CFG.baseUrl + 'lab/tree/' + path.split('/').map(encodeURIComponent).join('/'),
                     target: '_blank', 'data-path': path }, bi('open'));
  }
  async function busy(button, fn) {
    button.disabled = true;
    try { await fn(); } finally { button.disabled = false; }
  }

  for (const form of document.querySelectorAll('form.fresh')) {
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const box = form.querySelector('.result');
      busy(form.querySelector('button'), async () => {
        try {
          const d = await call('POST', 'fresh', { assignment: form.dataset.assignment,
            lang: form.elements.lang.value, folder: form.elements.folder.value.trim() });
          box.className = 'result ok';
          box.replaceChildren(bi('fresh.done'), ' ', el('code', { class: 'path' }, d.notebook), ' ', openLink(d.notebook));
        } catch (err) { showError(box, err); }
      });
    });
  }

  const repairForm = document.getElementById('repair-form');
  repairForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const box = repairForm.querySelector('.result');
    busy(repairForm.querySelector('button'), async () => {
      try {
        const d = await call('POST', 'repair', { path: repairForm.elements.path.value.trim() });
        box.className = 'result ok';
        const names = (key, ns) => {
          const div = el('div', { class: 'list-' + key }, el('strong', {}, bi('repair.' + key, true)));
          if (!ns.length) div.append(bi('none'));
          ns.forEach((n, i) => { if (i) div.append(', '); div.append(el('code', { class: 'name' }, n)); });
          return div;
        };
        box.replaceChildren(
          el('div', {}, bi('repair.done'), ' ', el('code', { class: 'path' }, d.target), ' ', openLink(d.target)),
          names('moved', d.moved), names('unchanged', d.unchanged), names('missing', d.missing));
        loadProgress();
      } catch (err) { showError(box, err); }
    });
  });

  // the browser's local time: 2026年12月7日 22:36 (zh), 2026-12-07 22:36 (en; both shows this one)
  function localTime(iso) {
    const frag = document.createDocumentFragment();
    if (!iso) return frag;
    const d = new Date(iso);
    const two = (n) => String(n).padStart(2, '0');
    const hm = two(d.getHours()) + ':' + two(d.getMinutes());
    const text = isNaN(d) ? { zh: iso, en: iso } : {
      zh: d.getFullYear() + '年' + (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + hm,
      en: d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + hm };
    for (const lang of ['zh', 'en']) frag.append(el('span', { class: lang, 'data-iso': iso }, text[lang]));
    return frag;
  }

  // a {zh, en} pair as two spans, shown by the page language like every bilingual text
  function pair(p) {
    const frag = document.createDocumentFragment();
    for (const lang of ['zh', 'en']) frag.append(el('span', { class: lang }, p[lang]));
    return frag;
  }

  async function loadProgress() {
    const box = document.getElementById('progress');
    try {
      const d = await call('GET', 'progress');
      box.replaceChildren();
      if (!d.folders.length) { box.append(el('p', { class: 'muted' }, bi('progress.empty'))); return; }
      for (const f of d.folders) {
        const sec = el('section', { class: 'progress-folder', 'data-folder': f.folder });
        sec.append(el('h3', {}, bi('progress.folder', true), el('code', {}, f.folder || '/')));
        if (f.notebooks.length) sec.append(el('p', { class: 'muted' }, bi('progress.notebooks', true), f.notebooks.join(', ')));
        if (f.error) { sec.append(el('p', { class: 'fail' }, bi('error.' + f.error))); box.append(sec); continue; }
        const head = el('tr', {}, ...['exercise', 'status', 'failed_step', 'hints', 'time'].map((k) => el('th', {}, bi(k))));
        const rows = f.exercises.map((x) => el('tr', { 'data-exercise': x.name },
          el('td', {}, el('code', {}, x.name)),
          el('td', { class: x.passed === true ? 'pass' : x.passed === false ? 'fail' : 'muted' },
             bi(x.passed === true ? 'passed' : x.passed === false ? 'failed' : 'unknown')),
          el('td', { 'data-step': x.failed_step || '' }, x.failed_step_label ? pair(x.failed_step_label) : ''),
          el('td', { 'data-hints': x.hints.join(' ') }, ...(x.hint_texts || []).map((h) => el('div', {}, pair(h)))),
          el('td', { class: 'muted when' }, localTime(x.time))));
        sec.append(el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)));
        box.append(sec);
      }
    } catch (err) { showError(box, err); box.style.display = 'block'; }
  }

  for (const b of document.querySelectorAll('.toggle button')) b.addEventListener('click', () => setLang(b.dataset.lang));
  let saved = null;
  try { saved = localStorage.getItem('dnn-lab-page-lang'); } catch (e) {}
  setLang(['zh', 'en', 'both'].includes(saved) ? saved : CFG.lang);
  document.getElementById('progress-refresh').addEventListener('click', loadProgress);
  loadProgress();
  document.body.dataset.ready = 'true';
})();
"""


COLON = {"zh": "：", "en": ": "}


def bi(key, tag="span", colon=False, **attrs):
    """Both languages of ``key`` as sibling elements; CSS shows the chosen one(s). ``colon``: each ends
    with its language's colon."""
    extra = "".join(f' {k.rstrip("_")}="{escape(str(v))}"' for k, v in attrs.items())
    return "".join(f'<{tag} class="{lang}"{extra}>{escape(TEXTS[key][lang] + (COLON[lang] if colon else ""))}</{tag}>'
                   for lang in ("zh", "en"))


def plain(key, lang):
    """``key`` as plain text in the page's language (both: "zh / en"), for places without spans."""
    entry = TEXTS[key]
    return entry[lang] if lang in ("zh", "en") else f"{entry['zh']} / {entry['en']}"


def _lang_options(langs, page_lang):
    default = page_lang if page_lang in langs else ("both" if "both" in langs else langs[0])
    return "".join(f'<option value="{lang}"{" selected" if lang == default else ""}>'
                   f'{escape(plain("lang." + lang, page_lang))}</option>' for lang in langs)


def render_page(base_url, xsrf_token, assignments, lang="both"):
    """The whole page in ``lang`` (the lab's language: zh, en or both; the toggle switches it, and it is
    the fresh-copy default). ``assignments``: [{"name", "langs"}] as the API returns them."""
    if lang not in ("zh", "en", "both"):
        lang = "both"
    rows, forms = [], []
    for a in assignments:
        name = escape(a["name"])
        langs = " · ".join(escape(plain("lang." + code, lang)) for code in a["langs"])
        rows.append(f"<tr><td><code>{name}</code></td><td>{langs}</td></tr>")
        forms.append(f"""
<form class="fresh" data-assignment="{name}">
  <h3><code>{name}</code></h3>
  <label>{bi("languages")}</label>
  <select name="lang">{_lang_options(a["langs"], lang)}</select>
  <label>{bi("folder")}</label>
  <input type="text" name="folder" value="" placeholder="my-work">
  <p><button type="submit" class="primary fresh-button">{bi("fresh")}</button></p>
  <div class="result" role="status"></div>
</form>""")
    config = {"baseUrl": base_url, "xsrf": xsrf_token, "texts": TEXTS, "lang": lang}
    # "</" must not close the script element early
    config_json = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="{"en" if lang == "en" else "zh-Hans"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(plain("title", lang).replace(" / ", " · "))}</title>
<style>{CSS}</style>
</head>
<body class="lang-{lang}" data-lab-lang="{lang}">
<header>
  <h1>{bi("title")}</h1>
  <p class="sub">{bi("subtitle")}</p>
  <div class="toggle" role="group">
    {bi("language", colon=True)}
    <button type="button" data-lang="zh">中文</button>
    <button type="button" data-lang="en">English</button>
    <button type="button" data-lang="both">中文 + English</button>
  </div>
</header>

<h2>{bi("assignments")}</h2>
<table id="assignments"><thead><tr><th>{bi("assignment")}</th><th>{bi("languages")}</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>

<h2>{bi("fresh")}</h2>
{bi("fresh.help", tag="p")}
{"".join(forms)}

<h2>{bi("repair")}</h2>
{bi("repair.help", tag="p")}
<form id="repair-form">
  <label>{bi("repair.path")}</label>
  <input type="text" name="path" placeholder="step_by_step.ipynb">
  <p><button type="submit" class="primary" id="repair-button">{bi("repair")}</button></p>
  <div class="result" role="status"></div>
</form>

<h2>{bi("progress")}</h2>
{bi("progress.help", tag="p")}
<p><button type="button" id="progress-refresh">{bi("progress.refresh")}</button></p>
<div id="progress"></div>

<script type="application/json" id="dnn-lab-config">{config_json}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""
