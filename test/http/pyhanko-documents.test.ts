/**
 * pyHanko, the strictest open PAdES validator, on every kind of document LaborSign produces:
 * under its default diff policy, trusting only our root, offline, every signature and document
 * timestamp is intact, valid and trusted, its modification level NONE, FORM_FILLING or
 * LTA_UPDATES and DocMDP respected. The seal certifies each document (DocMDP P=2), so every
 * later signer may only fill a field the seal's revision already holds.
 */
import { createHash, webcrypto } from 'node:crypto';
import t, { type Test } from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { pemEncode } from '../../src/signing/asn1/der.ts';
import { latestDocument } from '../../src/services/contract/documents.ts';
import { firstRevision, signatureFieldState } from '../../src/signing/pades/signature.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { acceptableModificationLevels, needsPyhanko, pyhankoValidate } from '../helpers/pyhanko.ts';
import { unzipEntries } from '../helpers/unzip.ts';
import { phoneKey, signaturePng, signedContract, workerPhone } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const organisation = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(71) })).json();
const employer = bearer(organisation.apiKey);
const rootPem = pemEncode(platform.pki.root.der, 'CERTIFICATE');

type Example = { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
const exampleOf = (templateId: string) => structuredClone(platform.templates.get(templateId)!.example) as Example;
const contractPdf = async (id: string, document = 'contract') => (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/pdf?document=${document}`, headers: employer })).rawPayload;

/** Every signature of `pdf` accepted by pyHanko; `fields` are the expected field names in file order. */
function acceptedByPyhanko(t: Test, pdf: Uint8Array, fields: string[]) {
  const report = pyhankoValidate(pdf, rootPem);
  t.notOk(report.error, report.error ?? 'pyHanko reads the file');
  t.same(
    report.signatures.map((s) => s.field),
    fields,
    'the signatures pyHanko finds',
  );
  for (const s of report.signatures) {
    t.notOk(s.error, `${s.field}: ${s.error ?? 'validated'}`);
    t.match(s, { intact: true, valid: true, trusted: true, bottom_line: true }, `${s.field}: intact, valid, trusted`);
    t.ok(acceptableModificationLevels.has(s.modification_level ?? ''), `${s.field}: modification level ${s.modification_level}`);
    if (s.type === '/Sig') t.equal(s.docmdp_ok, true, `${s.field}: DocMDP respected`);
  }
  return report;
}

const workerSigned = ['employer-seal', 'worker-signature', 'document-timestamp-1'];

/** The B-LTA worker signature and the seal also pass pyHanko's AdES-LTA validation offline, from the file's DSS alone. */
function passesAdesLta(t: Test, pdf: Uint8Array) {
  const report = pyhankoValidate(pdf, rootPem, 'soft-fail', { adesLta: true });
  for (const s of report.signatures.filter((s) => s.type === '/Sig')) {
    t.match(s.ades, { status: 'PASSED' }, `${s.field}: AdES-LTA ${s.ades?.status} ${s.ades?.subindication ?? ''} ${s.ades?.failure ?? ''}`);
  }
}

const general = await signedContract(app, platform, employer, 'labor-contract-general', exampleOf('labor-contract-general'));

t.test('contracts of every template, sealed then signed by the worker', needsPyhanko(), async (t) => {
  t.equal(general.signed.statusCode, 200, general.signed.body);
  const pdf = await contractPdf(general.id);
  acceptedByPyhanko(t, pdf, workerSigned);
  passesAdesLta(t, pdf);
  for (const templateId of ['labor-contract-dispatch', 'platform-work-agreement', 'internal-retirement-agreement']) {
    const { id, signed } = await signedContract(app, platform, employer, templateId, exampleOf(templateId));
    t.equal(signed.statusCode, 200, `${templateId}: ${signed.body}`);
    acceptedByPyhanko(t, await contractPdf(id), workerSigned);
  }
});

t.test('renewal and change attachments, and the termination certificate', needsPyhanko(), async (t) => {
  const phone = workerPhone(app, platform, exampleOf('labor-contract-general').worker);
  const { worker: _worker, priorContract: _prior, employer: _employer, ...changeFields } = exampleOf('contract-change') as Record<string, unknown>;
  const attachments = { 'contract-renewal': { termType: 'fixed', startDate: '2029-09-15', endDate: '2032-09-14' }, 'contract-change': changeFields };
  for (const [templateId, fields] of Object.entries(attachments)) {
    const created = await app.inject({ method: 'POST', url: `/api/v1/contracts/${general.id}/attachments`, headers: employer, payload: { templateId, fields } });
    t.equal(created.statusCode, 201, created.body);
    const id = created.json().id as string;
    for (const step of ['seal', 'send']) t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/${step}`, headers: employer })).statusCode, 200, `${templateId}: ${step}`);
    const signed = await phone.sign(await phone.latestLink());
    t.equal(signed.statusCode, 200, `${templateId}: ${signed.body}`);
    acceptedByPyhanko(t, await contractPdf(id), workerSigned);
  }

  const ended = await app.inject({
    method: 'POST',
    url: `/api/v1/contracts/${general.id}/terminate`,
    headers: employer,
    payload: { ending: 'rescission', date: '2027-03-31', reason: '经双方协商一致解除' },
  });
  t.equal(ended.statusCode, 200, ended.body);
  acceptedByPyhanko(t, await contractPdf(general.id, 'termination-certificate'), ['employer-seal']);
});

