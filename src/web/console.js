// The employer's console (/e): staff sign in with their own account (a session cookie; changes
// carry the session's CSRF token), list and search contracts, open one (timeline, documents, the
// actions its state allows), and create one from a template through a form generated from the
// template's JSON Schema, checked against labor law as it is filled in.
import { hire, listAlerts, listRoster, restartAlerts, restartRoster, separate, turn } from './console-roster.js';
import { grant, previewSeal, revoke, showSeal, uploadSeal } from './console-seal.js';
import { $, control, esc, saveDownload } from './dom.js';

const statusNames = {
  draft: '草稿',
  sealed: '已盖章',
  sent: '待职工签署',
  signed: '已生效',
  declined: '职工拒签',
  voided: '已作废',
  link_expired: '签署链接过期',
  renewed: '已续订',
  changed: '已变更',
  terminated: '已解除/终止',
  expired: '已到期终止',
};
const eventNames = {
  'contract.created': '创建合同',
  'contract.sealed': '加盖单位电子印章',
  'contract.resealed': '重新盖章',
  'contract.sent': '发送签署短信',
  'contract.resent': '重新发送签署短信',
  'link.opened': '职工打开签署链接',
  'document.viewed': '职工查看合同',
  'document.read_to_end': '职工阅读合同至末页',
  'signature.prepared': '准备签名',
  'code.sent': '发送验证码',
  'code.verified': '验证码通过',
  'code.failed': '验证码错误',
  'identity.verified': '职工身份核验通过',
  'identity.failed': '职工身份核验未通过',
  'contract.signed': '职工签署，合同生效',
  'contract.declined': '职工拒签',
  'contract.voided': '作废',
  'contract.link_expired': '签署链接过期',
  'contract.terminated': '解除/终止',
  'contract.renewed': '续订',
  'contract.changed': '变更',
  'contract.expired': '期满终止',
  'document.downloaded': '下载文件',
  'attachment.created': '创建续订书/变更书',
};
const actorKinds = { employer: '用人单位（系统接口）', worker: '职工', system: '平台自动', admin: '平台管理员', official: '政府部门' };
const roleNames = { hr_clerk: '人事专员', hr_manager: '人事经理', admin: '管理员' };
const documentNames = { draft: '草稿', sealed: '已盖章版本', signed: '双方签署版本', termination_certificate: '解除/终止证明书', attachment: '附件', evidence: '存证报告' };
const contractKinds = ['labor_contract', 'dispatch', 'platform_work', 'internal_retirement'];
const pageSize = 20;
/** Labels of fields whose schema description is not Chinese (or absent), by path. */
const labels = {
  worker: '劳动者（乙方）',
  'worker.name': '姓名',
  'worker.idNumber': '居民身份证号码',
  'worker.address': '户籍地址',
  'worker.phone': '手机号码（接收签署短信）',
  'worker.emergencyContact': '紧急联系人',
  termType: '合同期限类型',
  startDate: '合同起始日期',
  endDate: '合同终止日期',
  taskDescription: '工作任务',
  probation: '试用期',
  'probation.startDate': '试用期起始日期',
  'probation.endDate': '试用期终止日期',
  'probation.monthlyWage': '试用期月工资（元）',
  hours: '工作时间',
  'hours.system': '工时制度',
  'hours.approvalNumber': '特殊工时审批文号',
  'hours.dailyHours': '每日工作小时数',
  'hours.weeklyHours': '每周工作小时数',
  'hours.cycle': '综合计算工时周期',
  wage: '劳动报酬',
  'wage.monthly': '月工资（元）',
  'wage.hourly': '小时工资（元）',
  'wage.payDay': '每月发薪日',
  'wage.paymentIntervalDays': '工资支付周期（天）',
  'wage.structure': '工资构成或计发办法',
};
const enumLabels = { week: '周', month: '月', quarter: '季', year: '年' };

let csrf = sessionStorage.getItem('console-csrf') ?? '';
let me;
let templates = [];
let listPage = 1;
/** Parts of a form filled from records, not by hand: the employer always; the parties and prior contract of a 续订书/变更书. */
function fromRecord(path) {
  const top = path.split('.')[0];
  return top === 'employer' || (Boolean(form.parentId) && (top === 'worker' || top === 'priorContract'));
}
/** The form being filled: its template, and for a 续订书/变更书 the contract it belongs to. */
let form = { templateId: '', parentId: undefined, schema: undefined, touched: new Set(), checking: undefined };

