import { createHash } from 'node:crypto';
import t from 'tap';
import { SHANXI_DIVISIONS } from '../../src/domain/reference/divisions-shanxi.ts';
import { readWorker, idNumberIndex } from '../../src/services/workers.ts';
import { contractFieldsColumn } from '../../src/services/contracts.ts';
import { planEmployers, planWorkers, type Expectation, type ProvinceOptions } from '../../scripts/seed/province-plan.ts';
import { seedProvince } from '../../scripts/seed/province-writer.ts';
import { createTestPlatform } from '../helpers/platform.ts';

const small: ProvinceOptions = { employers: 200, workers: 5000, seed: 7, asOf: '2026-11-30' };
const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const planOf = (options: ProvinceOptions) => {
  const employers = planEmployers(options);
  const expected: Expectation[] = [];
  return { employers, workers: [...planWorkers(options, employers, expected)], expected };
};

t.test('the plan follows from the seed and the day alone', async (t) => {
  t.equal(digest(planOf(small)), digest(planOf(small)), 'same seed, same province');
  t.not(digest(planOf(small)), digest(planOf({ ...small, seed: 8 })), 'another seed, another province');
  const { workers } = planOf(small);
  t.equal(workers.length, small.workers);
  t.equal(new Set(workers.map((w) => w.idNumber)).size, workers.length, 'no two workers share an ID number');
});

t.test('at province scale: exact total, a few giants of 50,000–100,000, most employers under 20, every city', async (t) => {
  const employers = planEmployers({ employers: 50_000, workers: 1_000_000, seed: 1, asOf: '2026-11-30' });
  t.equal(employers.length, 50_000);
  t.equal(
    employers.reduce((n, e) => n + e.size, 0),
    1_000_000,
  );
  t.ok(employers.every((e) => e.size >= 1));
  const giants = employers.filter((e) => e.size >= 50_000);
  t.ok(giants.length >= 2 && giants.length <= 8 && giants.every((e) => e.size <= 100_000), `${giants.length} giants`);
  t.ok(employers.filter((e) => e.size < 20).length > 0.8 * employers.length, 'most have fewer than 20 workers');
  t.ok(employers.some((e) => e.ownership === '1') && employers.some((e) => e.ownership === '3'), 'SOEs and private firms');
  t.ok(employers.some((e) => e.kind === 'dispatch_agency'));
  const cities = SHANXI_DIVISIONS.filter((d) => d.level === 'city').map((d) => d.code.slice(0, 4));
  t.same([...new Set(employers.map((e) => e.regionCode.slice(0, 4)))].sort(), cities.sort(), 'all 11 cities');
  t.same(new Set(employers.map((e) => e.sizeClass)), new Set(['large', 'medium', 'small', 'micro']));
});

t.test('seeded into the database, supervision reports exactly what the seed made', async (t) => {
  const { platform } = await createTestPlatform(t);
  const result = await seedProvince({ db: platform.db, crypto: platform.fieldCrypto, templates: platform.templates }, small);
  t.equal(result.counts.workers, small.workers);
  t.equal(await platform.db.worker.count(), small.workers);
  t.equal(await platform.db.organisation.count({ where: { kind: { not: 'platform' } } }), small.employers);

  const codes = new Map<string, number>();
  let unsignedTotal = 0;
  for (const plan of result.employers) {
    const organisation = await platform.db.organisation.findUniqueOrThrow({ where: { id: result.organisationIds[plan.index]! } });
    const report = await platform.supervision.report(organisation, small.asOf);
    const expected = result.expected[plan.index]!;
    const unsigned = report.alerts.filter((a) => a.code === 'ART10_NO_WRITTEN_CONTRACT').length;
    if (report.signing.required !== expected.required || report.signing.signed !== expected.signed || unsigned !== expected.unsignedOverdue) {
      t.fail(`employer ${plan.index} (${plan.kind}, ${plan.size} planned)`, { found: { required: report.signing.required, signed: report.signing.signed, unsigned }, expected });
    }
    unsignedTotal += unsigned;
    for (const alert of report.alerts) codes.set(alert.code, (codes.get(alert.code) ?? 0) + 1);
  }
  t.ok(unsignedTotal > 0, `${unsignedTotal} workers without a written contract found, as planned`);
  for (const code of ['ART10_NO_WRITTEN_CONTRACT', 'ART82_DOUBLE_WAGE_LATE_SIGNING']) t.ok(codes.get(code), `some ${code}`);
  t.ok([...codes.keys()].length >= 4, `a mix of alerts: ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}`);

  // Personal data is stored as the platform stores it: found by blind index, decrypted by column.
  const { workers } = planOf(small);
  const sample = workers[1234]!;
  const row = await platform.db.worker.findUniqueOrThrow({ where: { idIndex: idNumberIndex(platform.fieldCrypto, sample.idNumber) } });
  t.same(readWorker(platform.fieldCrypto, row), { name: sample.name, idNumber: sample.idNumber, phone: sample.phone });
  // Contract fields satisfy their template, as contracts made through the API do.
  const contracts = await platform.db.contract.findMany({ take: 50, orderBy: { number: 'asc' } });
  for (const contract of [...contracts, ...(await platform.db.contract.findMany({ where: { templateId: 'labor-contract-dispatch' }, take: 20 }))]) {
    const template = platform.templates.get(contract.templateId, contract.templateVersion)!;
    const parsed = template.fieldsSchema.safeParse(platform.fieldCrypto.decryptJson(contract.fieldsCipher, contractFieldsColumn));
    if (!parsed.success) t.fail(`contract ${contract.number} fields`, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
  }
  await t.rejects(seedProvince({ db: platform.db, crypto: platform.fieldCrypto, templates: platform.templates }, small), /empty database/, 'a second seeding is refused');
});
