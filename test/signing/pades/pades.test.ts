/**
 * A contract certified by an employer (round seal) and signed by a worker whose key lives in
 * "the browser" (WebCrypto, two-phase CMS), then B-LT (/DSS) and B-LTA (document timestamp);
 * checked by our verifier and by pdfsig, openssl cms, openssl ts and qpdf.
 */
import { webcrypto } from 'node:crypto';

import t from 'tap';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { readDer } from '../../../src/signing/asn1/der.ts';
import { ecdsaRawToDer } from '../../../src/signing/asn1/ecdsa.ts';
import { roundSealAppearance, imageAppearance } from '../../../src/signing/appearance/appearances.ts';
import { GlyphOutliner } from '../../../src/signing/appearance/outlines.ts';
import { assembleSignedData, buildSignedAttributes, createCadesSignature, signatureTimestampAttribute } from '../../../src/signing/cms/signed-data.ts';
import { parseSignedData } from '../../../src/signing/cms/parse.ts';
import { addDocumentTimestamp, addDss } from '../../../src/signing/pades/ltv.ts';
import { embedSignature, prepareSignature, signPdf } from '../../../src/signing/pades/signature.ts';
import { collectValidationMaterial } from '../../../src/signing/pades/validation-material.ts';
import type { PlatformIssuedCertificate } from '../../../src/signing/pki/authority.ts';
import { createOcspResponder } from '../../../src/signing/revocation/ocsp.ts';
import { TimestampAuthority } from '../../../src/signing/tsa/authority.ts';
import { EmbeddedTsaClient } from '../../../src/signing/tsa/clients.ts';
import { verifyPdf } from '../../../src/signing/verify/verify.ts';
import { needs, run } from '../../helpers/tools.ts';
import { pkiFixture } from '../crypto/fixture.ts';

const fx = await pkiFixture();
t.teardown(fx.cleanup);
const tsa = new EmbeddedTsaClient(new TimestampAuthority(fx.pki.tsa));
const ocsp = createOcspResponder({ responders: fx.pki.ocspResponders, statusStore: fx.pki.statusStore });
const outliner = GlyphOutliner.fromFirstExisting();
const anchors = [fx.pki.root.der];

async function twoPagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= 2; i++) doc.addPage([595, 842]).drawText(`Labor contract, page ${i}`, { x: 60, y: 780, size: 14, font });
  return doc.save({ useObjectStreams: false });
}

// A 1×1 PNG standing in for a handwritten signature drawn on the phone.
const signaturePng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const employer = (await fx.pki.issueOrganisationCertificate({ name: '运城测试实业有限公司', uscc: '91350100M000100Y43' })) as PlatformIssuedCertificate;

async function workerSign(pdf: Uint8Array): Promise<Uint8Array> {
  // The phone: a non-extractable P-256 key that never leaves WebCrypto.
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  const event = await fx.pki.issueEventCertificate({ name: '李四', maskedIdNumber: '110105********002X', publicKey: spki });
  const prepared = await prepareSignature(pdf, {
    fieldName: 'worker',
    page: 1,
    rect: [340, 100, 500, 180],
    appearance: imageAppearance(outliner, signaturePng, '李四 2026年11月22日'),
    signingTime: new Date(),
    name: '李四',
    reason: '乙方签署',
  });
  const signedAttributes = buildSignedAttributes({ documentDigest: prepared.digest, signerCertificate: event.certificate });
  const raw = new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, signedAttributes));
  const signatureValue = ecdsaRawToDer(raw);
  const cms = assembleSignedData({
    signedAttributes,
    signatureValue,
    algorithm: 'ecdsa-p256-sha256',
    chain: event.chain,
    unsignedAttributes: [await signatureTimestampAttribute(signatureValue, tsa)],
  });
  return embedSignature(prepared, cms);
}

const unsigned = await twoPagePdf();
const sealed = await signPdf(
  unsigned,
  { fieldName: 'employer', page: 1, rect: [80, 90, 200, 210], appearance: roundSealAppearance(outliner, employer.parsed.subjectText.match(/CN=([^,]+)/)?.[1] ?? '单位'), signingTime: new Date(), certify: true, name: '运城测试实业有限公司', reason: '甲方盖章' },
  (digest) => createCadesSignature(digest, employer.signer, tsa),
);
const signed = await workerSign(sealed);
const { material, contents } = await collectValidationMaterial(signed, fx.pki, ocsp);
const withDss = await addDss(signed, material, contents);
const final = await addDocumentTimestamp(withDss, tsa);
const finalPath = fx.file('contract.pdf', final);