t.test('the sealed 出证报告 and 验证报告 of an evidence bundle', needsPyhanko(), async (t) => {
  const arbitration = bearer(
    (await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: '运城仲裁', role: 'arbitration', regionCode: '140800' } })).json().apiKey,
  );
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/arbitration/evidence',
    headers: arbitration,
    payload: { caseNumber: '晋运劳人仲案字〔2027〕第0032号', purpose: '劳动争议仲裁案件调取证据', contractId: general.id },
  });
  t.equal(response.statusCode, 200, response.statusCode === 200 ? 'bundle' : response.body);
  const files = unzipEntries(response.rawPayload);
  for (const name of ['evidence-report.pdf', 'verification-report.pdf']) {
    const pdf = files.get(name);
    t.ok(pdf, `${name} in the bundle`);
    if (pdf) acceptedByPyhanko(t, pdf, ['employer-seal']);
  }
});

t.test('batch-sealed contracts, sealed in memory from the renderer', needsPyhanko(), async (t) => {
  const template = platform.templates.get('labor-contract-general')!;
  const { worker: _worker, probation: _probation, ...shared } = template.example as Record<string, unknown>;
  const now = Date.now();
  const granted = await app.inject({
    method: 'POST',
    url: '/api/v1/seal-authorisations',
    headers: employer,
    payload: { templateIds: [template.id], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3_600_000).toISOString(), grantedBy: '张三（法定代表人）' },
  });
  t.equal(granted.statusCode, 201, granted.body);
  const workers = [1, 2].map((n) => {
    const first17 = `14080219900303${String(n).padStart(3, '0')}`;
    return { name: `批量${n}`, idNumber: first17 + residentIdCheckCharacter(first17), address: '山西省运城市盐湖区', phone: `137${String(n).padStart(8, '0')}` };
  });
  const accepted = await app.inject({ method: 'POST', url: '/api/v1/batches', headers: employer, payload: { templateId: template.id, shared, rows: workers.map((worker) => ({ worker })) } });
  t.equal(accepted.statusCode, 202, accepted.body);
  const batchId = accepted.json().id as string;
  await platform.startWorkers(1);
  let progress = (await app.inject({ method: 'GET', url: `/api/v1/batches/${batchId}`, headers: employer })).json();
  for (let i = 0; i < 240 && !progress.finished; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    progress = (await app.inject({ method: 'GET', url: `/api/v1/batches/${batchId}`, headers: employer })).json();
  }
  t.same(progress.byStatus, { done: 2 }, JSON.stringify(progress));
  const [first] = await platform.db.contract.findMany({ where: { batchId, batchRow: 1 } });
  const sealedPdf = await contractPdf(first!.id);
  acceptedByPyhanko(t, sealedPdf, ['employer-seal']);
  const [seal] = pyhankoValidate(sealedPdf, rootPem, 'soft-fail', { adesLta: true }).signatures;
  t.equal(seal?.ades?.status, 'INDETERMINATE', 'sealed only (B-T, no DSS yet): AdES-LTA cannot pass offline, so the oracle tells the levels apart');
  const phone = workerPhone(app, platform, workers[0]!);
  const signed = await phone.sign(await phone.latestLink());
  t.equal(signed.statusCode, 200, signed.body);
  const signedPdf = await contractPdf(first!.id);
  acceptedByPyhanko(t, signedPdf, workerSigned);
  passesAdesLta(t, signedPdf);
});

