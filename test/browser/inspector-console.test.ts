/**
 * The inspector console in Chromium: log in with an official's key, list the region's
 * employers, open one (charts, alerts, contracts), open a contract with its verification and
 * download the evidence bundle. Screenshots go to docs/screens/.
 */
import path from 'node:path';
import t from 'tap';
import { chromium } from 'playwright-core';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { needs } from '../helpers/tools.ts';
import { workerPhone } from '../helpers/worker-phone.ts';

const screens = path.resolve(import.meta.dirname, '../../docs/screens');

t.test('an inspector reviews an employer and downloads evidence', needs('chromium'), async (t) => {
  const { app, platform, adminToken } = await createTestPlatform(t);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const admin = bearer(adminToken);
  const employer = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(81) })).json();
  const key = bearer(employer.apiKey);
  const inspectorKey = (await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: '运城监察员', role: 'inspection', regionCode: '1408' } })).json().apiKey as string;
  const template = platform.templates.get('labor-contract-general')!;
  const fields = template.example as { worker: { name: string; idNumber: string; phone: string } };
  const contract = (await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: key, payload: { templateId: template.id, fields } })).json();
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/seal`, headers: key });
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/send`, headers: key });
  const phone = workerPhone(app, platform, fields.worker);
  t.equal((await phone.sign(await phone.latestLink())).statusCode, 200);
  const today = new Date();
  const longAgo = new Date(today.getTime() - 45 * 86_400_000).toISOString().slice(0, 10);
  await app.inject({ method: 'POST', url: '/api/v1/roster/hires', headers: key, payload: { worker: { name: fields.worker.name, idNumber: fields.worker.idNumber }, hireDate: longAgo, employmentForm: 'labor_contract' } });
  await app.inject({ method: 'POST', url: '/api/v1/roster/hires', headers: key, payload: { worker: { name: '李四', idNumber: '14080219900101123' + residentIdCheckCharacter('14080219900101123') }, hireDate: longAgo, employmentForm: 'labor_contract' } });

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true, locale: 'zh-CN' })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  await page.goto(`${base}/gov`);
  await page.fill('#key', inspectorKey);
  await page.click('#log-in');
  await page.getByText('劳动保障监察 · 辖区 1408').waitFor();
  await page.fill('#case', '运监〔2026〕第18号');
  await page.click('#search');
  await page.getByText(employer.name).waitFor();
  await page.screenshot({ path: path.join(screens, 'gov-01-region.png') });

  await page.getByRole('button', { name: '查看' }).first().click();
  await page.locator('#trend-chart svg').waitFor();
  t.ok(await page.locator('#alert-chart svg').isVisible(), 'alerts-by-kind chart drawn');
  t.match(await page.locator('#alert-rows').textContent(), /劳动合同法/, 'alerts name their legal basis');
  t.equal(await page.locator('#rate').textContent(), '50%', 'one of two hires has a contract in force');
  await page.screenshot({ path: path.join(screens, 'gov-02-employer.png'), fullPage: true });

  await page.fill('#worker-id', fields.worker.idNumber);
  await page.click('#search-worker');
  await page.locator('#worker-rows').getByText(contract.number).waitFor();
  t.pass('a worker is found by ID number');

  await page.locator('#contract-rows').getByRole('button', { name: '查阅' }).first().click();
  await page.getByText('✔ 全部通过').waitFor();
  await page.screenshot({ path: path.join(screens, 'gov-03-contract.png') });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-evidence')]);
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  t.equal(Buffer.concat(chunks).subarray(0, 2).toString(), 'PK', 'the evidence bundle is a ZIP');

  const log = await platform.db.accessLog.findMany({ where: { contractId: contract.id }, orderBy: { at: 'asc' } });
  t.same(log.map((entry) => entry.action), ['worker.contracts_listed', 'contract.read', 'arbitration.evidence_exported'], 'every look is logged');
  t.ok(log.every((entry) => entry.caseNumber === '运监〔2026〕第18号'), 'with the case number');
  t.same(errors, [], 'no script errors');
});
