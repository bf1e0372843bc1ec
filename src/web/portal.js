// 我的合同: phone + code, then the worker's contracts, each downloadable free.
import { $, control, esc, buttonOf } from './dom.js';
import { beijingTime, contractStatusNames as statusNames } from './zh.js';
const officeNames = { insurance: '社会保险经办机构', arbitration: '劳动人事争议仲裁机构', inspection: '劳动保障监察机构', employment: '公共就业服务机构' };
const day = (value) => (value ? String(value).slice(0, 10) : '');
const hasChinese = (text) => typeof text === 'string' && /[\u4e00-\u9fff]/.test(text);
const sessionKey = 'portal-session';
let session = sessionStorage.getItem(sessionKey);

function showError(problem) {
  const first = problem?.errors?.[0];
  const fallback = { 400: '手机号或验证码格式不正确', 429: '操作过于频繁，请稍后再试' }[problem?.status] ?? '操作失败，请稍后再试';
  $('alert').textContent = first?.messageZh ?? (hasChinese(problem?.detail) ? problem.detail : fallback);
  $('alert').classList.remove('hidden');
}
const clearError = () => $('alert').classList.add('hidden');

async function request(url, init = {}) {
  let response;
  try {
    response = await fetch(url, { ...init, headers: { ...(init.headers ?? {}), ...(session ? { 'x-portal-session': session } : {}) } });
  } catch {
    throw { detail: '网络连接失败，请检查网络后重试' };
  }
  if (response.status === 401 && session) logOut();
  if (!response.ok) throw { ...(await response.json().catch(() => ({}))), status: response.status };
  return response;
}
const post = async (url, body) => (await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();

/** A session that ended on the server sends the worker back to the login form. */
function logOut() {
  sessionStorage.removeItem(sessionKey);
  session = null;
  $('contracts').classList.add('hidden');
  $('accesses').classList.add('hidden');
  $('login').classList.remove('hidden');
}

async function download(id, number, which) {
  clearError();
  try {
    const response = await request(`/api/v1/portal/contracts/${encodeURIComponent(id)}/pdf?document=${which}`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = which === 'contract' ? `${number}.pdf` : `${number}-证明书.pdf`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  } catch (problem) {
    showError(problem);
  }
}

function contractRow(c) {
  const term = c.endDate ? `${day(c.startDate)} 至 ${day(c.endDate)}` : `${day(c.startDate)} 起（无固定期限）`;
  const buttons = `<button data-id="${esc(c.id)}" data-number="${esc(c.number)}" data-which="contract">下载</button>${
    c.hasTerminationCertificate ? `<button data-id="${esc(c.id)}" data-number="${esc(c.number)}" data-which="termination-certificate">证明书</button>` : ''
  }`;
  return `<tr><td><strong>${esc(c.title)}</strong><br>${esc(c.employerName)}<br><span class="status ${esc(c.status)}">${esc(statusNames[c.status] ?? c.status)}</span><br>
    <small>编号 ${esc(c.number)}<br>期限 ${esc(term)}</small></td><td>${buttons}</td></tr>`;
}

function accessRow(a) {
  const when = beijingTime(a.at);
  const caseNumber = a.caseNumber ? `，案号 ${esc(a.caseNumber)}` : '';
  return `<tr><td><small>${esc(when)}</small><br>${esc(officeNames[a.role] ?? a.role)}（${esc(a.regionCode)}）<br><small>${esc(a.purpose)}${caseNumber}${a.contractNumber ? ` · 合同 ${esc(a.contractNumber)}` : ''}</small></td></tr>`;
}

async function showContracts() {
  try {
    const { items } = await (await request('/api/v1/portal/contracts')).json();
    $('list').innerHTML = items.length ? items.map(contractRow).join('') : '<tr><td>暂无合同</td></tr>';
    $('login').classList.add('hidden');
    $('contracts').classList.remove('hidden');
  } catch (problem) {
    if (problem?.status !== 401) showError(problem);
    return;
  }
  // The access record is secondary: the contract list stands without it.
  try {
    const { items } = await (await request('/api/v1/portal/accesses')).json();
    $('access-list').innerHTML = items.length ? items.map(accessRow).join('') : '<tr><td>暂无查阅记录</td></tr>';
    $('accesses').classList.remove('hidden');
  } catch {
    $('accesses').classList.add('hidden');
  }
}

function coolDown(button, seconds = 60) {
  button.disabled = true;
  const timer = setInterval(() => {
    seconds--;
    button.textContent = `${seconds} 秒后重发`;
    if (seconds > 0) return;
    clearInterval(timer);
    button.disabled = false;
    button.textContent = '获取验证码';
  }, 1000);
}

$('list').addEventListener('click', (event) => {
  const button = buttonOf(event, 'button');
  if (button) download(button.dataset.id, button.dataset.number, button.dataset.which);
});
$('send-code').addEventListener('click', async () => {
  clearError();
  const phone = control('phone').value.trim();
  if (!/^1\d{10}$/.test(phone)) return showError({ detail: '请输入 11 位手机号' });
  try {
    await post('/api/v1/portal/code', { phone });
    $('code-hint').textContent = '验证码已发送，5 分钟内有效。如未收到，请确认是签合同时使用的手机号。';
    $('code-hint').classList.remove('hidden');
    coolDown($('send-code'));
  } catch (problem) {
    showError(problem);
  }
});
$('log-in').addEventListener('click', async () => {
  clearError();
  const phone = control('phone').value.trim();
  const code = control('code').value.trim();
  if (!/^1\d{10}$/.test(phone)) return showError({ detail: '请输入 11 位手机号' });
  if (!/^\d{6}$/.test(code)) return showError({ detail: '请输入 6 位数字验证码' });
  try {
    const result = await post('/api/v1/portal/login', { phone, code });
    session = result.token;
    sessionStorage.setItem(sessionKey, session);
    await showContracts();
  } catch (problem) {
    showError(problem);
  }
});
$('log-out').addEventListener('click', logOut);
if (session) showContracts();
