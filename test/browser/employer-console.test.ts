/**
 * The employer console (/e) in Chromium: a clerk signs in, fills the form generated from the
 * template's schema, sees a labor-law violation beside its field with the article and corrects
 * it, previews the PDF, creates the contract, and cannot seal it (no button, and 403 from the API); a manager
 * signs in, seals and sends; the timeline names each person; the list finds the contract; the
 * worker signs through the worker's page; the contract page shows it signed with each signature
 * verified; the manager terminates it and downloads the sealed certificate.
 * The page loads its own Chinese face and fits a 360 px phone.
 * Screenshots go to the ignored .screens/ (docs/screens/ with `npm run screens`).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { needs, screensDir } from '../helpers/tools.ts';

const screens = screensDir();

/** Every leaf of an object as [dotted path, value]. */
function leaves(value: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(value).flatMap(([key, child]) =>
    child && typeof child === 'object' && !Array.isArray(child) ? leaves(child as Record<string, unknown>, `${prefix}${key}.`) : [[`${prefix}${key}`, child] as [string, unknown]],
  );
}

async function signIn(page: Page, username: string) {
  await page.locator('#view-sign-in').waitFor();
  await page.fill('#username', username);
  await page.fill('#password', 'console password 1');
  await page.click('#view-sign-in button[type=submit]');
  await page
    .locator('#who')
    .getByText(username === 'li.clerk' ? '李文（人事专员）' : '赵敏（人事经理）')
    .waitFor();
}