t.test('a contract sealed before the seal created the fields, signed after the upgrade, is sealed again first', needsPyhanko(), async (t) => {
  // The seal as it was: the certification revision held the seal's own field only.
  const sealer = platform.sealing.sealer.bind(platform.sealing);
  platform.sealing.sealer = async (...args) => {
    const seal = await sealer(...args);
    return (pdf, slots, signingTime, written) =>
      seal(
        pdf,
        slots.filter((s) => s.mode === 'seal'),
        signingTime,
        written,
      );
  };
  const example = exampleOf('labor-contract-general');
  const first17 = '14080219880404001';
  example.worker = { ...example.worker, name: '陈旧', idNumber: first17 + residentIdCheckCharacter(first17), phone: '13600000001' };
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: 'labor-contract-general', fields: example } });
  t.equal(created.statusCode, 201, created.body);
  const id = created.json().id as string;
  for (const step of ['seal', 'send']) t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/${step}`, headers: employer })).statusCode, 200, step);
  platform.sealing.sealer = sealer; // the upgrade
  const oldLayout = await contractPdf(id);
  t.equal(await signatureFieldState(oldLayout, 'worker-signature'), 'absent', 'sealed the old way: no worker field');

  const phone = workerPhone(app, platform, example.worker);
  const signed = await phone.sign(await phone.latestLink());
  t.equal(signed.statusCode, 200, signed.body);
  const pdf = await contractPdf(id);
  acceptedByPyhanko(t, pdf, workerSigned);
  passesAdesLta(t, pdf);
  t.ok(Buffer.from(pdf).includes(Buffer.from(firstRevision(oldLayout))), 'the same draft, sealed again');

  const events = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/audit`, headers: employer })).json() as {
    chain: { intact: boolean };
    events: { type: string; data: Record<string, unknown> }[];
  };
  t.equal(events.chain.intact, true);
  const types = events.events.map((e) => e.type);
  t.ok(types.indexOf('contract.resealed') > types.indexOf('contract.sent') && types.indexOf('contract.resealed') < types.indexOf('contract.signed'), 'resealed after sending, before signing');
  const resealed = events.events.find((e) => e.type === 'contract.resealed')!;
  t.match(resealed.data, { reason: 'signature_fields_before_certification', previousSha256: createHash('sha256').update(oldLayout).digest('hex') });
  t.equal(await platform.db.signature.count({ where: { contractId: id, role: 'employer' } }), 2, 'both seals recorded');
});

t.test('a signing session prepared on a seal of the old layout before the upgrade is refused; signing again passes', needsPyhanko(), async (t) => {
  const sealer = platform.sealing.sealer.bind(platform.sealing);
  const documentToFill = platform.sealing.documentToFill.bind(platform.sealing);
  platform.sealing.sealer = async (...args) => {
    const seal = await sealer(...args);
    return (pdf, slots, signingTime, written) =>
      seal(
        pdf,
        slots.filter((s) => s.mode === 'seal'),
        signingTime,
        written,
      );
  };
  // Before the upgrade, prepare signed on the latest document as it was.
  platform.sealing.documentToFill = async (contractId) => {
    const document = await latestDocument(platform.db, contractId);
    return { document, pdf: await platform.archive.get(document.objectKey, document.sha256) };
  };
  const example = exampleOf('labor-contract-general');
  const first17 = '14080219880505002';
  example.worker = { ...example.worker, name: '陈早', idNumber: first17 + residentIdCheckCharacter(first17), phone: '13600000002' };
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: 'labor-contract-general', fields: example } });
  t.equal(created.statusCode, 201, created.body);
  const id = created.json().id as string;
  for (const step of ['seal', 'send']) t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/${step}`, headers: employer })).statusCode, 200, step);
  const phone = workerPhone(app, platform, example.worker);
  const token = await phone.latestLink();
  await phone.post(phone.api(token, '/read'));
  t.equal((await phone.post(phone.api(token, '/identity'), { name: example.worker.name, idNumber: example.worker.idNumber })).statusCode, 200);
  const { keys, spki } = await phoneKey();
  const prepared = await phone.post(phone.api(token, '/prepare'), { code: await phone.latestCode(), publicKey: spki, signatureImage: signaturePng, intent: true });
  t.equal(prepared.statusCode, 200, prepared.body);
  platform.sealing.sealer = sealer; // the upgrade
  platform.sealing.documentToFill = documentToFill;

  const signature = Buffer.from(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, Buffer.from(prepared.json().signedAttributes, 'base64')));
  const stale = await phone.post(phone.api(token, '/complete'), { sessionId: prepared.json().sessionId, signature: signature.toString('base64') });
  t.equal(stale.statusCode, 409, stale.body);
  t.match(stale.json(), { errors: [{ field: 'sessionId', rule: 'current_document', messageZh: /请重新签署/ }] });
  // The worker signs again a minute later (codes are at most one a minute): the contract is sealed anew first.
  await platform.db.oneTimeCode.updateMany({ where: { purpose: 'signing' }, data: { createdAt: new Date(Date.now() - 2 * 60_000) } });
  const signed = await phone.sign(token);
  t.equal(signed.statusCode, 200, signed.body);
  acceptedByPyhanko(t, await contractPdf(id), workerSigned);
});
