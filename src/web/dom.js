// Small helpers every page shares: element lookup, HTML escaping, saving a fetched file.
/**
 * The element with this id; every id a page looks up is in its markup.
 * @param {string} id
 */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * The form control with this id (an input, select, textarea or button) for `value`, `checked`,
 * `files` and `disabled`; typed as an input, whose type has all four.
 * @param {string} id
 */
export const control = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/** @param {unknown} text */
export const esc = (text) => String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** Saves a fetched response as a download (fetch, not a link, because the API needs the key header). */
/**
 * @param {Response} response
 * @param {string} name
 */
export async function saveDownload(response, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * The button matching `selector` that an event happened in, if any (lists delegate their buttons' clicks).
 * @param {Event} event
 * @param {string} selector
 */
export const buttonOf = (event, selector) => /** @type {HTMLButtonElement | null} */ (/** @type {Element} */ (event.target).closest(selector));
