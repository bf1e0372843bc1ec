// The console's seal view: the seal image (previewed before it is uploaded) and the
// authorisations for automatic sealing (batches). Changing either is sealing: only roles that may
// seal see usable controls, and the API refuses the others (src/domain/staff-roles.ts).
import { $, control, esc } from './dom.js';

const beijing = (iso) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

/**
 * @param {(url: string, options?: { method?: string, body?: unknown }) => Promise<any>} json
 * @param {{ id: string, title: string }[]} templates
 * @param {boolean} maySeal
 */
export async function showSeal(json, templates, maySeal) {
  for (const id of ['seal-file', 'seal-upload', 'g-by', 'g-from', 'g-until', 'g-submit']) control(id).disabled = !maySeal;
  $('seal-role').classList.toggle('hidden', maySeal);
  if (!$('g-templates').childElementCount) {
    $('g-templates').innerHTML = templates.map((t) => `<label class="check"><input type="checkbox" value="${esc(t.id)}"> ${esc(t.title)}</label>`).join('');
  }
  // Another user may have signed in since the list was made.
  for (const input of $('g-templates').querySelectorAll('input')) /** @type {HTMLInputElement} */ (input).disabled = !maySeal;
  const titles = new Map(templates.map((t) => [t.id, t.title]));
  const { items } = await json('/api/v1/seal-authorisations');
  $('g-rows').innerHTML = items.length
    ? items
        .map(
          (a) =>
            `<tr><td>${a.templateIds.map((id) => esc(titles.get(id) ?? id)).join('、')}</td><td>${esc(beijing(a.validFrom))} 至 ${esc(beijing(a.validUntil))}</td><td>${esc(a.grantedBy)}</td><td>${a.revokedAt ? `已撤销（${esc(a.revokedBy ?? '')}）` : maySeal ? `<button type="button" data-revoke="${esc(a.id)}">撤销</button>` : '有效'}</td></tr>`,
        )
        .join('')
    : '<tr><td colspan="4" class="lead">尚未授权自动盖章。</td></tr>';
}

/** Shows the chosen image before anything is uploaded. */
export function previewSeal() {
  const file = control('seal-file').files?.[0];
  const image = /** @type {HTMLImageElement} */ ($('seal-preview'));
  if (image.src) URL.revokeObjectURL(image.src);
  image.classList.toggle('hidden', !file);
  if (file) image.src = URL.createObjectURL(file);
}

/** @param {(url: string, options?: { method?: string, body?: unknown }) => Promise<any>} json */
export async function uploadSeal(json) {
  const file = control('seal-file').files?.[0];
  if (!file) throw '请先选择印章图片（PNG 或 JPEG，不超过 1 MB）。';
  if (file.size > 1024 * 1024) throw '印章图片不能超过 1 MB。';
  const { sha256 } = await json('/api/v1/employers/me/seal-image', { method: 'PUT', body: file });
  return `印章图片已上传（SHA-256 ${sha256.slice(0, 12)}…），此后盖章使用该图片。`;
}

/** @param {(url: string, options?: { method?: string, body?: unknown }) => Promise<any>} json */
export async function grant(json) {
  const templateIds = [...document.querySelectorAll('#g-templates input:checked')].map((input) => /** @type {HTMLInputElement} */ (input).value);
  if (!templateIds.length) throw '请选择授权自动盖章的合同模板。';
  const from = control('g-from').value;
  const until = control('g-until').value;
  if (!from || !until) throw '请填写授权的起止日期。';
  // Whole days in Beijing time: from the first day's start to the last day's end.
  const body = { templateIds, validFrom: `${from}T00:00:00+08:00`, validUntil: `${until}T23:59:59+08:00`, grantedBy: control('g-by').value.trim() };
  await json('/api/v1/seal-authorisations', { method: 'POST', body });
  return '已授权自动盖章。';
}

/**
 * @param {(url: string, options?: { method?: string, body?: unknown }) => Promise<any>} json
 * @param {string} id
 */
export async function revoke(json, id) {
  const revokedBy = prompt('撤销人（姓名及职务）') ?? '';
  if (revokedBy.trim().length < 2) throw '请填写撤销人。';
  await json(`/api/v1/seal-authorisations/${id}/revoke`, { method: 'POST', body: { revokedBy: revokedBy.trim() } });
  return '授权已撤销，自动盖章立即停止。';
}
