// The worker's signing page. The signing key is made here with WebCrypto, non-extractable:
// only its public key and signatures leave the phone.
import * as pdfjs from '/assets/pdfjs/pdf.min.mjs';

pdfjs.GlobalWorkerOptions.workerSrc = '/assets/pdfjs/pdf.worker.min.mjs';
const token = location.pathname.split('/').filter(Boolean).pop();
const api = (step = '') => `/api/v1/signing/${encodeURIComponent(token)}${step}`;
const $ = (id) => document.getElementById(id);

function showError(problem) {
  const first = problem?.errors?.[0];
  $('alert').textContent = first?.messageZh ?? problem?.detail ?? problem?.title ?? '操作失败，请稍后再试';
  $('alert').classList.remove('hidden');
  $('alert').scrollIntoView({ behavior: 'smooth', block: 'center' });
}
const clearError = () => $('alert').classList.add('hidden');

async function call(step, body) {
  const response = await fetch(api(step), {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw data;
  return data;
}

function show(section) {
  for (const id of ['read', 'identity', 'sign', 'done']) $(id).classList.toggle('hidden', id !== section);
  const order = ['read', 'identity', 'sign', 'done'];
  for (const li of $('steps').children) {
    const index = order.indexOf(li.dataset.step);
    li.className = index < order.indexOf(section) ? 'done' : index === order.indexOf(section) ? 'current' : '';
  }
  $(section).scrollIntoView({ behavior: 'smooth', block: 'start' });
}

async function renderContract() {
  const url = api('/document.pdf');
  $('download').href = url;
  const pdf = await pdfjs.getDocument({ url }).promise;
  const container = $('pages');
  const width = container.clientWidth - 12;
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (width / base.width) * Math.min(window.devicePixelRatio || 1, 2) });
    const canvas = document.createElement('canvas');
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    canvas.setAttribute('aria-label', `第 ${number} 页`);
    container.append(canvas);
    await page.render({ canvasContext: canvas.getContext('2d'), viewport }).promise;
  }
  $('read-state').textContent = `共 ${pdf.numPages} 页，请滑动阅读至最后一页。`;
  let reported = false;
  const atEnd = () => container.scrollTop + container.clientHeight >= container.scrollHeight - 8;
  const onScroll = async () => {
    if (reported || !atEnd()) return;
    reported = true;
    try {
      await call('/read', {});
      $('read-state').textContent = '您已阅读合同全文。';
      show('identity');
    } catch (problem) {
      reported = false;
      showError(problem);
    }
  };
  container.addEventListener('scroll', onScroll);
  onScroll();
}

function signaturePad(canvas) {
  const context = canvas.getContext('2d');
  let drawing = false;
  let strokes = 0;
  const resize = () => {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(canvas.clientWidth * ratio);
    canvas.height = Math.round(canvas.clientHeight * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineWidth = 3;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#111';
  };
  resize();
  const point = (event) => {
    const rect = canvas.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  };
  canvas.addEventListener('pointerdown', (event) => {
    // The pad may have been laid out while hidden (zero size): size it at the first stroke.
    if (canvas.width !== Math.round(canvas.clientWidth * (window.devicePixelRatio || 1))) resize();
    drawing = true;
    strokes++;
    canvas.setPointerCapture(event.pointerId);
    context.beginPath();
    context.moveTo(...point(event));
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

async function start() {
  let info;
  try {
    info = await call('');
  } catch (problem) {
    showError(problem);
    return;
  }
  $('employer').textContent = info.contract.employerName;
  $('number').textContent = info.contract.number;
  $('worker').textContent = info.worker.maskedName;
  $('expires').textContent = new Date(info.expiresAt).toLocaleString('zh-CN');
  $('notice').textContent = info.notice;
  $('intro').classList.remove('hidden');
  show(info.steps.identityVerified ? 'sign' : 'read');
  renderContract().catch(() => showError({ detail: '合同加载失败，请刷新页面重试' }));

  $('verify-identity').addEventListener('click', async () => {
    clearError();
    try {
      const result = await call('/identity', { name: $('name').value.trim(), idNumber: $('id-number').value.trim().toUpperCase() });
      $('code-sent').textContent = `验证码已发送至 ${result.codeSentTo}，5 分钟内有效。`;
      show('sign');
    } catch (problem) {
      showError(problem);
    }
  });
  $('resend').addEventListener('click', async () => {
    clearError();
    try {
      const result = await call('/code', {});
      $('code-sent').textContent = `验证码已重新发送至 ${result.codeSentTo}。`;
    } catch (problem) {
      showError(problem);
    }
  });

  const pad = signaturePad($('pad'));
  $('clear').addEventListener('click', () => pad.clear());
  $('submit').addEventListener('click', async () => {
    clearError();
    if (pad.isEmpty()) return showError({ detail: '请先在签名框内手写签名' });
    if (!$('intent').checked) return showError({ detail: '请勾选“我已阅读并同意签署本合同”' });
    $('submit').disabled = true;
    $('submit').textContent = '正在签署……';
    try {
      const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
      const publicKey = toBase64(await crypto.subtle.exportKey('spki', keys.publicKey));
      const prepared = await call('/prepare', { code: $('code').value.trim(), publicKey, signatureImage: pad.png(), intent: true });
      const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, fromBase64(prepared.signedAttributes));
      await call('/complete', { sessionId: prepared.sessionId, signature: toBase64(signature) });
      show('done');
    } catch (problem) {
      showError(problem);
      $('submit').disabled = false;
      $('submit').textContent = '签署';
    }
  });
  $('decline').addEventListener('click', async () => {
    clearError();
    try {
      await call('/decline', { reason: $('reason').value });
      $('done-title').textContent = '已拒绝签署';
      $('done-text').textContent = '您的拒签理由已告知用人单位。';
      show('done');
    } catch (problem) {
      showError(problem);
    }
  });
}

start();