t.test('our verifier: two valid signatures at B-LTA and a valid document timestamp', async (t) => {
  const report = await verifyPdf(final, { trustAnchors: anchors });
  t.equal(report.valid, true, JSON.stringify(report.signatures.map((s) => s.problems)));
  t.same(report.signatures.map((s) => [s.fieldName, s.kind]), [['employer', 'signature'], ['worker', 'signature'], [report.signatures[2]!.fieldName, 'document-timestamp']]);
  for (const signature of report.signatures.slice(0, 2)) {
    t.match(signature, { coversRevision: true, digestValid: true, signatureValid: true, chainTrusted: true, level: 'B-LTA', disallowedChanges: [] });
    t.equal(signature.timestamp?.valid, true);
    t.equal(signature.revocation.status, 'good');
  }
  t.equal(report.signatures[0]!.signer?.name, '运城测试实业有限公司');
  t.equal(report.signatures[1]!.signer?.name, '李四');
  t.equal(report.signatures[2]!.coversWholeFile, true);
});

t.test('without /DSS or document timestamp the level is B-T', async (t) => {
  const report = await verifyPdf(signed, { trustAnchors: anchors });
  t.same(report.signatures.map((s) => s.level), ['B-T', 'B-T']);
});

t.test('qpdf --check accepts the file', needs('qpdf'), async (t) => {
  const result = run('qpdf', ['--check', finalPath]);
  t.equal(result.status, 0, result.stdout + result.stderr);
});

let nssDir: string | undefined;
function nssDatabase(): string {
  if (nssDir) return nssDir;
  nssDir = `${fx.dir}/nss-db`;
  run('mkdir', ['-p', nssDir]);
  run('certutil', ['-N', '--empty-password', '-d', `sql:${nssDir}`]);
  run('certutil', ['-A', '-n', 'laborsign-root', '-t', 'CT,C,C', '-i', fx.pem('root-nss.pem', fx.pki.root.der), '-d', `sql:${nssDir}`]);
  return nssDir;
}

/**
 * pdfsig 22.12 (Debian 12) reads a stale NSS error after a successful chain check and prints
 * "Unknown issue with Certificate" for every chain, even one made by openssl; an untrusted root
 * shows "issuer is unknown" instead. So pdfsig proves the signatures valid and our root
 * recognised, and NSS's own vfychain (the library pdfsig uses) proves each chain trusted.
 */
