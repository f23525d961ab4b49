// Small DOM helpers shared by the views.

// h('div.card#id', {onclick, class, style, dataset...}, children...): one element.
export function h(spec, attrs, ...children) {
  const tag = /^[a-z0-9]*/i.exec(spec)[0] || 'div';
  const id = /#([\w-]+)/.exec(spec);
  const classes = [...spec.matchAll(/\.([\w-]+)/g)].map((m) => m[1]);
  const el = document.createElement(tag);
  if (id) el.id = id[1];
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className += (el.className ? ' ' : '') + v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else if (k in el && k !== 'list' && k !== 'form') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Replaces the children of `el`.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A short message at the bottom of the screen, gone after a few seconds.
export function toast(text, kind = 'info', ms = 3500) {
  let box = document.getElementById('toasts');
  if (!box) {
    box = h('div#toasts', { role: 'status', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const t = h('div.toast', { class: kind, text });
  box.append(t);
  setTimeout(() => {
    t.classList.add('gone');
    setTimeout(() => t.remove(), 300);
  }, ms);
}

// Whether system fonts can draw the Chinese piece names. Without a CJK font Chromium draws the
// same "missing glyph" box for every character, so two different characters rendering to the same
// pixels means no glyphs: the board then uses Latin letters (WXF: K A E H R C P).
export const CJK_FONTS =
  '"AR PL UKai CN", "AR PL UKai TW", KaiTi, STKaiti, "Kaiti SC", "Kaiti TC", BiauKai, ' +
  '"Noto Serif CJK SC", "Noto Serif CJK TC", "Source Han Serif SC", "Songti SC", SimSun, ' +
  '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC"';

export function detectCjk() {
  try {
    const c = document.createElement('canvas');
    c.width = 40;
    c.height = 40;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    const draw = (ch) => {
      ctx.clearRect(0, 0, 40, 40);
      ctx.font = `32px ${CJK_FONTS}, serif`;
      ctx.textBaseline = 'top';
      ctx.fillText(ch, 2, 2);
      return ctx.getImageData(0, 0, 40, 40).data.join(',');
    };
    const a = draw('帥');
    return a !== draw('將') && a !== draw('\u0378');
  } catch {
    return false;
  }
}

export function formatClock(ms) {
  ms = Math.max(0, ms);
  if (ms < 10000) {
    const tenths = Math.floor(ms / 100);
    return `0:0${Math.floor(tenths / 10)}.${tenths % 10}`;
  }
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

// "5+3" -> base time in ms (300000); null when unreadable.
export function tcBaseMs(tc) {
  const m = /^(\d+(?:\.\d+)?)\+(\d+)$/.exec(String(tc || ''));
  return m ? Math.round(parseFloat(m[1]) * 60000) : null;
}

export function playerLabel(p) {
  if (!p) return '?';
  if (typeof p === 'string') return p;
  if (p.ai) return `${p.name || 'AI'}${p.level ? ` (level ${p.level})` : ''}`;
  return p.name || '?';
}

export function playerRating(p) {
  return p && typeof p === 'object' && !p.ai && p.rating != null ? Math.round(p.rating) : null;
}