/** A problem in Chinese: the first field's Chinese message, else what the status means. */
function chinese(problem) {
  const first = problem?.errors?.find((e) => e.messageZh);
  if (first) return first.messageZh;
  if (problem instanceof TypeError) return '网络连接失败，请检查网络后重试。';
  const byStatus = {
    400: '填写有误，请检查后重试。',
    401: '登录已失效，请重新登录。',
    403: '您的角色无权进行此操作。',
    404: '没有找到该合同。',
    409: '合同状态已变化，请刷新后重试。',
    422: '合同内容不符合劳动法规，请按提示修改。',
    429: '操作过于频繁，请稍后再试。',
  };
  return byStatus[problem?.status] ?? (problem?.status >= 500 ? '服务暂时不可用，请稍后重试。' : (problem?.detail ?? '操作失败，请稍后重试。'));
}
function showError(problem) {
  $('alert').textContent = typeof problem === 'string' ? problem : chinese(problem);
  $('alert').classList.remove('hidden');
}
const clearError = () => $('alert').classList.add('hidden');

/**
 * The API with the session cookie; changes carry the CSRF token.
 * @param {string} url
 * @param {{ method?: string, body?: unknown }} [options]
 */
async function api(url, { method = 'GET', body = undefined } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  const binary = body instanceof Blob;
  if (body !== undefined) headers['content-type'] = binary ? body.type || 'application/pdf' : 'application/json';
  const response = await fetch(url, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: binary ? body : JSON.stringify(body) } : {}) });
  if (response.status === 401 && !url.endsWith('/console/session')) {
    showView('sign-in');
    throw { status: 401 };
  }
  if (!response.ok) throw { status: response.status, ...(await response.json().catch(() => ({}))) };
  return response;
}
/**
 * @param {string} url
 * @param {{ method?: string, body?: unknown }} [options]
 */
const json = async (url, options) => (await api(url, options)).json();

