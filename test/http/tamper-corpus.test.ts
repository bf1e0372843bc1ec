/**
 * Our verifier against pyHanko (an independent oracle, default diff policy, trusting only our
 * root, offline) on a tamper corpus made from a contract signed through the whole HTTP flow:
 * the file itself, a byte flipped in each revision, an incremental update that changes page
 * content, an overwritten object, a truncated file, and the file cut back to each earlier
 * revision. For every file and every signature both must give the same verdict (valid or not)
 * and the same judgement of the later changes (acceptable or not). pyHanko's verdict is read,
 * never assumed. The worker only fills a field the certification revision created, so both accept
 * the untouched file; a field created after certification is refused by ours (pades.test) as by pyHanko.
 */
import t from 'tap';
import { PDFName } from 'pdf-lib';
import { pemEncode } from '../../src/signing/asn1/der.ts';
import { PdfUpdate } from '../../src/signing/pades/incremental.ts';
import { revisionEnds } from '../../src/signing/verify/byte-range.ts';
import { verifyPdf, UnreadablePdfError, type VerificationReport } from '../../src/signing/verify/verify.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { acceptableModificationLevels, needsPyhanko, pyhankoValidate, type PyhankoSignature } from '../helpers/pyhanko.ts';
import { workerPhone } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const organisation = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(63) })).json();
const employer = bearer(organisation.apiKey);
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
const phone = workerPhone(app, platform, example.worker);

const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: template.id, fields: example } });
if (created.statusCode !== 201) throw new Error(created.body);
const id = created.json().id as string;
for (const step of ['seal', 'send']) {
  const res = await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/${step}`, headers: employer });
  if (res.statusCode !== 200) throw new Error(res.body);
}
const completed = await phone.sign(await phone.latestLink());
if (completed.statusCode !== 200) throw new Error(completed.body);
const signed = new Uint8Array((await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/pdf`, headers: employer })).rawPayload);
const rootPem = pemEncode(platform.pki.root.der, 'CERTIFICATE');

/** As the verification service does: the platform's anchors and status records. */
async function ours(pdf: Uint8Array): Promise<VerificationReport | undefined> {
  try {
    return await verifyPdf(pdf, {
      trustAnchors: platform.pki.trustAnchors.map((a) => a.der),
      statusLookup: async (serial, issuerKeyId) => {
        const found = await platform.pki.statusStore.status(serial, issuerKeyId);
        return found.status === 'revoked' ? { status: 'revoked', revokedAt: found.revokedAt } : { status: found.status };
      },
    });
  } catch (error) {
    if (error instanceof UnreadablePdfError) return undefined;
    throw error;
  }
}

const source = Buffer.from(signed);
const ends = revisionEnds(source);

/**
 * A byte inside revision `index` that a signature covers, chosen so the file stays well formed:
 * a digit of a /M date, else a character of a field name (/T), else the middle of the longest
 * stream's data.
 */
