/**
 * Verification of a contract signed through the whole HTTP flow: /api/v1/verify recognises the
 * archived file by its SHA-256 (and names the contract), the public page /verify is the Chinese
 * one, the employer's seal certifies the document (DocMDP P=2, SigFlags 3), a byte flipped in the
 * worker's revision is caught by our verifier and by pdfsig, and after the administrator revokes
 * the employer's certificate /api/v1/verify says so.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRef, PDFString, PDFHexString } from 'pdf-lib';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { IndependentChecks, pdfSignatures, pdfsigBlocks } from '../helpers/independent-checks.ts';
import { needs } from '../helpers/tools.ts';
import { workerPhone } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const organisation = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(61) })).json();
const employer = bearer(organisation.apiKey);
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
const phone = workerPhone(app, platform, example.worker);
const independent = IndependentChecks.create({ root: platform.pki.root.der, authorities: platform.pki.authorities.map((ca) => ca.certificate.der), tsa: platform.pki.tsa.certificate.der }, t);

async function verify(pdf: Uint8Array) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: Buffer.from(pdf), headers: { 'content-type': 'application/pdf' } });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json();
}

const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: template.id, fields: example } });
if (created.statusCode !== 201) throw new Error(created.body);
const id = created.json().id as string;
const contractNumber = created.json().number as string;
for (const step of ['seal', 'send']) {
  const res = await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/${step}`, headers: employer });
  if (res.statusCode !== 200) throw new Error(res.body);
}
const sealed = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/pdf`, headers: employer })).rawPayload;
const completed = await phone.sign(await phone.latestLink());
if (completed.statusCode !== 200) throw new Error(completed.body);
const signed = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/pdf`, headers: employer })).rawPayload;

t.test('a file whose SHA-256 matches an archived document is reported with its contract', async (t) => {
  const report = await verify(signed);
  // The worker's signature and the document timestamp pass. The seal passes too once every
  // field exists before the certification; while the worker's revision still creates its field
  // afterwards (DocMDP P=2), it is refused for that reason alone, as pyHanko refuses it.
  t.match(report.signatures.slice(1), [
    { valid: true, indication: 'TOTAL-PASSED' },
    { valid: true, kind: 'document-timestamp' },
  ]);
  const seal = report.signatures[0];
  if (!seal.valid) {
    t.match(seal, { subIndication: 'DISALLOWED_MODIFICATION', modification: { docMdp: 2, level: 'OTHER' } });
    t.match(seal.disallowedChanges.join('\n'), /new visible signature field was created after the certification signature/);
    t.equal(seal.disallowedChanges.length, 1, 'and for nothing else');
  }
  t.equal(report.valid, seal.valid);
  t.equal(report.sha256, createHash('sha256').update(signed).digest('hex'));
  t.match(report.archived, { contractId: id, contractNumber, kind: 'signed' });
  t.match((await verify(sealed)).archived, { contractId: id, contractNumber, kind: 'sealed' }, 'the sealed revision too');

  // One byte appended after %%EOF: every signature still verifies, but it is not the archived file.
  const altered = Buffer.concat([signed, Buffer.from('\n')]);
  const other = await verify(altered);
  t.not(other.sha256, report.sha256);
  t.equal(other.archived, undefined, 'a file that is not byte for byte the archived one is not called archived');
});

t.test('an earlier version of an archived contract is said to be one, naming the latest version', async (t) => {
  const latest = await verify(signed);
  t.match(latest.version, { contractId: id, contractNumber, latest: true, contractStatus: 'signed', latestVersion: { kind: 'signed' } });
  const earlier = await verify(sealed);
  t.match(earlier.version, { contractId: id, latest: false, matched: { kind: 'sealed', wholeFile: true }, latestVersion: { kind: 'signed' }, contractStatus: 'signed' });
  t.match(earlier.version.messageZh, /^此文件不是该合同的最新版本/);
  t.match(earlier.version.messageZh, /已签署生效/);
  // Cut back to the worker's revision (before the DSS and document timestamp): not archived as
  // such, but it starts with the archived sealed revision.
  const worker = pdfSignatures(signed)[1]!;
  const workerRevision = signed.subarray(0, worker.byteRange[2] + worker.byteRange[3]);
  const cut = await verify(workerRevision);
  t.match(cut.version, { latest: false, matched: { kind: 'sealed', wholeFile: false } });
  t.match(cut.version.messageZh, /^此文件不是该合同的最新版本/);
  t.equal(cut.signatures[1].revisionsAfter, 0);
  t.equal(latest.signatures[1].revisionsAfter, 2, 'the DSS and the document timestamp follow the worker’s signature');
  const appended = await verify(Buffer.concat([signed, Buffer.from('\n')]));
  t.match(appended.version, { latest: false, matched: { kind: 'signed' } });
});

t.test('GET /verify serves the Chinese verification page', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/verify' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /^text\/html; charset=utf-8/);
  t.match(page.body, /<html lang="zh-CN">/);
  t.match(page.body, /<title>电子劳动合同验签/);
  t.match(page.body, /上传已签署的 PDF 合同/);
  t.match(page.body, /src="\/assets\/verify\.js"/);
  const script = await app.inject({ method: 'GET', url: '/assets/verify.js' });
  t.equal(script.statusCode, 200, 'the page’s script is served');
  t.match(script.body, /\/api\/v1\/verify/, 'and it posts to /api/v1/verify');
});

t.test('the employer’s seal is a certification signature (DocMDP P=2) and the AcroForm has SigFlags 3', async (t) => {
  const doc = await PDFDocument.load(signed, { updateMetadata: false });
  const catalog = doc.catalog;
  const perms = catalog.lookupMaybe(PDFName.of('Perms'), PDFDict);
  t.ok(perms, 'the catalog has /Perms');
  const docMdpRef = perms?.get(PDFName.of('DocMDP'));
  t.ok(docMdpRef instanceof PDFRef, '/Perms /DocMDP refers to a signature dictionary');
  const certification = doc.context.lookup(docMdpRef, PDFDict);
  const reference = certification.lookup(PDFName.of('Reference'), PDFArray);
  const sigRef = reference.lookup(0, PDFDict);
  t.equal(sigRef.lookup(PDFName.of('TransformMethod'))?.toString(), '/DocMDP');
  const params = sigRef.lookup(PDFName.of('TransformParams'), PDFDict);
  t.equal(params.lookup(PDFName.of('P'), PDFNumber).asNumber(), 2, 'P 2: form filling and signing only');

  // It is the employer's seal: the field employer-seal has this dictionary as its value, and its
  // /Contents is the first CAdES signature in the file.
  const acroForm = catalog.lookup(PDFName.of('AcroForm'), PDFDict);
  t.equal(acroForm.lookup(PDFName.of('SigFlags'), PDFNumber).asNumber(), 3, 'SigFlags 3: signatures exist, append only');
  const fields = acroForm
    .lookup(PDFName.of('Fields'), PDFArray)
    .asArray()
    .map((ref) => doc.context.lookup(ref, PDFDict));
  const name = (field: PDFDict) => field.lookupMaybe(PDFName.of('T'), PDFString, PDFHexString)?.decodeText();
  const seal = fields.find((field) => name(field) === 'employer-seal');
  t.ok(seal, 'the employer-seal field');
  t.equal(seal?.get(PDFName.of('V'))?.toString(), docMdpRef?.toString(), '/Perms /DocMDP is the employer seal’s signature');
  const contents = certification.lookup(PDFName.of('Contents'), PDFHexString).asBytes();
  t.ok(Buffer.from(contents).subarray(0, pdfSignatures(signed)[0]!.der.length).equals(pdfSignatures(signed)[0]!.der), 'its /Contents is the first signature in the file');

  const worker = fields.find((field) => name(field) === 'worker-signature');
  t.ok(worker, 'the worker-signature field');
  const workerSignature = worker && doc.context.lookup(worker.get(PDFName.of('V')), PDFDict);
  t.equal(workerSignature?.get(PDFName.of('Reference')), undefined, 'the worker’s signature is an approval signature, not a second certification');
});

t.test('one flipped byte inside the worker’s revision is reported by our verifier and by pdfsig', async (t) => {
  const [seal, worker] = pdfSignatures(signed);
  const employerEnd = seal!.byteRange[2] + seal!.byteRange[3];
  const workerEnd = worker!.byteRange[2] + worker!.byteRange[3];
  t.equal(employerEnd, sealed.length, 'the worker’s revision starts where the sealed file ended');
  // A digit of the worker signature's /M date: in the worker's revision, signed by the worker only.
  const at = signed.indexOf('(D:', employerEnd, 'latin1') + 3;
  t.ok(at > employerEnd && at < workerEnd && (at < worker!.byteRange[1] || at >= worker!.byteRange[2]), `offset ${at} lies in the worker’s signed bytes`);
  const tampered = Buffer.from(signed);
  tampered[at] = tampered[at]! ^ 0x01;
  t.not(tampered[at], signed[at]);

  const report = await verify(tampered);
  t.equal(report.valid, false);
  t.equal(report.signatures[0].digestValid, true, 'the employer’s revision is untouched');
  t.equal(report.signatures[1].fieldName, 'worker-signature');
  t.equal(report.signatures[1].digestValid, false, 'the worker’s signature no longer matches');
  t.equal(report.signatures[1].valid, false);
  t.equal(report.archived, undefined);

  if (!needs('pdfsig', 'certutil').skip) {
    const before = pdfsigBlocks(independent.pdfsig(independent.file('signed.pdf', signed)).stdout);
    t.match(before[1], /Signature is Valid/, 'pdfsig accepted the worker’s signature before');
    const blocks = pdfsigBlocks(independent.pdfsig(independent.file('tampered-worker.pdf', tampered)).stdout);
    t.match(blocks[0], /Signature is Valid/, 'pdfsig still accepts the employer’s seal');
    t.notMatch(blocks[1], /Signature is Valid/, 'pdfsig no longer calls the worker’s signature valid');
    t.match(blocks[1], /Digest Mismatch|Signature is Invalid/);
  }
});

// Last: revocation changes what every later verification reports.
t.test('after the administrator revokes the employer’s certificate, /api/v1/verify reports it revoked', async (t) => {
  const before = await verify(signed);
  t.equal(before.signatures[0].revocation.status, 'good');
  const serial = before.signatures[0].signer.serialHex as string;
  t.match(before.signatures[0].signer, { name: organisation.name });
  t.equal(
    (await app.inject({ method: 'POST', url: `/api/v1/admin/certificates/${serial}/revoke`, headers: admin, payload: { revokedAt: new Date(Date.now() + 3_600_000).toISOString() } })).statusCode,
    400,
    'a revocation in the future is refused',
  );
  // A key compromise found out now, dated back to before this contract was sealed.
  const compromisedSince = new Date(new Date(before.signatures[0].timestamp.time).getTime() - 60_000).toISOString();
  const revoked = await app.inject({ method: 'POST', url: `/api/v1/admin/certificates/${serial}/revoke`, headers: admin, payload: { reason: 'keyCompromise', revokedAt: compromisedSince } });
  t.equal(revoked.statusCode, 200, revoked.body);
  t.equal(new Date(revoked.json().revokedAt).toISOString(), compromisedSince);
  const after = await verify(signed);
  t.match(after.signatures[0].revocation, { status: 'revoked', revokedAt: compromisedSince });
  t.equal(after.signatures[0].valid, false, 'sealed after the key was compromised: invalid');
  t.equal(after.valid, false);
  t.equal(after.signatures[1].revocation.status, 'good', 'the worker’s certificate is not affected');
  t.match(after.archived, { contractId: id, kind: 'signed' });

  // The worker's event certificate revoked now: the signature was timestamped before, so it stands.
  const workerSerial = after.signatures[1].signer.serialHex as string;
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/admin/certificates/${workerSerial}/revoke`, headers: admin, payload: {} })).statusCode, 200);
  const later = await verify(signed);
  t.match(later.signatures[1].revocation, { status: 'revoked', afterSignature: true }, 'shown as revoked, after the signature');
  t.equal(later.signatures[1].valid, true, 'a revocation after the signature timestamp does not undo the signature');
});
