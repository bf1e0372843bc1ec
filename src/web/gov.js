// The inspector console: an official's API key, region search, an employer's file with charts,
// a contract with its verification, and downloads. Every read carries its purpose (logged).
import { $, esc, saveDownload } from './dom.js';
const statusNames = { draft: '草稿', sealed: '已盖章', sent: '待签署', signed: '已签署', declined: '已拒签', voided: '已作废', link_expired: '链接过期', renewed: '已续订', changed: '已变更', terminated: '已解除/终止', expired: '已到期' };
const roleNames = { inspection: '劳动保障监察', arbitration: '劳动争议仲裁', insurance: '社会保险经办', employment: '就业服务' };
let key = sessionStorage.getItem('official-key');
let currentContract;

function showError(problem) {
  $('alert').textContent = problem?.errors?.[0]?.messageZh ?? problem?.errors?.[0]?.message ?? problem?.detail ?? '操作失败';
  $('alert').classList.remove('hidden');
}
const reason = () => {
  const params = new URLSearchParams({ purpose: $('purpose').value.trim() || '日常巡查' });
  if ($('case').value.trim()) params.set('caseNumber', $('case').value.trim());
  return params;
};
async function api(url, options = {}) {
  const response = await fetch(url, { ...options, headers: { authorization: `Bearer ${key}`, ...(options.headers ?? {}) } });
  if (!response.ok) throw await response.json().catch(() => ({}));
  return response;
}
const percent = (rate) => (rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`);

function barChart(items) {
  if (!items.length) return '<p class="lead">无预警</p>';
  const max = Math.max(...items.map((i) => i.value));
  const rowHeight = 26;
  const bars = items
    .map((item, i) => {
      const width = Math.max(4, (item.value / max) * 180);
      const label = item.label.length > 14 ? `${item.label.slice(0, 13)}…` : item.label;
      return `<text x="0" y="${i * rowHeight + 16}">${esc(label)}</text><rect class="bar" x="190" y="${i * rowHeight + 4}" width="${width}" height="16"></rect><text x="${196 + width}" y="${i * rowHeight + 16}">${item.value}</text>`;
    })
    .join('');
  return `<svg class="chart" role="img" aria-label="预警分类" width="100%" viewBox="0 0 420 ${items.length * rowHeight + 8}">${bars}</svg>`;
}

function trendChart(points) {
  const width = 420;
  const height = 160;
  const x = (i) => 40 + (i * (width - 60)) / Math.max(1, points.length - 1);
  const y = (rate) => height - 24 - (rate ?? 0) * (height - 44);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.rate).toFixed(1)}`).join(' ');
  const labels = points.map((p, i) => `<text x="${x(i) - 18}" y="${height - 6}">${esc(p.asOf.slice(5))}</text><text x="${x(i) - 14}" y="${y(p.rate) - 6}">${percent(p.rate)}</text>`).join('');
  return `<svg class="chart" role="img" aria-label="签订率趋势" width="100%" viewBox="0 0 ${width} ${height}"><path class="line" d="${path}"></path>${labels}</svg>`;
}

async function logIn() {
  try {
    const me = await (await api('/api/v1/me')).json();
    if (me.kind !== 'official') throw { detail: '该密钥不是工作人员密钥' };
    $('who').textContent = `${roleNames[me.role] ?? me.role} · 辖区 ${me.regionCode}`;
    $('region').value = me.regionCode;
    $('login').classList.add('hidden');
    $('workspace').classList.remove('hidden');
  } catch (problem) {
    sessionStorage.removeItem('official-key');
    showError(problem);
  }
}

async function searchRegion() {
  $('alert').classList.add('hidden');
  try {
    const { items } = await (await api(`/api/v1/inspection/employers?region=${encodeURIComponent($('region').value.trim())}`)).json();
    $('employer-rows').innerHTML = items
      .map((e) => `<tr><td>${esc(e.name)}<br><small>${esc(e.uscc)}</small></td><td>${e.headcount}</td><td>${percent(e.signing.rate)}</td><td>${e.alerts ? `<span class="tag">${e.alerts}</span>` : '0'}</td><td><button data-uscc="${esc(e.uscc)}">查看</button></td></tr>`)
      .join('') || '<tr><td>辖区内暂无用人单位</td></tr>';
    $('employers').classList.remove('hidden');
  } catch (problem) {
    showError(problem);
  }
}