const beijing = (iso) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
/** A PDF date (D:YYYYMMDDHHmmSS+08'00'), the signer's own claim when no timestamp proves the time. */
function pdfTime(value) {
  const m = /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:(Z)|([+-])(\d{2})'?(\d{2})'?)?/.exec(value ?? '');
  if (!m) return '—';
  const zone = m[8] ? `${m[8]}${m[9]}:${m[10]}` : 'Z';
  return `${beijing(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`)}（签署方声明）`;
}
const statusTag = (status) => `<span class="status ${esc(status)}">${esc(statusNames[status] ?? status)}</span>`;
const mayAct = (act) => !me?.staff || (act === 'seal' ? ['hr_manager', 'admin'].includes(me.staff.role) : true);

function showView(name) {
  for (const view of ['sign-in', 'contracts', 'contract', 'new', 'roster', 'alerts', 'seal']) $(`view-${view}`).classList.toggle('hidden', view !== name);
  $('bar').classList.toggle('hidden', name === 'sign-in');
}

async function start() {
  try {
    me = await json('/api/v1/me');
  } catch {
    showView('sign-in');
    return;
  }
  if (me.kind !== 'employer') return showError('该账号不是用人单位账号。');
  $('who').textContent = me.staff ? `${me.staff.displayName}（${roleNames[me.staff.role] ?? me.staff.role}）` : '';
  // The general labor contract first: it is what HR uses most.
  templates = (await json('/api/v1/templates')).items.filter((t) => contractKinds.includes(t.kind)).sort((a, b) => contractKinds.indexOf(a.kind) - contractKinds.indexOf(b.kind));
  const options = templates.map((t) => `<option value="${esc(t.id)}">${esc(t.title)}</option>`).join('');
  $('f-template').innerHTML = `<option value="">全部</option>${options}`;
  $('n-template').innerHTML = options;
  $('f-status').innerHTML = `<option value="">全部</option>${Object.entries(statusNames)
    .map(([k, v]) => `<option value="${k}">${v}</option>`)
    .join('')}`;
  await route();
}

async function route() {
  clearError();
  const [, view, id, parentId] = location.hash.split('/');
  try {
    if (view === 'contracts' && id) return await openContract(id);
    if (view === 'roster') return (showView('roster'), await listRoster(json));
    if (view === 'alerts') return (showView('alerts'), await listAlerts(json));
    if (view === 'seal') return (showView('seal'), await showSeal(json, templates, mayAct('seal')));
    // #/new/contract-renewal/<contract>: a 续订书 or 变更书 of that contract, through the same form.
    if (view === 'new') return await openForm(id && parentId ? { templateId: id, parentId } : undefined);
    return await listContracts();
  } catch (problem) {
    if (problem?.status !== 401) showError(problem);
  }
}

// --- the list
async function listContracts() {
  showView('contracts');
  const query = new URLSearchParams({ page: String(listPage), pageSize: String(pageSize) });
  const filters = { number: control('f-number').value.trim(), status: control('f-status').value, templateId: control('f-template').value, expiringWithinDays: control('f-expiring').value };
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  if (control('f-awaiting').checked) query.set('awaitingSignature', 'true');
  const { items, total } = await json(`/api/v1/contracts?${query}`);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  $('list-summary').textContent = `共 ${total} 份合同`;
  $('page-no').textContent = `第 ${listPage} / ${pages} 页`;
  control('prev').disabled = listPage <= 1;
  control('next').disabled = listPage >= pages;
  $('contract-rows').innerHTML = items.length
    ? items
        .map(
          (c) =>
            `<tr><td><a href="#/contracts/${esc(c.id)}">${esc(c.number)}</a></td><td>${esc(c.worker)}</td><td>${esc(c.templateTitle)}</td><td>${esc(c.startDate ?? '')}${c.endDate ? ` 至 ${esc(c.endDate)}` : c.startDate ? ' 起' : ''}</td><td>${statusTag(c.status)}</td></tr>`,
        )
        .join('')
    : '<tr><td colspan="5" class="lead">没有符合条件的合同。</td></tr>';
}

// --- one contract
async function openContract(id, notice = '') {
  showView('contract');
  const c = await json(`/api/v1/contracts/${id}/overview`);
  $('c-title').innerHTML = `合同 ${esc(c.number)} ${statusTag(c.status)}`;
  const facts = {
    职工: c.worker.name,
    手机号码: c.worker.phone ?? '—',
    合同模板: `${c.templateTitle}（${c.templateVersion} 版）`,
    期限: `${c.startDate ?? '—'}${c.endDate ? ` 至 ${c.endDate}` : ''}`,
    创建时间: beijing(c.createdAt),
  };
  $('c-facts').innerHTML = Object.entries(facts)
    .map(([k, v]) => `<dt>${k}</dt><dd>${esc(v)}</dd>`)
    .join('');
  $('c-documents').innerHTML = c.documents.map((d) => `<tr><td>${esc(documentNames[d.kind] ?? d.kind)}</td><td>${esc(beijing(d.createdAt))}</td><td class="sha">${esc(d.sha256)}</td></tr>`).join('');
  $('c-timeline').innerHTML = c.timeline
    .map((e) => `<li><time>${esc(beijing(e.at))}</time>${esc(eventNames[e.type] ?? e.type)} · ${esc(e.actor ?? actorKinds[e.actorKind] ?? e.actorKind)}</li>`)
    .join('');
  const can = new Set(c.allowedEvents);
  const manager = (label, act, extra = '') =>
    mayAct('seal') ? `<button type="button" class="primary" data-act="${act}"${extra}>${label}</button>` : `<button type="button" data-act="${act}" disabled>${label}（需人事经理）</button>`;
  const actions = [];
  if (can.has('seal')) actions.push(manager('加盖单位电子印章', 'seal'));
  if (can.has('send')) actions.push('<button type="button" class="primary" data-act="send">发送签署短信给职工</button>');
  // 提醒: a new signing link by SMS; the earlier one stops working.
  if (can.has('resend')) actions.push('<button type="button" class="primary" data-act="send">提醒职工签署（重新发送签署短信）</button>');
  if (can.has('void')) actions.push('<input id="void-reason" type="text" placeholder="作废原因（职工会收到通知）" aria-label="作废原因"><button type="button" data-act="void">作废合同</button>');
  if (can.has('renew')) actions.push(`<a class="button" href="#/new/contract-renewal/${esc(c.id)}">续订合同</a>`);
  if (can.has('change')) actions.push(`<a class="button" href="#/new/contract-change/${esc(c.id)}">变更合同</a>`);
  if (can.has('terminate')) {
    // The certificate carries the employer's seal: the same role rule as sealing.
    actions.push(`<fieldset class="terminate"><legend>解除或终止劳动合同</legend>
      <label for="t-ending">方式</label><select id="t-ending"><option value="rescission">解除</option><option value="termination">终止</option></select>
      <label for="t-date">最后工作日</label><input id="t-date" type="date">
      <label for="t-reason">原因及法律依据（打印在证明书上）</label><textarea id="t-reason" rows="3"></textarea>
      ${manager('解除/终止并出具证明书', 'terminate')}</fieldset>`);
  }
  if (c.documents.some((d) => d.kind === 'termination_certificate')) actions.push('<button type="button" data-act="certificate">下载解除/终止证明书</button>');
  $('c-actions').innerHTML = actions.length ? actions.join('') : '<p class="lead">当前状态下没有可进行的操作。</p>';
  $('c-actions').dataset.id = c.id;
  $('c-actions').dataset.number = c.number;
  $('c-pdf').dataset.id = c.id;
  $('c-pdf').dataset.number = c.number;
  $('c-notice').textContent = notice;
  await showSignatures(c);
}

/** 验签: the latest PDF through the public verifier, each signature's result in Chinese. */
async function showSignatures(c) {
  const card = $('c-signatures');
  const sealed = c.documents.some((d) => d.kind === 'sealed' || d.kind === 'signed');
  card.classList.toggle('hidden', !sealed);
  if (!sealed) return;
  $('c-verify').textContent = '正在验签……';
  $('c-signature-rows').innerHTML = '';
  const pdf = await (await api(`/api/v1/contracts/${c.id}/pdf`)).blob();
  const report = await json('/api/v1/verify', { method: 'POST', body: pdf });
  const kinds = { signature: '电子签名', 'document-timestamp': '文档时间戳' };
  $('c-signature-rows').innerHTML = report.signatures
    .map(
      (s) =>
        `<tr><td>${esc(kinds[s.kind] ?? s.kind)}</td><td>${esc(s.signer?.name ?? '—')}</td><td>${esc(s.timestamp ? beijing(s.timestamp.time) : pdfTime(s.signingTime))}</td><td class="${s.valid ? 'ok' : 'bad'}">${s.valid ? '有效' : '无效'}：${esc(s.summaryZh)}</td></tr>`,
    )
    .join('');
  $('c-verify').textContent = report.valid ? `验签通过：共 ${report.signatures.length} 个签名/时间戳，全部有效，文件签署后未被篡改。` : '验签未通过：请查看各签名的结果。';
  $('c-verify').className = report.valid ? 'ok' : 'bad';
}

const actionNotices = { seal: '已加盖单位电子印章。', send: '签署短信已发送给职工。', void: '合同已作废。', terminate: '合同已解除/终止，证明书已加盖单位印章。' };
async function act(button) {
  const { id, number } = $('c-actions').dataset;
  const name = button.dataset.act;
  if (name === 'certificate') {
    try {
      return await saveDownload(await api(`/api/v1/contracts/${id}/pdf?document=termination-certificate`), `${number}-解除终止证明书.pdf`);
    } catch (problem) {
      return showError(problem);
    }
  }
  let body;
  if (name === 'void') {
    body = { reason: control('void-reason').value.trim() };
    if (body.reason.length < 2) return showError('请填写作废原因。');
    if (!confirm('确定作废这份合同吗？作废后不能恢复。')) return;
  }
  if (name === 'terminate') {
    body = { ending: control('t-ending').value, date: control('t-date').value, reason: control('t-reason').value.trim() };
    if (!body.date) return showError('请填写最后工作日。');
    if (body.reason.length < 2) return showError('请填写解除或终止的原因及法律依据。');
    if (!confirm('确定解除/终止这份合同并出具证明书吗？此操作不能撤回。')) return;
  }
  button.disabled = true;
  clearError();
  try {
    await api(`/api/v1/contracts/${id}/${name}`, { method: 'POST', body });
    await openContract(id, actionNotices[name]);
  } catch (problem) {
    button.disabled = false;
    showError(problem);
  }
}

// --- create from a template: a form from the template's JSON Schema
const isDate = (schema) => schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$';
function labelOf(path, schema) {
  if (labels[path]) return labels[path];
  const description = schema.description ?? '';
  return /^[\u4e00-\u9fff]/.test(description) ? description.split(/[（(;；:：]/)[0] : path.split('.').pop();
}
function optionLabels(schema) {
  const names = (schema.description ?? '')
    .split(/[：:]/)
    .pop()
    .split(' / ')
    .map((s) => s.trim());
  return schema.enum.map((value, i) => (names.length === schema.enum.length && /[\u4e00-\u9fff]/.test(names[i]) ? names[i] : (enumLabels[value] ?? value)));
}

function fieldHtml(path, schema, required) {
  const id = `in-${path}`;
  const label = `<label for="${esc(id)}">${esc(labelOf(path, schema))}${required ? '' : ' <span class="hint">（选填）</span>'}</label>`;
  const problem = `<p class="field-problem" id="p-${esc(path)}"></p>`;
  let input;
  if (schema.enum) {
    const names = optionLabels(schema);
    input = `<select id="${esc(id)}" data-path="${esc(path)}" data-type="string">${required && schema.default === undefined ? '<option value="">请选择</option>' : '<option value="">—</option>'}${schema.enum.map((v, i) => `<option value="${esc(v)}"${schema.default === v ? ' selected' : ''}>${esc(names[i])}</option>`).join('')}</select>`;
  } else if (schema.type === 'boolean') {
    return `<div class="field"><label class="check"><input id="${esc(id)}" type="checkbox" data-path="${esc(path)}" data-type="boolean"${schema.default ? ' checked' : ''}> ${esc(labelOf(path, schema))}</label>${problem}</div>`;
  } else if (schema.type === 'number' || schema.type === 'integer') {
    input = `<input id="${esc(id)}" type="number" inputmode="decimal" step="${schema.type === 'integer' ? '1' : 'any'}" data-path="${esc(path)}" data-type="number">`;
  } else if ((schema.maxLength ?? 0) >= 500) {
    input = `<textarea id="${esc(id)}" rows="3" data-path="${esc(path)}" data-type="string"></textarea>`;
  } else {
    input = `<input id="${esc(id)}" type="${isDate(schema) ? 'date' : 'text'}" data-path="${esc(path)}" data-type="string">`;
  }
  return `<div class="field">${label}${input}${problem}</div>`;
}

function objectHtml(prefix, schema, required) {
  const requiredKeys = new Set(schema.required ?? []);
  const inner = Object.entries(schema.properties ?? {})
    .filter(([key]) => !(prefix === '' && fromRecord(key)))
    .map(([key, child]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return child.type === 'object' ? objectHtml(path, child, requiredKeys.has(key)) : fieldHtml(path, child, requiredKeys.has(key));
    })
    .join('');
  if (!prefix) return inner;
  // An optional part (试用期, 服务期, 竞业限制) left empty is not agreed: collect() leaves it out.
  const hint = required ? '' : ' <span class="hint">（选填，不约定则留空）</span>';
  return `<fieldset data-object="${esc(prefix)}"><legend>${esc(labelOf(prefix, schema))}${hint}</legend>${inner}<p class="field-problem" id="p-${esc(prefix)}"></p></fieldset>`;
}

async function openForm(attachment = undefined) {
  showView('new');
  const templateId = attachment?.templateId ?? (control('n-template').value || templates[0]?.id);
  const parentId = attachment?.parentId;
  $('n-choose').classList.toggle('hidden', Boolean(parentId));
  $('n-preview').classList.toggle('hidden', Boolean(parentId));
  if (form.templateId === templateId && form.parentId === parentId && form.schema) return;
  // Not the previous form while the new template loads.
  $('n-fields').innerHTML = '';
  const template = await json(`/api/v1/templates/${encodeURIComponent(templateId)}`);
  $('n-title').textContent = parentId ? template.title : '从模板新建合同';
  form = { templateId, parentId, schema: template.fieldsSchema, touched: new Set(), checking: undefined };
  $('n-fields').innerHTML =
    `<div class="card">${objectHtml('', { ...template.fieldsSchema, properties: Object.fromEntries(Object.entries(template.fieldsSchema.properties).filter(([, s]) => s.type !== 'object')) }, true)}</div>${Object.entries(
      template.fieldsSchema.properties,
    )
      .filter(([key, s]) => s.type === 'object' && !fromRecord(key))
      .map(([key, s]) => objectHtml(key, s, (template.fieldsSchema.required ?? []).includes(key)))
      .join('')}`;
  $('n-status').textContent = '';
}

/** The form's values as the template's fields: empty inputs left out, so is a part with nothing filled in. */
function collect() {
  const fields = {};
  for (const element of document.querySelectorAll('#n-fields [data-path]')) {
    const input = /** @type {HTMLInputElement} */ (element);
    const value = input.dataset.type === 'boolean' ? input.checked : input.value.trim() === '' ? undefined : input.dataset.type === 'number' ? Number(input.value) : input.value.trim();
    if (value === undefined) continue;
    const keys = input.dataset.path.split('.');
    let target = fields;
    for (const key of keys.slice(0, -1)) target = target[key] ??= {};
    target[keys.at(-1)] = value;
  }
  return fields;
}

/** Shows problems beside their fields (the closest one shown), the rest below the form. */
function showProblems(problems, all) {
  for (const p of document.querySelectorAll('.field-problem')) p.textContent = '';
  for (const f of document.querySelectorAll('.field.invalid')) f.classList.remove('invalid');
  const rest = [];
  for (const problem of problems) {
    const path = problem.field.replace(/^fields\.?/, '');
    let target = path;
    while (target && !document.getElementById(`p-${target}`)) target = target.split('.').slice(0, -1).join('.');
    if (!all && ![...form.touched].some((t) => t === path || t.startsWith(`${path}.`) || path.startsWith(`${t}.`))) continue;
    const text = `${problem.messageZh ?? problem.message}${problem.article ? `（${problem.article}）` : ''}`;
    const slot = target ? document.getElementById(`p-${target}`) : undefined;
    if (!slot) {
      rest.push(text);
      continue;
    }
    slot.innerHTML += `<span class="${problem.severity === 'warning' ? 'warning' : ''}">${esc(problem.messageZh ?? problem.message)}${problem.article ? ` <span class="article">${esc(problem.article)}</span>` : ''}</span><br>`;
    slot.closest('.field')?.classList.add('invalid');
  }
  $('n-other').textContent = rest.join('\n');
  $('n-other').classList.toggle('hidden', rest.length === 0);
}

/** Checks the form against the template and labor law; true when nothing blocks creating it. */
async function check(all = false) {
  const request = { templateId: form.templateId, fields: collect() };
  const own = (problems) => problems.filter((p) => !fromRecord(String(p.field ?? '').replace(/^fields\.?/, '')));
  try {
    const answer = await json('/api/v1/contracts/validate', { method: 'POST', body: request });
    const violations = own(answer.violations);
    const valid = form.parentId ? !violations.some((v) => v.severity === 'error') : answer.valid;
    showProblems(violations, all);
    $('n-status').textContent = valid ? (violations.length ? '可以创建（有提醒事项，请留意）。' : '校验通过，可以创建。') : '还有不符合规定的内容，请按红字提示修改。';
    return valid;
  } catch (problem) {
    if (problem?.status !== 400) throw problem;
    const errors = own(problem.errors ?? []);
    showProblems(errors, all);
    // A 续订书/变更书 is checked in full when it is created, with the parties from the record.
    if (form.parentId && errors.length === 0) {
      $('n-status').textContent = '已填写完整，创建时按原合同信息校验。';
      return true;
    }
    $('n-status').textContent = '还有未填或填写有误的栏目。';
    return false;
  }
}

async function create(event) {
  event.preventDefault();
  clearError();
  const button = control('n-create');
  button.disabled = true;
  try {
    if (!(await check(true))) return;
    const url = form.parentId ? `/api/v1/contracts/${form.parentId}/attachments` : '/api/v1/contracts';
    const created = await json(url, { method: 'POST', body: { templateId: form.templateId, fields: collect() } });
    form = { templateId: '', parentId: undefined, schema: undefined, touched: new Set(), checking: undefined };
    history.pushState(null, '', `#/contracts/${created.id}`);
    await openContract(created.id, `合同 ${created.number} 已创建。下一步：盖章后发送给职工签署。`);
  } catch (problem) {
    // A 422 lists the labor-law violations with their articles; a 400 the fields that do not parse.
    if (problem?.violations ?? problem?.errors) showProblems(problem.violations ?? problem.errors, true);
    showError(problem);
  } finally {
    button.disabled = false;
  }
}

