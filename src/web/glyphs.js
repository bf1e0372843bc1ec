// Every character a page shows gets a glyph: the common face (site.css) covers GB 2312 and the
// pages' own text; characters outside it (workers' rare names, CJK Extension B) get glyphs from
// small subsets the service makes for this page. The characters go in a POST body, so they are
// in no URL, and the answer is not cached.

/** Characters already asked for (the whole set is asked again when it grows, and replaces the faces). */
const seen = new Set();
/** @type {FontFace[]} */
let loaded = [];
let timer = 0;
let asking = Promise.resolve();
// The service takes at most 2000 UTF-16 units; a page shows far fewer distinct characters.
const limit = 900;

/** @param {string} text */
function collect(text) {
  let grew = false;
  for (const c of text) {
    if (c.codePointAt(0) > 0x7f && !seen.has(c) && seen.size < limit) {
      seen.add(c);
      grew = true;
    }
  }
  return grew;
}

function scan() {
  let text = document.title + (document.body?.textContent ?? '');
  for (const field of document.querySelectorAll('input, textarea')) {
    const input = /** @type {HTMLInputElement} */ (field);
    text += input.value + input.placeholder;
  }
  if (collect(text)) asking = asking.then(ask);
}

async function ask() {
  const response = await fetch('/assets/fonts/rare', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: [...seen].join('') }), cache: 'no-store' });
  if (!response.ok) return;
  /** @type {{ faces: { family: string, woff2: string }[] }} */
  const { faces } = await response.json();
  const fresh = await Promise.all(
    faces.map((face) =>
      new FontFace(
        face.family,
        Uint8Array.from(atob(face.woff2), (c) => c.charCodeAt(0)),
      ).load(),
    ),
  );
  for (const old of loaded) document.fonts.delete(old);
  for (const face of fresh) document.fonts.add(face);
  loaded = fresh;
  document.documentElement.dataset.rareGlyphs = String(seen.size);
}

function later() {
  clearTimeout(timer);
  timer = setTimeout(scan, 30);
}

new MutationObserver(later).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
document.addEventListener('input', later);
scan();