const contractRow = (c, extra = '') => `<tr><td>${esc(c.number)}${extra}<br><small>${esc(statusNames[c.status] ?? c.status)} · ${esc(c.startDate ?? '')}${c.endDate ? ` 至 ${esc(c.endDate)}` : ''}</small></td><td><button data-contract="${esc(c.id)}">查阅</button></td></tr>`;

async function searchWorker() {
  $('alert').classList.add('hidden');
  try {
    const params = reason();
    params.set('idNumber', $('worker-id').value.trim());
    const { items } = await (await api(`/api/v1/government/workers/contracts?${params}`)).json();
    $('worker-rows').innerHTML = items.map((c) => contractRow(c, ` · ${esc(c.employer.name)}`)).join('') || '<tr><td>辖区内没有该劳动者的合同</td></tr>';
    $('worker').classList.remove('hidden');
  } catch (problem) {
    showError(problem);
  }
}

async function openEmployer(uscc) {
  try {
    const file = await (await api(`/api/v1/inspection/employers/${encodeURIComponent(uscc)}?${reason()}`)).json();
    const { report } = file;
    $('employer-name').textContent = `${file.employer.name}（${file.employer.uscc}）`;
    $('headcount').textContent = report.headcount.active;
    $('rate').textContent = percent(report.signing.rate);
    $('alert-count').textContent = report.alerts.length;
    const byCode = new Map();
    for (const a of report.alerts) byCode.set(a.code, { label: a.article, value: (byCode.get(a.code)?.value ?? 0) + 1 });
    $('alert-chart').innerHTML = barChart([...byCode.values()]);
    $('trend-chart').innerHTML = trendChart(file.trend);
    $('alert-rows').innerHTML = report.alerts.map((a) => `<tr><td><span class="tag">${esc(a.article)}</span><br>${esc(a.messageZh)}</td></tr>`).join('') || '<tr><td>无预警</td></tr>';
    $('contract-rows').innerHTML = file.contracts.map((c) => contractRow(c)).join('') || '<tr><td>暂无合同</td></tr>';
    $('employer').classList.remove('hidden');
    $('employer').scrollIntoView({ behavior: 'smooth' });
  } catch (problem) {
    showError(problem);
  }
}

async function openContract(id) {
  try {
    const contract = await (await api(`/api/v1/government/contracts/${id}?${reason()}`)).json();
    currentContract = contract;
    $('contract-title').textContent = `合同 ${contract.number}`;
    $('contract-summary').innerHTML = `${esc(contract.employer.name)} · ${esc(statusNames[contract.status] ?? contract.status)} · 签名验证：${contract.verification.valid ? '<span class="ok">✔ 全部通过</span>' : '<span class="bad">✘ 未通过</span>'}`;
    $('signature-rows').innerHTML = contract.verification.signatures
      .map((s) => `<tr><td>${esc(s.fieldName)}</td><td>${esc(s.signer ?? '—')}</td><td>${esc(s.level ?? '—')}</td><td>${esc(s.timestamp ?? '—')}</td><td>${s.valid ? '<span class="ok">有效</span>' : '<span class="bad">无效</span>'}</td></tr>`)
      .join('');
    $('contract').classList.remove('hidden');
    $('contract').scrollIntoView({ behavior: 'smooth' });
  } catch (problem) {
    showError(problem);
  }
}

$('log-in').addEventListener('click', () => {
  key = $('key').value.trim();
  sessionStorage.setItem('official-key', key);
  logIn();
});
$('search').addEventListener('click', searchRegion);
$('employer-rows').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-uscc]');
  if (button) openEmployer(button.dataset.uscc);
});
for (const list of ['contract-rows', 'worker-rows']) {
  $(list).addEventListener('click', (event) => {
    const button = event.target.closest('button[data-contract]');
    if (button) openContract(button.dataset.contract);
  });
}
$('search-worker').addEventListener('click', searchWorker);
$('download-pdf').addEventListener('click', async () => {
  try {
    await saveDownload(await api(`/api/v1/government/contracts/${currentContract.id}/pdf?${reason()}`), `${currentContract.number}.pdf`);
  } catch (problem) {
    showError(problem);
  }
});
$('download-evidence').addEventListener('click', async () => {
  try {
    const params = reason();
    const body = { contractId: currentContract.id, purpose: params.get('purpose'), caseNumber: params.get('caseNumber') || `监察-${currentContract.number}` };
    await saveDownload(await api('/api/v1/arbitration/evidence', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }), `evidence-${currentContract.number}.zip`);
  } catch (problem) {
    showError(problem);
  }
});
if (key) logIn();
