/**
 * 出证: the evidence bundle an arbitration official downloads. Read with a ZIP reader of this
 * test's own (not the writer in src/evidence), every file checked against the manifest and the
 * manifest against the sealed 出证报告, the PDFs checked by pdfsig, the certificates' chains
 * by `openssl verify`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodePDFRawStream, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import t from 'tap';
import { readDer } from '../../src/signing/asn1/der.ts';
import { parseSignedData } from '../../src/signing/cms/parse.ts';
import { signatureContents } from '../../src/signing/pades/ltv.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { needs, run } from '../helpers/tools.ts';
import { signedContract } from '../helpers/worker-phone.ts';
import { unzipEntries } from '../helpers/unzip.ts';
import { expectSignedContractVerdict } from '../helpers/contract-verdict.ts';

/** The contract.json a rendered document carries as an embedded file (inside the sealed bytes). */
async function attachedJson(pdf: Uint8Array): Promise<Record<string, unknown>> {
  const document = await PDFDocument.load(pdf, { updateMetadata: false });
  for (const [, object] of document.context.enumerateIndirectObjects()) {
    if (object instanceof PDFRawStream && object.dict.get(PDFName.of('Type')) === PDFName.of('EmbeddedFile')) {
      return JSON.parse(Buffer.from(decodePDFRawStream(object).decode()).toString('utf8')) as Record<string, unknown>;
    }
  }
  throw new Error('no embedded file');
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const yuncheng = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(81) })).json();
const employer = bearer(yuncheng.apiKey);
const arbitration = bearer(
  (await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: '运城仲裁', role: 'arbitration', regionCode: '140800' } })).json().apiKey,
);
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
const { id: createdId, signed } = await signedContract(app, platform, employer, template.id, example);
const created = { id: createdId };
const signedPdf = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${created.id}/pdf`, headers: employer })).rawPayload;

const caseNumber = '晋运劳人仲案字〔2027〕第0031号';
// By ID number and employer, by an official whose region is written with six digits (140800).
const response = await app.inject({
  method: 'POST',
  url: '/api/v1/arbitration/evidence',
  headers: arbitration,
  payload: { caseNumber, purpose: '劳动争议仲裁案件调取证据', idNumber: example.worker.idNumber, employerUscc: yuncheng.uscc },
});
const files = unzipEntries(response.rawPayload);
const file = (name: string) => {
  const data = files.get(name);
  if (!data) throw new Error(`${name} is not in the bundle`);
  return data;
};
const manifest = JSON.parse(file('manifest.json').toString('utf8')) as { format: string; caseNumber: string; contract: { id: string }; files: { name: string; sha256: string; size: number }[] };

t.equal(signed.statusCode, 200, 'the contract is signed');
t.equal(response.statusCode, 200, response.statusCode === 200 ? 'bundle returned' : response.body);
t.equal(response.headers['content-type'], 'application/zip');

t.test('the bundle holds what the 出证 promises, and nothing the manifest does not list', async (t) => {
  for (const name of ['contract.pdf', 'verification.json', 'verification-report.pdf', 'audit-trail.json', 'evidence-report.pdf', 'manifest.json', 'README.txt'])
    t.ok(files.has(name), `${name} present`);
  t.ok(file('contract.pdf').equals(signedPdf), 'contract.pdf is the signed contract as the employer downloads it');
  t.match(manifest, { format: 'laborsign.evidence/1', caseNumber, contract: { id: created.id } });
  const listed = manifest.files.map((f) => f.name);
  t.equal(new Set(listed).size, listed.length, 'no name listed twice');
  t.same([...listed].sort(), [...files.keys()].filter((name) => name !== 'manifest.json').sort(), 'every file in the ZIP is listed in the manifest, and every listed file is in the ZIP');
  for (const entry of manifest.files) {
    t.equal(sha256(file(entry.name)), entry.sha256, `manifest hash of ${entry.name}`);
    t.equal(file(entry.name).length, entry.size, `manifest size of ${entry.name}`);
  }
  const verification = JSON.parse(file('verification.json').toString('utf8'));
  expectSignedContractVerdict(t, verification, 'verification.json');
  t.ok(verification.signatures.length >= 3, 'seal, worker signature, document timestamp');
  const trail = JSON.parse(file('audit-trail.json').toString('utf8'));
  t.equal(trail.contractId, created.id);
  t.equal(trail.chain.intact, true, 'the audit chain is intact');
  t.ok(
    trail.events.some((e: { type: string }) => e.type === 'contract.signed'),
    'and records the signing',
  );
  t.ok(
    trail.events.some((e: { type: string; data: { action?: string } }) => e.type === 'official.accessed' && e.data.action === 'arbitration.evidence_exported'),
    'and this export',
  );
});

t.test('the sealed 出证报告 lists the hash of every other file', async (t) => {
  const report = file('evidence-report.pdf');
  const data = (await attachedJson(report)) as { fields: { caseNumber: string; files: { name: string; sha256: string; size: number }[] } };
  t.equal(data.fields.caseNumber, caseNumber, 'the report names the case');
  t.same(
    [...data.fields.files].sort((a, b) => a.name.localeCompare(b.name)),
    manifest.files.filter((f) => f.name !== 'evidence-report.pdf').sort((a, b) => a.name.localeCompare(b.name)),
    'the report’s file list is the manifest without the report itself',
  );
  const verified = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: report, headers: { 'content-type': 'application/pdf' } })).json();
  t.equal(verified.valid, true, 'the report’s seal verifies, so its attached list is as sealed');
  t.match(verified.signatures, [{ signer: { name: 'LaborSign 电子劳动合同平台' }, level: 'B-T' }]);
});

t.test('the reports name signatures in Chinese and give times in Beijing time', async (t) => {
  for (const name of ['evidence-report.pdf', 'verification-report.pdf']) {
    const { fields } = (await attachedJson(file(name))) as { fields: { signatures: { field: string; timestamp: string }[] } };
    t.same(
      fields.signatures.map((s) => s.field),
      ['用人单位电子印章', '劳动者电子签名', '文档时间戳'],
      `${name}: the signatures by their Chinese names`,
    );
    t.ok(
      fields.signatures.every((s) => s.timestamp.includes('（北京时间）')),
      `${name}: timestamps in Beijing time`,
    );
  }
  t.match(file('README.txt').toString('utf8'), /出证时间：\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d:\d\d（北京时间）/, 'README.txt dates the bundle in Beijing time');
});

t.test('pdftotext: the hashes are printed in the report', needs('pdftotext'), async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'laborsign-evidence-'));
  writeFileSync(path.join(dir, 'evidence-report.pdf'), file('evidence-report.pdf'));
  const text = run('pdftotext', [path.join(dir, 'evidence-report.pdf'), '-']).stdout.replace(/\s+/g, '');
  t.match(text, caseNumber);
  t.ok(text.includes('（山西省运城市，行政区划1408）'), "the requesting office's region by name, not a bare code");
  for (const entry of manifest.files.filter((f) => f.name !== 'evidence-report.pdf')) t.ok(text.includes(entry.sha256), `printed: ${entry.name}`);
});

t.test('pdfsig: the three PDFs', needs('pdfsig'), async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'laborsign-evidence-'));
  for (const name of ['contract.pdf', 'evidence-report.pdf', 'verification-report.pdf']) {
    writeFileSync(path.join(dir, name), file(name));
    const checked = run('pdfsig', ['-no-ocsp', path.join(dir, name)]).stdout;
    t.match(checked, /Signature Validation: Signature is Valid/, `pdfsig: ${name}`);
    t.notMatch(checked, /Signature is Invalid|Digest Mismatch/);
  }
});

t.test('certificates/: the platform seal and TSA certificates, every chain verified by openssl', needs('openssl'), async (t) => {
  const certificates = [...files].filter(([name]) => name.startsWith('certificates/'));
  const has = (der: Uint8Array) => certificates.some(([, data]) => data.equals(der));
  t.ok(has(platform.pki.root.der), 'the root');
  t.ok(has(platform.pki.tsa.certificate.der), 'the TSA certificate');
  t.ok(has(platform.pki.organisationCa.certificate.der), 'the organisations CA');
  const platformOrganisation = await platform.db.organisation.findFirstOrThrow({ where: { kind: 'platform' } });
  const sealOf = async (pdf: Uint8Array) => parseSignedData((await signatureContents(pdf)).map((cms) => cms.subarray(0, readDer(cms).end))[0]!).signerCertificate;
  t.match((await sealOf(file('evidence-report.pdf')))?.subjectText, platformOrganisation.uscc, 'the 出证报告 is sealed with the platform’s certificate');
  for (const name of ['evidence-report.pdf', 'verification-report.pdf', 'contract.pdf']) {
    for (const cms of await signatureContents(file(name))) {
      const parsed = parseSignedData(cms.subarray(0, readDer(cms).end));
      t.ok(parsed.signerCertificate && has(parsed.signerCertificate.der), `${name}: the signer’s certificate (${parsed.signerCertificate?.subjectText})`);
      if (parsed.timestampToken) {
        const tsa = parseSignedData(parsed.timestampToken).signerCertificate;
        t.ok(tsa && has(tsa.der), `${name}: the timestamp’s TSA certificate`);
      }
    }
  }

  const dir = mkdtempSync(path.join(tmpdir(), 'laborsign-evidence-certs-'));
  mkdirSync(path.join(dir, 'pem'));
  const pem: { name: string; file: string; subject: string; issuer: string }[] = [];
  for (const [name, der] of certificates) {
    const derFile = path.join(dir, path.basename(name));
    writeFileSync(derFile, der);
    const pemFile = path.join(dir, 'pem', `${path.basename(name)}.pem`);
    t.equal(run('openssl', ['x509', '-inform', 'DER', '-in', derFile, '-out', pemFile]).status, 0, `${name} is DER X.509`);
    const names = run('openssl', ['x509', '-in', pemFile, '-noout', '-subject', '-issuer', '-nameopt', 'RFC2253']).stdout;
    pem.push({ name, file: pemFile, subject: /subject=(.*)/.exec(names)![1]!.trim(), issuer: /issuer=(.*)/.exec(names)![1]!.trim() });
  }
  const roots = pem.filter((c) => c.subject === c.issuer);
  t.equal(roots.length, 1, 'one self-signed root');
  const rootFile = roots[0]!.file;
  const untrusted = path.join(dir, 'untrusted.pem');
  writeFileSync(
    untrusted,
    pem
      .filter((c) => c !== roots[0])
      .map((c) => readFileSync(c.file, 'utf8'))
      .join(''),
  );
  for (const certificate of pem) {
    const verified = run('openssl', ['verify', '-CAfile', rootFile, '-untrusted', untrusted, certificate.file]);
    t.equal(verified.status, 0, `openssl verify ${certificate.name} (${certificate.subject}): ${verified.stdout.trim()} ${verified.stderr.trim()}`);
  }
});
