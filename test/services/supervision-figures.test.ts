import t, { type Test } from 'tap';
import { addDays } from '../../src/domain/calendar.ts';
import { SupervisionFigures } from '../../src/services/supervision-figures.ts';
import { rng } from '../../scripts/seed/province-plan.ts';
import { seedProvince } from '../../scripts/seed/province-writer.ts';
import { createTestPlatform } from '../helpers/platform.ts';

const asOf = '2026-11-30';
const { platform } = await createTestPlatform(t);
const { db } = platform;
const seeded = await seedProvince({ db, crypto: platform.fieldCrypto, templates: platform.templates }, { employers: 60, workers: 1500, seed: 3, asOf });
const figures = new SupervisionFigures({ db });
const day = new Date(`${asOf}T00:00:00Z`);
const stored = async () => (await db.supervisionFigure.findMany({ where: { asOf: day }, orderBy: [{ level: 'asc' }, { key: 'asc' }] })).map(({ computedAt: _c, ...row }) => row);

/** Every employer's SQL figures against the supervision engine's report of the same day. */
async function matchesEngine(t: Test) {
  const rows = new Map((await db.supervisionFigure.findMany({ where: { asOf: day, level: 'employer' } })).map((row) => [row.key, row]));
  let mismatches = 0;
  for (const id of seeded.organisationIds) {
    const organisation = await db.organisation.findUniqueOrThrow({ where: { id } });
    const report = await platform.supervision.report(organisation, asOf);
    const row = rows.get(id);
    const engine = { headcount: report.headcount.active, required: report.signing.required, signed: report.signing.signed };
    const sql = row && { headcount: row.headcount, required: row.required, signed: row.signed };
    if (JSON.stringify(engine) !== JSON.stringify(sql)) {
      mismatches += 1;
      t.fail(`employer ${id}`, { engine, sql });
    }
  }
  t.equal(mismatches, 0, `SQL figures equal the engine's for all ${seeded.organisationIds.length} employers`);
}

t.test('a full run stores every employer and the county, city and province sums', async (t) => {
  const run = await figures.run(asOf);
  t.equal(run.employers, 60);
  await matchesEngine(t);
  const rows = await stored();
  const employers = rows.filter((r) => r.level === 'employer');
  const province = rows.filter((r) => r.level === 'province');
  t.same(
    province.map((r) => r.key),
    ['140000'],
  );
  for (const field of ['headcount', 'required', 'signed'] as const) {
    t.equal(
      province[0]![field],
      employers.reduce((n, r) => n + r[field], 0),
      `province ${field} is the sum of employers`,
    );
  }
  const cities = rows.filter((r) => r.level === 'city');
  t.equal(
    cities.reduce((n, r) => n + r.headcount, 0),
    province[0]!.headcount,
    'cities add up to the province',
  );
  t.ok(
    employers.some((r) => r.signed < r.required),
    'some employers have unsigned workers',
  );
});

t.test('after random change sets, recomputing the changed employers equals a full recomputation', async (t) => {
  const r = rng(11);
  const pick = <T>(list: T[]) => list[Math.floor(r() * list.length)]!;
  for (let round = 0; round < 4; round++) {
    const changed = new Set<string>();
    const active = await db.rosterEntry.findMany({ where: { separationDate: null }, select: { id: true, organisationId: true, hireDate: true } });
    for (let i = 0; i < 15; i++) {
      const entry = pick(active);
      await db.rosterEntry.update({ where: { id: entry.id }, data: { separationDate: new Date(`${addDays(asOf, -Math.floor(r() * 3))}T00:00:00Z`), separationKind: 'resignation' } });
      changed.add(entry.organisationId);
    }
    const workers = await db.worker.findMany({ select: { id: true }, take: 300, skip: Math.floor(r() * 1000) });
    for (let i = 0; i < 10; i++) {
      const organisationId = pick(seeded.organisationIds);
      const form = pick(['labor_contract', 'labor_contract', 'part_time', 'dispatch']);
      await db.rosterEntry.create({ data: { organisationId, workerId: pick(workers).id, employmentForm: form, hireDate: new Date(`${addDays(asOf, -Math.floor(r() * 90))}T00:00:00Z`) } });
      changed.add(organisationId);
    }
    const contracts = await db.contract.findMany({ select: { id: true, employerId: true, status: true }, take: 400, skip: Math.floor(r() * 900) });
    for (let i = 0; i < 15; i++) {
      const contract = pick(contracts);
      const status = contract.status === 'signed' ? pick(['terminated', 'expired', 'renewed'] as const) : 'signed';
      await db.contract.update({
        where: { id: contract.id },
        data: { status, ...(r() < 0.5 ? { endDate: new Date(`${addDays(asOf, Math.floor(r() * 20) - 10)}T00:00:00Z`), termType: 'fixed' } : {}) },
      });
      changed.add(contract.employerId);
    }
    await figures.run(asOf, [...changed]);
    const incremental = await stored();
    await figures.run(asOf);
    t.same(incremental, await stored(), `round ${round + 1}: ${changed.size} employers changed`);
  }
  await matchesEngine(t);
});
