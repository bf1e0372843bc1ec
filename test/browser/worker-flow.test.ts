/**
 * The worker's flow in a real browser at phone size (Debian chromium through playwright-core):
 * open the link, read the contract to the end, identity, SMS code from the dev outbox, draw a
 * signature with the mouse, sign; then 我的合同 and a download; a second contract is declined.
 * Screenshots go to the ignored .screens/ (docs/screens/ with `npm run screens`).
 */
import path from 'node:path';
import t from 'tap';
import { chromium, type Download, type Page } from 'playwright-core';
import { bearer, createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { needs, screensDir } from '../helpers/tools.ts';
import { expectSignedContractVerdict } from '../helpers/contract-verdict.ts';

const screens = screensDir();
type ExampleFields = { worker: { name: string; idNumber: string; phone: string } };

t.test('the pages and their scripts are served', async (t) => {
  const { app } = await createTestPlatform(t);
  for (const [url, marker] of [
    ['/s/anything', '签署电子劳动合同'],
    ['/s/Abc123_-xyzXYZ0987654321abcdefghijklmnop', '/assets/sign.js'],
    ['/w', '我的合同'],
  ] as const) {
    const response = await app.inject({ method: 'GET', url });
    t.equal(response.statusCode, 200, url);
    t.match(response.headers['content-type'], /^text\/html/, `${url} is HTML`);
    t.equal(response.headers['cache-control'], 'no-store', `${url} is not cached (the token is a credential)`);
    t.equal(response.headers['referrer-policy'], 'no-referrer');
    t.ok(response.body.includes(marker), `${url} is the right page`);
  }
  for (const url of ['/assets/sign.js', '/assets/portal.js', '/assets/pdfjs/pdf.min.mjs', '/assets/pdfjs/pdf.worker.min.mjs']) {
    const response = await app.inject({ method: 'GET', url });
    t.equal(response.statusCode, 200, url);
    t.match(response.headers['content-type'], /^text\/javascript/, `${url} is a script`);
  }
  t.equal((await app.inject({ method: 'GET', url: '/assets/pdfjs/pdf.mjs' })).statusCode, 404, 'only the listed pdf.js files are served');
});

/** An employer, and a contract for the template's example worker, sealed and sent; returns the SMS link. */
async function sentContract(test: TestPlatform, employerKey: Record<string, string>, fields: ExampleFields) {
  const { app, platform } = test;
  const template = platform.templates.get('labor-contract-general')!;
  const contract = (await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employerKey, payload: { templateId: template.id, fields } })).json();
  if (!contract.id) throw new Error(`contract not created: ${JSON.stringify(contract)}`);
  for (const step of ['seal', 'send']) {
    const response = await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/${step}`, headers: employerKey });
    if (response.statusCode !== 200) throw new Error(`${step}: ${response.body}`);
  }
  return { id: contract.id as string, link: /\/s\/[A-Za-z0-9_-]+/.exec(await lastSms(test, fields.worker.phone))![0] };
}

async function lastSms(test: TestPlatform, phone: string) {
  const outbox = await test.app.inject({ method: 'GET', url: `/api/v1/dev/outbox?phone=${phone}&limit=1`, headers: bearer(test.adminToken) });
  return outbox.json().items[0].text as string;
}
const smsCode = async (test: TestPlatform, phone: string) => /验证码(\d{6})/.exec(await lastSms(test, phone))![1]!;

t.test('a worker signs on a phone-sized browser and downloads the contract', needs('chromium'), async (t) => {
  const test = await createTestPlatform(t);
  const { app, platform, adminToken } = test;
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const employer = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(61) })).json();
  const key = bearer(employer.apiKey);
  const fields = platform.templates.get('labor-contract-general')!.example as ExampleFields;
  const contract = await sentContract(test, key, fields);

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    acceptDownloads: true,
    locale: 'zh-CN',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  const shot = (name: string) => page.screenshot({ path: path.join(screens, name) });
  const alertText = async () => ((await page.locator('#alert').isVisible()) ? await page.locator('#alert').textContent() : null);

  await t.test('a bad link says so in Chinese', async (t) => {
    await page.goto(`${base}/s/short`);
    await page.locator('#alert').waitFor();
    t.match(await alertText(), /签署链接无效/, 'a malformed token (a 400 on the token) is a broken link');
    await page.goto(`${base}/s/${'x'.repeat(43)}`);
    await page.locator('#alert').waitFor();
    t.match(await alertText(), /签署链接无效或已被新的链接取代/, 'an unknown token, in the API’s own words');
    t.ok(await page.locator('#intro').isHidden(), 'nothing else is shown');
  });

  await page.goto(base + contract.link);
  await page.getByText(employer.name).waitFor();
  await page
    .locator('#read-state')
    .getByText(/共 \d+ 页/)
    .waitFor(); // every page rendered
  await page.locator('#read').evaluate((element) => element.scrollIntoView()); // show the rendered contract
  await shot('01-open.png');
  t.ok(await page.locator('#identity').isHidden(), 'identity waits until the contract is read');
  t.equal(await page.locator('#download').getAttribute('href'), `/api/v1/signing/${contract.link.slice(3)}/document.pdf`, 'the free download link');

  const [unsigned] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  t.equal((await readDownload(unsigned)).subarray(0, 5).toString(), '%PDF-', 'the contract can be saved before signing');

  await page.locator('#pages').evaluate((element) => element.scrollTo(0, element.scrollHeight));
  await page.locator('#identity').waitFor({ state: 'visible' });
  await shot('02-read.png');

  await page.fill('#name', fields.worker.name);
  await page.fill('#id-number', '12345');
  await page.click('#verify-identity');
  t.match(await alertText(), /18 位/, 'a malformed ID number is caught on the page');
  await page.fill('#id-number', '110101199003070011');
  await page.click('#verify-identity');
  await page
    .locator('#alert')
    .getByText(/不一致/)
    .waitFor();
  t.pass('a wrong ID number is refused by the API, shown in Chinese');
  await page.fill('#id-number', fields.worker.idNumber);
  await page.click('#verify-identity');
  await page.locator('#sign').waitFor({ state: 'visible' });
  t.match(await page.locator('#code-sent').textContent(), /\d{3}\*{4}\d{4}/, 'where the code went, masked');
  await shot('03-identity.png');

  await page.fill('#code', await smsCode(test, fields.worker.phone));
  await page.click('#submit');
  t.match(await alertText(), /手写签名/, 'an empty pad is refused');
  await drawSignature(page);
  await page.click('#submit');
  t.match(await alertText(), /勾选/, 'intent must be ticked');
  await page.check('#intent');
  await shot('04-sign.png');
  await page.click('#submit');
  await Promise.race([page.locator('#done').waitFor({ state: 'visible', timeout: 30_000 }), page.locator('#alert').waitFor({ state: 'visible', timeout: 30_000 })]);
  t.equal(await alertText(), null, 'no error on signing');
  await page.getByRole('heading', { name: '签署完成' }).waitFor();
  await shot('05-done.png');
  t.ok(await page.locator('#download').isHidden(), 'the used link offers no download of its own');
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/contracts/${contract.id}`, headers: key })).json().status, 'signed', 'the employer sees it signed');

  await page.goto(base + contract.link);
  await page.locator('#alert').waitFor();
  t.match(await alertText(), /我的合同/, 'the used link points to 我的合同');

  await page.goto(`${base}/w`);
  await page.fill('#phone', fields.worker.phone);
  await page.click('#send-code');
  await page.getByText('验证码已发送').waitFor();
  await page.fill('#code', '000000');
  await page.click('#log-in');
  await page
    .locator('#alert')
    .getByText(/验证码/)
    .waitFor();
  t.pass('a wrong portal code is refused in Chinese');
  await page.fill('#code', await smsCode(test, fields.worker.phone));
  await page.click('#log-in');
  await page.getByText('已签署（生效）').waitFor();
  t.ok(await page.locator('#alert').isHidden(), 'the earlier error is cleared');
  await shot('06-portal.png');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载' }).first().click()]);
  t.equal(download.suggestedFilename(), `${(await app.inject({ method: 'GET', url: `/api/v1/contracts/${contract.id}`, headers: key })).json().number}.pdf`);
  const pdf = await readDownload(download);
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-', 'the download is the PDF');
  const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: pdf, headers: { 'content-type': 'application/pdf' } })).json();
  expectSignedContractVerdict(t, report, 'the downloaded contract');
  t.equal(report.signatures.length, 3, 'employer seal, worker signature, document timestamp');

  await page.reload();
  await page.getByText('已签署（生效）').waitFor();
  t.pass('the portal session survives a reload (sessionStorage)');

  await t.test('a second contract is declined with a reason', async (t) => {
    // Probation may be agreed with the same worker only once (劳动合同法 第十九条).
    const { probation: _probation, ...withoutProbation } = fields as ExampleFields & { probation?: unknown };
    const second = await sentContract(test, key, withoutProbation);
    await page.goto(base + second.link);
    await page
      .locator('#read-state')
      .getByText(/共 \d+ 页/)
      .waitFor(); // every page rendered
    await page.locator('#pages').evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await page.locator('#identity').waitFor({ state: 'visible' });
    await page.reload();
    await page.locator('#identity').waitFor({ state: 'visible' });
    t.pass('a reopened link resumes at identity once the contract was read');
    await page.fill('#name', fields.worker.name);
    await page.fill('#id-number', fields.worker.idNumber);
    await page.click('#verify-identity');
    await page.locator('#sign').waitFor({ state: 'visible' });
    await page.reload();
    await page.locator('#sign').waitFor({ state: 'visible' });
    t.match(await page.locator('#code-sent').textContent(), /重新发送/, 'and at the signature once identity was verified');
    await page.locator('#refuse summary').click();
    await page.fill('#reason', '工作地点与面谈时不一致');
    await page.click('#decline');
    await page.getByRole('heading', { name: '已拒绝签署' }).waitFor();
    t.equal((await app.inject({ method: 'GET', url: `/api/v1/contracts/${second.id}`, headers: key })).json().status, 'declined');
  });
  t.same(errors, [], 'no script errors on the pages');
});

async function drawSignature(page: Page) {
  await page.locator('#pad').scrollIntoViewIfNeeded(); // an error message scrolls the page up to it
  const box = (await page.locator('#pad').boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height * 0.7);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 20 + i * 12, box.y + box.height * (0.7 - 0.4 * Math.sin(i / 3)));
  await page.mouse.up();
}

async function readDownload(download: Download) {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
