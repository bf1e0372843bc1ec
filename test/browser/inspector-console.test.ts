/**
 * The inspector console in Chromium: log in with an official's key, find employers of the
 * region by name or 统一社会信用代码, open one (signing-rate trend from the daily snapshots with
 * gaps, alerts by kind named in Chinese), open a contract with its verification and download
 * the evidence bundle; nothing is read without a purpose the official gave. Checked at 1280 px
 * and 360 px wide. Screenshots go to the ignored .screens/ (docs/screens/ with `npm run screens`).
 */
import path from 'node:path';
import t from 'tap';
import { chromium, type Page } from 'playwright-core';
import { todayInShanghai } from '../../src/domain/calendar.ts';
import { residentIdCheckCharacter, usccCheckCharacter } from '../../src/domain/identity.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { needs, screensDir } from '../helpers/tools.ts';
import { workerPhone } from '../helpers/worker-phone.ts';

const screens = screensDir();
const isoDay = (date: Date) => date.toISOString().slice(0, 10);
/** The `day`-th day of the month `back` months before today's (UTC), as YYYY-MM-DD. */
const dayOfMonthBack = (today: Date, back: number, day: number) => isoDay(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, day)));
const idNumber = (first17: string) => first17 + residentIdCheckCharacter(first17);

/** Rows of the employer list: the USCC under each name. */
const listedUsccs = (page: Page) => page.locator('#employer-rows small').allTextContents();
/** Neither the page nor the document is wider than the viewport (no sideways scrolling). */
/** Waits for the page's smooth scrolling to come to rest (screenshots of a still page). */
async function scrolled(page: Page) {
  let last = -1;
  for (let tries = 0; tries < 40; tries++) {
    const y = await page.evaluate(() => window.scrollY);
    if (y === last) return;
    last = y;
    await page.waitForTimeout(100);
  }
}
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

