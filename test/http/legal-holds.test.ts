/**
 * Legal holds: an arbitration or inspection official opens a case on a contract of their region,
 * the contract's archived versions are held (by the engine, where it has object lock: checked
 * against Ceph RGW) until the last open case on it is closed; who placed and who lifted the hold
 * is in the contract's audit trail. Roles, regions and double opens/closes are refused.
 */
import t from 'tap';
import { employerBody, testUscc } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { needsObjectLock } from '../helpers/real-store.ts';
import { signedContract } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const official = async (role: string, regionCode = '1408') => {
  const created = (await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: `${role}-${regionCode}`, role, regionCode } })).json();
  return { id: created.id as string, headers: bearer(created.apiKey) };
};
const arbitration = await official('arbitration');
const inspection = await official('inspection');
const insurance = await official('insurance');
const taiyuanArbitration = await official('arbitration', '1401');
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: { ...employerBody(95), uscc: testUscc(95) } })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;
const contract = await signedContract(app, platform, employer, template.id, template.example as never);
if (contract.signed.statusCode !== 200) throw new Error(contract.signed.body);
const documents = await platform.db.document.findMany({ where: { contractId: contract.id } });
const post = (url: string, who: { headers: Record<string, string> }, payload?: object) => app.inject({ method: 'POST', url, headers: who.headers, ...(payload ? { payload } : {}) });
const holds = async () => Promise.all(documents.map(async (d) => (await platform.archive.lockState(d.objectKey, d.versionId)).legalHold));

t.test('who may open a case: the case’s own office, in its region', async (t) => {
  t.equal((await post('/api/v1/arbitration/cases', insurance, { caseNumber: '运劳人仲案字〔2027〕第1号', contractId: contract.id })).statusCode, 403, 'insurance officials open no cases');
  t.equal(
    (await post('/api/v1/arbitration/cases', inspection, { caseNumber: '运劳人仲案字〔2027〕第1号', contractId: contract.id })).statusCode,
    403,
    'an inspector opens inspection cases, not arbitration ones',
  );
  t.equal(
    (await post('/api/v1/arbitration/cases', taiyuanArbitration, { caseNumber: '并劳人仲案字〔2027〕第1号', contractId: contract.id })).statusCode,
    404,
    'another region’s contract is not found',
  );
  const bad = await post('/api/v1/arbitration/cases', arbitration, { caseNumber: 'x', contractId: contract.id });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().errors, [{ field: 'caseNumber' }]);
  t.equal(await platform.db.officialCase.count(), 0);
});

let arbitrationCase: string;
let inspectionCase: string;
t.test('opening cases holds the contract’s objects; the audit trail names who placed the hold', async (t) => {
  const opened = await post('/api/v1/arbitration/cases', arbitration, { caseNumber: '运劳人仲案字〔2027〕第1号', contractId: contract.id });
  t.equal(opened.statusCode, 201, opened.body);
  t.match(opened.json(), {
    kind: 'arbitration',
    caseNumber: '运劳人仲案字〔2027〕第1号',
    contractId: contract.id,
    openedBy: arbitration.id,
    closedAt: null,
    legalHold: { held: true, objects: documents.length, enforcedByStore: platform.archive.objectLock },
  });
  arbitrationCase = opened.json().id;
  t.equal((await post('/api/v1/arbitration/cases', arbitration, { caseNumber: '运劳人仲案字〔2027〕第1号', contractId: contract.id })).statusCode, 409, 'the same case twice');
  const second = await post('/api/v1/inspection/cases', inspection, { caseNumber: '运人社监察〔2027〕7号', contractId: contract.id });
  t.equal(second.statusCode, 201, second.body);
  inspectionCase = second.json().id;
  const events = await platform.db.auditEvent.findMany({ where: { contractId: contract.id, type: 'archive.legal_hold_placed' }, orderBy: { seq: 'asc' } });
  t.match(events, [
    { actorKind: 'official', actorId: arbitration.id, data: { kind: 'arbitration', caseNumber: '运劳人仲案字〔2027〕第1号', caseId: arbitrationCase, objects: documents.length } },
    { actorKind: 'official', actorId: inspection.id, data: { kind: 'inspection', caseNumber: '运人社监察〔2027〕7号', caseId: inspectionCase } },
  ]);
});

t.test('the engine holds every version while a case is open', needsObjectLock(platform), async (t) => {
  t.same(
    await holds(),
    documents.map(() => true),
  );
});

t.test('a termination certificate issued during the case is held too', needsObjectLock(platform), async (t) => {
  const terminated = await app.inject({
    method: 'POST',
    url: `/api/v1/contracts/${contract.id}/terminate`,
    headers: employer,
    payload: { ending: 'rescission', date: '2027-03-31', reason: '经双方协商一致解除' },
  });
  t.equal(terminated.statusCode, 200, terminated.body);
  const certificate = await platform.db.document.findFirstOrThrow({ where: { contractId: contract.id, kind: 'termination_certificate' } });
  t.equal((await platform.archive.lockState(certificate.objectKey, certificate.versionId)).legalHold, true);
  documents.push(certificate);
});

t.test('closing one case keeps the hold while another is open; closing the last lifts it', async (t) => {
  t.equal((await post(`/api/v1/arbitration/cases/${inspectionCase}/close`, arbitration)).statusCode, 404, 'an inspection case is not closed as an arbitration case');
  t.equal((await post(`/api/v1/arbitration/cases/${arbitrationCase}/close`, taiyuanArbitration)).statusCode, 404, 'nor from another region');
  const first = await post(`/api/v1/arbitration/cases/${arbitrationCase}/close`, arbitration);
  t.equal(first.statusCode, 200, first.body);
  t.match(first.json(), { closedBy: arbitration.id, closedAt: String, legalHold: { held: true } }, 'the inspection case still holds the objects');
  if (platform.archive.objectLock)
    t.same(
      await holds(),
      documents.map(() => true),
      'still held by the engine',
    );
  t.equal((await post(`/api/v1/arbitration/cases/${arbitrationCase}/close`, arbitration)).statusCode, 409, 'closed once');
  const last = await post(`/api/v1/inspection/cases/${inspectionCase}/close`, inspection);
  t.equal(last.statusCode, 200, last.body);
  t.match(last.json(), { closedBy: inspection.id, legalHold: { held: false } });
  if (platform.archive.objectLock)
    t.same(
      await holds(),
      documents.map(() => false),
      'lifted by the engine',
    );
  const events = await platform.db.auditEvent.findMany({ where: { contractId: contract.id, type: { in: ['case.closed', 'archive.legal_hold_lifted'] } }, orderBy: { seq: 'asc' } });
  t.match(
    events,
    [
      { type: 'case.closed', actorKind: 'official', actorId: arbitration.id, data: { caseId: arbitrationCase, otherOpenCases: 1 } },
      { type: 'archive.legal_hold_lifted', actorKind: 'official', actorId: inspection.id, data: { caseId: inspectionCase, otherOpenCases: 0 } },
    ],
    'who closed each case, and who lifted the hold',
  );
  const chain = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${contract.id}/audit`, headers: employer })).json().chain;
  t.equal(chain.intact, true);
});
