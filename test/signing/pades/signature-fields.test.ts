/**
 * Signature fields made by the certification signature and filled by later signers. After a
 * certification (DocMDP P=2) a strict validator (pyHanko's default diff policy) accepts only
 * filling an existing field: its /V and a new appearance stream on its widget. The filling
 * revision therefore rewrites the field and nothing else that existed before.
 */
import t from 'tap';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, StandardFonts } from 'pdf-lib';
import { pemEncode } from '../../../src/signing/asn1/der.ts';
import { imageAppearance, roundSealAppearance } from '../../../src/signing/appearance/appearances.ts';
import { GlyphOutliner } from '../../../src/signing/appearance/outlines.ts';
import { createCadesSignature } from '../../../src/signing/cms/signed-data.ts';
import { firstRevision, signatureFieldState, signPdf } from '../../../src/signing/pades/signature.ts';
import type { PlatformIssuedCertificate } from '../../../src/signing/pki/authority.ts';
import { TimestampAuthority } from '../../../src/signing/tsa/authority.ts';
import { EmbeddedTsaClient } from '../../../src/signing/tsa/clients.ts';
import { acceptableModificationLevels, needsPyhanko, pyhankoValidate } from '../../helpers/pyhanko.ts';
import { pkiFixture } from '../crypto/fixture.ts';

const fx = await pkiFixture();
t.teardown(fx.cleanup);
const tsa = new EmbeddedTsaClient(new TimestampAuthority(fx.pki.tsa));
const outliner = GlyphOutliner.fromFirstExisting();
const employer = (await fx.pki.issueOrganisationCertificate({ name: '运城测试实业有限公司', uscc: '91350100M000100Y43' })) as PlatformIssuedCertificate;
const worker = (await fx.pki.issueOrganisationCertificate({ name: '运城测试劳务有限公司', uscc: '91350100M000100Y43' })) as PlatformIssuedCertificate;
const signaturePng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const draftDoc = await PDFDocument.create();
const font = await draftDoc.embedFont(StandardFonts.Helvetica);
for (let i = 1; i <= 2; i++) draftDoc.addPage([595, 842]).drawText(`Labor contract, page ${i}`, { x: 60, y: 780, size: 14, font });
const draft = await draftDoc.save({ useObjectStreams: false });

const sealed = await signPdf(
  draft,
  {
    fieldName: 'employer-seal',
    page: 1,
    rect: [80, 90, 200, 210],
    appearance: roundSealAppearance(outliner, '运城测试实业有限公司'),
    signingTime: new Date(),
    certify: true,
    emptyFields: [
      { name: 'worker-signature', page: 1, rect: [340, 100, 500, 180] },
      { name: 'agency-seal', page: 0, rect: [340, 300, 460, 420] },
    ],
  },
  (digest) => createCadesSignature(digest, employer.signer, tsa),
);
const filled = await signPdf(sealed, { fieldName: 'worker-signature', appearance: imageAppearance(outliner, signaturePng, '李四 2026年11月22日'), signingTime: new Date(), name: '李四' }, (digest) =>
  createCadesSignature(digest, worker.signer, tsa),
);

/** The object numbers a revision (the bytes from `start`) writes. */
function objectsWritten(pdf: Uint8Array, start: number): Set<number> {
  const text = Buffer.from(pdf.subarray(start)).toString('latin1');
  return new Set([...text.matchAll(/(?:^|\n)(\d+) 0 obj\b/g)].map((m) => Number(m[1])));
}

t.test('the certification revision creates every field; the other fields stay empty', async (t) => {
  t.equal(await signatureFieldState(sealed, 'employer-seal'), 'signed');
  t.equal(await signatureFieldState(sealed, 'worker-signature'), 'empty');
  t.equal(await signatureFieldState(sealed, 'agency-seal'), 'empty');
  t.equal(await signatureFieldState(sealed, 'nobody'), 'absent');
  const doc = await PDFDocument.load(sealed, { updateMetadata: false });
  const annots = (page: number) => doc.getPage(page).node.lookup(PDFName.of('Annots'), PDFArray).size();
  t.equal(annots(1), 2, 'the seal and the worker widget on page 2');
  t.equal(annots(0), 1, 'the agency widget on page 1');
  t.ok(Buffer.from(firstRevision(sealed)).equals(Buffer.from(draft)), 'the first revision is the draft');
});

t.test('filling a field rewrites that field only: no page, annotation list, form or catalog', async (t) => {
  t.equal(await signatureFieldState(filled, 'worker-signature'), 'signed');
  t.equal(await signatureFieldState(filled, 'agency-seal'), 'empty');
  const before = await PDFDocument.load(sealed, { updateMetadata: false });
  const written = objectsWritten(filled, sealed.length);
  const existing = [...written].filter((n) => n <= before.context.largestObjectNumber);
  const acroForm = before.catalog.lookup(PDFName.of('AcroForm'), PDFDict);
  const field = acroForm
    .lookup(PDFName.of('Fields'), PDFArray)
    .asArray()
    .find(
      (ref) =>
        before.context
          .lookup(ref as PDFRef, PDFDict)
          .get(PDFName.of('T'))
          ?.toString() === '(worker-signature)',
    ) as PDFRef;
  t.same(existing, [field.objectNumber], 'of the objects that existed, only the worker field is written again');
  const after = await PDFDocument.load(filled, { updateMetadata: false });
  const widget = after.context.lookup(field, PDFDict);
  const appearance = widget.lookup(PDFName.of('AP'), PDFDict).get(PDFName.of('N')) as PDFRef;
  t.ok(appearance.objectNumber > before.context.largestObjectNumber, 'its appearance is a new stream');
});

t.test('a signed field cannot be filled again, nor a field be made twice', async (t) => {
  await t.rejects(
    signPdf(filled, { fieldName: 'worker-signature', signingTime: new Date() }, (digest) => createCadesSignature(digest, worker.signer, tsa)),
    /already signed/,
  );
  await t.rejects(
    signPdf(draft, { fieldName: 'employer-seal', signingTime: new Date(), certify: true, emptyFields: [{ name: 'employer-seal', page: 0, rect: [0, 0, 10, 10] }] }, (digest) =>
      createCadesSignature(digest, employer.signer, tsa),
    ),
    /exists twice/,
  );
});

t.test('pyHanko: the certification stays valid after the field is filled (FORM_FILLING)', needsPyhanko(), async (t) => {
  const report = pyhankoValidate(filled, pemEncode(fx.pki.root.der, 'CERTIFICATE'));
  t.same(
    report.signatures.map((s) => s.field),
    ['employer-seal', 'worker-signature'],
  );
  for (const s of report.signatures) {
    t.match(s, { intact: true, valid: true, trusted: true, bottom_line: true, docmdp_ok: true }, `${s.field}: ${s.error ?? 'valid'}`);
    t.ok(acceptableModificationLevels.has(s.modification_level ?? ''), `${s.field}: ${s.modification_level}`);
  }
  t.equal(report.signatures[0]!.modification_level, 'FORM_FILLING');
});
