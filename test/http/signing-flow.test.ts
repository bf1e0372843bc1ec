/**
 * The whole contract flow over HTTP, with Node's WebCrypto standing in for the worker's phone:
 * create → seal → send → open → read → identity → code → two-phase signature → signed PDF
 * checked by our verifier and, independently, by pdfsig (NSS trusting our root), vfychain,
 * openssl cms / ts and qpdf; an intact audit chain, and the worker's portal. Also: a service
 * stopped between prepare and complete, and a failure after the archive write inside complete.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { webcrypto } from 'node:crypto';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { IndependentChecks, registerIndependentChecks } from '../helpers/independent-checks.ts';
import { needs, run } from '../helpers/tools.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Db, DbTx } from '../../src/db/client.ts';
import type { Platform } from '../../src/runtime.ts';
import { GlyphOutliner } from '../../src/signing/appearance/outlines.ts';
import { WorkerSigningService } from '../../src/services/worker-signing.ts';
import type { ArchivedObject, ObjectArchive } from '../../src/storage/archive.ts';
import { phoneKey, phoneUserAgent, signaturePng, workerPhone } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const first = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(51) })).json();
const other = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(52) })).json();
const employer = bearer(first.apiKey);
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
const work = mkdtempSync(path.join(tmpdir(), 'laborsign-flow-'));
const phoneUa = phoneUserAgent;
const phone = workerPhone(app, platform, example.worker);
const independent = IndependentChecks.create({ root: platform.pki.root.der, authorities: platform.pki.authorities.map((ca) => ca.certificate.der), tsa: platform.pki.tsa.certificate.der }, t);

// Art. 19: once the first contract is signed, later ones with the same worker carry no probation.
const laterFields = { ...example, probation: undefined };

async function sentContract(fields: Record<string, unknown> = laterFields): Promise<{ id: string; token: string }> {
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: template.id, fields } });
  if (created.statusCode !== 201) throw new Error(created.body);
  const id = created.json().id as string;
  const sealed = await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/seal`, headers: employer });
  if (sealed.statusCode !== 200) throw new Error(sealed.body);
  const sent = await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/send`, headers: employer });
  if (sent.statusCode !== 200) throw new Error(sent.body);
  const messages = await platform.outbox.list({ phone: example.worker.phone, limit: 1 });
  const token = /\/s\/([A-Za-z0-9_-]+)/.exec(messages[0]!.text)![1]!;
  return { id, token };
}

const latestCode = phone.latestCode;

const { api, post } = phone;

const signThroughLink = phone.sign;

async function verifyReport(pdf: Uint8Array) {
  return (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: Buffer.from(pdf), headers: { 'content-type': 'application/pdf' } })).json();
}

t.test('the whole flow ends with a valid two-party, long-term signed contract', async (t) => {
  const { id, token } = await sentContract(example);
  const opened = await app.inject({ method: 'GET', url: api(token), headers: phoneUa });
  t.equal(opened.statusCode, 200);
  t.equal(opened.json().contract.employerName, first.name);
  t.match(opened.json().notice, /免费/);

  const early = await post(api(token, '/identity'), { name: example.worker.name, idNumber: example.worker.idNumber });
  t.equal(early.statusCode, 409, 'identity before reading the contract is refused');
  t.match(early.json().errors[0].messageZh, /阅读/);

  const pdf = await app.inject({ method: 'GET', url: api(token, '/document.pdf'), headers: phoneUa });
  t.equal(pdf.headers['content-type'], 'application/pdf');
  t.equal((await post(api(token, '/read'))).statusCode, 200);

  const wrongId = await post(api(token, '/identity'), { name: example.worker.name, idNumber: '110101199003070011' });
  t.equal(wrongId.statusCode, 422, 'a wrong ID number is refused');
  t.match(wrongId.json().errors[0], { field: 'idNumber', messageZh: /不一致/ });

  const identity = await post(api(token, '/identity'), { name: example.worker.name, idNumber: example.worker.idNumber });
  t.equal(identity.statusCode, 200, identity.body);
  t.match(identity.json().codeSentTo, /^1\d{2}\*{4}\d{4}$/);
  const code = await latestCode();

  const { keys, spki } = await phoneKey();
  const noIntent = await post(api(token, '/prepare'), { code, publicKey: spki, signatureImage: signaturePng, intent: false });
  t.equal(noIntent.statusCode, 422, 'no explicit intent, no signature');
  const wrongCode = await post(api(token, '/prepare'), { code: code === '000000' ? '111111' : '000000', publicKey: spki, signatureImage: signaturePng, intent: true });
  t.equal(wrongCode.statusCode, 422);
  t.match(wrongCode.json().errors[0].messageZh, /还可尝试/);

  const prepared = await post(api(token, '/prepare'), { code, publicKey: spki, signatureImage: signaturePng, intent: true });
  t.equal(prepared.statusCode, 200, prepared.body);
  const toSign = Buffer.from(prepared.json().signedAttributes, 'base64');
  t.equal(toSign[0], 0x31, 'DER SET OF signed attributes');
  const signature = Buffer.from(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, toSign));
  t.equal(signature.length, 64, 'WebCrypto gives raw r||s');

  const forged = await post(api(token, '/complete'), { sessionId: prepared.json().sessionId, signature: Buffer.alloc(64, 7).toString('base64') });
  t.equal(forged.statusCode, 422, 'a signature that does not verify is refused');
  const completed = await post(api(token, '/complete'), { sessionId: prepared.json().sessionId, signature: signature.toString('base64') });
  t.equal(completed.statusCode, 200, completed.body);
  t.equal(completed.json().status, 'signed');

  t.equal((await app.inject({ method: 'GET', url: api(token), headers: phoneUa })).statusCode, 410, 'a used link is refused');

  const signed = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/pdf`, headers: employer })).rawPayload;
  const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: signed, headers: { 'content-type': 'application/pdf' } })).json();
  t.equal(report.valid, true, JSON.stringify(report.signatures.map((s: { problems: string[] }) => s.problems)));
  t.match(report.signatures, [
    { fieldName: 'employer-seal', signer: { name: first.name }, chainTrusted: true },
    { fieldName: 'worker-signature', signer: { name: example.worker.name }, chainTrusted: true, level: 'B-LTA' },
    { kind: 'document-timestamp', valid: true },
  ]);

  // The same independent checks as test/signing/pades on a synthetic PDF, here on the real
  // contract: employer seal, worker signature (WebCrypto key), document timestamp. pdfsig 22
  // lists the document timestamp but does not validate ETSI.RFC3161 entries; openssl does.
  registerIndependentChecks(t, independent, signed, { signatures: 2, documentTimestamps: 1, label: 'the signed contract' });

  const audit = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/audit`, headers: employer })).json();
  t.equal(audit.chain.intact, true, 'the evidence chain verifies');
  const types = audit.events.map((e: { type: string }) => e.type);
  for (const type of [
    'contract.created',
    'contract.sealed',
    'contract.sent',
    'link.opened',
    'document.viewed',
    'document.read_to_end',
    'identity.failed',
    'identity.verified',
    'code.sent',
    'code.failed',
    'code.verified',
    'signature.prepared',
    'contract.signed',
  ]) {
    t.ok(types.includes(type), `audit: ${type}`);
  }
  t.ok(
    audit.events.some((e: { type: string; userAgent: string | null }) => e.type === 'link.opened' && e.userAgent?.includes('Android')),
    'opening recorded with the user agent',
  );
  const texts = (await platform.outbox.list({ phone: example.worker.phone, limit: 5 })).map((m) => m.text);
  t.ok(
    texts.some((text) => text.includes('已签署生效')),
    'the worker is told the contract is in force',
  );

  t.test('the worker’s portal lists and downloads it, free', async (t) => {
    t.equal((await post('/api/v1/portal/code', { phone: example.worker.phone })).statusCode, 202);
    t.equal((await post('/api/v1/portal/code', { phone: '13912345678' })).statusCode, 202, 'unknown numbers get the same answer');
    const [message] = await platform.outbox.list({ phone: example.worker.phone, limit: 1 });
    const portalCode = /验证码(\d{6})/.exec(message!.text)![1]!;
    t.equal((await post('/api/v1/portal/login', { phone: example.worker.phone, code: portalCode === '000000' ? '111111' : '000000' })).statusCode, 422);
    const login = await post('/api/v1/portal/login', { phone: example.worker.phone, code: portalCode });
    t.equal(login.statusCode, 200, login.body);
    const session = { 'x-portal-session': login.json().token };
    const list = (await app.inject({ method: 'GET', url: '/api/v1/portal/contracts', headers: session })).json();
    t.match(list.items, [{ id, status: 'signed', employerName: first.name }]);
    const download = await app.inject({ method: 'GET', url: `/api/v1/portal/contracts/${id}/pdf`, headers: session });
    t.equal(download.statusCode, 200);
    t.ok(download.rawPayload.equals(signed), 'the same signed PDF');
    t.equal((await app.inject({ method: 'GET', url: '/api/v1/portal/contracts', headers: { 'x-portal-session': 'nope' } })).statusCode, 401);
    const after = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/audit`, headers: employer })).json();
    t.ok(
      after.events.some((e: { type: string }) => e.type === 'document.downloaded'),
      'the download is in the evidence trail',
    );
    t.equal(after.chain.intact, true);
  });

  t.test('a renewal (续订书) is sealed, sent and signed the same way and renews the contract', async (t) => {
    const refused = await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/attachments`, headers: employer, payload: { templateId: 'labor-contract-general', fields: {} } });
    t.equal(refused.statusCode, 400, 'only renewal and change templates attach');
    const created = await app.inject({
      method: 'POST',
      url: `/api/v1/contracts/${id}/attachments`,
      headers: employer,
      payload: { templateId: 'contract-renewal', fields: { termType: 'fixed', startDate: '2029-09-15', endDate: '2032-09-14' } },
    });
    t.equal(created.statusCode, 201, created.body);
    const renewal = created.json();
    t.equal(renewal.previousId, id);
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${renewal.id}/seal`, headers: employer })).statusCode, 200);
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${renewal.id}/send`, headers: employer })).statusCode, 200);
    const [message] = await platform.outbox.list({ phone: example.worker.phone, limit: 1 });
    const renewalToken = /\/s\/([A-Za-z0-9_-]+)/.exec(message!.text)![1]!;
    const signedRenewal = await signThroughLink(renewalToken);
    t.equal(signedRenewal.statusCode, 200, signedRenewal.body);
    const previous = await platform.db.contract.findUniqueOrThrow({ where: { id } });
    t.equal(previous.status, 'renewed');
    t.equal(previous.endDate?.toISOString().slice(0, 10), '2032-09-14', 'the term runs to the renewal’s end');
    const pdf = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${renewal.id}/pdf`, headers: employer })).rawPayload;
    const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: pdf, headers: { 'content-type': 'application/pdf' } })).json();
    t.equal(report.valid, true);
    t.equal(report.signatures.length, 3, 'seal, worker signature, document timestamp');
    const trail = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/audit`, headers: employer })).json();
    t.ok(trail.events.some((e: { type: string }) => e.type === 'contract.renewed'));
    t.equal(trail.chain.intact, true);
  });

  t.test('termination issues a sealed certificate and starts the two-year retention (Art. 50)', async (t) => {
    const early = await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/terminate`, headers: employer, payload: { ending: 'rescission', date: '2000-01-01', reason: '协商一致解除' } });
    t.equal(early.statusCode, 400, 'a date before the start is refused');
    t.match(early.json().errors, [{ field: 'date' }]);
    const ended = await app.inject({
      method: 'POST',
      url: `/api/v1/contracts/${id}/terminate`,
      headers: employer,
      payload: { ending: 'rescission', date: '2027-03-31', reason: '经双方协商一致，依据《中华人民共和国劳动合同法》第三十六条解除' },
    });
    t.equal(ended.statusCode, 200, ended.body);
    t.match(ended.json(), { status: 'terminated', retainUntil: '2029-03-31' });
    const again = await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/terminate`, headers: employer, payload: { ending: 'rescission', date: '2027-03-31', reason: '重复' } });
    t.equal(again.statusCode, 409, 'a terminated contract cannot be terminated again');
    const certificate = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/pdf?document=termination-certificate`, headers: employer })).rawPayload;
    const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: certificate, headers: { 'content-type': 'application/pdf' } })).json();
    t.equal(report.valid, true);
    t.match(report.signatures, [{ signer: { name: first.name }, level: 'B-T' }]);
    const certificateFile = path.join(work, 'certificate.pdf');
    writeFileSync(certificateFile, certificate);
    if (!needs('pdftotext').skip) {
      const text = run('pdftotext', [certificateFile, '-']).stdout.replace(/\s+/g, '');
      t.match(text, /☑解除/, 'rescission ticked');
      t.match(text, example.worker.name);
      t.match(text, '第三十六条');
    }
    const documents = await platform.db.document.findMany({ where: { contractId: id } });
    t.ok(
      documents.every((d) => d.retainUntil?.toISOString().startsWith('2029-03-31')),
      'every revision kept until 2029-03-31',
    );
    const texts = (await platform.outbox.list({ phone: example.worker.phone, limit: 1 })).map((m) => m.text);
    t.match(texts[0], /解除劳动合同证明书/);
    const audit = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/audit`, headers: employer })).json();
    t.equal(audit.events.at(-1).type, 'contract.terminated');
    t.equal(audit.chain.intact, true);
  });
});

t.test('five wrong codes lock the link', async (t) => {
  const { token } = await sentContract();
  await post(api(token, '/read'));
  t.equal((await post(api(token, '/identity'), { name: example.worker.name, idNumber: example.worker.idNumber })).statusCode, 200);
  const code = await latestCode();
  const { spki } = await phoneKey();
  const wrong = code === '000000' ? '111111' : '000000';
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await post(api(token, '/prepare'), { code: wrong, publicKey: spki, signatureImage: signaturePng, intent: true })).statusCode);
  t.same(statuses, [422, 422, 422, 422, 423]);
  const locked = await app.inject({ method: 'GET', url: api(token) });
  t.equal(locked.statusCode, 423);
  t.match(locked.json().errors[0].messageZh, /锁定/);
  t.equal((await post(api(token, '/prepare'), { code, publicKey: spki, signatureImage: signaturePng, intent: true })).statusCode, 423, 'even the right code no longer works');
});

t.test('a worker declines with a reason, only after reading the contract', async (t) => {
  const { id, token } = await sentContract();
  const early = await post(api(token, '/decline'), { reason: '工作地点与面谈时不一致' });
  t.equal(early.statusCode, 409);
  t.match(early.json().errors[0], { rule: 'required_first', messageZh: /完整阅读/ });
  await post(api(token, '/read'));
  t.equal((await post(api(token, '/decline'), { reason: '无' })).statusCode, 422, 'a reason of two characters at least');
  const declined = await post(api(token, '/decline'), { reason: '工作地点与面谈时不一致' });
  t.equal(declined.statusCode, 200, declined.body);
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}`, headers: employer })).json().status, 'declined');
  const audit = await platform.db.auditEvent.findMany({ where: { contractId: id, type: 'contract.declined' } });
  t.match(audit, [{ data: { reason: '工作地点与面谈时不一致' } }], 'the reason is in the audit trail');
  t.equal((await post(api(token, '/decline'), { reason: '工作地点与面谈时不一致' })).statusCode, 410, 'the link is used up');
});

t.test('an expired link is refused; resending replaces it', async (t) => {
  const { id, token } = await sentContract();
  await platform.db.signingLink.updateMany({ where: { contractId: id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const expired = await app.inject({ method: 'GET', url: api(token) });
  t.equal(expired.statusCode, 410);
  t.match(expired.json().errors[0].messageZh, /过期/);
  const resent = await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/send`, headers: employer });
  t.equal(resent.statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: api(token) })).statusCode, 404, 'the old link is replaced');
});

/** Creates, seals and sends a contract on any app; the token comes from the worker's latest SMS. */
async function sendOn(app: FastifyInstance, platform: Platform, headers: Record<string, string>, fields: Record<string, unknown> = laterFields) {
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers, payload: { templateId: template.id, fields } });
  if (created.statusCode !== 201) throw new Error(created.body);
  const id = created.json().id as string;
  for (const step of ['seal', 'send']) {
    const res = await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/${step}`, headers });
    if (res.statusCode !== 200) throw new Error(res.body);
  }
  const [message] = await platform.outbox.list({ phone: example.worker.phone, limit: 1 });
  return { id, token: /\/s\/([A-Za-z0-9_-]+)/.exec(message!.text)![1]! };
}

/** Reads, verifies identity and prepares on the phone; returns the session and the phone's signature. */
async function prepareOn(phone: ReturnType<typeof workerPhone>, token: string) {
  await phone.post(phone.api(token, '/read'));
  const identity = await phone.post(phone.api(token, '/identity'), { name: example.worker.name, idNumber: example.worker.idNumber });
  if (identity.statusCode !== 200) throw new Error(identity.body);
  const { keys, spki } = await phoneKey();
  const prepared = await phone.post(phone.api(token, '/prepare'), { code: await phone.latestCode(), publicKey: spki, signatureImage: signaturePng, intent: true });
  if (prepared.statusCode !== 200) throw new Error(prepared.body);
  const signature = Buffer.from(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, Buffer.from(prepared.json().signedAttributes, 'base64')));
  return { sessionId: prepared.json().sessionId as string, signature: signature.toString('base64') };
}

/** What employer and verifier see of a contract: its status, its PDF's signatures, and whether that PDF is archived. */
async function visible(app: FastifyInstance, headers: Record<string, string>, id: string) {
  const status = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}`, headers })).json().status as string;
  const pdf = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/pdf`, headers })).rawPayload;
  const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: pdf, headers: { 'content-type': 'application/pdf' } })).json();
  return { status, pdf, report };
}

t.test('a service stopped between prepare and complete: nothing half-signed after the restart, and the worker completes or signs again', async (t) => {
  const before = await createTestPlatform(t);
  const org = (await before.app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(before.adminToken), payload: employerBody(53) })).json();
  const headers = bearer(org.apiKey);
  const beforePhone = workerPhone(before.app, before.platform, example.worker);
  const resumed = await sendOn(before.app, before.platform, headers);
  const resumedSession = await prepareOn(beforePhone, resumed.token);
  const restarted = await sendOn(before.app, before.platform, headers);
  const abandonedSession = await prepareOn(beforePhone, restarted.token);

  // The service stops (deploy, crash) after both prepare steps, before either complete arrives.
  await before.stop!();
  const after = await createTestPlatform(t, {}, { reuse: before });
  const { app, platform } = after;
  const phone = workerPhone(app, platform, example.worker);

  for (const { id, token } of [resumed, restarted]) {
    const seen = await visible(app, headers, id);
    t.equal(seen.status, 'sent', 'the contract is still waiting for the worker');
    t.equal(seen.report.signatures.length, 1, 'the employer gets the sealed revision, without the worker’s signature field');
    t.equal(seen.report.valid, true);
    t.match(seen.report.archived, { contractId: id, kind: 'sealed' });
    const onPhone = (await app.inject({ method: 'GET', url: phone.api(token, '/document.pdf'), headers: phoneUserAgent })).rawPayload;
    t.ok(onPhone.equals(seen.pdf), 'the worker reads the same sealed revision');
    t.same((await platform.db.document.findMany({ where: { contractId: id } })).map((d) => d.kind).sort(), ['draft', 'sealed'], 'no signed document row');
    t.equal(await platform.db.auditEvent.count({ where: { contractId: id, type: 'contract.signed' } }), 0, 'no signing in the audit trail');
    t.equal((await app.inject({ method: 'GET', url: phone.api(token), headers: phoneUserAgent })).statusCode, 200, 'the link still opens');
  }

  // The phone completes the session it prepared before the restart.
  const completed = await phone.post(phone.api(resumed.token, '/complete'), resumedSession);
  t.equal(completed.statusCode, 200, completed.body);
  t.equal(completed.json().status, 'signed');
  // The other worker starts over a minute later (codes are at most one a minute): a new code,
  // a new key, a new prepared revision.
  await platform.db.oneTimeCode.updateMany({ where: { purpose: 'signing' }, data: { createdAt: new Date(Date.now() - 2 * 60_000) } });
  t.equal((await phone.post(phone.api(restarted.token, '/code'))).statusCode, 200);
  const { keys, spki } = await phoneKey();
  const again = await phone.post(phone.api(restarted.token, '/prepare'), { code: await phone.latestCode(), publicKey: spki, signatureImage: signaturePng, intent: true });
  t.equal(again.statusCode, 200, again.body);
  t.not(again.json().sessionId, abandonedSession.sessionId);
  const signature = Buffer.from(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, Buffer.from(again.json().signedAttributes, 'base64')));
  const signedAgain = await phone.post(phone.api(restarted.token, '/complete'), { sessionId: again.json().sessionId, signature: signature.toString('base64') });
  t.equal(signedAgain.statusCode, 200, signedAgain.body);
  t.equal((await phone.post(phone.api(restarted.token, '/complete'), abandonedSession)).statusCode, 410, 'the abandoned session cannot complete a used link');

  for (const { id } of [resumed, restarted]) {
    const seen = await visible(app, headers, id);
    t.equal(seen.status, 'signed');
    t.equal(seen.report.valid, true, JSON.stringify(seen.report.signatures.map((s: { problems: string[] }) => s.problems)));
    t.match(seen.report.signatures, [{ fieldName: 'employer-seal' }, { fieldName: 'worker-signature', level: 'B-LTA' }, { kind: 'document-timestamp' }]);
    t.match(seen.report.archived, { contractId: id, kind: 'signed' });
    const audit = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/audit`, headers })).json();
    t.equal(audit.chain.intact, true, 'the audit chain spans the restart intact');
    t.equal(audit.events.filter((e: { type: string }) => e.type === 'contract.signed').length, 1);
  }
});

