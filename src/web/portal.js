// 我的合同: phone + code, then the worker's contracts, each downloadable free.
const $ = (id) => document.getElementById(id);
const statusNames = { sent: '待签署', link_expired: '签署链接已过期', signed: '已签署（生效）', declined: '已拒签', renewed: '已续订', changed: '已变更', terminated: '已解除/终止', expired: '已到期' };
const esc = (text) => String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
let session = sessionStorage.getItem('portal-session');

function showError(problem) {
  $('alert').textContent = problem?.errors?.[0]?.messageZh ?? problem?.detail ?? '操作失败，请稍后再试';
  $('alert').classList.remove('hidden');
}

async function post(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw data;
  return data;
}

async function download(id, number, which) {
  const response = await fetch(`/api/v1/portal/contracts/${id}/pdf?document=${which}`, { headers: { 'x-portal-session': session } });
  if (!response.ok) return showError(await response.json().catch(() => ({})));
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = which === 'contract' ? `${number}.pdf` : `${number}-证明书.pdf`;
  document.body.append(link);
  link.click();
  link.remove();
}

async function showContracts() {
  const response = await fetch('/api/v1/portal/contracts', { headers: { 'x-portal-session': session } });
  if (response.status === 401) {
    sessionStorage.removeItem('portal-session');
    session = null;
    return;
  }
  const { items } = await response.json();
  $('list').innerHTML = items.length
    ? items
        .map(
          (c) => `<tr><td><strong>${esc(c.title)}</strong><br>${esc(c.employerName)}<br><small>编号 ${esc(c.number)} · ${esc(statusNames[c.status] ?? c.status)}</small></td>
          <td><button data-id="${esc(c.id)}" data-number="${esc(c.number)}" data-which="contract">下载</button>${c.hasTerminationCertificate ? `<button data-id="${esc(c.id)}" data-number="${esc(c.number)}" data-which="termination-certificate">证明书</button>` : ''}</td></tr>`,
        )
        .join('')
    : '<tr><td>暂无合同</td></tr>';
  $('login').classList.add('hidden');
  $('contracts').classList.remove('hidden');
}

$('list').addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (button) download(button.dataset.id, button.dataset.number, button.dataset.which);
});
$('send-code').addEventListener('click', async () => {
  try {
    await post('/api/v1/portal/code', { phone: $('phone').value.trim() });
    $('send-code').textContent = '已发送';
  } catch (problem) {
    showError(problem);
  }
});
$('log-in').addEventListener('click', async () => {
  try {
    const result = await post('/api/v1/portal/login', { phone: $('phone').value.trim(), code: $('code').value.trim() });
    session = result.token;
    sessionStorage.setItem('portal-session', session);
    $('alert').classList.add('hidden');
    await showContracts();
  } catch (problem) {
    showError(problem);
  }
});
$('log-out').addEventListener('click', () => {
  sessionStorage.removeItem('portal-session');
  location.reload();
});
if (session) showContracts();
