/**
 * The worker's pages fit a 360 px wide phone: at every step of signing (a broken link, the
 * contract, reading to the end, identity with an error shown, the signature with the refusal
 * box open, done) and in 我的合同 (login, list), nothing is wider than the screen —
 * `document.documentElement.scrollWidth <= 360`, so the page never scrolls sideways. The signed
 * contract verified on /verify fits too, and says everything in Chinese with times in Beijing
 * time, on a phone set to another time zone.
 */
import t from 'tap';
import { chromium, type Page } from 'playwright-core';
import { bearer, createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { needs } from '../helpers/tools.ts';

type ExampleFields = { worker: { name: string; idNumber: string; phone: string } };
const phoneWidth = 360;
/** An instant as the pages show it: Beijing time whatever the device's zone. */
const beijing = (iso: string) => `${new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')}（北京时间）`;

async function lastSms(test: TestPlatform, phone: string) {
  const outbox = await test.app.inject({ method: 'GET', url: `/api/v1/dev/outbox?phone=${phone}&limit=1` });
  return outbox.json().items[0].text as string;
}
const smsCode = async (test: TestPlatform, phone: string) => /验证码(\d{6})/.exec(await lastSms(test, phone))![1]!;

/** What is wider than the viewport, for the failure message. */
async function measure(page: Page) {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.right > viewport + 0.5;
      })
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''} (right edge ${Math.round(element.getBoundingClientRect().right)})`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide };
  });
}

t.test('the signing page and 我的合同 fit a 360 px phone at every step', needs('chromium'), async (t) => {
  const test = await createTestPlatform(t);
  const { app, platform, adminToken } = test;
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  // A long company name, as real ones often are, on the page's first lines.
  const employer = (
    await app.inject({
      method: 'POST',
      url: '/api/v1/admin/employers',
      headers: bearer(adminToken),
      payload: { ...employerBody(341), name: '山西省运城市盐湖区示例现代农业科技开发股份有限公司第三分公司' },
    })
  ).json();
  const key = bearer(employer.apiKey);
  const fields = platform.templates.get('labor-contract-general')!.example as ExampleFields;
  const created = (await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: key, payload: { templateId: 'labor-contract-general', fields } })).json();
  t.ok(created.id, JSON.stringify(created));
  for (const step of ['seal', 'send']) t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${created.id}/${step}`, headers: key })).statusCode, 200, step);
  const link = /\/s\/[A-Za-z0-9_-]+/.exec(await lastSms(test, fields.worker.phone))![0];

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const context = await browser.newContext({
    viewport: { width: phoneWidth, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'America/New_York',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());

  const fits = async (step: string) => {
    const { scrollWidth, innerWidth, wide } = await measure(page);
    t.equal(innerWidth, phoneWidth, `${step}: the layout viewport is the phone's width`);
    t.ok(scrollWidth <= phoneWidth, `${step}: scrollWidth ${scrollWidth} <= ${phoneWidth}${wide.length ? `; too wide: ${wide.join(', ')}` : ''}`);
  };

  await page.goto(`${base}/s/${'x'.repeat(43)}`);
  await page.locator('#alert').waitFor();
  await fits('a broken link');

  await page.goto(base + link);
  await page.getByText(employer.name).waitFor();
  await page
    .locator('#read-state')
    .getByText(/共 \d+ 页/)
    .waitFor(); // every page rendered
  await fits('the contract, opened');
  const { expiresAt } = (await app.inject({ method: 'GET', url: `/api/v1/signing/${link.slice(3)}` })).json() as { expiresAt: string };
  t.equal(await page.locator('#expires').textContent(), beijing(expiresAt), 'the link deadline in Beijing time, not the phone’s zone');
  await page.locator('#read').evaluate((element) => element.scrollIntoView());
  await fits('the contract, its pages in view');

  await page.locator('#pages').evaluate((element) => element.scrollTo(0, element.scrollHeight));
  await page.locator('#identity').waitFor({ state: 'visible' });
  await fits('read to the end, identity shown');

  await page.fill('#name', fields.worker.name);
  await page.fill('#id-number', '110101199003070011');
  await page.click('#verify-identity');
  await page
    .locator('#alert')
    .getByText(/不一致/)
    .waitFor();
  await fits('identity refused, the error shown');
  await page.fill('#id-number', fields.worker.idNumber);
  await page.click('#verify-identity');
  await page.locator('#sign').waitFor({ state: 'visible' });
  await fits('the signature step');

  await page.locator('#refuse summary').click();
  await page.locator('#reason').waitFor({ state: 'visible' });
  await fits('the signature step, with the refusal box open');
  await page.locator('#refuse summary').click();

  await page.fill('#code', await smsCode(test, fields.worker.phone));
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = (await page.locator('#pad').boundingBox())!;
  t.ok(box.x >= 0 && box.x + box.width <= phoneWidth, `the signature pad is on the screen (${Math.round(box.x)}…${Math.round(box.x + box.width)})`);
  await page.mouse.move(box.x + 20, box.y + box.height * 0.7);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 20 + i * 12, box.y + box.height * (0.7 - 0.4 * Math.sin(i / 3)));
  await page.mouse.up();
  await page.check('#intent');
  await fits('the signature drawn, intent ticked');
  await page.click('#submit');
  await Promise.race([page.locator('#done').waitFor({ state: 'visible', timeout: 30_000 }), page.locator('#alert').waitFor({ state: 'visible', timeout: 30_000 })]);
  await page.getByRole('heading', { name: '签署完成' }).waitFor();
  await fits('done');
  t.notOk(await page.locator('#expires').isVisible(), 'the used link no longer shows its deadline');
  t.notOk(await page.getByText('链接有效期至').isVisible(), 'nor its label');
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/contracts/${created.id}`, headers: key })).json().status, 'signed', 'the contract was signed on the narrow page');

  await page.goto(`${base}/w`);
  await page.locator('#phone').waitFor();
  await fits('我的合同: login');
  await page.fill('#phone', fields.worker.phone);
  await page.click('#send-code');
  await page.getByText('验证码已发送').waitFor();
  await fits('我的合同: code sent');
  await page.fill('#code', await smsCode(test, fields.worker.phone));
  await page.click('#log-in');
  await page.getByText('已签署（生效）').waitFor();
  await fits('我的合同: the list');

  // The signed contract, verified on /verify: the result fits, in Chinese and Beijing time.
  const signedPdf = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${created.id}/pdf`, headers: key })).rawPayload;
  await page.goto(`${base}/verify`);
  await page.setInputFiles('#file', { name: 'contract.pdf', mimeType: 'application/pdf', buffer: signedPdf });
  await page.click('#verify-form button[type=submit]');
  await page.locator('#result .summary h2').waitFor({ timeout: 60_000 });
  await fits('/verify: the result shown');
  const verified = await page.locator('#result').innerText();
  for (const label of ['用人单位电子印章', '劳动者电子签名', '文档时间戳', '双方签署版本', '（北京时间）', '文件 SHA-256 摘要']) t.match(verified, label, `/verify shows ${label}`);
  t.notMatch(verified, /UTC|employer-seal|worker-signature|TOTAL-PASSED|\(signed\)|（signed）|\dT\d\d:/, '/verify shows no English codes or UTC times');
  const digest = (await page.locator('#result .digest').boundingBox())!;
  t.ok(digest.x + digest.width <= phoneWidth, 'the SHA-256 line wraps within the screen');

  // The measurement sees an overflow when there is one (no overflow-x: hidden masks it).
  await page.evaluate(() => {
    const wide = document.createElement('div');
    wide.id = 'too-wide';
    wide.style.width = '500px';
    wide.style.height = '1px';
    document.body.append(wide);
  });
  const overflowing = await measure(page);
  t.ok(overflowing.scrollWidth > phoneWidth, `a 500 px element makes the page scroll sideways (${overflowing.scrollWidth})`);
  t.ok(
    overflowing.wide.some((item) => item.startsWith('div#too-wide')),
    'and is named as too wide',
  );

  t.same(errors, [], 'no script errors on the pages');
});