t.test('HR staff create a contract from the form, a manager seals and sends it', needs('chromium'), async (t) => {
  const { app, platform, adminToken } = await createTestPlatform(t);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const apiKey = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(93) })).json().apiKey as string;
  for (const [username, displayName, role] of [
    ['li.clerk', '李文', 'hr_clerk'],
    ['zhao.manager', '赵敏', 'hr_manager'],
  ]) {
    const made = await app.inject({ method: 'POST', url: '/api/v1/staff', headers: bearer(apiKey), payload: { username, displayName, role, password: 'console password 1' } });
    t.equal(made.statusCode, 201, made.body.slice(0, 300));
  }
  const example = platform.templates.get('labor-contract-general')!.example as Record<string, unknown>;
  const { employer: _employer, ...fields } = example;

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN', acceptDownloads: true })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => dialog.accept());

  await page.goto(`${base}/e`);
  await page.locator('#view-sign-in').waitFor();
  const fontLoaded = await page.evaluate(async () => {
    await document.fonts.load('16px "LaborSign Hei"', '劳动合同');
    let loaded = false;
    document.fonts.forEach((face) => (loaded ||= face.family.includes('LaborSign Hei') && face.status === 'loaded'));
    return loaded;
  });
  t.ok(fontLoaded, 'the page loads its own Chinese face');
  await page.screenshot({ path: path.join(screens, 'console-01-sign-in.png'), fullPage: true });
  await page.fill('#username', 'li.clerk');
  await page.fill('#password', 'wrong password');
  await page.click('#view-sign-in button[type=submit]');
  await page.locator('#alert').getByText('用户名或密码错误').waitFor();
  await signIn(page, 'li.clerk');
  const cookies = await page.context().cookies();
  t.match(
    cookies.find((c) => c.name === 'ls_console'),
    { httpOnly: true, sameSite: 'Strict' },
    'an HttpOnly, SameSite=Strict session cookie',
  );

  // The form, generated from the template's schema; probation one day longer than Art. 19 allows.
  await page.click('a[href="#/new"]');
  await page.locator('[id="in-worker.name"]').waitFor();
  t.equal(await page.locator('#n-template').inputValue(), 'labor-contract-general', 'the general labor contract is offered first');
  t.equal(await page.locator('[id="in-employer.name"]').count(), 0, 'the employer part comes from the registration, not the form');
  const wrong = { ...fields, probation: { ...(fields.probation as object), endDate: '2027-03-15' } };
  for (const [fieldPath, value] of leaves(wrong)) {
    const input = page.locator(`[id="in-${fieldPath}"]`);
    if (typeof value === 'boolean') await input.setChecked(value);
    else if ((await input.evaluate((e) => e.tagName)) === 'SELECT') await input.selectOption(String(value));
    else await input.fill(String(value));
    await input.dispatchEvent('change');
  }
  const probationProblem = page.locator('[id="p-probation.endDate"]');
  await probationProblem.getByText('第十九条').waitFor();
  t.match(await probationProblem.textContent(), /试用期/, 'the violation is shown beside the field, in Chinese');
  await page.screenshot({ path: path.join(screens, 'console-02-form-violation.png'), fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'the form fits a 360 px phone');
  await page.setViewportSize({ width: 1100, height: 900 });

  await page.fill('[id="in-probation.endDate"]', '2027-03-14');
  await page.locator('[id="in-probation.endDate"]').dispatchEvent('change');
  await page.locator('#n-status').getByText('可以创建').waitFor();
  t.equal((await probationProblem.textContent())?.trim(), '', 'corrected: the message is gone');
  const [previewDownload] = await Promise.all([page.waitForEvent('download'), page.click('#n-preview')]);
  const previewed: Buffer[] = [];
  for await (const chunk of await previewDownload.createReadStream()) previewed.push(chunk as Buffer);
  t.equal(Buffer.concat(previewed).subarray(0, 5).toString(), '%PDF-', 'the PDF preview downloads');
  t.equal(await platform.db.contract.count(), 0, 'a preview saves nothing');
  await page.click('#n-create');
  await page.locator('#c-title').getByText('草稿').waitFor();
  t.match(await page.locator('#c-notice').textContent(), /已创建/);
  const contractId = new URL(page.url()).hash.split('/')[2]!;
  t.match(contractId, /^[0-9a-f-]{36}$/);

  // A clerk cannot seal: no usable button, and the API refuses the session.
  t.ok(await page.locator('button[data-act=seal]').isDisabled(), 'the seal button is not offered to a clerk');
  const clerkSeal = await page.evaluate(
    async (id) => (await fetch(`/api/v1/contracts/${id}/seal`, { method: 'POST', headers: { 'x-csrf-token': sessionStorage.getItem('console-csrf') ?? '' } })).status,
    contractId,
  );
  t.equal(clerkSeal, 403, 'the API refuses a clerk’s seal');
  const noToken = await page.evaluate(async (id) => (await fetch(`/api/v1/contracts/${id}/send`, { method: 'POST' })).status, contractId);
  t.equal(noToken, 403, 'a change without the CSRF token is refused');
  t.equal((await platform.db.contract.findUniqueOrThrow({ where: { id: contractId } })).status, 'draft');

  // The manager seals and sends.
  await page.click('#sign-out');
  await signIn(page, 'zhao.manager');
  await page.goto(`${base}/e#/contracts/${contractId}`);
  await page.locator('button[data-act=seal]:not([disabled])').click();
  await page.locator('#c-notice').getByText('已加盖单位电子印章').waitFor();
  await page.locator('button[data-act=send]').click();
  await page.locator('#c-notice').getByText('签署短信已发送').waitFor();
  t.match(await page.locator('#c-title').textContent(), /待职工签署/);
  const timeline = (await page.locator('#c-timeline').textContent()) ?? '';
  t.match(timeline, /创建合同 · 李文/, 'the timeline names the clerk who created it');
  t.match(timeline, /加盖单位电子印章 · 赵敏/, 'and the manager who sealed it');
  t.match(timeline, /发送签署短信 · 赵敏/);
  t.match(await page.locator('#c-documents').textContent(), /已盖章版本/);
  await page.screenshot({ path: path.join(screens, 'console-03-contract.png'), fullPage: true });

  // The list: the contract among those awaiting signature, found by part of its number.
  const number = (await platform.db.contract.findUniqueOrThrow({ where: { id: contractId } })).number;
  await page.click('a[href="#/contracts"]');
  await page.check('#f-awaiting');
  await page.fill('#f-number', number.slice(-4));
  await page.click('#filters button[type=submit]');
  await page.locator('#contract-rows').getByText(number).waitFor();
  t.match(await page.locator('#contract-rows').textContent(), /王\*\*.*待职工签署/, 'masked worker and status');
  t.match(await page.locator('#list-summary').textContent(), /共 1 份合同/);
  await page.screenshot({ path: path.join(screens, 'console-04-list.png'), fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'the list fits a 360 px phone');
  await page.setViewportSize({ width: 1100, height: 900 });

  // The worker signs through the worker's page, with the link and code from the dev outbox.
  const worker = fields.worker as { name: string; idNumber: string; phone: string };
  const lastSms = async () => (await app.inject({ method: 'GET', url: `/api/v1/dev/outbox?phone=${worker.phone}&limit=1`, headers: bearer(adminToken) })).json().items[0].text as string;
  const link = /\/s\/[A-Za-z0-9_-]+/.exec(await lastSms())![0];
  const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'zh-CN' })).newPage();
  phone.on('pageerror', (error) => errors.push(`worker page: ${error.message}`));
  await phone.goto(base + link);
  await phone
    .locator('#read-state')
    .getByText(/共 \d+ 页/)
    .waitFor();
  await phone.locator('#pages').evaluate((element) => element.scrollTo(0, element.scrollHeight));
  await phone.locator('#identity').waitFor({ state: 'visible' });
  await phone.fill('#name', worker.name);
  await phone.fill('#id-number', worker.idNumber);
  await phone.click('#verify-identity');
  await phone.locator('#sign').waitFor({ state: 'visible' });
  await phone.fill('#code', /验证码(\d{6})/.exec(await lastSms())![1]!);
  await drawSignature(phone);
  await phone.check('#intent');
  await phone.click('#submit');
  await phone.getByRole('heading', { name: '签署完成' }).waitFor({ timeout: 60_000 });
  await phone.close();

  // The console sees it signed, every signature verified; the manager ends it with the certificate.
  await page.goto(`${base}/e#/contracts/${contractId}`);
  await page.locator('#c-title').getByText('已生效').waitFor();
  await page.locator('#c-verify').getByText('验签通过').waitFor({ timeout: 60_000 });
  const verdicts = await page.locator('#c-signature-rows tr').allTextContents();
  t.equal(verdicts.length, 3, 'employer seal, worker signature, document timestamp');
  t.ok(
    verdicts.every((row) => row.includes('有效')),
    'each signature verifies',
  );
  t.notOk(
    verdicts.some((row) => row.includes('Invalid') || row.includes('—')),
    'each with its time in Beijing time',
  );
  t.match(await page.locator('#c-timeline').textContent(), /职工签署，合同生效/);
  await page.screenshot({ path: path.join(screens, 'console-05-signed.png'), fullPage: true });
  // Renewal goes through the same form, with the worker and the prior contract taken from the record.
  await page.click('a[href^="#/new/contract-renewal/"]');
  await page.locator('#n-title').getByText('续订').waitFor();
  await page.locator('[id="in-startDate"]').waitFor();
  t.equal(await page.locator('[id="in-worker.name"]').count(), 0, 'the renewal form does not ask for the worker again');
  t.ok(await page.locator('#n-choose').isHidden(), 'nor for the template');
  await page.goBack();
  await page.reload(); // a fresh page: the one going back shows is re-rendered when its data arrives
  await page.locator('#t-date').waitFor();
  await page.fill('#t-date', String(fields.endDate ?? fields.startDate));
  await page.fill('#t-reason', '双方协商一致解除劳动合同（《劳动合同法》第三十六条）');
  await page.locator('button[data-act=terminate]').click();
  await page.locator('#c-notice').getByText('证明书已加盖单位印章').waitFor({ timeout: 60_000 });
  t.match(await page.locator('#c-title').textContent(), /已解除\/终止/);
  const [certificate] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-act=certificate]').click()]);
  const chunks: Buffer[] = [];
  for await (const chunk of await certificate.createReadStream()) chunks.push(chunk as Buffer);
  const certificatePdf = Buffer.concat(chunks);
  t.equal(certificatePdf.subarray(0, 5).toString(), '%PDF-', 'the certificate downloads as a PDF');
  const stored = await platform.db.document.findFirstOrThrow({ where: { contractId, kind: 'termination_certificate' } });
  t.equal(createHash('sha256').update(certificatePdf).digest('hex'), stored.sha256, 'and it is the archived certificate');
  await page.screenshot({ path: path.join(screens, 'console-06-terminated.png'), fullPage: true });
  t.same(errors, [], 'no script errors');
});