/** The contract as it would be rendered, downloaded without saving anything; problems shown as on creation. */
async function preview() {
  clearError();
  const button = control('n-preview');
  button.disabled = true;
  try {
    const response = await api('/api/v1/contracts/preview', { method: 'POST', body: { templateId: form.templateId, fields: collect() } });
    await saveDownload(response, `合同预览-${form.templateId}.pdf`);
  } catch (problem) {
    if (problem?.violations ?? problem?.errors) showProblems(problem.violations ?? problem.errors, true);
    showError(problem);
  } finally {
    button.disabled = false;
  }
}

// --- wiring
$('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearError();
  try {
    const session = await json('/api/v1/console/session', { method: 'POST', body: { username: control('username').value.trim(), password: control('password').value } });
    csrf = session.csrfToken;
    sessionStorage.setItem('console-csrf', csrf);
    control('password').value = '';
    if (!location.hash) history.replaceState(null, '', '#/contracts');
    await start();
  } catch (problem) {
    showError(problem?.status === 401 ? '用户名或密码错误。' : problem);
  }
});
$('sign-out').addEventListener('click', async () => {
  await api('/api/v1/console/session', { method: 'DELETE' }).catch(() => undefined);
  sessionStorage.removeItem('console-csrf');
  csrf = '';
  me = undefined;
  showView('sign-in');
});
$('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  listPage = 1;
  listContracts().catch(showError);
});
$('prev').addEventListener('click', () => {
  listPage -= 1;
  listContracts().catch(showError);
});
$('next').addEventListener('click', () => {
  listPage += 1;
  listContracts().catch(showError);
});
$('c-actions').addEventListener('click', (event) => {
  const button = /** @type {HTMLButtonElement | null} */ (/** @type {Element} */ (event.target).closest('button[data-act]'));
  if (button) act(button);
});
$('c-pdf').addEventListener('click', async () => {
  const { id, number } = $('c-pdf').dataset;
  try {
    await saveDownload(await api(`/api/v1/contracts/${id}/pdf`), `${number}.pdf`);
  } catch (problem) {
    showError(problem);
  }
});
// --- roster and self-check (console-roster.js)
for (const [which, list, restart] of /** @type {const} */ ([
  ['roster', listRoster, restartRoster],
  ['alerts', listAlerts, restartAlerts],
])) {
  const prefix = which === 'roster' ? 'r-' : 'a-';
  $(`${prefix}filters`).addEventListener('submit', (event) => {
    event.preventDefault();
    restart();
    list(json).catch(showError);
  });
  for (const [id, step] of /** @type {const} */ ([
    ['prev', -1],
    ['next', 1],
  ])) {
    $(`${prefix}${id}`).addEventListener('click', () => {
      turn(which, step);
      list(json).catch(showError);
    });
  }
}
for (const [id, register] of /** @type {const} */ ([
  ['hire', hire],
  ['separate', separate],
])) {
  $(id).addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    try {
      const notice = await register(json);
      /** @type {HTMLFormElement} */ ($(id)).reset();
      await listRoster(json);
      $('r-notice').textContent = notice; // once the list shows the change
    } catch (problem) {
      showError(problem);
    }
  });
}
// --- seal and authorisations (console-seal.js)
$('seal-file').addEventListener('change', previewSeal);
/** Runs a seal-view change, shows its notice, and lists again. */
async function sealChange(change) {
  clearError();
  try {
    const notice = await change();
    await showSeal(json, templates, mayAct('seal'));
    $('seal-notice').textContent = notice; // once the list shows the change
  } catch (problem) {
    showError(problem);
  }
}
$('seal-upload').addEventListener('click', () => sealChange(() => uploadSeal(json)));
$('grant').addEventListener('submit', (event) => {
  event.preventDefault();
  sealChange(() => grant(json));
});
$('g-rows').addEventListener('click', (event) => {
  const button = /** @type {HTMLElement} */ (event.target).closest('button[data-revoke]');
  if (button) sealChange(() => revoke(json, /** @type {HTMLElement} */ (button).dataset.revoke));
});
$('n-template').addEventListener('change', () => openForm().catch(showError));
$('contract-form').addEventListener('submit', create);
$('n-preview').addEventListener('click', preview);
// Checked as it is filled in: each change, a moment after the last one.
$('n-fields').addEventListener('change', (event) => {
  const target = /** @type {HTMLElement} */ (event.target);
  if (target.dataset.path) form.touched.add(target.dataset.path);
  clearTimeout(form.checking);
  form.checking = setTimeout(() => check().catch(showError), 300);
});
addEventListener('hashchange', () => {
  if (me) route();
});
start();