t.test('an inspector finds employers, reviews one and downloads evidence', needs('chromium'), async (t) => {
  const { app, platform, adminToken } = await createTestPlatform(t);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const admin = bearer(adminToken);
  const employer = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(81) })).json();
  const logistics = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: { ...employerBody(82), name: '盐湖区示例物流有限公司' } })).json();
  const taiyuanUscc = '91140105MA0000083' + usccCheckCharacter('91140105MA0000083');
  const taiyuan = await app.inject({
    method: 'POST',
    url: '/api/v1/admin/employers',
    headers: admin,
    payload: { ...employerBody(83), name: '太原示例物流有限公司', uscc: taiyuanUscc, regionCode: '140105' },
  });
  t.equal(taiyuan.statusCode, 201, 'an employer outside the inspector’s region exists');
  const key = bearer(employer.apiKey);
  const inspectorKey = (await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: '运城监察员', role: 'inspection', regionCode: '1408' } })).json()
    .apiKey as string;
  const template = platform.templates.get('labor-contract-general')!;
  const fields = template.example as { worker: { name: string; idNumber: string; phone: string } };
  const contract = (await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: key, payload: { templateId: template.id, fields } })).json();
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/seal`, headers: key });
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/send`, headers: key });
  const phone = workerPhone(app, platform, fields.worker);
  t.equal((await phone.sign(await phone.latestLink())).statusCode, 200);
  const today = new Date();
  const longAgo = isoDay(new Date(today.getTime() - 45 * 86_400_000));
  const hire = (name: string, id: string, hireDate: string) =>
    app.inject({ method: 'POST', url: '/api/v1/roster/hires', headers: key, payload: { worker: { name, idNumber: id }, hireDate, employmentForm: 'labor_contract' } });
  // Signed late (二倍工资), never signed (未订立), and due within the week (签订期限将届满): the
  // last two alerts cite the same articles, so only their kind tells them apart.
  t.equal((await hire(fields.worker.name, fields.worker.idNumber, longAgo)).statusCode, 201);
  t.equal((await hire('李四', idNumber('14080219900101123'), longAgo)).statusCode, 201);
  t.equal((await hire('王五', idNumber('14080219920202123'), isoDay(new Date(today.getTime() - 26 * 86_400_000)))).statusCode, 201);

  // The daily supervision kept snapshots in two earlier months only (25 %, then 75 %).
  const organisationId = (await platform.db.organisation.findUniqueOrThrow({ where: { uscc: employer.uscc } })).id;
  for (const [back, signed] of [
    [3, 1],
    [2, 3],
  ] as const) {
    await platform.db.supervisionSnapshot.create({
      data: { organisationId, asOf: new Date(`${dayOfMonthBack(today, back, 15)}T00:00:00Z`), headcount: 4, required: 4, signed, alertCount: 0, alerts: [] },
    });
  }

  const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const parameters = openapi.paths['/api/v1/inspection/employers'].get.parameters as { name: string; in: string; description?: string }[];
  t.match(
    parameters.find((p) => p.name === 'q'),
    { in: 'query', description: /统一社会信用代码/ },
    'the search parameter is documented',
  );

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true, locale: 'zh-CN', timezoneId: 'Europe/London' })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const reads: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (/^\/api\/v1\/(inspection\/|government\/|arbitration\/)/.test(url.pathname)) reads.push(url.pathname);
  });

  await page.goto(`${base}/gov`);
  await page.fill('#key', inspectorKey);
  await page.click('#log-in');
  await page.getByText('劳动保障监察 · 辖区 山西省运城市（1408）').waitFor();
  t.equal(await page.inputValue('#purpose'), '', 'no purpose is filled in for the official');

  // No query without a purpose, and no arbitration work without a case number.
  await page.click('#search');
  await page.getByRole('alert').getByText('请先填写或选择查阅事由').waitFor();
  t.equal(await page.getAttribute('#purpose', 'aria-invalid'), 'true', 'the purpose field is marked');
  t.ok(await page.locator('#employers').isHidden(), 'no employer is listed');
  await page.getByRole('button', { name: '劳动争议仲裁办案' }).click();
  t.equal(await page.inputValue('#purpose'), '劳动争议仲裁办案', 'a purpose can be chosen');
  await page.click('#search');
  await page.getByRole('alert').getByText('劳动争议仲裁办案须填写案号').waitFor();
  t.equal(await page.getAttribute('#case', 'aria-invalid'), 'true', 'the case number field is marked');
  await page.screenshot({ path: path.join(screens, 'gov-05-purpose-required.png') });
  t.same(reads, [], 'nothing was requested without a purpose or a case number');
  t.equal(await platform.db.accessLog.count(), 0, 'and nothing logged');
  await page.getByRole('button', { name: '日常巡查' }).click();
  await page.fill('#case', '运监〔2026〕第18号');

  // Employer search: the region, a name fragment, an exact USCC, a partial USCC.
  await page.click('#search');
  t.ok(await page.locator('#alert').isHidden(), 'the refusal is cleared');
  await page.getByText(employer.name).waitFor();
  t.same((await listedUsccs(page)).sort(), [employer.uscc, logistics.uscc].sort(), 'the region lists its two employers, not Taiyuan’s');
  await page.fill('#employer-q', '物流');
  await page.click('#search');
  await page.getByText('与“物流”匹配的用人单位：1 家').waitFor();
  t.same(await listedUsccs(page), [logistics.uscc], 'by name: the region’s logistics company only (Taiyuan’s is outside the region)');
  await page.screenshot({ path: path.join(screens, 'gov-04-search.png') });
  await page.fill('#employer-q', employer.uscc.toLowerCase());
  await page.press('#employer-q', 'Enter');
  await page.getByText(`与“${employer.uscc.toLowerCase()}”匹配的用人单位：1 家`).waitFor();
  t.same(await listedUsccs(page), [employer.uscc], 'by 统一社会信用代码, exactly (any letter case)');
  await page.fill('#employer-q', employer.uscc.slice(0, 17));
  await page.click('#search');
  await page.getByText(`与“${employer.uscc.slice(0, 17)}”匹配的用人单位：0 家`).waitFor();
  t.match(await page.locator('#employer-rows').textContent(), /没有匹配的用人单位/, 'part of a code finds nothing');
  await page.fill('#employer-q', taiyuanUscc);
  await page.click('#search');
  await page.getByText(`与“${taiyuanUscc}”匹配的用人单位：0 家`).waitFor();
  t.pass('another region’s employer is not found by its code');
  await page.fill('#employer-q', '');
  await page.click('#search');
  await page.getByText('内的用人单位：2 家').waitFor();
  await page.screenshot({ path: path.join(screens, 'gov-01-region.png') });

  // An emptied purpose stops the employer's file from opening.
  await page.fill('#purpose', ' ');
  const listed = reads.length;
  await page.locator('#employer-rows tr', { hasText: employer.uscc }).getByRole('button', { name: '查看' }).click();
  await page.getByRole('alert').getByText('请先填写或选择查阅事由').waitFor();
  t.ok(await page.locator('#employer').isHidden(), 'the employer’s file is not opened without a purpose');
  t.equal(reads.length, listed, 'nor requested');

  await page.getByRole('button', { name: '日常巡查' }).click();
  await page.locator('#employer-rows tr', { hasText: employer.uscc }).getByRole('button', { name: '查看' }).click();
  await page.locator('#trend-chart svg').waitFor();
  t.ok(await page.locator('#alert').isHidden(), 'the refusal is cleared');
  t.equal(await page.locator('#rate').textContent(), '33.3%', 'one of the three workers on the roster has a contract in force');

  // Alerts by kind: named in Chinese, one bar each, the article as the second line.
  const kinds = await page
    .locator('#alert-chart li')
    .evaluateAll((items) => items.map((li) => ({ code: li.getAttribute('data-code'), name: li.querySelector('.kind-name')?.textContent, article: li.querySelector('.kind-article')?.textContent })));
  t.same(kinds.map((k) => k.name).sort(), ['书面合同签订期限将届满', '未订立书面劳动合同', '逾期订立（二倍工资）'].sort(), 'each kind is labelled by its Chinese name');
  const sameArticle = kinds.filter((k) => k.code === 'ART10_NO_WRITTEN_CONTRACT' || k.code === 'ART10_SIGNING_DUE');
  t.equal(sameArticle.length, 2, 'two kinds citing the same articles');
  t.equal(sameArticle[0]!.article, sameArticle[1]!.article, 'show the same legal basis');
  t.not(sameArticle[0]!.name, sameArticle[1]!.name, 'under different labels');
  t.match(sameArticle[0]!.article, /^依据：劳动合同法 第十条、第八十二条/, 'the article is the secondary line');
  t.match(await page.locator('#alert-rows').textContent(), /劳动合同法/, 'alerts name their legal basis');

  // Signing-rate trend: snapshots where kept, the live figure now, gaps elsewhere — never 0 %.
  const points = await page.locator('#trend-chart g.pt').evaluateAll((groups) =>
    groups.map((g) => ({
      asOf: g.getAttribute('data-as-of'),
      value: g.querySelector('.value')?.textContent ?? null,
      nodata: g.querySelector('.nodata') !== null,
      tip: g.querySelector('title')?.textContent ?? '',
    })),
  );
  t.same(
    points.map((p) => p.value),
    [null, null, '25%', '75%', null, '33.3%'],
    'five months ago to now: no data, no data, 25 %, 75 % (snapshots), no data, 33.3 % today',
  );
  t.same(
    points.map((p) => p.nodata),
    [true, true, false, false, true, false],
    'months without a snapshot say 无数据',
  );
  t.match(points[2]!.tip, /每日监管快照 \d{4}-\d{2}-15/, 'a point names the snapshot it comes from');
  t.equal(await page.locator('#trend-chart circle').count(), 3, 'no point is drawn where there is no data');
  t.notOk(await page.locator('#trend-chart .value').getByText('0%', { exact: true }).count(), 'nothing is drawn as 0 %');
  t.match(await page.locator('#trend-note').textContent(), /每日监管快照/, 'the chart says where its figures come from');
  t.equal(await overflow(page), 0, '1280 px: nothing wider than the window');
  await page.screenshot({ path: path.join(screens, 'gov-02-employer.png'), fullPage: true });

  await page.fill('#worker-id', fields.worker.idNumber);
  await page.click('#search-worker');
  await page.locator('#worker-rows').getByText(contract.number).waitFor();
  t.pass('a worker is found by ID number');

  await page.locator('#contract-rows').getByRole('button', { name: '查阅' }).first().click();
  await page.getByText('✔ 全部通过').waitFor();
  const signatures = await page.locator('#contract').innerText();
  for (const label of ['用人单位电子印章', '劳动者电子签名', '已签署（生效）']) t.match(signatures, label, `the contract shows ${label}`);
  t.match(signatures, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）/, 'timestamps in Beijing time (the browser is in London)');
  t.notMatch(signatures, /UTC|employer-seal|worker-signature|\dT\d\d:/, 'no field codes or UTC times');
  await scrolled(page);
  await page.screenshot({ path: path.join(screens, 'gov-03-contract.png') });

  // The evidence bundle needs a case number: none is made up.
  await page.fill('#case', '');
  const before = reads.length;
  await page.click('#download-evidence');
  await page.getByRole('alert').getByText('下载证据包须填写案号').waitFor();
  t.equal(reads.length, before, 'no evidence request without a case number');
  await page.fill('#case', '运监〔2026〕第18号');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-evidence')]);
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  t.equal(Buffer.concat(chunks).subarray(0, 2).toString(), 'PK', 'the evidence bundle is a ZIP');

  const log = await platform.db.accessLog.findMany({ where: { contractId: contract.id }, orderBy: { at: 'asc' } });
  t.same(
    log.map((entry) => entry.action),
    ['employer.inspected', 'worker.contracts_listed', 'contract.read', 'arbitration.evidence_exported'],
    'every look is logged',
  );
  t.ok(
    log.every((entry) => entry.caseNumber === '运监〔2026〕第18号'),
    'with the case number',
  );
  t.ok(
    log.every((entry) => entry.purpose.startsWith('日常巡查')),
    'and the purpose the official chose',
  );
  const listings = await platform.db.accessLog.findMany({ where: { action: 'inspection.region_listed' }, orderBy: { at: 'asc' } });
  t.ok(
    listings.length >= 6 && listings.every((entry) => entry.purpose.startsWith('日常巡查') && entry.caseNumber === '运监〔2026〕第18号'),
    'employer searches are logged with the purpose and case number',
  );

  // The region's overview from the day's stored figures: counties, the ranking, drill-down, CSV.
  await platform.supervisionFigures.run(todayInShanghai());
  await page.click('#show-overview');
  await page.getByText('数据日期：').waitFor();
  t.equal(await page.locator('#overview-headcount').textContent(), '3', 'the city’s head count: three hires');
  t.equal(await page.locator('#overview-unsigned').textContent(), '2', 'two of them without a written contract');
  t.match(await page.locator('#overview-children').innerText(), /盐湖区[\s\S]*2 家单位/, 'its county, named, with both employers');
  const ranked = page.locator('#ranking-rows tr');
  t.equal(await ranked.count(), 2);
  t.match(await ranked.first().innerText(), employer.name, 'the employer with workers without a contract ranks first');
  await page.locator('#overview-children').getByRole('button', { name: '下钻' }).click();
  await page.locator('#overview-path b', { hasText: '盐湖区' }).waitFor();
  t.ok(await page.locator('#overview-children-card').isHidden(), 'a county has no lower level');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#ranking-csv')]);
  const csvChunks: Buffer[] = [];
  for await (const chunk of await csv.createReadStream()) csvChunks.push(chunk as Buffer);
  t.match(Buffer.concat(csvChunks).toString('utf8'), /^\uFEFF排名,用人单位[^\n]*\n1,/, 'the ranking downloads as CSV');
  t.ok(
    (await platform.db.accessLog.findMany({ where: { action: { in: ['inspection.overview_read', 'inspection.ranking_read', 'inspection.ranking_exported'] } } })).every((entry) =>
      entry.purpose.startsWith('日常巡查'),
    ),
    'overview reads are logged with the purpose',
  );
  await page.locator('#overview').scrollIntoViewIfNeeded();
  await scrolled(page);
  await page.screenshot({ path: path.join(screens, 'gov-07-overview.png'), fullPage: true });

  // Layout on a phone (360 px), the contract and its signatures shown: panels stacked, nothing wider than the screen.
  const desktop = { q: await page.locator('#employer-q').boundingBox(), worker: await page.locator('#worker-id').boundingBox() };
  t.ok(desktop.q && desktop.worker && Math.abs(desktop.q.y - desktop.worker.y) < 4, '1280 px: employer and worker search side by side');
  await page.setViewportSize({ width: 360, height: 800 });
  const phoneLayout = { q: await page.locator('#employer-q').boundingBox(), worker: await page.locator('#worker-id').boundingBox() };
  t.ok(phoneLayout.q && phoneLayout.worker && phoneLayout.worker.y > phoneLayout.q.y + phoneLayout.q.height, '360 px: the searches are stacked');
  t.ok(await page.locator('#contract').isVisible(), '360 px: with the contract and its signatures open');
  t.equal(await overflow(page), 0, '360 px: nothing wider than the screen');
  const chart = await page.locator('#alert-chart').boundingBox();
  t.ok(chart && chart.x >= 0 && chart.x + chart.width <= 360, '360 px: the alerts chart fits');
  await page.locator('#employer').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(screens, 'gov-06-phone.png'), fullPage: true });
  t.same(errors, [], 'no script errors');
});