function flipIn(index: number): Uint8Array {
  const start = index === 0 ? 0 : ends[index - 1]!;
  const text = source.toString('latin1', start, ends[index]!);
  const date = text.indexOf('(D:');
  const fieldName = /\/T\s*\((.)/.exec(text);
  let at = date >= 0 ? start + date + 5 : fieldName ? start + fieldName.index + fieldName[0].length + 1 : -1;
  if (at < 0) {
    let longest = { from: 0, length: 0 };
    for (const m of text.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
      if (m[1]!.length > longest.length) longest = { from: m.index + m[0].indexOf(m[1]!), length: m[1]!.length };
    }
    if (!longest.length) throw new Error(`revision ${index + 1}: no byte to flip that keeps the file well formed`);
    at = start + longest.from + Math.floor(longest.length / 2);
  }
  const copy = Buffer.from(signed);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

async function pageContentUpdate(): Promise<Uint8Array> {
  const update = await PdfUpdate.open(signed);
  const page = update.doc.getPages()[0]!;
  const extra = update.add(update.context.stream('BT /F1 24 Tf 100 400 Td (PAID 0 YUAN) Tj ET'));
  page.node.set(PDFName.of('Contents'), update.context.obj([page.node.get(PDFName.of('Contents'))!, extra]));
  update.touch(page.ref);
  return update.serialize();
}

/** A later revision redefines an existing object (the first page's content stream) under its own number. */
async function overwrittenObject(): Promise<Uint8Array> {
  const update = await PdfUpdate.open(signed);
  const page = update.doc.getPages()[0]!;
  const contents = page.node.get(PDFName.of('Contents'))!;
  const ref = Array.isArray((contents as { asArray?: () => unknown[] }).asArray?.()) ? (contents as unknown as { get(i: number): never }).get(0) : contents;
  update.context.assign(ref as never, update.context.stream('BT /F1 24 Tf 100 400 Td (VOID) Tj ET'));
  update.touch(ref as never);
  return update.serialize();
}

const corpus: [string, () => Promise<Uint8Array>][] = [
  ['the signed contract', async () => signed],
  ...ends.map((_, i): [string, () => Promise<Uint8Array>] => [`a byte flipped in revision ${i + 1} of ${ends.length}`, async () => flipIn(i)]),
  ['an incremental update that changes page content', pageContentUpdate],
  ['an overwritten object', overwrittenObject],
  ['a truncated file', async () => signed.subarray(0, signed.length - 200)],
  ...ends.slice(0, -1).map((end, i): [string, () => Promise<Uint8Array>] => [`cut back to revision ${i + 1} of ${ends.length}`, async () => signed.subarray(0, end)]),
];

const acceptable = (s: PyhankoSignature) => (s.type === '/DocTimeStamp' ? acceptableModificationLevels.has(s.modification_level ?? 'NONE') : (s.docmdp_ok ?? s.coverage === 'ENTIRE_FILE'));

t.test('our verifier agrees with pyHanko on the tamper corpus', needsPyhanko(), async (t) => {
  t.ok(ends.length >= 4, `the signed contract has ${ends.length} revisions (seal, worker, DSS, document timestamp)`);
  for (const [label, make] of corpus) {
    const pdf = await make();
    const theirs = pyhankoValidate(pdf, rootPem);
    const report = await ours(pdf);
    const mine = report?.signatures ?? [];
    if (theirs.error || !report) {
      // Unreadable to one: the other must not call any signature valid.
      t.notOk(
        mine.some((s) => s.valid),
        `${label}: unreadable to pyHanko (${theirs.error}), and no signature valid for us`,
      );
      t.notOk(
        theirs.signatures.some((s) => s.bottom_line),
        `${label}: unreadable to us, and no signature valid for pyHanko`,
      );
      continue;
    }
    t.equal(mine.length, theirs.signatures.length, `${label}: same number of signatures`);
    for (const their of theirs.signatures) {
      const my = mine.find((s) => s.fieldName === their.field);
      t.ok(my, `${label}: we report ${their.field}`);
      if (!my) continue;
      t.equal(
        my.valid,
        their.bottom_line,
        `${label}, ${their.field}: valid ${my.valid} (${my.indication} ${my.subIndication ?? ''}) vs pyHanko ${their.bottom_line} (${their.modification_level ?? ''} ${their.error ?? ''})`,
      );
      if (their.intact && !their.error) {
        t.equal(
          my.modification.allowed,
          acceptable(their),
          `${label}, ${their.field}: changes acceptable ${my.modification.allowed} (${my.modification.level}) vs pyHanko ${their.modification_level}`,
        );
      }
    }
  }
});

t.test('a worker-signed contract: pyHanko and our verifier accept the seal and the worker’s signature (the worker only fills an existing field)', needsPyhanko(), async (t) => {
  const theirs = pyhankoValidate(signed, rootPem).signatures;
  const report = (await ours(signed))!;
  const seal = report.signatures[0]!;
  const theirSeal = theirs.find((s) => s.field === seal.fieldName)!;
  t.equal(theirSeal.bottom_line, true, 'pyHanko: the seal is valid');
  t.ok(['NONE', 'FORM_FILLING', 'LTA_UPDATES'].includes(String(theirSeal.modification_level)), `pyHanko: modification level ${theirSeal.modification_level}`);
  t.equal(seal.valid, true, 'ours: the seal is valid');
  t.equal(report.signatures[1]!.valid, theirs[1]!.bottom_line, 'the worker’s signature');
  t.equal(report.signatures[1]!.valid, true);
});
