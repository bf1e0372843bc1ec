// The console's workforce views: the roster (职工名册) with hires and separations, and the
// self-check (自查) alerts about the employer's own workforce. Both lists are cursor-paged by the
// API; the pages already seen keep their cursors so 上一页 goes back.
import { $, control, esc } from './dom.js';

const pageSize = 20;
const formNames = { labor_contract: '劳动合同', dispatch: '劳务派遣', part_time: '非全日制' };
const separationNames = { layoff: '裁减人员', resignation: '辞职', expiry: '合同期满', other: '其他' };
const severityNames = { error: '违规', warning: '提醒', info: '提示' };

/** A cursor-paged list: `cursors[i]` is the `after` of page i + 1 (page 1 has none). */
function pager() {
  return { page: 1, cursors: [undefined], next: null };
}
const roster = pager();
const alerts = pager();

/**
 * @param {{ page: number, cursors: (string | undefined)[], next: string | null }} state
 * @param {string} prefix the ids' prefix (r- or a-)
 */
function showPager(state, prefix) {
  $(`${prefix}page-no`).textContent = `第 ${state.page} 页`;
  control(`${prefix}prev`).disabled = state.page <= 1;
  control(`${prefix}next`).disabled = !state.next;
}

/** @param {(url: string, options?: { method?: string, body?: unknown }) => Promise<any>} json */
export async function listRoster(json) {
  const query = new URLSearchParams({ limit: String(pageSize) });
  const after = roster.cursors[roster.page - 1];
  if (after) query.set('after', after);
  for (const [key, id] of [
    ['status', 'r-status'],
    ['contract', 'r-contract'],
  ])
    if (control(id).value) query.set(key, control(id).value);
  const { items, next } = await json(`/api/v1/roster/entries?${query}`);
  roster.next = next;
  roster.cursors[roster.page] = next ?? undefined;
  $('roster-rows').innerHTML = items.length
    ? items
        .map(
          (e) =>
            `<tr><td class="who">${esc(e.worker.name)}</td><td class="sha">${esc(e.worker.idNumber)}</td><td>${esc(formNames[e.employmentForm] ?? e.employmentForm)}</td><td>${esc(e.post ?? '')}</td><td>${esc(e.hireDate)}</td><td>${e.separationDate ? `${esc(e.separationDate)}（${esc(separationNames[e.separationKind] ?? e.separationKind ?? '')}）` : '在职'}</td><td>${e.writtenContract ? `<a href="#/contracts/${esc(e.writtenContract.id)}">${esc(e.writtenContract.number)}</a>` : '<span class="bad">未订立书面合同</span>'}</td></tr>`,
        )
        .join('')
    : '<tr><td colspan="7" class="lead">名册中没有符合条件的职工。</td></tr>';
  showPager(roster, 'r-');
}

/** @param {(url: string, options?: { method?: string, body?: unknown }) => Promise<any>} json */
export async function listAlerts(json) {
  const query = new URLSearchParams({ limit: String(pageSize) });
  const after = alerts.cursors[alerts.page - 1];
  if (after) query.set('after', after);
  if (control('a-as-of').value) query.set('asOf', control('a-as-of').value);
  const report = await json(`/api/v1/roster/self-check?${query}`);
  alerts.next = report.next;
  alerts.cursors[alerts.page] = report.next ?? undefined;
  const rate = report.signing.rate === undefined ? '—' : `${Math.round(report.signing.rate * 1000) / 10}%`;
  $('a-summary').innerHTML =
    `<dt>统计日期</dt><dd>${esc(report.asOf)}</dd><dt>在职人数</dt><dd>${report.headcount.active}（劳务派遣 ${report.headcount.dispatchedIn}，非全日制 ${report.headcount.partTime}）</dd><dt>书面合同签订率</dt><dd>${esc(rate)}（应签 ${report.signing.required}，已签 ${report.signing.signed}）</dd><dt>提醒事项</dt><dd>${report.total} 项</dd>`;
  $('alert-rows').innerHTML = report.items.length
    ? report.items
        .map(
          (a) =>
            `<tr><td><span class="status ${a.severity === 'error' ? 'voided' : 'sent'}">${esc(severityNames[a.severity] ?? a.severity)}</span></td><td>${esc(a.messageZh)}</td><td>${esc(a.article)}</td><td class="who">${a.worker ? esc(a.worker.name) : '—'}</td><td>${a.contractId ? `<a href="#/contracts/${esc(a.contractId)}">查看合同</a>` : ''}</td></tr>`,
        )
        .join('')
    : '<tr><td colspan="5" class="ok">没有需要处理的事项。</td></tr>';
  showPager(alerts, 'a-');
}

/** A hire (用工备案) or a separation from the roster view's forms. */
export async function hire(json) {
  const body = {
    worker: { name: control('h-name').value.trim(), idNumber: control('h-id').value.trim().toUpperCase(), ...(control('h-phone').value.trim() ? { phone: control('h-phone').value.trim() } : {}) },
    hireDate: control('h-date').value,
    employmentForm: control('h-form').value,
    ...(control('h-post').value.trim() ? { post: control('h-post').value.trim() } : {}),
  };
  await json('/api/v1/roster/hires', { method: 'POST', body });
  restart(roster);
  return `${body.worker.name} 的用工备案已登记。`;
}

export async function separate(json) {
  const body = { idNumber: control('s-id').value.trim().toUpperCase(), separationDate: control('s-date').value, kind: control('s-kind').value };
  await json('/api/v1/roster/separations', { method: 'POST', body });
  restart(roster);
  return '离职已登记。';
}

/** @param {{ page: number, cursors: (string | undefined)[], next: string | null }} state */
function restart(state) {
  state.page = 1;
  state.cursors = [undefined];
  state.next = null;
}
export const restartRoster = () => restart(roster);
export const restartAlerts = () => restart(alerts);

/**
 * Moves a list a page forward or back.
 * @param {'roster' | 'alerts'} which
 * @param {1 | -1} step
 */
export function turn(which, step) {
  const state = which === 'roster' ? roster : alerts;
  state.page = Math.max(1, state.page + step);
}
