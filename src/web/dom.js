// Small helpers every page shares: element lookup, HTML escaping, saving a fetched file.
export const $ = (id) => document.getElementById(id);

export const esc = (text) => String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** Saves a fetched response as a download (fetch, not a link, because the API needs the key header). */
export async function saveDownload(response, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}
