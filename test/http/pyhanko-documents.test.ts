/**
 * pyHanko, the strictest open PAdES validator, on every kind of document LaborSign produces:
 * under its default diff policy, trusting only our root, offline, every signature and document
 * timestamp is intact, valid and trusted, its modification level NONE, FORM_FILLING or
 * LTA_UPDATES and DocMDP respected. The seal certifies each document (DocMDP P=2), so every
 * later signer may only fill a field the seal's revision already holds.
 */
import t, { type Test } from 'tap';
import { pemEncode } from '../../src/signing/asn1/der.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { acceptableModificationLevels, needsPyhanko, pyhankoValidate } from '../helpers/pyhanko.ts';
import { signedContract } from '../helpers/worker-phone.ts';

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
  t.same(report.signatures.map((s) => s.field), fields, 'the signatures pyHanko finds');
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
