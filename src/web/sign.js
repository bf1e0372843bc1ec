// The worker's signing page. The signing key is made here with WebCrypto, non-extractable:
// only its public key and signatures leave the phone.
import { $, control } from './dom.js';
import { beijingTime } from './zh.js';
import * as pdfjs from '/assets/pdfjs/pdf.min.mjs';

pdfjs.GlobalWorkerOptions.workerSrc = '/assets/pdfjs/pdf.worker.min.mjs';
const token = location.pathname.split('/').filter(Boolean).pop() ?? '';
const api = (step = '') => `/api/v1/signing/${encodeURIComponent(token)}${step}`;
const scrollBehavior = matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth';
const order = ['read', 'identity', 'sign', 'done'];

// Said in Chinese by status when a problem has no Chinese message of its own.
const statusMessages = {
  400: '填写的信息格式不正确，请检查后重试',
  404: '签署链接无效，请使用短信中的完整链接',
  410: '签署链接已失效，请联系用人单位重新发送',
  413: '签名图片过大，请清除后重新签名',
  423: '签署链接已锁定，请联系用人单位重新发送',
  429: '操作过于频繁，请稍后再试',
};
const hasChinese = (text) => typeof text === 'string' && /[\u4e00-\u9fff]/.test(text);

function messageOf(problem) {
  const first = problem?.errors?.[0];
  // A malformed token is a broken link to the worker, whatever rule it broke.
  if (problem?.status === 400 && first?.field === 'token') return statusMessages[404];
  if (first?.messageZh) return first.messageZh;
  if (hasChinese(problem?.detail)) return problem.detail;
  return statusMessages[problem?.status] ?? '操作失败，请稍后再试';
}

function showError(problem) {
  $('alert').textContent = messageOf(problem);
  $('alert').classList.remove('hidden');
  $('alert').scrollIntoView({ behavior: scrollBehavior, block: 'center' });
}
const clearError = () => $('alert').classList.add('hidden');
const fail = (detail) => showError({ detail });

async function call(step, body) {
  let response;
  try {
    response = await fetch(api(step), {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw { detail: '网络连接失败，请检查网络后重试' };
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw { ...data, status: response.status };
  return data;
}

/** Shows one step; the refusal stays reachable once the worker has read the contract. */
function show(section) {
  for (const id of order) $(id).classList.toggle('hidden', id !== section);
  $('refuse').classList.toggle('hidden', section !== 'identity' && section !== 'sign');
  // A finished link no longer serves the document: downloads move to 我的合同.
  $('download').classList.toggle('hidden', section === 'done');
  // Nor does its deadline matter once the link is used (signed or declined).
  for (const id of ['expires-label', 'expires']) $(id).classList.toggle('hidden', section === 'done');
  // The notice was read with the contract: fold it to keep later steps on the first screen.
  /** @type {HTMLDetailsElement} */ ($('notice-box')).open = section === 'read';
  for (const li of /** @type {HTMLCollectionOf<HTMLElement>} */ ($('steps').children)) {
    const index = order.indexOf(li.dataset.step);
    const current = order.indexOf(section);
    li.className = index < current || section === 'done' ? 'done' : index === current ? 'current' : '';
  }
  $(section).scrollIntoView({ behavior: scrollBehavior, block: 'start' });
}

async function renderContract() {
  const pdf = await pdfjs.getDocument({ url: api('/document.pdf') }).promise;
  const container = $('pages');
  const width = container.clientWidth - 12;
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number);
    const base = page.getViewport({ scale: 1 });
    // At least 2× so that pinch-zoomed text stays legible on a 360 px screen.
    const viewport = page.getViewport({ scale: (width / base.width) * Math.min(Math.max(window.devicePixelRatio || 1, 2), 3) });
    const canvas = document.createElement('canvas');
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    canvas.setAttribute('aria-label', `第 ${number} 页，共 ${pdf.numPages} 页`);
    container.append(canvas);
    await page.render({ canvasContext: canvas.getContext('2d'), viewport }).promise;
  }
  $('read-state').textContent = `共 ${pdf.numPages} 页，请滑动阅读至最后一页。`;
  watchReadToEnd(container);
}

/** Reports reading to the end once, then opens the identity step. */
function watchReadToEnd(container) {
  let reported = false;
  const atEnd = () => container.scrollTop + container.clientHeight >= container.scrollHeight - 8;
  const onScroll = async () => {
    if (reported || !atEnd()) return;
    reported = true;
    try {
      await call('/read', {});
      container.removeEventListener('scroll', onScroll);
      $('read-state').textContent = '您已阅读合同全文。';
      show('identity');
    } catch (problem) {
      reported = false;
      showError(problem);
    }
  };
  container.addEventListener('scroll', onScroll, { passive: true });
  onScroll(); // a contract short enough to fit is read once shown
}

function signaturePad(canvas) {
  const context = canvas.getContext('2d');
  let drawing = false;
  let strokes = 0;
  const ratio = () => window.devicePixelRatio || 1;
  const resize = () => {
    canvas.width = Math.round(canvas.clientWidth * ratio());
    canvas.height = Math.round(canvas.clientHeight * ratio());
    context.setTransform(ratio(), 0, 0, ratio(), 0, 0);
    context.lineWidth = 3;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#111';
    strokes = 0; // resizing a canvas wipes it
  };
  const point = (event) => {
    const rect = canvas.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  };
  canvas.addEventListener('pointerdown', (event) => {
    // The pad is laid out while hidden (zero size), or the phone turned: size it at the stroke.
    if (canvas.width !== Math.round(canvas.clientWidth * ratio())) resize();
    event.preventDefault();
    drawing = true;
    strokes++;
    canvas.setPointerCapture(event.pointerId);
    context.beginPath();
    context.moveTo(...point(event));
    context.lineTo(...point(event)); // a tap leaves a dot
    context.stroke();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    context.lineTo(...point(event));
    context.stroke();
  });
  const end = () => (drawing = false);
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return {
    clear: () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      strokes = 0;
    },
    isEmpty: () => strokes === 0,
    png: () => canvas.toDataURL('image/png'),
  };
}