t.test('pdfsig with an NSS database trusting our root: signatures valid, issuer known', needs('pdfsig', 'certutil'), async (t) => {
  const result = run('pdfsig', ['-nssdir', `sql:${nssDatabase()}`, '-no-ocsp', finalPath]);
  const blocks = result.stdout.split(/Signature #\d+:/).slice(1);
  t.ok(blocks.length >= 2, result.stdout + result.stderr);
  for (const block of blocks.slice(0, 2)) {
    t.match(block, /Signature Validation: Signature is Valid/);
    t.notMatch(block, /issuer is unknown|not trusted|revoked|expired/i);
  }
  const untrusted = run('pdfsig', ['-nssdir', `sql:${emptyNss()}`, '-no-ocsp', finalPath]);
  t.match(untrusted.stdout, /Certificate issuer is unknown/, 'without our root the issuer is unknown');
});

function emptyNss(): string {
  const dir = `${fx.dir}/empty-nss-db`;
  run('mkdir', ['-p', dir]);
  run('certutil', ['-N', '--empty-password', '-d', `sql:${dir}`]);
  return dir;
}

t.test('NSS vfychain: each signer chain is trusted for signing under our root', needs('vfychain', 'certutil'), async (t) => {
  const db = nssDatabase();
  const report = await verifyPdf(final, { trustAnchors: anchors });
  for (const [index, signature] of report.signatures.slice(0, 2).entries()) {
    const [, a, b] = signature.byteRange as [number, number, number, number];
    const padded = Buffer.from(Buffer.from(final.subarray(a + 1, b - 1)).toString('latin1'), 'hex');
    const parsed = parseSignedData(padded.subarray(0, readDer(padded).end));
    const leaf = parsed.signerCertificate!;
    const others = parsed.certificates.filter((c) => !Buffer.from(c).equals(Buffer.from(leaf.der)));
    const files = [fx.file(`leaf${index}.der`, leaf.der), ...others.map((c, i) => fx.file(`ca${index}-${i}.der`, c))];
    const result = run('vfychain', ['-d', `sql:${db}`, '-pp', '-u', '4', ...files]);
    t.match(result.stdout + result.stderr, /Chain is good/, `${signature.fieldName}: ${result.stdout}${result.stderr}`);
  }
});

t.test('openssl cms -verify accepts each extracted CMS over its byte ranges', needs('openssl'), async (t) => {
  const report = await verifyPdf(final, { trustAnchors: anchors });
  const chainFile = fx.pem('cas.pem', fx.pki.root.der, ...fx.pki.authorities.map((ca) => ca.certificate.der));
  for (const [index, signature] of report.signatures.slice(0, 2).entries()) {
    const [, a, b, c] = signature.byteRange as [number, number, number, number];
    const content = Buffer.concat([final.subarray(0, a), final.subarray(b, b + c)]);
    const hex = Buffer.from(final.subarray(a + 1, b - 1)).toString('latin1');
    const padded = Buffer.from(hex, 'hex');
    const der = padded.subarray(0, readDer(padded).end);
    const result = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', fx.file(`sig${index}.der`, der), '-content', fx.file(`content${index}.bin`, content), '-CAfile', chainFile, '-purpose', 'any', '-out', '/dev/null']);
    t.match(result.stderr, /Verification successful/, `signature ${index}: ${result.stderr}`);

    // The signature timestamp covers the SignerInfo signature value.
    const parsed = parseSignedData(der);
    t.ok(parsed.timestampToken, 'carries a signature timestamp');
    const ts = run('openssl', ['ts', '-verify', '-data', fx.file(`sigvalue${index}.bin`, parsed.signature), '-in', fx.file(`token${index}.der`, parsed.timestampToken!), '-token_in', '-CAfile', fx.pem('root-ts.pem', fx.pki.root.der), '-untrusted', fx.pem('tsa.pem', fx.pki.tsa.certificate.der)]);
    t.match(ts.stdout, /Verification: OK/, ts.stderr);
  }
});

t.test('openssl ts -verify accepts the document timestamp over its byte ranges', needs('openssl'), async (t) => {
  const report = await verifyPdf(final, { trustAnchors: anchors });
  const [, a, b, c] = report.signatures[2]!.byteRange as [number, number, number, number];
  const padded = Buffer.from(Buffer.from(final.subarray(a + 1, b - 1)).toString('latin1'), 'hex');
  const token = padded.subarray(0, readDer(padded).end);
  const ts = run('openssl', ['ts', '-verify', '-data', fx.file('doc-ranges.bin', Buffer.concat([final.subarray(0, a), final.subarray(b, b + c)])), '-in', fx.file('doc-token.der', token), '-token_in', '-CAfile', fx.pem('root-doc.pem', fx.pki.root.der), '-untrusted', fx.pem('tsa-doc.pem', fx.pki.tsa.certificate.der)]);
  t.match(ts.stdout, /Verification: OK/, ts.stderr);
});

t.test('one flipped byte inside a signed revision is reported by our verifier and pdfsig', async (t) => {
  const tampered = Buffer.from(final);
  // A byte inside the first page's content stream, well within the employer's signed revision.
  const at = tampered.indexOf('stream\n') + 'stream\n'.length + 5;
  t.ok(at > 20 && at < (await verifyPdf(final, { trustAnchors: anchors })).signatures[0]!.byteRange[1]!);
  tampered[at] = tampered[at]! ^ 0x01;
  const report = await verifyPdf(tampered, { trustAnchors: anchors });
  t.equal(report.valid, false);
  t.equal(report.signatures[0]!.digestValid, false);
  if (!needs('pdfsig', 'certutil').skip) {
    const result = run('pdfsig', ['-nssdir', `sql:${nssDatabase()}`, fx.file('tampered.pdf', tampered)]);
    t.notMatch(result.stdout.split(/Signature #2:/)[0], /Signature is Valid/, 'pdfsig no longer calls the first signature valid');
  }
});

t.test('new page content appended after signing is a disallowed change', async (t) => {
  const { PdfUpdate } = await import('../../../src/signing/pades/incremental.ts');
  const { PDFName } = await import('pdf-lib');
  const update = await PdfUpdate.open(final);
  const page = update.doc.getPages()[0]!;
  const extra = update.add(update.context.stream('BT /F1 24 Tf 100 400 Td (PAID 0 YUAN) Tj ET'));
  const existing = page.node.get(PDFName.of('Contents'))!;
  page.node.set(PDFName.of('Contents'), update.context.obj([existing, extra]));
  update.touch(page.ref);
  const altered = update.serialize();
  const report = await verifyPdf(altered, { trustAnchors: anchors });
  t.equal(report.valid, false);
  t.match(report.signatures[0]!.disallowedChanges.join('\n'), /page content or properties changed.*Contents/);
  t.match(report.signatures[1]!.disallowedChanges.join('\n'), /Contents/);
});

t.test('a revoked signer certificate shows as revoked', async (t) => {
  await fx.pki.statusStore.revoke(employer.serialHex, 'keyCompromise');
  const report = await verifyPdf(final, { trustAnchors: anchors, statusLookup: async (serial) => (await fx.pki.statusStore.status(serial)).status });
  t.equal(report.signatures[0]!.revocation.status, 'revoked');
  t.equal(report.signatures[0]!.valid, false);
  t.equal(report.signatures[1]!.revocation.status, 'good');
});

t.test('a placeholder too small for the CMS fails loudly instead of truncating', async (t) => {
  const prepared = await prepareSignature(unsigned, { fieldName: 'tiny', signingTime: new Date(), placeholderBytes: 64 });
  const cms = await createCadesSignature(prepared.digest, employer.signer, tsa);
  t.throws(() => embedSignature(prepared, cms), /larger than its placeholder/);
});



t.test('a placeholder too small for the CMS is enlarged, never a failure', async (t) => {
  const signed = await signPdf(await twoPagePdf(), { fieldName: 'tight', signingTime: new Date(), placeholderBytes: 64 }, (digest) => createCadesSignature(digest, employer.signer, tsa));
  const report = await verifyPdf(signed, { trustAnchors: anchors });
  t.equal(report.valid, true);
  t.equal(report.signatures[0]?.level, 'B-T');
});
