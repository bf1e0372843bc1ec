/**
 * Issue 20's forged chain: a worker's 30-minute event certificate (cA=false) used as an issuer
 * for a certificate naming a large state-owned company, which then seals a timestamped PDF.
 * verifyPdf and POST /api/v1/verify must refuse the chain (RFC 5280: an end-entity certificate
 * cannot issue), as `openssl verify` does, while an honest seal from the same platform passes.
 */
import t from 'tap';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createCadesSignature } from '../../src/signing/cms/signed-data.ts';
import { signPdf } from '../../src/signing/pades/signature.ts';
import { createCertificate, parseCertificate } from '../../src/signing/pki/certificate.ts';
import { generateKeyPair, localSignatureKey } from '../../src/signing/pki/keys.ts';
import { TimestampAuthority } from '../../src/signing/tsa/authority.ts';
import { EmbeddedTsaClient } from '../../src/signing/tsa/clients.ts';
import { verifyPdf } from '../../src/signing/verify/verify.ts';
import { createTestPlatform } from '../helpers/platform.ts';
import { needs, run } from '../helpers/tools.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pemEncode } from '../../src/signing/asn1/der.ts';

const { app, platform } = await createTestPlatform(t);
const pki = platform.pki;
const tsa = new EmbeddedTsaClient(new TimestampAuthority(pki.tsa));

async function onePage(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText('Supply contract', { x: 72, y: 760, size: 16, font });
  return doc.save();
}

// The worker's event certificate, with its key (the worker's browser holds it).
const workerKeys = generateKeyPair('ecdsa-p256-sha256');
const event = await pki.issueEventCertificate({ name: '李四', maskedIdNumber: '110105********002X', publicKey: workerKeys.publicKey });
t.equal(event.parsed.isCa, false, 'the event certificate is an end entity (cA=false)');
// … used as an issuer: a "company seal" certificate signed by the worker's key.
const forgedKeys = generateKeyPair('ecdsa-p256-sha256');
const forged = createCertificate(
  {
    subject: [
      { type: 'C', value: 'CN' },
      { type: 'O', value: '国家电网有限公司' },
      { type: 'organizationIdentifier', value: 'NTRCN-9111000071093123XX' },
      { type: 'CN', value: '国家电网有限公司' },
    ],
    publicKey: forgedKeys.publicKey,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 365 * 86_400_000),
    keyUsage: ['digitalSignature', 'nonRepudiation'],
  },
  { certificate: event.parsed, privateKey: workerKeys.privateKey },
);
const sealedByForgery = await signPdf(await onePage(), { fieldName: 'seal', signingTime: new Date(), certify: true, name: '国家电网有限公司', reason: '盖章' }, (digest) =>
  createCadesSignature(digest, { key: localSignatureKey(forgedKeys.privateKey), chain: [forged, ...event.chain] }, tsa),
);
const anchors = pki.trustAnchors.map((a) => a.der);
const lookup = async (serial: string, issuerKeyId: string) => {
  const found = await pki.statusStore.status(serial, issuerKeyId);
  return found.status === 'revoked' ? { status: found.status, revokedAt: found.revokedAt } : { status: found.status };
};

t.test('verifyPdf refuses the forged chain: an end-entity certificate cannot issue', async (t) => {
  const report = await verifyPdf(sealedByForgery, { trustAnchors: anchors, statusLookup: lookup });
  const seal = report.signatures[0]!;
  t.equal(seal.signatureValid, true, 'the CMS signature itself is intact');
  t.equal(seal.timestamp?.valid, true, 'and timestamped');
  t.equal(seal.chainTrusted, false);
  t.equal(seal.valid, false);
  t.match(seal, { indication: 'INDETERMINATE', subIndication: 'CHAIN_CONSTRAINTS_FAILURE' });
  t.match(seal.problems.join('\n'), /李四.*not a CA/);
  t.equal(report.valid, false);
});

t.test('POST /api/v1/verify says the same', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: Buffer.from(sealedByForgery), headers: { 'content-type': 'application/pdf' } });
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  t.match(body, { valid: false, indication: 'INDETERMINATE' });
  t.match(body.signatures[0], { chainTrusted: false, valid: false, subIndication: 'CHAIN_CONSTRAINTS_FAILURE' });
  t.match(body.signatures[0].summaryZh, /证书链不满足约束/);
});

t.test('openssl verify rejects the chain too', needs('openssl'), async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'laborsign-forged-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, ders: Uint8Array[]) => {
    writeFileSync(path.join(dir, name), ders.map((d) => pemEncode(d, 'CERTIFICATE')).join(''));
    return path.join(dir, name);
  };
  const result = run('openssl', ['verify', '-CAfile', file('root.pem', [pki.root.der]), '-untrusted', file('chain.pem', event.chain), file('leaf.pem', [forged])]);
  t.not(result.status, 0, result.stdout + result.stderr);
});

t.test('an honest seal from the same platform passes', async (t) => {
  const employer = await pki.issueOrganisationCertificate({ name: '运城测试实业有限公司', uscc: '91350100M000100Y43' });
  const sealed = await signPdf(await onePage(), { fieldName: 'seal', signingTime: new Date(), certify: true, name: '运城测试实业有限公司', reason: '盖章' }, (digest) =>
    createCadesSignature(digest, (employer as { signer: Parameters<typeof createCadesSignature>[1] }).signer, tsa),
  );
  const report = await verifyPdf(sealed, { trustAnchors: anchors, statusLookup: lookup });
  t.match(report.signatures[0], { chainTrusted: true, valid: true, indication: 'TOTAL-PASSED' });
  t.equal(parseCertificate(forged).issuerText, event.parsed.subjectText);
});
