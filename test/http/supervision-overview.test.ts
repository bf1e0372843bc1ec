/**
 * Issue 24 item 3 over HTTP: the officials' overview of a seeded province from the stored run —
 * province → city → county, figures that add up, region scoping, employers ranked by risk with
 * cursor paging that lists each exactly once while the data changes underneath, a cursor refused
 * once its run is recomputed, profile filters, the CSV export, and every view logged.
 */
import t from 'tap';
import { seedProvince } from '../../scripts/seed/province-writer.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const asOf = '2026-11-30';
const { app, platform, adminToken } = await createTestPlatform(t);
const { db } = platform;
const admin = bearer(adminToken);
await seedProvince({ db, crypto: platform.fieldCrypto, templates: platform.templates }, { employers: 60, workers: 1500, seed: 11, asOf });
const official = async (role: string, regionCode: string) =>
  bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: `${role}-${regionCode}`, role, regionCode } })).json().apiKey);
const province = await official('inspection', '14');
const why = 'purpose=%E4%B8%93%E9%A1%B9%E6%A3%80%E6%9F%A5';
const get = (url: string, headers = province) => app.inject({ method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}${why}`, headers });

interface Ranked {
  organisationId: string;
  unsigned: number;
  headcount: number;
  regionCode: string;
  profile: { ownership: { code: string } | null };
}

async function allPages(query: string, limit: number, between?: (page: number) => Promise<void>) {
  const items: Ranked[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const answer = await get(`/api/v1/inspection/ranking?${query}&limit=${limit}${after ? `&after=${after}` : ''}`);
    if (answer.statusCode !== 200) throw new Error(`page ${pages + 1}: ${answer.statusCode} ${answer.body}`);
    const body = answer.json();
    items.push(...body.items);
    after = body.next;
    pages += 1;
    if (between) await between(pages);
  } while (after);
  return { items, pages };
}

t.test('before the first run the overview says so instead of guessing', async (t) => {
  const answer = await get('/api/v1/inspection/overview?region=14');
  t.equal(answer.statusCode, 200, answer.body);
  t.equal(answer.json().asOf, null);
  t.equal(answer.json().region.name, '山西省');
});

t.test('a province inspector sees every city aggregated, and the figures add up down to the employers', async (t) => {
  await platform.supervisionFigures.run(asOf);
  const answer = await get(`/api/v1/inspection/overview?region=14&asOf=${asOf}`);
  t.equal(answer.statusCode, 200, answer.body);
  const body = answer.json();
  t.equal(body.asOf, asOf);
  t.equal(body.region.level, 'province');
  t.equal(body.region.employers, 60);
  const cities = (await db.organisation.findMany({ where: { kind: { not: 'platform' } }, select: { regionCode: true } })).map((o) => o.regionCode.slice(0, 4));
  t.same(body.children.map((c: { code: string }) => c.code).sort(), [...new Set(cities)].sort(), 'one row per city with employers');
  for (const field of ['headcount', 'required', 'signed', 'unsigned', 'employers'] as const)
    t.equal(
      body.children.reduce((n: number, c: Record<string, number>) => n + c[field]!, 0),
      body.region[field],
      `cities' ${field} add up to the province`,
    );
  t.ok(
    body.children.every((c: { name: string | null; level: string }) => c.level === 'city' && c.name?.startsWith('山西省')),
    'cities are named from the division table',
  );

  const city = body.children[0].code as string;
  const down = (await get(`/api/v1/inspection/overview?region=${city}&asOf=${asOf}`)).json();
  t.equal(down.region.headcount, body.children[0].headcount, 'the city view repeats its row of the province view');
  t.ok(
    down.children.every((c: { level: string; code: string }) => c.level === 'county' && c.code.startsWith(city)),
    'and lists its counties',
  );
  t.equal(
    down.children.reduce((n: number, c: { headcount: number }) => n + c.headcount, 0),
    down.region.headcount,
    'counties add up to the city',
  );
  const county = down.children[0].code as string;
  const ranked = (await get(`/api/v1/inspection/ranking?region=${county}&asOf=${asOf}&limit=500`)).json();
  t.equal(
    ranked.items.reduce((n: number, e: { headcount: number }) => n + e.headcount, 0),
    down.children[0].headcount,
    'the county’s employers add up to the county',
  );
});

t.test('scoping: a city inspector reads its city, not the province or another city; other offices read nothing', async (t) => {
  const yuncheng = await official('inspection', '1408');
  t.equal((await get(`/api/v1/inspection/overview?region=1408&asOf=${asOf}`, yuncheng)).statusCode, 200);
  t.equal((await get(`/api/v1/inspection/overview?region=14&asOf=${asOf}`, yuncheng)).statusCode, 403);
  t.equal((await get(`/api/v1/inspection/ranking?region=1401&asOf=${asOf}`, yuncheng)).statusCode, 403);
  const insurance = await official('insurance', '14');
  t.equal((await get(`/api/v1/inspection/overview?region=14&asOf=${asOf}`, insurance)).statusCode, 403);
  t.equal((await get(`/api/v1/inspection/ranking.csv?region=14&asOf=${asOf}`, insurance)).statusCode, 403);
  const bad = await get(`/api/v1/inspection/overview?region=99&asOf=${asOf}`);
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().errors[0].field, 'region');
});

