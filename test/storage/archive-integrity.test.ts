/**
 * Integrity end to end: an archived document changed or removed behind the service (its file on
 * the embedded endpoint, its RADOS object on Ceph) answers the named problem 500
 * `archive-integrity` (problem: altered | missing, Chinese message) on every read path, never
 * its bytes and never a generic 500; and the scrub finds both and records them.
 */
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { ArchiveScrub, scrubSampleSize } from '../../src/services/archive-scrub.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { canTamper, tamper } from '../helpers/real-store.ts';
import { signedContract, workerPhone } from '../helpers/worker-phone.ts';

const tested = await createTestPlatform(t);
const { app, platform, adminToken } = tested;
const admin = bearer(adminToken);
const employerRow = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(91) })).json();
const employer = bearer(employerRow.apiKey);
const official = async (role: string) =>
  bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: role, role, regionCode: '1408' } })).json().apiKey);
const inspection = await official('inspection');
const arbitration = await official('arbitration');
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
const workerOf = (n: number) => {
  const first17 = `14080219900115${String(n).padStart(3, '0')}`;
  return { ...example.worker, name: `测试${n}`, idNumber: first17 + residentIdCheckCharacter(first17), phone: `1390000${String(n).padStart(4, '0')}` };
};

/** Every path that serves an archived contract document, as the party entitled to it. */
const sessions = new Map<string, string>();
async function readPaths(contractId: string, worker: { phone: string }) {
  if (!sessions.has(worker.phone)) {
    // One login per worker: codes are rate-limited per phone.
    const phone = workerPhone(app, platform, worker as never);
    await phone.post('/api/v1/portal/code', { phone: worker.phone });
    const login = await phone.post('/api/v1/portal/login', { phone: worker.phone, code: await phone.latestCode() });
    if (login.statusCode !== 200) throw new Error(login.body);
    sessions.set(worker.phone, login.json().token as string);
  }
  const session = { 'x-portal-session': sessions.get(worker.phone)! };
  const why = 'purpose=%E4%BB%B2%E8%A3%81%E5%8F%96%E8%AF%81&caseNumber=ZC-2027-1';
  return {
    'employer PDF': () => app.inject({ method: 'GET', url: `/api/v1/contracts/${contractId}/pdf`, headers: employer }),
    'worker portal download': () => app.inject({ method: 'GET', url: `/api/v1/portal/contracts/${contractId}/pdf`, headers: session }),
    'government PDF': () => app.inject({ method: 'GET', url: `/api/v1/government/contracts/${contractId}/pdf?${why}`, headers: inspection }),
    'verification by id': () => app.inject({ method: 'GET', url: `/api/v1/government/contracts/${contractId}?${why}`, headers: inspection }),
    'evidence bundle': () => app.inject({ method: 'POST', url: '/api/v1/arbitration/evidence', headers: arbitration, payload: { caseNumber: 'ZC-2027-1', purpose: '仲裁取证', contractId } }),
  };
}

const signed: Record<'altered' | 'missing', { id: string; worker: ReturnType<typeof workerOf> }> = {} as never;
for (const [n, problem] of [
  [1, 'altered'],
  [2, 'missing'],
] as const) {
  const worker = workerOf(n);
  const contract = await signedContract(app, platform, employer, template.id, { ...example, worker });
  if (contract.signed.statusCode !== 200) throw new Error(contract.signed.body);
  signed[problem] = { id: contract.id, worker };
}

t.test('intact, every read path serves the document', async (t) => {
  for (const [name, read] of Object.entries(await readPaths(signed.altered.id, signed.altered.worker))) t.equal((await read()).statusCode, 200, name);
});

