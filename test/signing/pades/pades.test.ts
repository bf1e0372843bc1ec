/**
 * A contract certified by an employer (round seal) and signed by a worker whose key lives in
 * "the browser" (WebCrypto, two-phase CMS), then B-LT (/DSS) and B-LTA (document timestamp);
 * checked by our verifier and by pdfsig, openssl cms, openssl ts and qpdf.
 */
import { webcrypto } from 'node:crypto';

import t from 'tap';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { ecdsaRawToDer } from '../../../src/signing/asn1/ecdsa.ts';
import { roundSealAppearance, imageAppearance } from '../../../src/signing/appearance/appearances.ts';
import { GlyphOutliner } from '../../../src/signing/appearance/outlines.ts';
import { assembleSignedData, buildSignedAttributes, createCadesSignature, signatureTimestampAttribute } from '../../../src/signing/cms/signed-data.ts';
import { addDocumentTimestamp, addDss } from '../../../src/signing/pades/ltv.ts';
import { embedSignature, prepareSignature, signPdf, signPdfHashed } from '../../../src/signing/pades/signature.ts';
import { sha256Hex } from '../../../src/storage/archive.ts';
import { collectValidationMaterial } from '../../../src/signing/pades/validation-material.ts';
import type { PlatformIssuedCertificate } from '../../../src/signing/pki/authority.ts';
import { createOcspResponder } from '../../../src/signing/revocation/ocsp.ts';
import { TimestampAuthority } from '../../../src/signing/tsa/authority.ts';
import { EmbeddedTsaClient } from '../../../src/signing/tsa/clients.ts';
import { verifyPdf } from '../../../src/signing/verify/verify.ts';
import { IndependentChecks, registerIndependentChecks } from '../../helpers/independent-checks.ts';
import { needs } from '../../helpers/tools.ts';
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
  {
    fieldName: 'employer',
    page: 1,
    rect: [80, 90, 200, 210],
    appearance: roundSealAppearance(outliner, employer.parsed.subjectText.match(/CN=([^,]+)/)?.[1] ?? '单位'),
    signingTime: new Date(),
    certify: true,
    name: '运城测试实业有限公司',
    reason: '甲方盖章',
  },
  (digest) => createCadesSignature(digest, employer.signer, tsa),
);
const signed = await workerSign(sealed);
const { material, contents } = await collectValidationMaterial(signed, fx.pki, ocsp);
const withDss = await addDss(signed, material, contents);
const final = await addDocumentTimestamp(withDss, tsa);
/** The platform's records, as the verification service passes them. */
const platformLookup = async (serial: string, issuerKeyId: string) => {
  const found = await fx.pki.statusStore.status(serial, issuerKeyId);
  return found.status === 'revoked' ? { status: found.status, revokedAt: found.revokedAt } : { status: found.status };
};
/** For the tests about placeholders and bytes: run after the revocation test revoked the employer, they need a revocation answer that is not "unknown". */
const notRevoked = async () => ({ status: 'good' as const });
const independent = IndependentChecks.create({ root: fx.pki.root.der, authorities: fx.pki.authorities.map((ca) => ca.certificate.der), tsa: fx.pki.tsa.certificate.der }, t);

