// The layout checks, run inside a page by tests/e2e/layout.py (page.evaluate(thisFile, options)).
//
// What a person sees as broken, measured on the laid-out page:
//   wide      elements that stick out of the screen sideways (the page, or a box inside a
//             scrolling container: both mean scrolling sideways to read);
//   overlaps  two visible pieces of text or controls covering each other (text is measured by
//             its own glyph boxes, line by line, not by its element's box);
//   covered   text of the first screen hidden under another box (the element found at its
//             centre is neither the text's own element nor related to it);
//   squeezed  text broken one or two characters a line (a column too narrow for its words:
//             滨 / 江 / 花 / 园), by its line boxes;
//   small     links, buttons and fields smaller than options.minTarget CSS px in either
//             direction (WCAG 2.5.8; links inside a sentence are exempt, as WCAG exempts them);
//   texts     the visible text of the page, piece by piece, with where it sits, for the
//             language check (done in Python against the stored content): text marked as
//             another language (lang="…", as the language switch is), translate="no" (names
//             and codes), code/kbd/samp is left out.
(options) => {
  const W = document.documentElement.clientWidth;
  const H = window.innerHeight;
  const out = {scrollWidth: document.documentElement.scrollWidth, width: W,
               wide: [], overlaps: [], covered: [], squeezed: [], small: [], texts: []};
  const LIMIT = 15;

  const labelOf = (el) => {
    if (['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) {
      if (['submit', 'button', 'reset'].includes(el.type) && el.value) return el.value;
      return el.getAttribute('aria-label') || (el.labels && el.labels[0] ? el.labels[0].innerText : '') ||
        el.getAttribute('placeholder') || el.getAttribute('name') || '';
    }
    return el.innerText || el.getAttribute('aria-label') || el.getAttribute('alt') || '';
  };
  const describe = (el) => {
    if (!el || el.nodeType !== 1) return '?';
    let s = el.tagName.toLowerCase();
    if (el.tagName === 'INPUT') s += `[${el.type}]`;
    if (el.id) s += '#' + el.id;
    const cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean) : [];
    if (cls.length) s += '.' + cls.slice(0, 3).join('.');
    const text = (labelOf(el) || '').trim().replace(/\s+/g, ' ');
    if (text) s += ' "' + text.slice(0, 30) + (text.length > 30 ? '…' : '') + '"';
    return s;
  };

  // Shown: has a box, is not transparent or invisible (checkVisibility looks at the ancestors
  // too), is not inside a closed <details> (except its summary) and not clipped away as
  // visually-hidden text for screen readers is.
  const clipCache = new Map();
  const clippedAway = (el) => {
    if (!el || el === document.body) return false;
    if (!clipCache.has(el)) {
      const s = getComputedStyle(el);
      const own = (s.clip && s.clip.startsWith('rect(0')) || /inset\(50%|circle\(0/.test(s.clipPath || '');
      clipCache.set(el, own || clippedAway(el.parentElement));
    }
    return clipCache.get(el);
  };
  const shown = (el) => {
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true})) return false;
    const closed = el.closest('details:not([open])');
    if (closed && !closed.querySelector(':scope > summary')?.contains(el)) return false;
    return !clippedAway(el);
  };
  const boxes = (el) => [...el.getClientRects()].filter(r => r.width >= 1 && r.height >= 1);

  // ---- wide: outermost elements sticking out of the screen ------------------------------
  // An ancestor that clips (overflow hidden/clip) hides what sticks out; one that scrolls
  // (auto/scroll) makes people scroll sideways inside the page, which counts.
  const clippedBy = (el) => {
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (/hidden|clip/.test(s.overflowX)) {
        const r = a.getBoundingClientRect();
        if (r.right <= W + 1 && r.left >= -1) return true;
      }
    }
    return false;
  };
  const sticksOut = (r) => r.width >= 1 && r.height >= 1 && r.right > 0 && (r.right > W + 1 || r.left < -1);
  for (const el of document.body.querySelectorAll('*')) {
    if (out.wide.length >= LIMIT) break;
    const r = el.getBoundingClientRect();
    if (!sticksOut(r)) continue;
    const p = el.parentElement;
    if (p && p !== document.body && sticksOut(p.getBoundingClientRect()) && shown(p)) continue;
    if (!shown(el) || clippedBy(el)) continue;
    out.wide.push(`${describe(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} px`);
  }

  // ---- the pieces: text (by glyph boxes) and controls ----------------------------------
  const CONTROLS = 'a[href],button,input:not([type=hidden]),select,textarea,summary,img,svg,canvas,video,iframe,[role=button]';
  const pieces = [];  // {el, rects, text}
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT,
  });
  const range = document.createRange();
  const shownCache = new Map();
  const isShown = (el) => {
    if (!shownCache.has(el)) shownCache.set(el, shown(el));
    return shownCache.get(el);
  };
  // Text drawn in SVG (the charts) may be rotated: its glyph box is a quadrilateral, taken
  // from the text's own box and its transform to the screen.
  const quadOf = (el) => {
    const b = el.getBBox(), m = el.getScreenCTM();
    if (!m || b.width < 1 || b.height < 1) return null;
    const pt = (x, y) => ({x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f});
    return [pt(b.x, b.y), pt(b.x + b.width, b.y), pt(b.x + b.width, b.y + b.height), pt(b.x, b.y + b.height)];
  };
  const aabb = (q) => {
    const xs = q.map(p => p.x), ys = q.map(p => p.y);
    const left = Math.min(...xs), top = Math.min(...ys), right = Math.max(...xs), bottom = Math.max(...ys);
    return {left, top, right, bottom, width: right - left, height: bottom - top};
  };
  // What a box shows is cut by every ancestor that clips (overflow other than visible) and,
  // in SVG, by clip paths (a chart's scrolling legend hides the items of its other pages so).
  const clipBoxCache = new Map();
  const cut = (a, b) => {
    if (!a || !b) return a || b;
    const left = Math.max(a.left, b.left), top = Math.max(a.top, b.top);
    const right = Math.min(a.right, b.right), bottom = Math.min(a.bottom, b.bottom);
    return {left, top, right, bottom, width: Math.max(0, right - left), height: Math.max(0, bottom - top)};
  };
  const clipBox = (el) => {
    if (!el || el === document.documentElement || el === document.body) return null;
    if (clipBoxCache.has(el)) return clipBoxCache.get(el);
    let box = clipBox(el.parentElement);
    const s = getComputedStyle(el);
    if (el instanceof SVGElement) {
      const m = /url\("?#([^")]+)"?\)/.exec(s.clipPath || '');
      const shape = m && document.getElementById(m[1])?.firstElementChild;
      const ctm = el.getScreenCTM && el.getScreenCTM();
      if (shape && shape.getBBox && ctm) {
        const own = shape.transform?.baseVal?.consolidate();
        const t = own ? ctm.multiply(own.matrix) : ctm;
        const b = shape.getBBox();
        const pt = (x, y) => ({x: t.a * x + t.c * y + t.e, y: t.b * x + t.d * y + t.f});
        box = cut(box, aabb([pt(b.x, b.y), pt(b.x + b.width, b.y), pt(b.x + b.width, b.y + b.height), pt(b.x, b.y + b.height)]));
      }
    } else if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
      box = cut(box, el.getBoundingClientRect());
    }
    clipBoxCache.set(el, box);
    return box;
  };
  const seenPart = (el, r) => {
    const box = clipBox(el);
    if (!box) return r;
    const c = cut(r, box);
    return c.width >= 1 && c.height >= 1 ? c : null;
  };
  const textNodes = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('script,style,noscript,template,title') || !isShown(el)) continue;
    textNodes.push(n);
    if (el instanceof SVGGraphicsElement) {
      const quad = quadOf(el);
      // Clipped away when its centre is outside what its clip shows.
      const box = quad && aabb(quad);
      if (box && seenPart(el, {left: box.left + box.width / 2 - 0.5, top: box.top + box.height / 2 - 0.5,
                               right: box.left + box.width / 2 + 0.5, bottom: box.top + box.height / 2 + 0.5,
                               width: 1, height: 1}))
        pieces.push({el, rects: [box], quad, text: n.textContent.trim()});
      continue;
    }
    range.selectNodeContents(n);
    const rects = [...range.getClientRects()].filter(r => r.width >= 1 && r.height >= 1)
      .map(r => seenPart(el, r)).filter(Boolean);
    if (rects.length) pieces.push({el, rects, text: n.textContent.trim()});
  }
  // Controls are measured by their box (a button's border, a field), except links with text,
  // which are their text: a link's box is only its text's.
  for (const el of document.body.querySelectorAll(CONTROLS)) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    if (el.tagName === 'A' && el.innerText.trim()) continue;
    if (!isShown(el)) continue;
    const rects = boxes(el).map(r => seenPart(el, r)).filter(Boolean);
    if (rects.length) pieces.push({el, rects, text: null});
  }

  // ---- overlaps: sweep over the boxes sorted by their top edge -------------------------
  const flat = [];
  pieces.forEach((p, i) => p.rects.forEach(r => flat.push({i, r})));
  flat.sort((a, b) => a.r.top - b.r.top);
  const related = (a, b) => a === b || a.contains(b) || b.contains(a);
  // Two quadrilaterals collide when they overlap, on every axis of either (separating axis
  // theorem), by more than 3 px and 30 % of the thinner one's height: text that merely
  // touches its neighbour, as rotated axis labels do, is not a collision.
  const corners = (r) => [{x: r.left, y: r.top}, {x: r.right, y: r.top}, {x: r.right, y: r.bottom}, {x: r.left, y: r.bottom}];
  const side = (q, i) => Math.hypot(q[i + 1].x - q[i].x, q[i + 1].y - q[i].y);
  const quadsCollide = (qa, qb) => {
    const need = Math.max(3, 0.3 * Math.min(side(qa, 1), side(qb, 1), side(qa, 0), side(qb, 0)));
    for (const q of [qa, qb]) {
      for (let i = 0; i < 2; i++) {
        const dx = q[i + 1].x - q[i].x, dy = q[i + 1].y - q[i].y, len = Math.hypot(dx, dy) || 1;
        const ax = dx / len, ay = dy / len;
        const proj = (p) => p.x * ax + p.y * ay;
        const pa = qa.map(proj), pb = qb.map(proj);
        const overlap = Math.min(Math.max(...pa), Math.max(...pb)) - Math.max(Math.min(...pa), Math.min(...pb));
        if (overlap <= need) return false;
      }
    }
    return true;
  };
  const seen = new Set();
  const name = (p) => p.text !== null
    ? `"${p.text.slice(0, 24)}" (${describe(p.el).split(' "')[0]})` : describe(p.el);
  const ids = new Map();
  const idOf = (el) => { if (!ids.has(el)) ids.set(el, ids.size); return ids.get(el); };
  for (let x = 0; x < flat.length && out.overlaps.length < LIMIT; x++) {
    const A = flat[x];
    for (let y = x + 1; y < flat.length && flat[y].r.top < A.r.bottom; y++) {
      const B = flat[y];
      const pa = pieces[A.i], pb = pieces[B.i];
      if (related(pa.el, pb.el)) continue;
      if (pa.quad || pb.quad) {
        if (!quadsCollide(pa.quad || corners(A.r), pb.quad || corners(B.r))) continue;
      } else {
        const w = Math.min(A.r.right, B.r.right) - Math.max(A.r.left, B.r.left);
        const h = Math.min(A.r.bottom, B.r.bottom) - Math.max(A.r.top, B.r.top);
        if (w <= 3 || h <= Math.max(3, 0.3 * Math.min(A.r.height, B.r.height))) continue;
      }
      const [i, j] = [idOf(pa.el), idOf(pb.el)].sort((a, b) => a - b);
      if (seen.has(i + ',' + j)) continue;
      seen.add(i + ',' + j);
      out.overlaps.push(`${name(pa)} overlaps ${name(pb)}`);
      if (out.overlaps.length >= LIMIT) break;
    }
  }

  // ---- covered: first-screen text under another (opaque) box ---------------------------
  // The box found paints over the text when it, or an ancestor below the one it shares with
  // the text, has a background or is an image (a transparent layer hides nothing).
  const paintsOver = (top, el) => {
    for (let a = top; a && !a.contains(el); a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.backgroundImage !== 'none' || !/^(transparent|rgba\(.*,\s*0\))$/.test(s.backgroundColor)) return true;
      if (['IMG', 'CANVAS', 'VIDEO', 'IFRAME', 'svg'].includes(a.tagName)) return true;
    }
    return false;
  };
  for (const p of pieces) {
    if (out.covered.length >= LIMIT) break;
    if (p.text === null) continue;
    const r = p.rects[0];
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    if (cx < 0 || cx >= W || cy < 0 || cy >= H) continue;
    const top = document.elementFromPoint(cx, cy);
    if (!top || related(top, p.el) || !paintsOver(top, p.el)) continue;
    out.covered.push(`${name(p)} is under ${describe(top)}`);
  }

  // ---- squeezed: words broken a character or two a line --------------------------------
  for (const p of pieces) {
    if (out.squeezed.length >= LIMIT) break;
    if (p.text === null || p.quad) continue;
    const lines = new Set(p.rects.map(r => Math.round(r.top))).size;
    const chars = [...p.text.replace(/\s+/g, '')].length;
    if (lines >= 2 && chars >= 2 && chars / lines <= 1.5)
      out.squeezed.push(`${name(p)} on ${lines} lines`);
  }

  // ---- small targets --------------------------------------------------------------------
  if (options.minTarget) {
    const blockOf = (el) => {
      for (let a = el.parentElement; a; a = a.parentElement)
        if (!getComputedStyle(a).display.startsWith('inline')) return a;
      return document.body;
    };
    // WCAG 2.5.8's inline exception: a link in a sentence (its block holds other words).
    const inSentence = (el) => {
      if (el.tagName !== 'A' || !getComputedStyle(el).display.startsWith('inline')) return false;
      const block = blockOf(el);
      let rest = block.innerText || '';
      for (const t of block.querySelectorAll('a,button')) rest = rest.replace(t.innerText || '', ' ');
      return /[\p{L}\p{N}]{2,}/u.test(rest);
    };
    for (const el of document.body.querySelectorAll('a[href],button,input:not([type=hidden]),select,textarea,summary,[role=button]')) {
      if (out.small.length >= LIMIT) break;
      if (!isShown(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || r.right <= 0) continue;  // off-screen (skip link)
      if (r.width >= options.minTarget && r.height >= options.minTarget) continue;
      if (inSentence(el)) continue;
      out.small.push(`${describe(el)} ${Math.round(r.width)}×${Math.round(r.height)} px`);
    }
  }

  // ---- texts for the language check -----------------------------------------------------
  const pageLang = (document.documentElement.lang || '').toLowerCase().split('-')[0];
  const otherLanguage = (el) => {
    const marked = el.closest('[lang]');
    return marked && marked !== document.documentElement &&
      marked.getAttribute('lang').toLowerCase().split('-')[0] !== pageLang;
  };
  const exempt = (el) => otherLanguage(el) || el.closest('[translate=no],code,kbd,samp');
  for (const n of textNodes) {
    const el = n.parentElement;
    if (exempt(el)) continue;
    out.texts.push({text: n.textContent.replace(/\s+/g, ' ').trim(), where: describe(el).split(' "')[0]});
  }
  for (const el of document.body.querySelectorAll('[placeholder],[aria-label],img[alt],input[type=submit][value],input[type=button][value]')) {
    if (exempt(el) || !isShown(el)) continue;
    for (const attr of ['placeholder', 'aria-label', 'alt', 'value']) {
      if (attr === 'value' && el.tagName !== 'INPUT') continue;
      const v = (el.getAttribute(attr) || '').trim();
      if (v) out.texts.push({text: v, where: `${describe(el).split(' "')[0]} [${attr}]`});
    }
  }
  if (document.title.trim()) out.texts.push({text: document.title.trim(), where: 'title'});
  return out;
}
