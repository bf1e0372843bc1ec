/**
 * The pages render Chinese with no CJK font on the device (this machine has none:
 * `fc-list :lang=zh` is empty): each page at 360 px draws every Chinese character it shows with
 * a glyph of a face the page loaded (none is the tofu box a missing glyph draws) and does not
 * scroll sideways, and a worker whose name begins with an Extension B character (U+20021, in
 * the Song face only) sees it on the signing page. Also measures the time to show the contract.
 * Screenshots go to the ignored .screens/ (docs/screens/ with `npm run screens`).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { chromium, type Page } from 'playwright-core';
import { bearer, createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { needs, screensDir } from '../helpers/tools.ts';

type ExampleFields = { worker: { name: string; idNumber: string; phone: string } };
const phoneWidth = 360;
const extensionB = String.fromCodePoint(0x20021);

async function lastSms(test: TestPlatform, phone: string) {
  const outbox = await test.app.inject({ method: 'GET', url: `/api/v1/dev/outbox?phone=${phone}&limit=1` });
  return outbox.json().items[0].text as string;
}

/**
 * The Chinese characters the page shows (text and field values) whose drawing in the page's
 * font stack is the same as that of an unassigned code point, i.e. a tofu box; with
 * `family` given, draws in that stack instead (the test's control).
 */
async function tofu(page: Page, family?: string) {
  await page.waitForFunction(() => document.documentElement.dataset.rareGlyphs !== undefined);
  await page.evaluate(() => document.fonts.ready);
  // A string, not a function: the test runner's transform would add helpers the page lacks.
  return page.evaluate(`(() => {
    const stack = ${JSON.stringify(family ?? '')} || getComputedStyle(document.body).fontFamily;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 48;
    const context = canvas.getContext('2d');
    context.font = '32px ' + stack;
    const draw = (c) => {
      context.clearRect(0, 0, 48, 48);
      context.fillText(c, 4, 36);
      return Array.from(context.getImageData(0, 0, 48, 48).data.filter((_, i) => i % 4 === 3)).join(',');
    };
    const box = draw('\\u0378');
    let text = document.body.innerText;
    for (const field of document.querySelectorAll('input')) text += field.value;
    const chars = [...new Set(Array.from(text).filter((c) => /[\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef]/u.test(c)))];
    return { checked: chars.length, boxes: chars.filter((c) => draw(c) === box), family: stack };
  })()`) as Promise<{ checked: number; boxes: string[]; family: string }>;
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

t.test('pages show Chinese with their own faces at 360 px, an Extension B name included', needs('chromium'), async (t) => {
  t.equal(execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim(), '', 'no CJK system font on this machine');
  const test = await createTestPlatform(t);
  const { app, platform, adminToken } = test;
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const employer = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(342) })).json();
  const key = bearer(employer.apiKey);
  const example = platform.templates.get('labor-contract-general')!.example as ExampleFields;
  const fields = { ...example, worker: { ...example.worker, name: `${extensionB}小明` } };
  const created = (await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: key, payload: { templateId: 'labor-contract-general', fields } })).json();
  t.ok(created.id, JSON.stringify(created));
  for (const step of ['seal', 'send']) t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${created.id}/${step}`, headers: key })).statusCode, 200, step);
  const link = /\/s\/[A-Za-z0-9_-]+/.exec(await lastSms(test, fields.worker.phone))![0];

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: phoneWidth, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  // The control: without the pages' faces, Chinese is drawn as boxes here, so the check can fail.
  await page.goto(`${base}/`);
  const control = await tofu(page, 'sans-serif');
  t.equal(control.boxes.length, control.checked, `with the system fonts alone, all ${control.checked} Chinese characters are boxes`);

  for (const [url, ready] of [
    ['/', '#to-portal'],
    ['/verify', '#verify-form'],
    ['/w', '#phone'],
    ['/gov', 'h1'],
    ['/e/batches', 'h1'],
    ['/e', 'h1'],
  ] as const) {
    await page.goto(base + url);
    await page.locator(ready).first().waitFor();
    const { checked, boxes } = await tofu(page);
    t.ok(checked > 5, `${url}: ${checked} Chinese characters checked`);
    t.same(boxes, [], `${url}: every Chinese character has a glyph`);
    t.ok((await overflow(page)) <= phoneWidth, `${url}: no horizontal overflow`);
    if (url === '/') await page.screenshot({ path: path.join(screensDir(), 'fonts-01-landing.png'), fullPage: true });
  }

  const started = Date.now();
  await page.goto(base + link);
  await page
    .locator('#read-state')
    .getByText(/共 \d+ 页/)
    .waitFor({ timeout: 120_000 });
  const shown = Date.now() - started;
  t.equal(await page.locator('#worker').textContent(), `${extensionB}**`, 'the masked name begins with the Extension B character');
  const signing = await tofu(page);
  t.same(signing.boxes, [], `the signing page: all ${signing.checked} Chinese characters have glyphs`);
  const extensionBGlyph = await page.evaluate(
    (c) =>
      document.fonts.check('32px "LaborSign Song Extra"', c) &&
      Array.from((document.fonts as unknown as { values(): Iterable<FontFace> }).values()).some((f) => f.family.includes('LaborSign Song Extra') && f.status === 'loaded'),
    extensionB,
  );
  t.ok(extensionBGlyph, 'its glyph comes from the per-page Song subset');
  t.ok((await overflow(page)) <= phoneWidth, 'the signing page: no horizontal overflow');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(screensDir(), 'fonts-02-sign-extension-b.png') });

  // The same once the browser has the common face and pdf.js cached (a worker's second visit).
  const again = Date.now();
  await page.goto(base + link);
  await page
    .locator('#read-state')
    .getByText(/共 \d+ 页/)
    .waitFor({ timeout: 120_000 });
  t.comment(`time to show the contract: first visit ${shown} ms, second visit ${Date.now() - again} ms`);
  t.same(errors, [], 'no script errors');
});
