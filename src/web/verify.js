// Verification page: sends the chosen PDF to the API and shows the report in Chinese.
import { esc } from './dom.js';
import { beijingTime, documentKindNames, levelNames, signatureName, verdictNames } from './zh.js';
const form = document.getElementById('verify-form');
const result = document.getElementById('result');

const yes = (ok) => (ok ? '<span class="ok">✔ 通过</span>' : '<span class="bad">✘ 未通过</span>');
const modificationNames = { NONE: '无修改', LTA_UPDATES: '仅追加长期验证数据或文档时间戳', FORM_FILLING: '仅填写签名域', ANNOTATIONS: '添加了注释', OTHER: '有不允许的修改' };
const verdictClass = { 'TOTAL-PASSED': 'ok', 'TOTAL-FAILED': 'bad', INDETERMINATE: 'warn' };

function signatureCard(sig, index) {
  const revocation = sig.revocation?.afterSignature
    ? `已于签署后吊销（${beijingTime(sig.revocation.revokedAt)}），时间戳证明签名在吊销前作出，签名仍有效`
    : ({ good: '未吊销', revoked: '已吊销', unknown: '未知' }[sig.revocation?.status] ?? '未检查');
  return `<article class="card">
    <h3>签名 ${index + 1}：${esc(signatureName(sig))}${sig.signer?.name ? ` · ${esc(sig.signer.name)}` : ''}</h3>
    <p class="${verdictClass[sig.indication] ?? 'bad'}" title="${esc([sig.indication, sig.subIndication].filter(Boolean).join(' / '))}">${esc(sig.summaryZh ?? '')}（${esc(verdictNames[sig.indication] ?? '未知')}）</p>
    <dl>
      <dt>签署人证书</dt><dd>${esc(sig.signer?.subject)}</dd>
      <dt>文档完整性</dt><dd>${yes(sig.digestValid)}</dd>
      <dt>签名有效性</dt><dd>${yes(sig.signatureValid)}</dd>
      <dt>证书链可信</dt><dd>${yes(sig.chainTrusted)}</dd>
      <dt>覆盖范围</dt><dd>${yes(sig.coversRevision)}</dd>
      <dt>其后修订</dt><dd>此签名之后还有 ${Number(sig.revisionsAfter ?? 0)} 次修订</dd>
      <dt>签署后修改</dt><dd>${sig.disallowedChanges?.length ? `<span class="bad">发现不允许的修改：${esc(sig.disallowedChanges.join('；'))}</span>` : `<span class="ok">${esc(modificationNames[sig.modification?.level] ?? '无不允许的修改')}</span>`}</dd>
      <dt>可信时间戳</dt><dd>${sig.timestamp ? `${esc(beijingTime(sig.timestamp.time))} ${yes(sig.timestamp.valid)}` : '<span class="bad">无</span>'}</dd>
      <dt>证书状态</dt><dd>${esc(revocation)}</dd>
      <dt>签名级别</dt><dd>${esc(levelNames[sig.level] ?? sig.level)}</dd>
    </dl>
  </article>`;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = /** @type {HTMLInputElement} */ (document.getElementById('file')).files[0];
  if (!file) return;
  result.innerHTML = '<p>正在验证…</p>';
  const response = await fetch('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: file });
  const report = await response.json();
  if (!response.ok) {
    result.innerHTML = `<p class="bad">${esc(report.errors?.[0]?.messageZh ?? report.messageZh ?? '验证失败，请稍后重试')}</p>`;
    return;
  }
  const archived = report.archived
    ? `<p class="ok">该文件与本平台存档一致：合同编号 ${esc(report.archived.contractNumber)}（${esc(documentKindNames[report.archived.kind] ?? report.archived.kind)}），存档时间 ${esc(beijingTime(report.archived.archivedAt))}。</p>`
    : '<p>本平台存档中没有与该文件完全一致的文档。</p>';
  const version = report.version ? `<p class="${report.version.latest ? 'ok' : 'bad'}">${esc(report.version.messageZh)}</p>` : '';
  result.innerHTML = `<div class="card summary ${report.valid ? 'good' : 'fail'}">
      <h2>${report.valid ? '全部签名有效' : report.indication === 'INDETERMINATE' ? '部分签名无法确定' : '验证未通过'}</h2>
      <p>共 ${report.signatures.length} 个签名 · ${Number(report.revisions ?? 0)} 次修订</p><p class="digest">文件 SHA-256 摘要：<code>${esc(report.sha256)}</code></p>${version}${archived}
    </div>${report.signatures.map(signatureCard).join('')}`;
});
