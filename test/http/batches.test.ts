/**
 * Bulk batches on the shared queue: every bad row reported, idempotent submission, rows
 * worked to sealed-and-sent by the in-process workers, and a row worked twice never doubles.
 */
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(97) })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;
const { worker: _worker, probation: _probation, ...shared } = template.example as Record<string, unknown>;
const worker = (n: number) => {
  const first17 = `14080219900202${String(n).padStart(3, '0')}`;
  return { name: `工人${n}`, idNumber: first17 + residentIdCheckCharacter(first17), address: '山西省运城市盐湖区', phone: `139${String(n).padStart(8, '0')}` };
};
const submit = (rows: Record<string, unknown>[], headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/batches', headers: { ...employer, ...headers }, payload: { templateId: template.id, shared, rows, ...extra } });

t.test('a batch needs a seal authorisation', async (t) => {
  const refused = await submit([{ worker: worker(1) }]);
  t.equal(refused.statusCode, 403);
  const now = Date.now();
  const granted = await app.inject({ method: 'POST', url: '/api/v1/seal-authorisations', headers: employer, payload: { templateIds: [template.id], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3_600_000).toISOString(), grantedBy: '张三（法定代表人）' } });
  t.equal(granted.statusCode, 201);
});

t.test('bad rows are reported; good rows become sealed, sent contracts exactly once', async (t) => {
  const rows = [1, 2, 3, 4, 5].map((n) => ({ worker: worker(n) }));
  const bad = { worker: { ...worker(6), idNumber: '140802199002020000' } };
  const allOrNothing = await submit([...rows, bad], {}, { allOrNothing: true });
  t.equal(allOrNothing.statusCode, 422);
  t.match(allOrNothing.json().rowErrors, [{ row: 6 }]);
  t.equal(await platform.db.batch.count(), 0, 'all or nothing: nothing');

  const accepted = await submit([...rows, bad], { 'idempotency-key': 'upload-2026-11-23-001' });
  t.equal(accepted.statusCode, 202, accepted.body);
  t.equal(accepted.json().rows, 5);
  t.match(accepted.json().errors, [{ row: 6, field: 'worker.idNumber' }], 'the bad row named with its field');
  const replay = await submit([...rows, bad], { 'idempotency-key': 'upload-2026-11-23-001' });
  t.equal(replay.statusCode, 200);
  t.equal(replay.json().id, accepted.json().id, 'a retried upload creates nothing twice');

  await platform.startWorkers(2);
  const id = accepted.json().id;
  let progress = (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers: employer })).json();
  for (let i = 0; i < 120 && !progress.finished; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    progress = (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers: employer })).json();
  }
  t.equal(progress.finished, true, JSON.stringify(progress));
  t.same(progress.byStatus, { done: 5 });
  const contracts = await platform.db.contract.findMany({ where: { batchId: id } });
  t.equal(contracts.length, 5, 'one contract per row');
  t.ok(contracts.every((c) => c.status === 'sent'), 'sealed and sent');

  // A job delivered again (a worker died after finishing) changes nothing.
  await platform.db.batchRow.update({ where: { batchId_row: { batchId: id, row: 1 } }, data: { status: 'pending' } });
  await platform.batches.processRow({ batchId: id, row: 1 });
  await platform.batches.processRow({ batchId: id, row: 1 });
  t.equal(await platform.db.contract.count({ where: { batchId: id } }), 5, 'still exactly five contracts');
  const seals = await platform.db.signature.count({ where: { contract: { batchId: id } } });
  t.equal(seals, 5, 'each sealed once');
});