t.test('our verifier: the worker and the document timestamp valid at B-LTA; the seal judged like pyHanko', async (t) => {
  const report = await verifyPdf(final, { trustAnchors: anchors });
  t.same(
    report.signatures.map((s) => [s.fieldName, s.kind]),
    [
      ['employer', 'signature'],
      ['worker', 'signature'],
      [report.signatures[2]!.fieldName, 'document-timestamp'],
    ],
  );
  for (const signature of report.signatures.slice(0, 2)) {
    t.match(signature, { coversRevision: true, digestValid: true, signatureValid: true, chainTrusted: true, level: 'B-LTA' });
    t.equal(signature.timestamp?.valid, true);
    t.equal(signature.revocation.status, 'good');
  }
  // This fixture's worker revision creates its visible field after the certification (DocMDP
  // P=2): pyHanko's default policy and ours refuse that for the seal (only filling fields that
  // existed when certified is allowed). The worker's approval signature is not affected.
  t.match(report.signatures[0], { indication: 'TOTAL-FAILED', subIndication: 'DISALLOWED_MODIFICATION', modification: { level: 'OTHER', docMdp: 2, allowed: false } });
  t.match(report.signatures[0]!.disallowedChanges.join('\n'), /new visible signature field was created after the certification signature/);
  t.match(report.signatures[1], { indication: 'TOTAL-PASSED', valid: true, disallowedChanges: [], revisionsAfter: 2 });
  t.match(report.signatures[1]!.modification, { level: 'LTA_UPDATES', allowed: true });
  t.match(report.signatures[2], { indication: 'TOTAL-PASSED', valid: true, revisionsAfter: 0 });
  t.equal(report.signatures[0]!.revisionsAfter, 3);
  t.equal(report.indication, 'TOTAL-FAILED');
  t.equal(report.signatures[0]!.signer?.name, '运城测试实业有限公司');
  t.equal(report.signatures[1]!.signer?.name, '李四');
  t.equal(report.signatures[2]!.coversWholeFile, true);
});

t.test('without /DSS or document timestamp the level is B-T; with no revocation source at all the verdict is INDETERMINATE', async (t) => {
  const report = await verifyPdf(signed, { trustAnchors: anchors, statusLookup: platformLookup });
  t.same(
    report.signatures.map((s) => s.level),
    ['B-T', 'B-T'],
  );
  const offline = await verifyPdf(signed, { trustAnchors: anchors });
  t.same(
    offline.signatures.map((s) => [s.indication, s.subIndication]),
    [
      ['INDETERMINATE', 'TRY_LATER'],
      ['INDETERMINATE', 'TRY_LATER'],
    ],
    'unknown revocation is never "good"',
  );
});

// pdfsig (NSS database trusting our root; vfychain for the chains), openssl cms / ts, qpdf.
registerIndependentChecks(t, independent, final, { signatures: 2, documentTimestamps: 1, label: 'synthetic contract' });

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
    const result = independent.pdfsig(fx.file('tampered.pdf', tampered));
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
  t.match(report.signatures[0]!.disallowedChanges.join('\n'), /\/Contents changed/);
  t.match(report.signatures[1]!.disallowedChanges.join('\n'), /object \d+: .*\/Contents changed/);
  t.match(report.signatures[1], { indication: 'TOTAL-FAILED', subIndication: 'DISALLOWED_MODIFICATION', modification: { level: 'OTHER', allowed: false } });
});

t.test('a revoked signer certificate shows as revoked; the signature stands only if timestamped before the revocation', async (t) => {
  await fx.pki.statusStore.revoke(employer.serialHex, 'keyCompromise');
  const lookup = async (serial: string) => {
    const found = await fx.pki.statusStore.status(serial);
    return found.status === 'revoked' ? { status: found.status, revokedAt: found.revokedAt } : { status: found.status };
  };
  const report = await verifyPdf(final, { trustAnchors: anchors, statusLookup: lookup });
  t.match(report.signatures[0]!.revocation, { status: 'revoked', revokedAt: Date });
  t.ok(report.signatures[0]!.revocation.revokedAt! > new Date(report.signatures[0]!.timestamp!.time), 'revoked after the signature timestamp');
  t.equal(report.signatures[0]!.revocation.afterSignature, true);
  t.equal(report.signatures[0]!.chainTrusted, true, 'a later revocation does not undo a signature proven earlier (ETSI EN 319 102-1)');
  t.equal(report.signatures[1]!.revocation.status, 'good');

  const before = new Date(new Date(report.signatures[0]!.timestamp!.time).getTime() - 60_000);
  const backdated = await verifyPdf(final, { trustAnchors: anchors, statusLookup: async (serial) => (serial === employer.serialHex ? { status: 'revoked', revokedAt: before } : lookup(serial)) });
  t.equal(backdated.signatures[0]!.valid, false, 'revoked before the timestamp: invalid');
  t.match(backdated.signatures[0], { indication: 'TOTAL-FAILED', subIndication: 'REVOKED' });
  const unproven = await verifyPdf(final, { trustAnchors: anchors, statusLookup: async () => ({ status: 'revoked' }) });
  t.equal(unproven.signatures[0]!.valid, false, 'a revocation of unknown time is fatal');
});