t.test('the roster and the self-check alerts, paged; a hire and a separation registered from the page', needs('chromium'), async (t) => {
  const { app, platform, adminToken } = await createTestPlatform(t);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const apiKey = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(94) })).json().apiKey as string;
  for (const [username, displayName, role] of [
    ['li.clerk', '李文', 'hr_clerk'],
    ['zhao.manager', '赵敏', 'hr_manager'],
  ]) {
    t.equal((await app.inject({ method: 'POST', url: '/api/v1/staff', headers: bearer(apiKey), payload: { username, displayName, role, password: 'console password 1' } })).statusCode, 201);
  }
  const id = (n: number) => {
    const first17 = `14080219910101${String(n).padStart(3, '0')}`;
    return first17 + residentIdCheckCharacter(first17);
  };
  // 22 hires with no written contract past the one-month period (劳动合同法 第十条): 22 rows, and alerts on each.
  for (let n = 1; n <= 22; n++) {
    const hired = await app.inject({
      method: 'POST',
      url: '/api/v1/roster/hires',
      headers: bearer(apiKey),
      payload: { worker: { name: `职工${n}`, idNumber: id(n) }, hireDate: '2026-08-01', employmentForm: 'labor_contract' },
    });
    t.equal(hired.statusCode, 201, hired.body);
  }

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${base}/e#/roster`);
  await signIn(page, 'li.clerk');

  await page.locator('#r-page-no').getByText('第 1 页').waitFor();
  t.equal(await page.locator('#roster-rows tr').count(), 20, 'a page of 20');
  t.match(await page.locator('#roster-rows').textContent(), /未订立书面合同/);
  t.ok(await page.locator('#r-prev').isDisabled(), 'no page before the first');
  await page.click('#r-next');
  await page.locator('#r-page-no').getByText('第 2 页').waitFor();
  t.equal(await page.locator('#roster-rows tr').count(), 2, 'the last two');
  t.ok(await page.locator('#r-next').isDisabled(), 'no page after the last');
  await page.click('#r-prev');
  await page.locator('#r-page-no').getByText('第 1 页').waitFor();
  t.equal(await page.locator('#roster-rows tr').count(), 20, 'back to the first page');

  await page.fill('#h-name', '孙悟');
  await page.fill('#h-id', '12345');
  await page.fill('#h-date', '2026-11-30');
  await page.click('#hire button[type=submit]');
  await page.locator('#alert').getByText('身份证号码').waitFor();
  t.pass('a bad ID number is refused in Chinese');
  await page.fill('#h-id', id(23));
  await page.click('#hire button[type=submit]');
  await page.locator('#r-notice').getByText('孙悟 的用工备案已登记').waitFor();
  await page.fill('#s-id', id(1));
  await page.fill('#s-date', '2026-11-30');
  await page.click('#separate button[type=submit]');
  await page.locator('#r-notice').getByText('离职已登记').waitFor();
  await page.selectOption('#r-status', 'separated');
  await page.click('#r-filters button[type=submit]');
  // The unfiltered page shows the separation too: wait for the filtered answer, a single row.
  await page.waitForFunction(() => document.querySelectorAll('#roster-rows tr').length === 1);
  t.match(await page.locator('#roster-rows').textContent(), /职工1.*2026-11-30（辞职）/, 'the separated worker alone');
  await page.selectOption('#r-status', '');
  await page.click('#r-filters button[type=submit]');
  await page.locator('#r-page-no').getByText('第 1 页').waitFor();
  await page.screenshot({ path: path.join(screens, 'console-07-roster.png'), fullPage: true });

  await page.click('a[href="#/alerts"]');
  await page.locator('#a-page-no').getByText('第 1 页').waitFor();
  const summary = (await page.locator('#a-summary').textContent()) ?? '';
  t.match(summary, /在职人数22/, 'the head count: 23 hired, one left');
  const total = Number(/提醒事项(\d+) 项/.exec(summary)?.[1]);
  t.ok(total > 20, `more alerts than a page (${total})`);
  t.equal(await page.locator('#alert-rows tr').count(), 20);
  t.match(await page.locator('#alert-rows').textContent(), /第十条|第八十二条/, 'each with its legal basis');
  await page.screenshot({ path: path.join(screens, 'console-08-alerts.png'), fullPage: true });
  await page.click('#a-next');
  await page.locator('#a-page-no').getByText('第 2 页').waitFor();
  t.equal(await page.locator('#alert-rows tr').count(), Math.min(20, total - 20), 'the rest on the next page');
  await page.setViewportSize({ width: 360, height: 780 });
  t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'the alerts fit a 360 px phone');
  await page.setViewportSize({ width: 1100, height: 900 });

  // The seal view: a clerk only reads it; a manager previews and uploads the image, and authorises automatic sealing.
  await page.click('a[href="#/seal"]');
  await page.locator('#g-rows').getByText('尚未授权自动盖章').waitFor();
  t.ok(await page.locator('#seal-role').isVisible(), 'a clerk is told the role may only read');
  t.ok(await page.locator('#seal-upload').isDisabled(), 'and cannot upload');
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 120, height: 120 } });
  await page.click('#sign-out');
  await signIn(page, 'zhao.manager');
  await page.locator('#g-submit:not([disabled])').waitFor();
  await page.setInputFiles('#seal-file', { name: 'seal.png', mimeType: 'image/png', buffer: png });
  await page.locator('#seal-preview').waitFor({ state: 'visible' });
  t.ok(await page.locator('#seal-preview').evaluate((image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth === 120), 'previewed before the upload');
  t.equal(await platform.db.organisation.count({ where: { sealImageSha256: { not: null } } }), 0, 'nothing uploaded yet');
  await page.click('#seal-upload');
  await page.locator('#seal-notice').getByText('印章图片已上传').waitFor();
  t.equal(await platform.db.organisation.count({ where: { sealImageSha256: createHash('sha256').update(png).digest('hex') } }), 1, 'the image is the employer’s seal image');
  await page.check('#g-templates input[value="labor-contract-general"]');
  await page.fill('#g-from', '2026-12-01');
  await page.fill('#g-until', '2026-12-31');
  await page.fill('#g-by', '李红梅（法定代表人）');
  await page.click('#g-submit');
  await page.locator('#seal-notice').getByText('已授权自动盖章').waitFor();
  t.match(await page.locator('#g-rows').textContent(), /劳动合同.*李红梅（法定代表人）.*撤销/, 'the authorisation is listed, revocable');
  await page.screenshot({ path: path.join(screens, 'console-09-seal.png'), fullPage: true });
  t.same(errors, [], 'no script errors');
});

async function drawSignature(page: Page) {
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = (await page.locator('#pad').boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height * 0.7);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 20 + i * 12, box.y + box.height * (0.7 - 0.4 * Math.sin(i / 3)));
  await page.mouse.up();
}