t.test('a failure after the archive write inside complete leaves no trace; the worker signs again', async (t) => {
  const { id, token } = await sentContract();
  const session = await prepareOn(phone, token);
  const sealedView = await visible(app, employer, id);
  const auditBefore = await platform.db.auditEvent.count({ where: { contractId: id } });

  // The same service, built with an archive that records what it stores and a database whose
  // transactions fail at commit once they hold this contract's signed document.
  const stored: (ArchivedObject & { bytes: Buffer })[] = [];
  const archive = Object.create(platform.archive) as ObjectArchive;
  archive.put = async (bytes, options) => {
    const result = await platform.archive.put(bytes, options);
    stored.push({ ...result, bytes: Buffer.from(bytes) });
    return result;
  };
  let injected = 0;
  const failingTransaction = (fn: (tx: DbTx) => Promise<unknown>, options?: object) =>
    platform.db.$transaction(async (tx) => {
      const result = await fn(tx);
      if ((await tx.document.count({ where: { contractId: id, kind: 'signed' } })) > 0) {
        injected++;
        throw new Error('injected failure: the database went away before commit');
      }
      return result;
    }, options);
  const db = new Proxy(platform.db, {
    get(target, property) {
      if (property === '$transaction') return failingTransaction;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Db;
  const failing = new WorkerSigningService({
    db,
    audit: platform.audit,
    archive,
    crypto: platform.fieldCrypto,
    outbox: platform.outbox,
    codes: platform.codes,
    pki: platform.pki,
    ocsp: platform.ocsp,
    timestamps: platform.timestamps,
    outliner: () => GlyphOutliner.fromFirstExisting(),
    publicBaseUrl: platform.config.PUBLIC_BASE_URL,
    templates: platform.templates,
    linkTtlHours: platform.config.SIGNING_LINK_TTL_HOURS,
    sealing: platform.sealing,
  });
  const failingApp = await buildApp({ ...platform, workerSigning: failing }, { logger: false });
  t.teardown(() => failingApp.close());

  const failed = await failingApp.inject({ method: 'POST', url: api(token, '/complete'), payload: session, headers: phoneUa });
  t.equal(failed.statusCode, 500, failed.body);
  t.match(failed.json(), { type: /internal$/, messageZh: /请稍后重试/ }, 'the phone gets a Chinese message, nothing about the cause');
  t.equal(injected, 1, 'the failure struck the final transaction, after its writes');
  t.equal(stored.length, 1, 'the signed PDF had been written to the archive');
  const orphan = stored[0]!;
  const orphanPdf = orphan.bytes;
  t.equal((await verifyReport(orphanPdf)).signatures.length, 3, 'what was stored was the complete signed PDF');
  await t.rejects(platform.archive.get(orphan.key, orphan.sha256), 'the unrecorded object was removed from the bucket again');

  t.same((await platform.db.document.findMany({ where: { contractId: id } })).map((d) => d.kind).sort(), ['draft', 'sealed'], 'no signed document row');
  t.equal(await platform.db.document.count({ where: { sha256: orphan.sha256 } }), 0, 'no row points to the object');
  t.equal(await platform.db.signature.count({ where: { contractId: id, role: 'worker' } }), 0, 'no worker signature row');
  t.equal(await platform.db.auditEvent.count({ where: { contractId: id } }), auditBefore, 'no audit event for the signing');
  t.equal(await platform.db.auditEvent.count({ where: { contractId: id, type: 'contract.signed' } }), 0);
  const afterFailure = await visible(app, employer, id);
  t.equal(afterFailure.status, 'sent', 'status unchanged');
  t.ok(afterFailure.pdf.equals(sealedView.pdf), 'the employer still gets the sealed revision');
  t.equal((await app.inject({ method: 'GET', url: api(token, '/document.pdf'), headers: phoneUa })).rawPayload.equals(orphanPdf), false, 'the worker is not served the unrecorded object');
  const orphanReport = await verifyReport(orphanPdf);
  t.equal(orphanReport.archived, undefined, '/api/v1/verify does not call the unrecorded object archived');
  t.not(afterFailure.report.sha256, orphan.sha256);

  // The phone retries the same session on the healthy service, and it goes through.
  const completed = await post(api(token, '/complete'), session);
  t.equal(completed.statusCode, 200, completed.body);
  const signedView = await visible(app, employer, id);
  t.equal(signedView.status, 'signed');
  t.equal(signedView.report.valid, true);
  t.match(signedView.report.archived, { contractId: id, kind: 'signed' });
  t.equal(await platform.db.document.count({ where: { contractId: id, kind: 'signed' } }), 1);
  const audit = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/audit`, headers: employer })).json();
  t.equal(audit.chain.intact, true, 'the rolled-back event left no gap in the chain');
  t.equal(audit.events.filter((e: { type: string }) => e.type === 'contract.signed').length, 1);
});

t.test('an ID number with a wrong check digit is refused in Chinese only', async (t) => {
  const { token } = await sentContract();
  await post(api(token, '/read'));
  const id = example.worker.idNumber;
  const wrongCheck = `${id.slice(0, 17)}${String((Number(id[17]) + 1) % 10)}`;
  const refused = await post(api(token, '/identity'), { name: example.worker.name, idNumber: wrongCheck });
  t.ok(refused.statusCode >= 400 && refused.statusCode < 500, `a 4xx: ${refused.statusCode}`);
  const problem = refused.json();
  t.match(problem.errors, [{ field: 'idNumber' }]);
  for (const error of problem.errors as Array<{ messageZh?: string }>) {
    t.ok(error.messageZh && /[\u4e00-\u9fff]/.test(error.messageZh), `a Chinese message: ${error.messageZh}`);
    t.notMatch(error.messageZh ?? '', /[A-Za-z]/, `no Latin letters: ${error.messageZh}`);
  }
  t.match(problem.errors[0].messageZh, /校验/, 'it names the check digit');
});

t.test('one employer cannot touch another’s contracts', async (t) => {
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: template.id, fields: laterFields } });
  const id = created.json().id;
  const stranger = bearer(other.apiKey);
  for (const [method, url] of [
    ['POST', `/api/v1/contracts/${id}/seal`],
    ['POST', `/api/v1/contracts/${id}/send`],
    ['GET', `/api/v1/contracts/${id}/pdf`],
    ['GET', `/api/v1/contracts/${id}/audit`],
  ] as const) {
    t.equal((await app.inject({ method, url, headers: stranger })).statusCode, 404, `${method} ${url}`);
  }
  t.equal((await platform.db.contract.findUniqueOrThrow({ where: { id } })).status, 'draft');
});