t.test('the ranking pages every employer exactly once, riskiest first, while new data arrives', async (t) => {
  const riskiest = (await db.supervisionFigure.findMany({ where: { asOf: new Date(`${asOf}T00:00:00Z`), level: 'employer' } })).reduce((a, b) =>
    b.required - b.signed > a.required - a.signed ? b : a,
  );
  const readsBefore = await db.accessLog.count({ where: { action: 'inspection.ranking_read' } });
  const first = (await get(`/api/v1/inspection/ranking?region=14&asOf=${asOf}&limit=7`)).json();
  t.equal(first.total, 60);
  t.equal(first.items[0].unsigned, riskiest.required - riskiest.signed, 'the employer with the most workers without a contract ranks first');

  const workers = await db.worker.findMany({ take: 10, select: { id: true } });
  const organisations = await db.organisation.findMany({ where: { kind: { not: 'platform' } }, select: { id: true } });
  // A hire between pages changes the data, not the stored run the pages come from.
  const { items, pages } = await allPages(`region=14&asOf=${asOf}`, 7, async (page) => {
    await db.rosterEntry.create({
      data: { organisationId: organisations[page % organisations.length]!.id, workerId: workers[page % workers.length]!.id, employmentForm: 'full_time', hireDate: new Date(`${asOf}T00:00:00Z`) },
    });
  });
  t.equal(pages, 9);
  t.equal(items.length, 60);
  t.equal(new Set(items.map((i) => i.organisationId)).size, 60, 'no employer twice');
  t.ok(
    items.every((item, i) => i === 0 || items[i - 1]!.unsigned > item.unsigned || (items[i - 1]!.unsigned === item.unsigned && items[i - 1]!.headcount >= item.headcount)),
    'ordered by workers without a contract, then head count',
  );
  t.equal((await db.accessLog.count({ where: { action: 'inspection.ranking_read' } })) - readsBefore, 10, 'each page is a logged read');
});

t.test('a cursor of a recomputed run is refused with 409; a made-up cursor with 400 naming it', async (t) => {
  const first = (await get(`/api/v1/inspection/ranking?region=14&asOf=${asOf}&limit=5`)).json();
  await platform.supervisionFigures.run(asOf);
  const stale = await get(`/api/v1/inspection/ranking?region=14&asOf=${asOf}&limit=5&after=${first.next}`);
  t.equal(stale.statusCode, 409, stale.body);
  t.match(stale.json(), { type: /ranking-run-replaced$/, messageZh: /重新/ });
  const forged = await get(`/api/v1/inspection/ranking?region=14&asOf=${asOf}&after=bm90LWEtY3Vyc29y`);
  t.equal(forged.statusCode, 400);
  t.match(forged.json().errors[0], { field: 'after', rule: 'cursor' });
});

t.test('filters by profile; the CSV holds the whole ranking', async (t) => {
  const owned = await db.organisation.groupBy({ by: ['ownership'], where: { kind: { not: 'platform' }, ownership: { not: null } }, _count: true, orderBy: { _count: { ownership: 'desc' } } });
  const ownership = owned[0]!.ownership!;
  const { items } = await allPages(`region=14&asOf=${asOf}&ownership=${ownership}`, 20);
  t.equal(items.length, owned[0]!._count, `every employer of ownership ${ownership}`);
  t.ok(items.every((i) => i.profile.ownership?.code === ownership));
  const atRisk = await allPages(`region=14&asOf=${asOf}&atRisk=true`, 50);
  t.ok(
    atRisk.items.every((i) => i.unsigned > 0),
    'atRisk lists only employers with workers without a contract',
  );
  t.ok(atRisk.items.length > 0 && atRisk.items.length < 60);

  const csv = await get(`/api/v1/inspection/ranking.csv?region=14&asOf=${asOf}`);
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /text\/csv/);
  const lines = csv.body
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  t.equal(lines[0], '排名,用人单位,统一社会信用代码,行政区划,用工人数,应签人数,已签人数,未签人数,签订率,数据日期');
  t.equal(lines.length, 61, 'a header and every employer');
  t.equal(await db.accessLog.count({ where: { action: 'inspection.ranking_exported' } }), 1);
});

t.test('the trend has a point per stored run', async (t) => {
  await platform.supervisionFigures.run('2026-12-01');
  const body = (await get('/api/v1/inspection/overview?region=14&asOf=2026-12-01')).json();
  t.same(
    body.trend.map((p: { asOf: string }) => p.asOf),
    [asOf, '2026-12-01'],
  );
  t.ok((await db.accessLog.count({ where: { action: 'inspection.overview_read' } })) >= 5, 'overview reads are logged');
});

t.test('the hourly schedule computes today’s figures once', async (t) => {
  const first = await platform.supervisionFigures.runIfDue();
  t.ok(first && first.employers === 60, 'the first call of the day runs every employer');
  t.equal(await platform.supervisionFigures.runIfDue(), null, 'later calls that day leave the run as it is');
});
