// The employer's batch page: choose a template, download its example sheet, upload the filled
// sheet, see refused rows at once and the progress live (server-sent events read through fetch,
// since EventSource cannot send the API key), then the error report and the contracts.
import { $, esc, saveDownload } from './dom.js';
const batchKinds = ['labor_contract', 'dispatch', 'platform_work', 'internal_retirement'];
const statusNames = { sealed: '已盖章', sent: '已发送签署短信', signed: '已签署' };
const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let key = sessionStorage.getItem('employer-key');
let batchId;
let idempotencyKey;

function showError(problem) {
  const first = problem?.errors?.[0];
  $('alert').textContent = first ? `${first.field}：${first.messageZh ?? first.message}` : problem?.status === 403 ? '需要先授权该模板的自动盖章（POST /api/v1/seal-authorisations）' : problem?.detail ?? problem?.title ?? '操作失败，请稍后重试';
  $('alert').classList.remove('hidden');
}
const clearError = () => $('alert').classList.add('hidden');

async function api(url, options = {}) {
  const response = await fetch(url, { ...options, headers: { authorization: `Bearer ${key}`, ...(options.headers ?? {}) } });
  if (!response.ok) throw { status: response.status, ...(await response.json().catch(() => ({}))) };
  return response;
}

async function logIn() {
  try {
    const me = await (await api('/api/v1/me')).json();
    if (me.kind !== 'employer') throw { detail: '该密钥不是用人单位密钥' };
    const { items } = await (await api('/api/v1/templates')).json();
    // The general labour contract first: it is what most batches use.
    const offered = items.filter((t) => batchKinds.includes(t.kind)).sort((a, b) => batchKinds.indexOf(a.kind) - batchKinds.indexOf(b.kind));
    $('template').innerHTML = offered.map((t) => `<option value="${esc(t.id)}">${esc(t.title)}</option>`).join('');
    $('login').classList.add('hidden');
    $('workspace').classList.remove('hidden');
  } catch (problem) {
    sessionStorage.removeItem('employer-key');
    showError(problem);
  }
}

function showRefused(errors) {
  $('refused').classList.toggle('hidden', errors.length === 0);
  if (!errors.length) return;
  const rows = new Set(errors.map((e) => e.row)).size;
  $('refused-summary').textContent = `${rows} 行未通过校验，未生成合同。请按下表修改后重新上传这些行。`;
  $('refused-rows').innerHTML = errors.map((e) => `<tr><td>第 ${e.row} 行</td><td>${esc(e.field)}</td><td>${esc(e.messageZh ?? e.message)}</td></tr>`).join('');
}

function showProgress(p) {
  const done = p.byStatus.done ?? 0;
  const failed = p.byStatus.failed ?? 0;
  const pending = p.byStatus.pending ?? 0;
  const percent = p.rows ? Math.round(((done + failed) / p.rows) * 100) : 100;
  $('meter').setAttribute('aria-valuenow', String(percent));
  $('meter-fill').style.width = `${percent}%`;
  $('count-done').textContent = done;
  $('count-pending').textContent = pending;
  $('count-failed').textContent = failed;
  const eta = p.etaSeconds === null ? '' : p.finished ? '' : `，预计还需 ${p.etaSeconds} 秒`;
  $('progress-text').textContent = `${done + failed} / ${p.rows}（${percent}%），速度 ${p.ratePerSecond} 份/秒${eta}`;
}

/** Reads the batch's server-sent events until `finished`. */
async function follow(id) {
  const response = await api(`/api/v1/batches/${id}/events`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let last;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split('\n').find((line) => line.startsWith('data: '));
      if (!data) continue;
      last = JSON.parse(data.slice(6));
      showProgress(last);
    }
  }
  return last;
}

async function showFinished(p) {
  const done = p.byStatus.done ?? 0;
  const failed = p.byStatus.failed ?? 0;
  $('progress-title').textContent = '处理完成';
  $('finished-text').textContent = `已生成并盖章 ${done} 份${$('send').checked ? '，签署短信已发送' : ''}${failed ? `；${failed} 行处理失败` : ''}${p.rejectedRows ? `；${p.rejectedRows} 行未通过校验` : ''}。`;
  $('download-errors').classList.toggle('hidden', !failed && !p.rejectedRows);
  const { items } = await (await api(`/api/v1/batches/${p.id}/rows?limit=50`)).json();
  $('result-rows').innerHTML = items.map((r) => `<tr><td>第 ${r.row} 行</td><td>${esc(r.contractNumber ?? '—')}</td><td>${r.status === 'failed' ? `<span class="bad">失败：${esc(r.error)}</span>` : esc(statusNames[r.contractStatus] ?? r.contractStatus ?? '')}</td></tr>`).join('');
  $('finished').classList.remove('hidden');
}

async function submit(event) {
  event.preventDefault();
  clearError();
  const file = $('sheet').files[0];
  if (!file) return showError({ errors: [{ field: '职工名单', messageZh: '请先选择要上传的表格文件' }] });
  const isXlsx = file.name.toLowerCase().endsWith('.xlsx');
  if (!isXlsx && !file.name.toLowerCase().endsWith('.csv')) return showError({ errors: [{ field: '职工名单', messageZh: '只支持 .xlsx 或 .csv 文件' }] });
  const query = new URLSearchParams({ templateId: $('template').value, allOrNothing: String($('all-or-nothing').checked), send: String($('send').checked) });
  $('submit').disabled = true;
  try {
    const response = await fetch(`/api/v1/batches/sheet?${query}`, {
      method: 'POST',
      body: file,
      headers: { authorization: `Bearer ${key}`, 'content-type': isXlsx ? xlsxType : 'text/csv', 'idempotency-key': idempotencyKey },
    });
    const body = await response.json().catch(() => ({}));
    if (response.status === 422 && body.rowErrors) {
      showRefused(body.rowErrors);
      return showError({ detail: body.detail ?? '没有生成任何合同' });
    }
    if (!response.ok) return showError({ status: response.status, ...body });
    batchId = body.id;
    showRefused(body.errors);
    $('progress').classList.remove('hidden');
    $('finished').classList.add('hidden');
    $('progress-title').textContent = `处理进度（共 ${body.rows} 份）`;
    const last = await follow(batchId);
    await showFinished(last);
  } catch (problem) {
    showError(problem);
  } finally {
    $('submit').disabled = false;
  }
}

$('log-in').addEventListener('click', () => {
  key = $('key').value.trim();
  sessionStorage.setItem('employer-key', key);
  logIn();
});
$('sheet').addEventListener('change', () => {
  // One key per chosen file: a double click or a retry does not create the batch twice.
  idempotencyKey = crypto.randomUUID();
});
$('upload').addEventListener('submit', submit);
for (const format of ['xlsx', 'csv']) {
  $(`example-${format}`).addEventListener('click', async () => {
    try {
      await saveDownload(await api(`/api/v1/templates/${$('template').value}/batch-sheet.${format}`), `${$('template').value}-示例.${format}`);
    } catch (problem) {
      showError(problem);
    }
  });
}
$('download-errors').addEventListener('click', async () => {
  try {
    await saveDownload(await api(`/api/v1/batches/${batchId}/errors.csv`), `批量签署-${batchId}-错误报告.csv`);
  } catch (problem) {
    showError(problem);
  }
});
if (key) logIn();