t.test('a placeholder too small for the CMS fails loudly instead of truncating', async (t) => {
  const prepared = await prepareSignature(unsigned, { fieldName: 'tiny', signingTime: new Date(), placeholderBytes: 64 });
  const cms = await createCadesSignature(prepared.digest, employer.signer, tsa);
  t.throws(() => embedSignature(prepared, cms), /larger than its placeholder/);
});

t.test('a placeholder too small for the CMS is enlarged, never a failure', async (t) => {
  const signed = await signPdf(await twoPagePdf(), { fieldName: 'tight', signingTime: new Date(), placeholderBytes: 64 }, (digest) => createCadesSignature(digest, employer.signer, tsa));
  const report = await verifyPdf(signed, { trustAnchors: anchors, statusLookup: notRevoked });
  t.equal(report.valid, true);
  t.equal(report.signatures[0]?.level, 'B-T');
});

t.test('signPdfHashed gives the digests of the signed file and of its input, also when the CMS did not fit', async (t) => {
  const input = await twoPagePdf();
  for (const placeholderBytes of [16_384, 64]) {
    const signed = await signPdfHashed(input, { fieldName: `hashed-${placeholderBytes}`, signingTime: new Date(), placeholderBytes }, (digest) => createCadesSignature(digest, employer.signer, tsa));
    t.equal(signed.sha256, sha256Hex(signed.pdf), `the signed file's SHA-256 (placeholder ${placeholderBytes} bytes)`);
    t.equal(signed.priorSha256, sha256Hex(input), `the input's SHA-256 (placeholder ${placeholderBytes} bytes)`);
    const check = await verifyPdf(signed.pdf, { trustAnchors: anchors, statusLookup: notRevoked });
    t.ok(check.signatures[0]!.valid, JSON.stringify(check.signatures[0]!.problems));
  }
});

t.test('sealing the renderer’s document in memory appends the same bytes as parsing the written PDF', async (t) => {
  const { ContractPdfRenderer } = await import('../../../src/pdf/contract-renderer.ts');
  const { TemplateCatalog } = await import('../../../src/templates/catalog.ts');
  const template = (await TemplateCatalog.load()).get('labor-contract-general')!;
  const renderer = new ContractPdfRenderer();
  const request = { template, fields: template.example, documentNumber: 'LS20261123WRITTEN1', createdAt: new Date('2026-11-23T02:00:00Z') };
  const rendered = await renderer.renderTemplate(request);
  t.ok(rendered.written, 'the renderer hands over its document');
  const slot = rendered.signatureSlots.find((s) => s.mode === 'seal')!;
  const options = {
    fieldName: 'employer-seal',
    page: slot.page,
    rect: slot.rect,
    appearance: roundSealAppearance(outliner, '运城测试实业有限公司'),
    signingTime: new Date('2026-11-23T02:00:05Z'),
    certify: true,
    name: '运城测试实业有限公司',
    reason: '甲方盖章',
    placeholderBytes: 8192,
  };
  const parsed = await prepareSignature(rendered.pdf, options);
  const inMemory = await prepareSignature(rendered.pdf, { ...options, written: rendered.written });
  t.ok(Buffer.from(inMemory.pdf).equals(Buffer.from(parsed.pdf)), 'byte for byte the same revision');
  t.same(inMemory.byteRange, parsed.byteRange);
  // A CMS larger than the room reserved: signPdf signs again, from the bytes (the document was used).
  const again = await renderer.renderTemplate(request);
  const resealed = await signPdf(again.pdf, { ...options, placeholderBytes: 512, written: again.written }, (digest) => createCadesSignature(digest, employer.signer, tsa));
  const report = await verifyPdf(resealed, { trustAnchors: anchors, statusLookup: notRevoked });
  t.equal(report.signatures.length, 1);
  t.ok(report.signatures[0]!.valid, 'the re-signed seal verifies');
});
