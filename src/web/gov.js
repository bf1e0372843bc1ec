// The inspector console: an official's API key, employer search (region, name or 统一社会信用代码)
// and worker search, an employer's file with charts, a contract with its verification, and
// downloads. Every query and read carries the purpose the official entered (logged, shown to the
// worker): nothing is asked without one, and arbitration work and evidence bundles need a case number.
import { $, control, esc, saveDownload, buttonOf } from './dom.js';
import { overview } from './gov-overview.js';
import { beijingTime, contractStatusNames as statusNames, levelNames, signatureName } from './zh.js';
const roleNames = { inspection: '劳动保障监察', arbitration: '劳动争议仲裁', insurance: '社会保险经办', employment: '就业服务' };

/**
 * Chinese names of the alert kinds of the supervision engine (src/domain/supervision and the
 * labor-law checks it reuses), by alert code. The rules carry a legal article and a message per
 * alert but no name of the kind; this table is the one place that names them.
 */
export const ALERT_KINDS = {
  ART10_NO_WRITTEN_CONTRACT: '未订立书面劳动合同',
  ART10_SIGNING_DUE: '书面合同签订期限将届满',
  ART82_DOUBLE_WAGE_LATE_SIGNING: '逾期订立（二倍工资）',
  ART14_DEEMED_OPEN_ENDED: '视为订立无固定期限合同',
  ART14_OPEN_ENDED_OWED_ON_RENEWAL: '续订应订立无固定期限合同',
  ART14_FIXED_TERM_WHERE_OPEN_ENDED_OWED: '应订无固定期限而订固定期限',
  ART12_FIXED_TERM_END_MISSING: '固定期限合同缺终止日期',
  ART12_OPEN_ENDED_WITH_END_DATE: '无固定期限合同约定了终止日期',
  ART12_TASK_MISSING: '未写明约定的工作任务',
  ART12_TERM_END_BEFORE_START: '合同终止日期早于起始日期',
  ART12_TERM_TYPE_INVALID: '合同期限类型无效',
  ART17_EMPLOYER_NAME_MISSING: '必备条款缺失：单位名称',
  ART17_EMPLOYER_ADDRESS_MISSING: '必备条款缺失：单位住所',
  ART17_EMPLOYER_LEGAL_REPRESENTATIVE_MISSING: '必备条款缺失：法定代表人',
  ART17_WORKER_NAME_MISSING: '必备条款缺失：劳动者姓名',
  ART17_WORKER_ADDRESS_MISSING: '必备条款缺失：劳动者住址',
  ART17_WORKER_ID_MISSING: '必备条款缺失：身份证号码',
  ART17_TERM_MISSING: '必备条款缺失：合同期限',
  ART17_JOB_CONTENT_MISSING: '必备条款缺失：工作内容',
  ART17_WORKPLACE_MISSING: '必备条款缺失：工作地点',
  ART17_WORKING_HOURS_MISSING: '必备条款缺失：工作时间',
  ART17_WAGE_MISSING: '必备条款缺失：劳动报酬',
  ART17_SOCIAL_INSURANCE_MISSING: '必备条款缺失：社会保险',
  ART17_LABOR_PROTECTION_MISSING: '必备条款缺失：劳动保护',
  ART19_PROBATION_TOO_LONG: '试用期超过法定上限',
  ART19_PROBATION_REPEATED: '重复约定试用期',
  ART19_PROBATION_NOT_ALLOWED: '不得约定试用期',
  ART19_PROBATION_OUTSIDE_TERM: '试用期超出合同期限',
  ART19_PROBATION_END_BEFORE_START: '试用期结束早于开始',
  ART20_PROBATION_WAGE_BELOW_80_PERCENT: '试用期工资低于约定工资八成',
  ART20_PROBATION_WAGE_BELOW_MINIMUM: '试用期工资低于最低工资',
  WAGE_BELOW_MINIMUM: '工资低于最低工资标准',
  MINIMUM_WAGE_UNKNOWN: '无法核对最低工资',
  ART41_MASS_LAYOFF_VERIFY_REPORT: '经济性裁员待核查',
  CONTRACT_EXPIRING: '合同即将期满（续订提示）',
  CONTRACT_TERM_ENDED_STILL_EMPLOYED: '合同期满仍用工未续订',
  CONTRACT_NOT_DELIVERED: '合同未交付劳动者',
  DISPATCH_SHARE_OVER_10_PERCENT: '派遣用工超过用工总量10%',
  DISPATCH_PROHIBITED_POST: '禁止岗位使用劳务派遣',
  ART57_AGENCY_LICENCE_MISSING: '未写明劳务派遣许可证',
  ART58_DISPATCH_DETAILS_MISSING: '派遣合同缺必备事项',
  ART58_HOST_EMPLOYER_MISSING: '派遣合同缺用工单位',
  ART58_DISPATCH_TERM_NOT_FIXED: '派遣合同非固定期限',
  ART58_DISPATCH_TERM_TOO_SHORT: '派遣合同期限不足二年',
  ART58_ASSIGNMENT_END_BEFORE_START: '派遣期限终止早于起始',
  ART58_IDLE_PAY_BELOW_MINIMUM: '无工作期间报酬低于最低工资',
  ART66_POST_NATURE_INVALID: '派遣岗位不符合“三性”',
  ART66_TEMPORARY_POST_TOO_LONG: '临时性岗位超过六个月',
  ART68_DAILY_HOURS_EXCEEDED: '非全日制日工时超限',
  ART68_WEEKLY_HOURS_EXCEEDED: '非全日制周工时超限',
  ART68_HOURS_UNSPECIFIED: '非全日制未约定工时',
  ART70_PART_TIME_PROBATION: '非全日制约定了试用期',
  ART72_HOURLY_WAGE_MISSING: '非全日制未约定小时工资',
  ART72_HOURLY_WAGE_BELOW_MINIMUM: '小时工资低于最低标准',
  ART72_PAY_INTERVAL_TOO_LONG: '工资结算周期超过十五日',
  ART72_PAY_INTERVAL_UNSPECIFIED: '未约定工资结算周期',
  HOURS_APPROVAL_NUMBER_MISSING: '特殊工时缺批准文号',
  INTERNAL_RETIREMENT_AFTER_RETIREMENT_AGE: '内部退养：已达退休年龄',
  INTERNAL_RETIREMENT_ALLOWANCE_TOO_LOW: '内部退养生活费过低',
  INTERNAL_RETIREMENT_BIRTH_DATE_MISMATCH: '内部退养：出生日期不符',
  INTERNAL_RETIREMENT_BIRTH_DATE_UNKNOWN: '内部退养：出生日期不明',
  INTERNAL_RETIREMENT_CATEGORY_MISMATCH: '内部退养：职工类别不符',
  INTERNAL_RETIREMENT_DETAILS_MISSING: '内部退养协议缺必备事项',
  INTERNAL_RETIREMENT_TOO_EARLY: '内部退养时间过早',
  WORKER_UNDER_16: '招用未满十六周岁人员',
  WORKER_ID_INVALID: '身份证号码无效',
  EMPLOYER_USCC_INVALID: '单位信用代码无效',
  DISPATCH_AGENCY_USCC_INVALID: '派遣单位信用代码无效',
  DISPATCH_HOST_USCC_INVALID: '用工单位信用代码无效',
  REGION_CODE_INVALID: '行政区划代码无效',
  DATE_INVALID: '日期无效',
  RECORD_INVALID_DATE: '名册或合同日期无效',
};
/** The kind's Chinese name; an unknown code shows the start of its message rather than nothing. */
const kindName = (alert) => ALERT_KINDS[alert.code] ?? (alert.messageZh ?? alert.code).split(/[，：。（]/)[0].slice(0, 16);

