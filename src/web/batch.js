// The employer's batch page: choose a template, download its example sheet, upload the filled
// sheet, see refused rows at once and the progress live (server-sent events read through fetch,
// since EventSource cannot send the API key), then the error report and the contracts.
// Earlier batches are listed so a reload or a second visit can pick a batch up again.
import { $, control, esc, saveDownload, buttonOf } from './dom.js';
const batchKinds = ['labor_contract', 'dispatch', 'platform_work', 'internal_retirement'];
const statusNames = { draft: '草稿', sealed: '已盖章', sent: '已发送签署短信', signed: '已签署', declined: '已拒签', voided: '已作废', link_expired: '链接过期' };
const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const shownRows = 50;
let key = sessionStorage.getItem('employer-key');
let templateTitles = new Map();
let batchId;
let idempotencyKey;
/** The progress stream being read; a newer one (another batch opened) aborts it. */
let following;

/** A problem in Chinese: the field's Chinese message, else what the problem type or status means. */
function chinese(problem) {
  // These two say on this page what to do next, better than the API's general words.
  const type = String(problem?.type ?? '')
    .split('/')
    .pop();
  if (type === 'no-seal-authorisation') return '需要先授权该模板的自动盖章：请由法定代表人或授权人通过 POST /api/v1/seal-authorisations 授权平台对该模板的合同自动盖章后再提交。';
  if (type === 'batch-invalid') return '没有生成任何合同：表格中有未通过校验的行，请按下表修改后重新上传。';
  const first = problem?.errors?.find((e) => e.messageZh) ?? undefined;
  if (first) return `${first.field}：${first.messageZh}`;
  if (type === 'unsupported-media-type') return '只支持 .xlsx 或 UTF-8 编码的 .csv 文件。';
  if (problem instanceof TypeError) return '网络连接失败，请检查网络后重试。';
  const byStatus = {
    400: '请求有误，请检查后重试。',
    401: 'API 密钥无效或已停用，请重新输入。',
    403: '该密钥无权进行此操作。',
    404: '没有找到该批次或模板。',
    413: '文件太大（不超过 50 MB），请拆分后分批上传。',
    429: '操作过于频繁，请稍后再试。',
  };
  if (byStatus[problem?.status]) return byStatus[problem.status];
  if (problem?.status >= 500) return '服务暂时不可用，请稍后重试。';
  return problem?.detail ?? '操作失败，请稍后重试。';
}
function showError(problem) {
  $('alert').textContent = typeof problem === 'string' ? problem : chinese(problem);
  $('alert').classList.remove('hidden');
}
const clearError = () => $('alert').classList.add('hidden');

async function api(url, options = {}) {
  const response = await fetch(url, { ...options, headers: { authorization: `Bearer ${key}`, ...(options.headers ?? {}) } });
  if (!response.ok) throw { status: response.status, ...(await response.json().catch(() => ({}))) };
  return response;
}