for (const problem of ['altered', 'missing'] as const) {
  t.test(`${problem} behind the service: 500 archive-integrity (${problem}) on every read path`, canTamper(tested), async (t) => {
    const contract = signed[problem];
    const document = await platform.db.document.findFirstOrThrow({ where: { contractId: contract.id, kind: 'signed' } });
    const paths = await readPaths(contract.id, contract.worker);
    await tamper(tested, document, problem === 'altered' ? 'alter' : 'remove');
    for (const [name, read] of Object.entries(paths)) {
      const res = await read();
      t.equal(res.statusCode, 500, name);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${name}: a problem, not the file`);
      t.match(res.json(), { type: /\/archive-integrity$/, problem, messageZh: problem === 'altered' ? /校验未通过/ : /缺失/ }, `${name}: the named integrity problem`);
      t.notOk(res.body.includes('%PDF'), `${name}: no byte of the file`);
    }
  });
}

t.test('the signing link’s document, altered: the same problem for the worker about to sign', canTamper(tested), async (t) => {
  const worker = workerOf(3);
  const created = (await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: template.id, fields: { ...example, worker } } })).json();
  for (const step of ['seal', 'send']) t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${created.id}/${step}`, headers: employer })).statusCode, 200, step);
  const sealed = await platform.db.document.findFirstOrThrow({ where: { contractId: created.id, kind: 'sealed' } });
  await tamper(tested, sealed, 'alter');
  const phone = workerPhone(app, platform, worker);
  const res = await app.inject({ method: 'GET', url: `/api/v1/signing/${await phone.latestLink()}/document.pdf` });
  t.equal(res.statusCode, 500);
  t.match(res.json(), { type: /\/archive-integrity$/, problem: 'altered', messageZh: /校验未通过/ });
});

t.test('the scrub re-hashes every document and records what it finds, once per period', canTamper(tested), async (t) => {
  const total = await platform.db.document.count();
  const first = await platform.archiveScrub.run({ limit: total });
  t.equal(first.checked, total, 'every document checked');
  const found = new Map(first.findings.map((f) => [f.documentId, f.problem]));
  const altered = await platform.db.document.findFirstOrThrow({ where: { contractId: signed.altered.id, kind: 'signed' } });
  const missing = await platform.db.document.findFirstOrThrow({ where: { contractId: signed.missing.id, kind: 'signed' } });
  t.equal(found.get(altered.id), 'altered');
  t.equal(found.get(missing.id), 'missing');
  t.equal(first.findings.length, 3, 'and the signing link’s sealed document; nothing else');
  t.match(await platform.db.archiveFinding.findMany({ where: { documentId: { in: [altered.id, missing.id] } }, orderBy: { problem: 'asc' } }), [
    { documentId: altered.id, problem: 'altered', actualSha256: /^[0-9a-f]{64}$/ },
    { documentId: missing.id, problem: 'missing', actualSha256: null },
  ]);
  const events = await platform.db.auditEvent.findMany({ where: { contractId: signed.missing.id, type: 'archive.integrity_failed' } });
  t.match(events, [{ actorKind: 'system', data: { documentId: missing.id, problem: 'missing', expectedSha256: missing.sha256 } }], 'in the contract’s audit trail');
  const audit = await app.inject({ method: 'GET', url: `/api/v1/contracts/${signed.missing.id}/audit`, headers: employer });
  t.equal(audit.statusCode, 200);
  t.equal(audit.json().chain.intact, true, 'the chain still verifies');

  // The next runs take the documents checked longest ago: with the hourly share of a one-day
  // period, 24 runs cover every document once more, and no document twice before all once.
  const daily = new ArchiveScrub({ db: platform.db, audit: platform.audit, archive: platform.archive, periodDays: 1, intervalMinutes: 60 });
  const before = await platform.db.document.findMany({ select: { id: true, checkedAt: true } });
  for (let run = 0; run < 24; run++) await daily.run({ now: new Date(Date.now() + (run + 1) * 1000) });
  const after = await platform.db.document.findMany({ select: { id: true, checkedAt: true } });
  t.ok(
    after.every((row) => row.checkedAt! > before.find((b) => b.id === row.id)!.checkedAt!),
    'every document re-checked within the period',
  );
});

t.test('the scrub is an hourly pg-boss schedule, each run a share that covers the period', async (t) => {
  t.equal(scrubSampleSize(720, 30, 60), 1, '720 documents, 720 hourly runs in 30 days: one a run');
  t.equal(scrubSampleSize(1_000_000, 30, 60), 1389, 'a million: 1,389 an hour');
  t.equal(scrubSampleSize(5, 30, 60), 1, 'never zero while there is a document');
  await platform.startWorkers(1);
  const rows = await platform.db.$queryRaw<{ name: string; cron: string }[]>`select name, cron from pgboss.schedule where name = 'archive-scrub'`;
  t.match(rows, [{ name: 'archive-scrub', cron: '23 * * * *' }], 'scheduled by the process that works the queue');
});