let key = sessionStorage.getItem('official-key');
let role;
let currentContract;

function showError(problem) {
  $('alert').textContent = problem?.errors?.[0]?.messageZh ?? problem?.messageZh ?? problem?.detail ?? '操作失败';
  $('alert').classList.remove('hidden');
}
const clearError = () => $('alert').classList.add('hidden');

/**
 * The purpose (and case number) of a read, as query parameters. Refuses, with a Chinese message
 * and the field marked, when the official has not given a purpose, or no case number where one
 * is needed (arbitration work, evidence bundles): the console never supplies one itself.
 */
function reason({ needCase = false } = {}) {
  const purpose = control('purpose').value.trim();
  const caseNumber = control('case').value.trim();
  $('purpose').removeAttribute('aria-invalid');
  $('case').removeAttribute('aria-invalid');
  const refuse = (field, detail) => {
    $(field).setAttribute('aria-invalid', 'true');
    $(field).focus();
    throw { detail };
  };
  if (purpose.length < 2) refuse('purpose', '请先填写或选择查阅事由（至少 2 个字）。查阅事由会记入查阅日志并向劳动者公开。');
  const arbitration = role === 'arbitration' || purpose.includes('仲裁');
  if (arbitration && caseNumber.length < 2) refuse('case', '劳动争议仲裁办案须填写案号。');
  if (needCase && caseNumber.length < 2) refuse('case', '下载证据包须填写案号。');
  const params = new URLSearchParams({ purpose });
  if (caseNumber) params.set('caseNumber', caseNumber);
  return params;
}
async function api(url, options = {}) {
  const response = await fetch(url, { ...options, headers: { authorization: `Bearer ${key}`, ...(options.headers ?? {}) } });
  if (!response.ok) throw await response.json().catch(() => ({}));
  return response;
}
const percent = (rate) => (rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`);

/** Alerts by kind: one bar per alert code, named in Chinese; the legal basis on a second line. */
function kindChart(alerts) {
  if (!alerts.length) return '<p class="lead">无预警</p>';
  const kinds = new Map();
  for (const a of alerts) {
    const kind = kinds.get(a.code) ?? { code: a.code, name: kindName(a), article: a.article, count: 0 };
    kind.count += 1;
    kinds.set(a.code, kind);
  }
  const items = [...kinds.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'zh'));
  const max = Math.max(...items.map((k) => k.count));
  return `<ul class="kinds" aria-label="预警分类">${items
    .map(
      (k) =>
        `<li data-code="${esc(k.code)}" title="${esc(`${k.name}：${k.count} 条\n依据：${k.article}`)}"><span class="kind-name">${esc(k.name)}</span><span class="kind-bar"><span style="width:${((k.count / max) * 85).toFixed(1)}%"></span><b>${k.count}</b></span><span class="kind-article">依据：${esc(k.article)}</span></li>`,
    )
    .join('')}</ul>`;
}

/**
 * Signing rate at each month's end. A month without data (no snapshot, or nobody due a written
 * contract) is a gap marked 无数据 — no point, no line through it — never drawn as 0 %.
 */
function trendChart(points) {
  const width = 420;
  const height = 170;
  const left = 40;
  const top = 18;
  const bottom = 34;
  const plot = height - top - bottom;
  const x = (i) => left + 18 + (i * (width - left - 18 - 38)) / Math.max(1, points.length - 1);
  const y = (rate) => top + (1 - rate) * plot;
  const grid = [0, 0.5, 1]
    .map((r) => `<line class="grid" x1="${left}" x2="${width - 8}" y1="${y(r)}" y2="${y(r)}"></line><text x="${left - 6}" y="${y(r) + 4}" text-anchor="end">${r * 100}%</text>`)
    .join('');
  let path = '';
  let drawing = false;
  points.forEach((p, i) => {
    if (p.rate === null || p.rate === undefined) {
      drawing = false;
      return;
    }
    path += `${drawing ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.rate).toFixed(1)} `;
    drawing = true;
  });
  const month = (p, i) => {
    const [, m, d] = p.asOf.split('-').map(Number);
    return i === points.length - 1 ? `${m}月${d}日` : `${m}月`;
  };
  const marks = points
    .map((p, i) => {
      const label = `<text x="${x(i)}" y="${height - 12}" text-anchor="middle">${month(p, i)}</text>`;
      if (p.rate === null || p.rate === undefined) {
        const why = p.source === null ? '该月没有每日监管快照' : '该月没有应订立书面合同的劳动者';
        return `<g class="pt" data-as-of="${esc(p.asOf)}" data-rate=""><title>${esc(`${p.asOf}：无数据（${why}）`)}</title><text class="nodata" x="${x(i)}" y="${y(0) - 6}" text-anchor="middle">无数据</text>${label}</g>`;
      }
      const from = { snapshot: `每日监管快照 ${p.snapshotOf ?? ''}`, current: '当日实时数据', recomputed: '按现有名册和合同回算' }[p.source] ?? '';
      const tip = `${p.asOf}：签订率 ${percent(p.rate)}（已订立 ${p.signed}/应订立 ${p.required}）${from ? `，${from}` : ''}`;
      return `<g class="pt" data-as-of="${esc(p.asOf)}" data-rate="${p.rate}" data-source="${esc(p.source ?? '')}"><title>${esc(tip)}</title><circle class="point${p.source === 'recomputed' ? ' recomputed' : ''}" cx="${x(i)}" cy="${y(p.rate)}" r="4"></circle><text class="value" x="${x(i)}" y="${y(p.rate) - 8}" text-anchor="middle">${percent(p.rate)}</text>${label}</g>`;
    })
    .join('');
  return `<svg class="chart" role="img" aria-label="签订率趋势" width="100%" viewBox="0 0 ${width} ${height}">${grid}${path ? `<path class="line" d="${path.trim()}"></path>` : ''}${marks}</svg>`;
}

function trendNote(points) {
  const sources = new Set(points.map((p) => p.source));
  const notes = [];
  if (sources.has('snapshot')) notes.push('往月取当月最后一次每日监管快照');
  if (sources.has('recomputed')) notes.push('暂无每日监管快照，往月按现有名册和合同回算（空心点）');
  if (sources.has('current')) notes.push('末点为当日实时数据');
  if (points.some((p) => p.rate === null || p.rate === undefined)) notes.push('“无数据”表示该月没有快照或没有应订立合同的劳动者');
  return notes.join('；');
}

async function logIn() {
  try {
    const me = await (await api('/api/v1/me')).json();
    if (me.kind !== 'official') throw { detail: '该密钥不是工作人员密钥' };
    role = me.role;
    $('who').textContent = `${roleNames[me.role] ?? me.role} · 辖区 ${me.regionName ? `${me.regionName}（${me.regionCode}）` : me.regionCode}`;
    control('region').value = me.regionCode;
    if (role === 'arbitration') $('case-label').textContent = '案号（必填）';
    $('login').classList.add('hidden');
    $('workspace').classList.remove('hidden');
  } catch (problem) {
    sessionStorage.removeItem('official-key');
    showError(problem);
  }
}

async function searchEmployers() {
  clearError();
  try {
    const region = control('region').value.trim();
    const q = control('employer-q').value.trim();
    if (!/^\d{2,6}$/.test(region)) throw { detail: '请填写辖区行政区划代码（2 至 6 位数字）。' };
    const params = reason();
    params.set('region', region);
    if (q) params.set('q', q);
    const { items, regionName } = await (await api(`/api/v1/inspection/employers?${params}`)).json();
    const place = regionName ? `${regionName}（${region}）` : region;
    $('employer-summary').textContent = q ? `辖区 ${place} 内与“${q}”匹配的用人单位：${items.length} 家` : `辖区 ${place} 内的用人单位：${items.length} 家`;
    $('employer-rows').innerHTML =
      items
        .map(
          (e) =>
            `<tr><td>${esc(e.name)}${e.regionName ? `<br>${esc(e.regionName)}` : ''}<br><small>${esc(e.uscc)}</small></td><td>${e.headcount}</td><td>${percent(e.signing.rate)}</td><td>${e.alerts ? `<span class="tag">${e.alerts}</span>` : '0'}</td><td><button data-uscc="${esc(e.uscc)}">查看</button></td></tr>`,
        )
        .join('') || `<tr><td colspan="5">${q ? '没有匹配的用人单位（名称关键字或完整的统一社会信用代码）' : '辖区内暂无用人单位'}</td></tr>`;
    $('employers').classList.remove('hidden');
  } catch (problem) {
    showError(problem);
  }
}

const contractRow = (c, extra = '') =>
  `<tr><td>${esc(c.number)}${extra}<br><small>${esc(statusNames[c.status] ?? c.status)} · ${esc(c.startDate ?? '')}${c.endDate ? ` 至 ${esc(c.endDate)}` : ''}</small></td><td><button data-contract="${esc(c.id)}">查阅</button></td></tr>`;

async function searchWorker() {
  clearError();
  try {
    // The ID number goes in the body: URLs end up in logs and browser history.
    const body = JSON.stringify({ ...Object.fromEntries(reason()), idNumber: control('worker-id').value.trim() });
    const { items } = await (await api('/api/v1/government/workers/contracts', { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json();
    $('worker-rows').innerHTML = items.map((c) => contractRow(c, ` · ${esc(c.employer.name)}`)).join('') || '<tr><td>辖区内没有该劳动者的合同</td></tr>';
    $('worker').classList.remove('hidden');
  } catch (problem) {
    showError(problem);
  }
}

async function openEmployer(uscc) {
  clearError();
  try {
    const file = await (await api(`/api/v1/inspection/employers/${encodeURIComponent(uscc)}?${reason()}`)).json();
    const { report } = file;
    $('employer-name').textContent = `${file.employer.name}（${file.employer.uscc}）`;
    $('headcount').textContent = report.headcount.active;
    $('rate').textContent = percent(report.signing.rate);
    $('alert-count').textContent = report.alerts.length;
    $('alert-chart').innerHTML = kindChart(report.alerts);
    $('trend-chart').innerHTML = trendChart(file.trend);
    $('trend-note').textContent = trendNote(file.trend);
    $('alert-rows').innerHTML =
      report.alerts.map((a) => `<tr><td><span class="tag">${esc(kindName(a))}</span> ${esc(a.messageZh)}<br><small>依据：${esc(a.article)}</small></td></tr>`).join('') || '<tr><td>无预警</td></tr>';
    $('contract-rows').innerHTML = file.contracts.map((c) => contractRow(c)).join('') || '<tr><td>暂无合同</td></tr>';
    $('employer').classList.remove('hidden');
    $('employer').scrollIntoView({ behavior: 'smooth' });
  } catch (problem) {
    showError(problem);
  }
}

async function openContract(id) {
  clearError();
  try {
    const contract = await (await api(`/api/v1/government/contracts/${id}?${reason()}`)).json();
    currentContract = contract;
    $('contract-title').textContent = `合同 ${contract.number}`;
    $('contract-summary').innerHTML =
      `${esc(contract.employer.name)} · ${esc(statusNames[contract.status] ?? contract.status)} · 签名验证：${contract.verification.valid ? '<span class="ok">✔ 全部通过</span>' : '<span class="bad">✘ 未通过</span>'}`;
    $('signature-rows').innerHTML = contract.verification.signatures
      .map(
        (s) =>
          `<tr><td>${esc(signatureName(s))}${s.level ? `<br><small>${esc(levelNames[s.level] ?? s.level)}</small>` : ''}</td><td>${esc(s.signer ?? '—')}<br><small>${esc(beijingTime(s.timestamp))}</small></td><td>${s.valid ? '<span class="ok">有效</span>' : '<span class="bad">无效</span>'}</td></tr>`,
      )
      .join('');
    $('contract').classList.remove('hidden');
    $('contract').scrollIntoView({ behavior: 'smooth' });
  } catch (problem) {
    showError(problem);
  }
}

$('log-in').addEventListener('click', () => {
  key = control('key').value.trim();
  sessionStorage.setItem('official-key', key);
  logIn();
});
$('purpose-choices').addEventListener('click', (event) => {
  const button = buttonOf(event, 'button[data-purpose]');
  if (!button) return;
  control('purpose').value = button.dataset.purpose;
  $('purpose').removeAttribute('aria-invalid');
  for (const other of $('purpose-choices').querySelectorAll('button')) other.setAttribute('aria-pressed', String(other === button));
  if (button.dataset.needsCase && !control('case').value.trim()) $('case').focus();
});
$('purpose').addEventListener('input', () => {
  for (const chip of $('purpose-choices').querySelectorAll('button')) chip.setAttribute('aria-pressed', String(chip.dataset.purpose === control('purpose').value.trim()));
});
$('search').addEventListener('click', searchEmployers);
$('employer-q').addEventListener('keydown', (event) => {
  if (event.key === 'Enter') searchEmployers();
});
$('employer-rows').addEventListener('click', (event) => {
  const button = buttonOf(event, 'button[data-uscc]');
  if (button) openEmployer(button.dataset.uscc);
});
for (const list of ['contract-rows', 'worker-rows']) {
  $(list).addEventListener('click', (event) => {
    const button = buttonOf(event, 'button[data-contract]');
    if (button) openContract(button.dataset.contract);
  });
}
$('search-worker').addEventListener('click', searchWorker);
$('download-pdf').addEventListener('click', async () => {
  clearError();
  try {
    await saveDownload(await api(`/api/v1/government/contracts/${currentContract.id}/pdf?${reason()}`), `${currentContract.number}.pdf`);
  } catch (problem) {
    showError(problem);
  }
});
$('download-evidence').addEventListener('click', async () => {
  clearError();
  try {
    const params = reason({ needCase: true });
    const body = { contractId: currentContract.id, purpose: params.get('purpose'), caseNumber: params.get('caseNumber') };
    await saveDownload(
      await api('/api/v1/arbitration/evidence', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      `evidence-${currentContract.number}.zip`,
    );
  } catch (problem) {
    showError(problem);
  }
});
overview({ api, reason, openEmployer, showError, clearError });
if (key) logIn();