const toBase64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** Key pair made on this phone; the private key cannot be exported, only used to sign. */
async function signOnDevice(code, signatureImage, confirmations) {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const publicKey = toBase64(await crypto.subtle.exportKey('spki', keys.publicKey));
  const prepared = await call('/prepare', { code, publicKey, signatureImage, intent: true, confirmations });
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, fromBase64(prepared.signedAttributes));
  await call('/complete', { sessionId: prepared.sessionId, signature: toBase64(signature) });
}

/** The code can be asked for again after a minute (the API allows a few per minute). */
function coolDown(button, seconds = 60) {
  const label = button.textContent;
  button.disabled = true;
  const timer = setInterval(() => {
    seconds--;
    button.textContent = `${seconds} 秒后可重发`;
    if (seconds > 0) return;
    clearInterval(timer);
    button.disabled = false;
    button.textContent = label;
  }, 1000);
}

function wireIdentity() {
  $('verify-identity').addEventListener('click', async () => {
    clearError();
    const name = control('name').value.trim();
    const idNumber = control('id-number').value.trim().toUpperCase();
    if (!name) return fail('请填写姓名');
    if (!/^(\d{17}[\dX]|\d{15})$/.test(idNumber)) return fail('身份证号码应为 18 位（最后一位可能是 X）');
    control('verify-identity').disabled = true;
    try {
      const result = await call('/identity', { name, idNumber });
      $('code-sent').textContent = `验证码已发送至 ${result.codeSentTo}，5 分钟内有效。`;
      coolDown($('resend'));
      show('sign');
    } catch (problem) {
      showError(problem);
    } finally {
      control('verify-identity').disabled = false;
    }
  });
  $('resend').addEventListener('click', async () => {
    clearError();
    try {
      const result = await call('/code', {});
      $('code-sent').textContent = `验证码已重新发送至 ${result.codeSentTo}，5 分钟内有效。`;
      coolDown($('resend'));
    } catch (problem) {
      showError(problem);
    }
  });
}

function wireSigning() {
  const pad = signaturePad($('pad'));
  $('clear').addEventListener('click', () => pad.clear());
  $('submit').addEventListener('click', async () => {
    clearError();
    const code = control('code').value.trim();
    if (!/^\d{6}$/.test(code)) return fail('请输入短信中的 6 位数字验证码');
    if (pad.isEmpty()) return fail('请先在签名框内手写签名');
    const declarations = [...document.querySelectorAll('#confirmations input')].map((input) => /** @type {HTMLInputElement} */ (input));
    const unconfirmed = declarations.find((input) => !input.checked);
    if (unconfirmed) return fail(`请勾选确认：${unconfirmed.dataset.text}`);
    if (!control('intent').checked) return fail('请勾选“我已阅读并同意签署本合同”');
    control('submit').disabled = true;
    $('submit').textContent = '正在签署……';
    try {
      await signOnDevice(
        code,
        pad.png(),
        declarations.map((input) => input.value),
      );
      show('done');
    } catch (problem) {
      showError(problem);
      control('submit').disabled = false;
      $('submit').textContent = '签署';
    }
  });
}

function wireRefusal() {
  $('decline').addEventListener('click', async () => {
    clearError();
    const reason = control('reason').value.trim();
    if (reason.length < 2) return fail('请简要说明拒绝签署的理由');
    if (!confirm('确定拒绝签署本合同吗？拒绝后此签署链接将失效。')) return;
    try {
      await call('/decline', { reason });
      $('done-mark').textContent = '✖';
      $('done-mark').classList.add('bad');
      $('done-title').textContent = '已拒绝签署';
      $('done-text').textContent = '您的拒签理由已告知用人单位。本签署链接已失效，合同记录可在“我的合同”中查看。';
      show('done');
    } catch (problem) {
      showError(problem);
    }
  });
}

async function start() {
  let info;
  try {
    info = await call('');
  } catch (problem) {
    $('loading').classList.add('hidden');
    showError(problem);
    return;
  }
  $('loading').classList.add('hidden');
  $('employer').textContent = info.contract.employerName;
  $('number').textContent = info.contract.number;
  $('worker').textContent = info.worker.maskedName;
  $('expires').textContent = beijingTime(info.expiresAt);
  $('notice').textContent = info.notice;
  // Declarations only the worker may make (a fixed term at the worker's own request), each ticked apart.
  for (const confirmation of info.confirmations ?? []) {
    const label = document.createElement('label');
    label.className = 'check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = confirmation.key;
    box.dataset.text = confirmation.textZh;
    label.append(box, ` ${confirmation.textZh}（${confirmation.article}）`);
    $('confirmations').append(label);
  }
  const download = /** @type {HTMLAnchorElement} */ ($('download'));
  download.href = api('/document.pdf');
  download.download = `${info.contract.number}.pdf`;
  $('intro').classList.remove('hidden');
  $('steps').classList.remove('hidden');
  wireIdentity();
  wireSigning();
  wireRefusal();
  // A reopened link resumes where the worker left off.
  if (info.steps.identityVerified) {
    $('code-sent').textContent = '身份已核验。如未收到验证码或验证码已过期，请点击“重新发送”。';
    show('sign');
  } else if (info.steps.readToEnd) {
    show('identity');
  } else {
    show('read');
    renderContract().catch(() => fail('合同加载失败，请刷新页面重试，或点击“下载合同（免费）”阅读'));
  }
}

start();