const duration = (seconds) => {
  if (seconds < 60) return `${seconds} 秒`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} 分 ${seconds % 60} 秒`;
  return `${Math.floor(seconds / 3600)} 小时 ${Math.round((seconds % 3600) / 60)} 分`;
};
/** An Idempotency-Key (randomUUID needs a secure context; getRandomValues does not). */
const newKey = () => crypto.randomUUID?.() ?? Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
const when = (iso) => new Date(iso).toLocaleString('zh-CN', { hour12: false });

async function logIn() {
  try {
    const me = await (await api('/api/v1/me')).json();
    if (me.kind !== 'employer') throw { detail: '该密钥不是用人单位密钥' };
    const { items } = await (await api('/api/v1/templates')).json();
    // The general labour contract first: it is what most batches use.
    const offered = items.filter((t) => batchKinds.includes(t.kind)).sort((a, b) => batchKinds.indexOf(a.kind) - batchKinds.indexOf(b.kind));
    templateTitles = new Map(items.map((t) => [t.id, t.title]));
    $('template').innerHTML = offered.map((t) => `<option value="${esc(t.id)}">${esc(t.title)}</option>`).join('');
    const organisation = await api(`/api/v1/employers/${me.organisationId}`)
      .then((r) => r.json())
      .catch(() => undefined);
    $('who').textContent = organisation?.name ? `用人单位：${organisation.name}` : '';
    $('login').classList.add('hidden');
    $('workspace').classList.remove('hidden');
    clearError();
    await listBatches();
  } catch (problem) {
    sessionStorage.removeItem('employer-key');
    showError(problem);
  }
}

async function listBatches() {
  const { items } = await (await api('/api/v1/batches')).json();
  $('recent').classList.toggle('hidden', items.length === 0);
  $('recent-rows').innerHTML = items
    .slice(0, 10)
    .map(
      (b) =>
        `<tr><td>${esc(when(b.createdAt))}<br><small>${esc(templateTitles.get(b.templateId) ?? b.templateId)}</small></td><td>${b.rowCount} 份</td><td>${b.finishedAt ? '<span class="ok">已完成</span>' : '处理中'}</td><td><button type="button" data-batch="${esc(b.id)}">查看</button></td></tr>`,
    )
    .join('');
}

function showRefused(errors, nothingCreated = false) {
  $('refused').classList.toggle('hidden', errors.length === 0);
  if (!errors.length) return;
  const rows = new Set(errors.map((e) => e.row)).size;
  $('refused-summary').textContent = nothingCreated
    ? `${rows} 行未通过校验，本次一份合同也没有生成。请按下表修改后重新上传整张表格。`
    : `${rows} 行未通过校验，未生成合同；其余行已提交。请按下表修改这些行后另行上传。`;
  $('refused-rows').innerHTML = errors.map((e) => `<tr><td>第 ${e.row} 行</td><td>${esc(e.field)}</td><td>${esc(e.messageZh ?? e.message)}</td></tr>`).join('');
}

function showProgress(p) {
  const done = p.byStatus.done ?? 0;
  const failed = p.byStatus.failed ?? 0;
  const pending = p.byStatus.pending ?? 0;
  const percent = p.rows ? Math.floor(((done + failed) / p.rows) * 100) : 100;
  $('meter').setAttribute('aria-valuenow', String(percent));
  $('meter').setAttribute('aria-valuetext', `已处理 ${done + failed} / ${p.rows} 份`);
  $('meter-fill').style.width = `${percent}%`;
  $('count-done').textContent = done;
  $('count-pending').textContent = pending;
  $('count-failed').textContent = failed;
  const eta = p.finished ? '' : p.etaSeconds === null ? '，正在等待处理' : `，预计剩余 ${duration(p.etaSeconds)}`;
  $('progress-text').textContent = `已处理 ${done + failed} / ${p.rows}（${percent}%），速度 ${p.ratePerSecond} 份/秒${eta}`;
}

/** Reads the batch's server-sent events until `finished`; returns the last progress, or undefined if the stream broke. */
async function readEvents(id, signal) {
  const response = await api(`/api/v1/batches/${id}/events`, { signal });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return undefined;
    buffer += decoder.decode(value, { stream: true }).replaceAll('\r\n', '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const name =
        frame
          .find((line) => line.startsWith('event:'))
          ?.slice(6)
          .trim() ?? 'message';
      const data = frame
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (!data || (name !== 'progress' && name !== 'finished')) {
        if (name === 'error') return undefined;
        continue;
      }
      const progress = JSON.parse(data);
      showProgress(progress);
      if (name === 'finished' || progress.finished) {
        reader.cancel().catch(() => undefined);
        return progress;
      }
    }
  }
}

/** Follows a batch to its end: the event stream, and if that breaks, asking every two seconds. */
async function follow(id) {
  following?.abort();
  const controller = new AbortController();
  following = controller;
  let last;
  try {
    last = await readEvents(id, controller.signal);
  } catch (problem) {
    if (controller.signal.aborted) return undefined;
    if (problem?.status && problem.status < 500) throw problem;
  }
  while (!last?.finished) {
    if (controller.signal.aborted) return undefined;
    try {
      last = await (await api(`/api/v1/batches/${id}`, { signal: controller.signal })).json();
      showProgress(last);
    } catch (problem) {
      if (controller.signal.aborted) return undefined;
      if (problem?.status && problem.status < 500) throw problem;
    }
    if (!last?.finished) await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return controller.signal.aborted ? undefined : last;
}

async function showFinished(p) {
  const done = p.byStatus.done ?? 0;
  const failed = p.byStatus.failed ?? 0;
  const { items, nextAfterRow } = await (await api(`/api/v1/batches/${p.id}/rows?limit=${shownRows}`)).json();
  const sent = items.some((r) => r.contractStatus && r.contractStatus !== 'sealed' && r.contractStatus !== 'draft');
  $('progress-title').textContent = '处理完成';
  $('finished-text').textContent =
    `已生成并盖章 ${done} 份${done && sent ? '，签署短信已发送' : ''}${failed ? `；${failed} 行处理失败` : ''}${p.rejectedRows ? `；${p.rejectedRows} 行未通过校验` : ''}。`;
  $('finished-text').className = failed ? 'bad' : 'ok';
  $('download-errors').classList.toggle('hidden', !failed && !p.rejectedRows);
  $('result-rows').innerHTML = items
    .map(
      (r) =>
        `<tr><td>第 ${r.row} 行</td><td>${esc(r.contractNumber ?? '—')}</td><td>${r.status === 'failed' ? `<span class="bad">失败：${esc(r.error)}</span>` : esc(statusNames[r.contractStatus] ?? r.contractStatus ?? '')}</td></tr>`,
    )
    .join('');
  $('result-more').classList.toggle('hidden', nextAfterRow === null);
  $('result-more').textContent = `仅显示前 ${shownRows} 行，全部 ${p.rows} 份合同可在合同列表中查看。`;
  $('finished').classList.remove('hidden');
}

/** Shows one batch's progress until it ends, then its summary. */
async function watch(id, rows) {
  batchId = id;
  $('progress').classList.remove('hidden');
  $('finished').classList.add('hidden');
  $('progress-title').textContent = `处理进度（共 ${rows} 份）`;
  const last = await follow(id);
  if (!last || batchId !== id) return;
  await showFinished(last);
  listBatches().catch(() => undefined);
}

async function submit(event) {
  event.preventDefault();
  clearError();
  const file = control('sheet').files[0];
  if (!file) return showError('请先选择要上传的表格文件。');
  const isXlsx = file.name.toLowerCase().endsWith('.xlsx');
  if (!isXlsx && !file.name.toLowerCase().endsWith('.csv')) return showError('只支持 .xlsx 或 UTF-8 编码的 .csv 文件。');
  const query = new URLSearchParams({ templateId: control('template').value, allOrNothing: String(control('all-or-nothing').checked), send: String(control('send').checked) });
  idempotencyKey ??= newKey();
  control('submit').disabled = true;
  $('submit').textContent = '正在提交…';
  try {
    const response = await fetch(`/api/v1/batches/sheet?${query}`, {
      method: 'POST',
      body: file,
      headers: { authorization: `Bearer ${key}`, 'content-type': isXlsx ? xlsxType : 'text/csv', 'idempotency-key': idempotencyKey },
    });
    const body = await response.json().catch(() => ({}));
    if (response.status === 422 && body.rowErrors) {
      showRefused(body.rowErrors, true);
      $('progress').classList.add('hidden');
      return showError(body);
    }
    if (!response.ok) return showError({ status: response.status, ...body });
    showRefused(body.errors);
    // The file is in: the next upload is a new choice with a new Idempotency-Key.
    control('sheet').value = '';
    idempotencyKey = undefined;
    $('notice').textContent = body.replayed
      ? '该文件此前已提交过，下面显示的是当时创建的批次，没有重复生成合同。'
      : `已接收 ${body.rows} 行，正在生成、盖章${control('send').checked ? '并发送' : ''}。`;
    control('submit').disabled = false;
    $('submit').textContent = '提交';
    listBatches().catch(() => undefined);
    await watch(body.id, body.rows);
  } catch (problem) {
    showError(problem);
  } finally {
    control('submit').disabled = false;
    $('submit').textContent = '提交';
  }
}

$('log-in').addEventListener('click', () => {
  key = control('key').value.trim();
  sessionStorage.setItem('employer-key', key);
  logIn();
});
$('key').addEventListener('keydown', (event) => {
  if (event.key === 'Enter') $('log-in').click();
});
$('sheet').addEventListener('change', () => {
  // One key per chosen file: a double click or a retry does not create the batch twice.
  idempotencyKey = newKey();
});
$('upload').addEventListener('submit', submit);
for (const format of ['xlsx', 'csv']) {
  $(`example-${format}`).addEventListener('click', async () => {
    try {
      await saveDownload(await api(`/api/v1/templates/${encodeURIComponent(control('template').value)}/batch-sheet.${format}`), `${control('template').value}-示例.${format}`);
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
$('recent-rows').addEventListener('click', async (event) => {
  const button = buttonOf(event, 'button[data-batch]');
  if (!button) return;
  clearError();
  $('refused').classList.add('hidden');
  $('notice').textContent = '';
  try {
    const progress = await (await api(`/api/v1/batches/${button.dataset.batch}`)).json();
    showProgress(progress);
    $('progress').scrollIntoView({ behavior: 'smooth' });
    await watch(progress.id, progress.rows);
  } catch (problem) {
    showError(problem);
  }
});
if (key) logIn();
