/**
 * Long-term validation from the document alone, with a clock we control: a B-LTA file whose
 * signer certificate lived a few minutes still validates a year later, offline (no status
 * lookups), at the time its signature timestamp proves; revocation comes from the /DSS.
 * Without a timestamp the same expired certificate leaves the signature INDETERMINATE.
 */
import t from 'tap';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createCadesSignature } from '../../../src/signing/cms/signed-data.ts';
import { addDocumentTimestamp, addDss } from '../../../src/signing/pades/ltv.ts';
import { signPdf } from '../../../src/signing/pades/signature.ts';
import { collectValidationMaterial } from '../../../src/signing/pades/validation-material.ts';
import { generateKeyPair, localSignatureKey } from '../../../src/signing/pki/keys.ts';
import { createOcspResponder } from '../../../src/signing/revocation/ocsp.ts';
import { TimestampAuthority } from '../../../src/signing/tsa/authority.ts';
import { EmbeddedTsaClient } from '../../../src/signing/tsa/clients.ts';
import { verifyPdf } from '../../../src/signing/verify/verify.ts';
import { pkiFixture } from '../crypto/fixture.ts';

const fx = await pkiFixture();
t.teardown(fx.cleanup);
const { pki } = fx;
const tsa = new EmbeddedTsaClient(new TimestampAuthority(pki.tsa));
const ocsp = createOcspResponder({ responders: pki.ocspResponders, statusStore: pki.statusStore });
const anchors = [pki.root.der];

const doc = await PDFDocument.create();
const font = await doc.embedFont(StandardFonts.Helvetica);
doc.addPage([595, 842]).drawText('Labor contract', { x: 72, y: 760, size: 16, font });
const unsigned = await doc.save();

// A one-minute certificate (the platform back-dates notBefore by its clock skew allowance).
const keys = generateKeyPair('ecdsa-p256-sha256');
const shortLived = await pki.issueEventCertificate({ name: '王五', maskedIdNumber: '110105********003X', publicKey: keys.publicKey, validityMinutes: 1 });
const signer = { key: localSignatureKey(keys.privateKey), chain: shortLived.chain };
const signed = await signPdf(unsigned, { fieldName: 'worker', signingTime: new Date(), name: '王五' }, (digest) => createCadesSignature(digest, signer, tsa));
const { material, contents } = await collectValidationMaterial(signed, pki, ocsp);
const final = await addDocumentTimestamp(await addDss(signed, material, contents), tsa);
const yearLater = new Date(Date.now() + 365 * 86_400_000);

t.test('a year after the signer’s certificate expired, the B-LTA file validates offline at its proven time', async (t) => {
  t.ok(shortLived.parsed.notAfter < new Date(Date.now() + 2 * 60_000), 'the certificate lives about a minute');
  const report = await verifyPdf(final, { trustAnchors: anchors, now: yearLater });
  const signature = report.signatures[0]!;
  t.match(signature, { valid: true, indication: 'TOTAL-PASSED', level: 'B-LTA', chainTrusted: true, revocation: { status: 'good', source: 'dss' } });
  t.equal(signature.validationTime, signature.timestamp!.time, 'validated at the signature timestamp’s time');
  t.ok(new Date(signature.validationTime!) < shortLived.parsed.notAfter, 'when the certificate was still valid');
  t.equal(report.signatures[1]!.valid, true, 'the document timestamp, validated now');
  t.equal(report.valid, true);
});

t.test('the clock matters: the same certificate without a timestamp is out of bounds a year later', async (t) => {
  const bare = await signPdf(unsigned, { fieldName: 'worker', signingTime: new Date(), name: '王五' }, (digest) => createCadesSignature(digest, signer));
  const now = await verifyPdf(bare, { trustAnchors: anchors, statusLookup: async () => ({ status: 'good' }) });
  t.match(now.signatures[0], { chainTrusted: true, level: 'B-B', subIndication: 'SIG_CONSTRAINTS_FAILURE' }, 'today: only the missing timestamp is wrong');
  const later = await verifyPdf(bare, { trustAnchors: anchors, statusLookup: async () => ({ status: 'good' }), now: yearLater });
  t.match(later.signatures[0], { chainTrusted: false, valid: false, indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE' });
});
