import t from 'tap';
import { Problem } from '../../src/problem.ts';
import type { Reader } from '../../src/domain/access.ts';
import { employerReader, findContracts, loadContract } from '../../src/services/contract/access.ts';
import { maskIdNumber, maskName, maskPhone } from '../../src/services/contract/masking.ts';
import { moveContract, requireTransition } from '../../src/services/contract/transitions.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const { db } = platform;
const admin = bearer(adminToken);
const register = async (n: number) => {
  const { id } = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(n) })).json() as { id: string };
  return db.organisation.findUniqueOrThrow({ where: { id } });
};
const owner = await register(71);
const other = await register(72);
const actor = { kind: 'system' as const, id: 'contract-module-test' };
const example = platform.templates.get('labor-contract-general')!.example as Record<string, unknown>;
const { contract } = await platform.contracts.create(owner, { templateId: 'labor-contract-general', fields: example }, { actor });
const principal = (organisationId: string) => ({ kind: 'employer' as const, principalId: `p-${organisationId}`, organisationId });

const notFound = async (t: { ok(value: unknown, message: string): void }, promise: Promise<unknown>, what: string) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(error instanceof Problem && error.status === 404, `${what}: another employer's contract is 404`);
};

t.test("the one ownership rule: another employer's contract is 404, its owner's is loaded", async (t) => {
  t.equal((await loadContract(db, employerReader(owner), contract.id, 'contract.manage')).id, contract.id);
  await notFound(t, loadContract(db, employerReader(other), contract.id, 'contract.manage'), 'loadContract');
  await notFound(t, loadContract(db, employerReader(owner), '00000000-0000-4000-8000-000000000000', 'contract.manage'), 'an unknown id');
  t.equal((await platform.contractQueries.get(principal(owner.id), contract.id)).id, contract.id);
  await notFound(t, platform.contractQueries.get(principal(other.id), contract.id), 'contractQueries.get');
  await notFound(t, platform.contractQueries.pdf(principal(other.id), contract.id, 'contract'), 'contractQueries.pdf');
  await notFound(t, platform.contractQueries.auditTrail(principal(other.id), contract.id), 'contractQueries.auditTrail');
});

t.test('every command on a contract goes through the same rule', async (t) => {
  await notFound(t, platform.sealing.seal(other, contract.id, { actor }), 'seal');
  await notFound(t, platform.workerSigning.send(other, contract.id, { actor }), 'send');
  await notFound(t, platform.lifecycle.void(other, contract.id, 'wrong data', { actor }), 'void');
  await notFound(t, platform.terminations.terminate(other, contract.id, { ending: 'termination', date: '2030-01-01', reason: '合同期满' }, { actor }), 'terminate');
  await notFound(t, platform.attachments.create(other, contract.id, { templateId: 'labor-contract-renewal', fields: {} }, { actor }), 'attach');
  const row = await db.contract.findUniqueOrThrow({ where: { id: contract.id } });
  t.equal(row.status, 'draft', 'nothing moved');
  t.equal(row.revision, contract.revision, 'nothing written');
});

t.test('transitions: the state machine refuses with a 409 naming the rule; a stale revision loses', async (t) => {
  t.equal(requireTransition('draft', 'seal'), 'sealed');
  t.throws(() => requireTransition('draft', 'sign'), { status: 409, errors: [{ field: 'status', rule: 'transition_sign' }] });
  let sendFirst: { status?: number; detail?: string; extensions?: unknown } = {};
  try {
    requireTransition('draft', 'send');
  } catch (error) {
    sendFirst = error as typeof sendFirst;
  }
  t.equal(sendFirst.status, 409);
  t.match(sendFirst.detail, /Next: seal by POST \/api\/v1\/contracts\/\{id\}\/seal; void by POST \/api\/v1\/contracts\/\{id\}\/void\./, 'a refused step names the routes of the steps allowed instead');
  t.match(sendFirst.extensions, { next: [{ event: 'seal' }, { event: 'void' }] });
  const stale = { ...contract, revision: contract.revision - 1 };
  const refused = await db
    .$transaction((tx) => moveContract(tx, stale, 'voided', { whenChanged: 'changed meanwhile' }))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  t.match(refused, { status: 409, detail: 'changed meanwhile' });
  t.equal((await db.contract.findUniqueOrThrow({ where: { id: contract.id } })).status, 'draft');
});

t.test('masking', async (t) => {
  t.equal(maskIdNumber('11010119900307123X'), '110101********123X');
  t.equal(maskName('张三丰'), '张**');
  t.equal(maskName('张'), '张');
  t.equal(maskPhone('13800138000'), '138****8000');
  t.equal(maskPhone('12345'), '***');
});

t.test('a list reaches exactly what a single load reaches, for every reader', async (t) => {
  const row = await db.contract.findUniqueOrThrow({ where: { id: contract.id }, include: { worker: true } });
  const readers: Reader[] = [
    { kind: 'admin' },
    employerReader(owner),
    employerReader(other),
    { kind: 'inspection', regionCode: row.regionCode.slice(0, 4) },
    { kind: 'inspection', regionCode: '110000' },
    { kind: 'insurance', regionCode: row.regionCode.slice(0, 2) },
    { kind: 'arbitration', regionCode: row.regionCode },
    { kind: 'worker', phoneIndex: row.worker.phoneIndex! },
    { kind: 'signing-link', contractId: contract.id },
  ];
  const outcome = (e: unknown) => (e instanceof Problem ? e.status : e);
  let compared = 0;
  for (const status of ['draft', 'sent'] as const) {
    await db.contract.update({ where: { id: contract.id }, data: { status } });
    for (const resource of ['contract.read', 'contract.manage', 'contract.audit', 'worker.contracts', 'insurance.enrolment', 'evidence.bundle', 'portal'] as const) {
      for (const reader of readers) {
        const loaded = await loadContract(db, reader, contract.id, resource, { caseNumber: '(2026)晋0802劳人仲案字第1号' }).then(() => 200, outcome);
        const listed = await findContracts(db, reader, resource, { where: { id: contract.id }, select: { id: true } }).then((rows) => (rows.length ? 200 : 404), outcome);
        t.equal(listed, loaded, `${status} ${resource} by ${JSON.stringify(reader)}`);
        compared += loaded === 200 ? 1 : 0;
      }
    }
  }
  t.ok(compared > 5, 'some readers do reach it');
  await db.contract.update({ where: { id: contract.id }, data: { status: 'draft' } });
});
