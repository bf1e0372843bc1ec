/**
 * One-time codes under 100 concurrent wrong guesses through HTTP, against the deployed service
 * process (each guess from its own client address, so the per-address limit does not hide the
 * race): exactly maxAttempts guesses are checked, the rest are refused as exhausted, and the
 * right code is refused afterwards. The service-level race is in test/services/one-time-codes.
 */
import t from 'tap';
import { codePolicy } from '../../src/services/one-time-codes.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { startServiceProcess } from '../helpers/service-process.ts';

const test = await createTestPlatform(t);
const { app, platform, adminToken } = test;
const service = await startServiceProcess(t, test, { TRUST_PROXY: '127.0.0.1' });

t.test('100 concurrent wrong portal codes over HTTP: exactly five checked', async (t) => {
  const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(61) })).json().apiKey);
  const example = platform.templates.get('labor-contract-general')!.example as { worker: { phone: string } } & Record<string, unknown>;
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: 'labor-contract-general', fields: example } });
  t.equal(created.statusCode, 201, created.body);
  const phone = example.worker.phone;
  const post = (path: string, body: unknown, client: number) =>
    fetch(service.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${client >> 8}.${client & 255}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(300_000),
    });
  t.equal((await post('/api/v1/portal/code', { phone }, 1000)).status, 202);
  const [message] = await platform.outbox.list({ phone, limit: 1 });
  const code = /验证码(\d{6})/.exec(message!.text)![1]!;
  const wrong = code === '123456' ? '654321' : '123456';

  const answers = await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      const response = await post('/api/v1/portal/login', { phone, code: wrong }, i);
      return { status: response.status, rule: ((await response.json()) as { errors?: { rule: string }[] }).errors?.[0]?.rule };
    }),
  );
  t.same([...new Set(answers.map((a) => a.status))], [422], 'every guess refused with 422');
  t.equal(answers.filter((a) => a.rule === 'wrong').length, codePolicy.maxAttempts - 1, 'four checked answers with attempts left');
  t.equal(answers.filter((a) => a.rule === 'exhausted').length, 100 - (codePolicy.maxAttempts - 1), 'the others: exhausted, unchecked or the fifth');
  const rows = await platform.db.oneTimeCode.findMany({ where: { purpose: { contains: 'portal' } } });
  t.equal(rows.length, 1);
  t.equal(rows[0]!.attempts, codePolicy.maxAttempts, 'exactly maxAttempts guesses were counted');
  const right = await post('/api/v1/portal/login', { phone, code }, 2000);
  t.equal(right.status, 422, 'the right code is refused afterwards');
  t.equal(((await right.json()) as { errors: { rule: string }[] }).errors[0]!.rule, 'exhausted');
});
