/**
 * The worker's flow in a real browser at phone size (Debian chromium through playwright-core):
 * open the link, read the contract to the end, identity, SMS code from the dev outbox, draw a
 * signature with the mouse, sign; then 我的合同 and a download. Screenshots go to docs/screens/.
 */
import path from 'node:path';
import t from 'tap';
import { chromium, type Page } from 'playwright-core';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { needs } from '../helpers/tools.ts';

const screens = path.resolve(import.meta.dirname, '../../docs/screens');

t.test('a worker signs on a phone-sized browser and downloads the contract', needs('chromium'), async (t) => {
  const { app, platform, adminToken } = await createTestPlatform(t);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const admin = bearer(adminToken);
  const employer = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(61) })).json();
  const key = bearer(employer.apiKey);
  const template = platform.templates.get('labor-contract-general')!;
  const fields = template.example as { worker: { name: string; idNumber: string; phone: string } };
  const contract = (await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: key, payload: { templateId: template.id, fields } })).json();
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/seal`, headers: key })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/send`, headers: key })).statusCode, 200);
  const outbox = async () => (await app.inject({ method: 'GET', url: `/api/v1/dev/outbox?phone=${fields.worker.phone}&limit=1`, headers: admin })).json().items[0].text as string;
  const link = /\/s\/[A-Za-z0-9_-]+/.exec(await outbox())![0];

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const shot = (name: string) => page.screenshot({ path: path.join(screens, name) });

  await page.goto(base + link);
  await page.getByText(employer.name).waitFor();
  await page.locator('#pages canvas').nth(1).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot('01-open.png');
  t.ok(await page.locator('#identity').isHidden(), 'identity waits until the contract is read');

  await page.locator('#pages').evaluate((element) => element.scrollTo(0, element.scrollHeight));
  await page.locator('#identity').waitFor({ state: 'visible' });
  await shot('02-read.png');

  await page.fill('#name', fields.worker.name);
  await page.fill('#id-number', '110101199003070011');
  await page.click('#verify-identity');
  await page.locator('#alert').getByText(/不一致/).waitFor();
  t.pass('a wrong ID number is refused on the page, in Chinese');
  await page.fill('#id-number', fields.worker.idNumber);
  await page.click('#verify-identity');
  await page.locator('#sign').waitFor({ state: 'visible' });
  await shot('03-identity.png');

  const code = /验证码(\d{6})/.exec(await outbox())![1]!;
  await page.fill('#code', code);
  await drawSignature(page);
  await page.check('#intent');
  await shot('04-sign.png');
  await page.click('#submit');
  await Promise.race([page.locator('#done').waitFor({ state: 'visible', timeout: 30_000 }), page.locator('#alert').waitFor({ state: 'visible', timeout: 30_000 })]);
  t.notOk(await page.locator('#alert').isVisible(), `no error on signing: ${await page.locator('#alert').textContent()}`);
  await page.locator('#done').waitFor({ state: 'visible' });
  await shot('05-done.png');
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/contracts/${contract.id}`, headers: key })).json().status, 'signed');

  await page.goto(`${base}/w`);
  await page.fill('#phone', fields.worker.phone);
  await page.click('#send-code');
  await page.getByText('已发送').waitFor();
  const portalCode = /验证码(\d{6})/.exec(await outbox())![1]!;
  await page.fill('#code', portalCode);
  await page.click('#log-in');
  await page.getByText('已签署（生效）').waitFor();
  await shot('06-portal.png');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载' }).first().click()]);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const pdf = Buffer.concat(chunks);
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-', 'the download is the PDF');
  const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: pdf, headers: { 'content-type': 'application/pdf' } })).json();
  t.equal(report.valid, true, 'and its signatures verify');
  t.equal(report.signatures.length, 3);
  t.same(errors, [], 'no script errors on the pages');
});

async function drawSignature(page: Page) {
  const box = (await page.locator('#pad').boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height * 0.7);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 20 + i * 12, box.y + box.height * (0.7 - 0.4 * Math.sin(i / 3)));
  await page.mouse.up();
}
