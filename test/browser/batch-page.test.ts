/**
 * The employer's batch page in Chromium: log in, pick the template, download the example
 * sheet, upload a filled sheet with two bad rows, see them listed by row and column, watch the
 * progress move live (the workers start only after the upload), download the error report.
 * Before that: the refusal without a seal authorisation and an all-or-nothing refusal, in Chinese.
 * Screenshots go to the ignored .screens/ (docs/screens/ with `npm run screens`).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { parseCsv, toCsv } from '../../src/sheets/csv.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { needs, screensDir } from '../helpers/tools.ts';

const screens = screensDir();

async function downloaded(download: { createReadStream(): Promise<NodeJS.ReadableStream> }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

t.test('an employer uploads a sheet and follows the batch live', needs('chromium'), async (t) => {
  const { app, platform, adminToken } = await createTestPlatform(t, { BATCH_WORKERS: '0' });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const apiKey = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(88) })).json().apiKey as string;
  const templateId = 'labor-contract-general';

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true, locale: 'zh-CN' })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Progress must come from the event stream, not from asking GET /batches/:id over and over.
  const polls: string[] = [];
  page.on('request', (request) => {
    if (/\/api\/v1\/batches\/[0-9a-f-]{36}$/.test(new URL(request.url()).pathname)) polls.push(request.url());
  });

  await page.goto(`${base}/e/batches`);
  await page.fill('#key', apiKey);
  await page.click('#log-in');
  await page.locator('#template').waitFor();
  t.equal(await page.locator('#template').inputValue(), templateId, 'the contract templates are offered');
  t.notOk(await page.locator('#template option[value=termination-certificate]').count(), 'certificates are not');

  const [exampleDownload] = await Promise.all([page.waitForEvent('download'), page.click('#example-csv')]);
  const [header, example] = parseCsv((await downloaded(exampleDownload)).toString('utf8'));
  t.ok(header!.includes('身份证号码'), 'the example sheet downloads with Chinese headers');
  const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.click('#example-xlsx')]);
  t.equal((await downloaded(xlsxDownload)).subarray(0, 2).toString(), 'PK', 'and as an Excel workbook');

  const line = (n: number, change: Record<string, string> = {}) => {
    const first17 = `140105${1985 + (n % 10)}0${(n % 9) + 1}1${n % 10}234`;
    const values: Record<string, string> = {
      ...Object.fromEntries(header!.map((h, i) => [h, example![i]!])),
      姓名: `职工${n}`,
      身份证号码: first17 + residentIdCheckCharacter(first17),
      手机号码: `135${String(n).padStart(8, '0')}`,
      ...change,
    };
    return header!.map((h) => values[h] ?? '');
  };
  const rows = [...Array.from({ length: 8 }, (_, i) => line(i + 1)), line(9, { 身份证号码: '140105198501012340' }), line(10, { 合同起始日期: '明年' })];
  const dir = await mkdtemp(path.join(tmpdir(), 'laborsign-page-'));
  const sheet = path.join(dir, '职工名单.csv');
  await writeFile(sheet, toCsv([header!, ...rows]));

  await page.setInputFiles('#sheet', sheet);
  await page.screenshot({ path: path.join(screens, 'batch-01-upload.png'), fullPage: true });

  // No seal authorisation yet: refused, said in Chinese, nothing created.
  await page.click('#submit');
  await page.locator('#alert').getByText('需要先授权该模板的自动盖章').waitFor();
  t.equal(await platform.db.batch.count(), 0, 'no batch without a seal authorisation');
  const now = Date.now();
  const granted = await app.inject({
    method: 'POST',
    url: '/api/v1/seal-authorisations',
    headers: bearer(apiKey),
    payload: { templateIds: [templateId], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3_600_000).toISOString(), grantedBy: '张三（法定代表人）' },
  });
  t.equal(granted.statusCode, 201);

  // All or nothing: the two bad rows stop the whole sheet.
  await page.check('#all-or-nothing');
  await page.click('#submit');
  await page.locator('#alert').getByText('没有生成任何合同').waitFor();
  t.equal(await page.locator('#refused-rows tr').count(), 2, 'all or nothing: the bad rows listed');
  t.match(await page.locator('#refused-summary').textContent(), /一份合同也没有生成/);
  t.equal(await platform.db.batch.count(), 0, 'all or nothing: nothing created');

  await page.uncheck('#all-or-nothing');
  await page.click('#submit');
  await page.locator('#progress').waitFor();
  await page.locator('#refused-rows tr').nth(1).waitFor();
  const refused = await page.locator('#refused-rows').textContent();
  t.match(refused, /第 10 行.*身份证号码/, 'the bad ID number by sheet row and column');
  t.match(refused, /第 11 行.*合同起始日期.*日期格式/, 'the bad date, explained in Chinese');
  await page.locator('#count-pending').getByText('8').waitFor();
  t.equal(await page.locator('#meter').getAttribute('aria-valuenow'), '0', 'nothing done before a worker runs');
  await page.screenshot({ path: path.join(screens, 'batch-02-progress.png'), fullPage: true });

  // Workers start now: the page learns of every row from the event stream alone.
  await platform.startWorkers(2);
  await page.locator('#finished-text').waitFor({ state: 'visible', timeout: 60_000 });
  t.equal(await page.locator('#count-done').textContent(), '8', 'the live counter reached all eight');
  t.equal(await page.locator('#meter').getAttribute('aria-valuenow'), '100');
  t.match(await page.locator('#finished-text').textContent(), /已生成并盖章 8 份.*2 行未通过校验/);
  t.equal(await page.locator('#result-rows tr').count(), 8, 'the contracts listed by row');
  t.match(await page.locator('#result-rows').textContent(), /LS\d{8}/);
  await page.screenshot({ path: path.join(screens, 'batch-03-finished.png'), fullPage: true });

  const [reportDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-errors')]);
  const report = parseCsv((await downloaded(reportDownload)).toString('utf8'));
  t.same(
    report.slice(1).map((r) => r[0]),
    ['10', '11'],
    'the error report lists the two refused rows',
  );
  t.equal(await platform.db.contract.count({ where: { status: 'sent' } }), 8, 'eight contracts sealed and sent');
  t.same(polls, [], 'the live progress came from the event stream alone');
  t.equal(await page.locator('#sheet').inputValue(), '', 'the sent file is cleared: a new upload is a new choice');

  // A reload keeps the key for the session; the batch is listed and opens finished.
  await page.reload();
  await page.locator('#recent-rows').getByText('已完成').waitFor();
  await page.locator('#recent-rows').getByRole('button', { name: '查看' }).click();
  await page.locator('#finished-text').waitFor({ state: 'visible' });
  t.match(await page.locator('#finished-text').textContent(), /已生成并盖章 8 份，签署短信已发送/, 'an earlier batch reopens with its summary');
  t.equal(await platform.db.batch.count(), 1, 'one batch in all');

  // Phone width: nothing wider than the screen.
  await page.setViewportSize({ width: 360, height: 780 });
  t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'fits a 360 px phone');
  t.same(errors, [], 'no script errors');
});
