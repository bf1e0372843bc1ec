import t from 'tap';
import { codePolicy } from '../../src/services/one-time-codes.ts';
import { createTestPlatform } from '../helpers/platform.ts';

const { platform, app } = await createTestPlatform(t);
const { db, codes } = platform;

t.test('a right code passes once; a wrong one counts an attempt', async (t) => {
  const code = await db.$transaction((tx) => codes.issue(tx, 'signing', 'link-1'));
  t.match(code, /^\d{6}$/);
  const wrong = code === '000000' ? '111111' : '000000';
  t.same(await db.$transaction((tx) => codes.verify(tx, 'signing', 'link-1', wrong)), { ok: false, reason: 'wrong', attemptsLeft: 4 });
  t.same(await db.$transaction((tx) => codes.verify(tx, 'signing', 'link-1', code)), { ok: true });
  t.same(await db.$transaction((tx) => codes.verify(tx, 'signing', 'link-1', code)), { ok: false, reason: 'none', attemptsLeft: 0 }, 'consumed');
});

t.test('five wrong codes exhaust it, even the right code afterwards', async (t) => {
  const code = await db.$transaction((tx) => codes.issue(tx, 'signing', 'link-2'));
  const wrong = code === '999999' ? '888888' : '999999';
  const results = [];
  for (let i = 0; i < codePolicy.maxAttempts; i++) results.push(await db.$transaction((tx) => codes.verify(tx, 'signing', 'link-2', wrong)));
  t.match(results.at(-1), { ok: false, reason: 'exhausted', attemptsLeft: 0 });
  t.match(await db.$transaction((tx) => codes.verify(tx, 'signing', 'link-2', code)), { ok: false, reason: 'exhausted' });
});

t.test('100 concurrent wrong guesses: at most five are ever checked, and the right code is then refused', async (t) => {
  const code = await db.$transaction((tx) => codes.issue(tx, 'signing', 'link-race'));
  const wrong = code === '123456' ? '654321' : '123456';
  // Count comparisons: every check hashes the guess once.
  const counted = codes as unknown as { hash: (...args: string[]) => string };
  const hash = counted.hash.bind(codes);
  let checks = 0;
  counted.hash = (...args: string[]) => (checks++, hash(...args));
  t.teardown(() => void (counted.hash = hash));
  const results = await Promise.all(Array.from({ length: 100 }, () => db.$transaction((tx) => codes.verify(tx, 'signing', 'link-race', wrong), { maxWait: 120_000, timeout: 120_000 })));
  t.ok(checks <= codePolicy.maxAttempts, `${checks} checks for 100 guesses`);
  t.equal(results.filter((r) => !r.ok && r.reason === 'wrong').length, codePolicy.maxAttempts - 1, 'four answers with attempts left');
  const row = await db.oneTimeCode.findFirstOrThrow({ where: { purpose: 'signing', subject: 'link-race' } });
  t.equal(row.attempts, codePolicy.maxAttempts);
  t.match(await db.$transaction((tx) => codes.verify(tx, 'signing', 'link-race', code)), { ok: false, reason: 'exhausted' });
});

t.test('codes expire after five minutes', async (t) => {
  const issuedAt = new Date('2026-11-22T10:00:00Z');
  const code = await db.$transaction((tx) => codes.issue(tx, 'portal', 'phone-x', issuedAt));
  const later = new Date(issuedAt.getTime() + codePolicy.ttlMs + 1);
  t.match(await db.$transaction((tx) => codes.verify(tx, 'portal', 'phone-x', code, later)), { ok: false, reason: 'expired' });
});

t.test('a second code within a minute is refused with a Chinese message', async (t) => {
  await db.$transaction((tx) => codes.issue(tx, 'signing', 'link-3'));
  const error = await db.$transaction((tx) => codes.issue(tx, 'signing', 'link-3')).catch((e: unknown) => e);
  t.match(error, { status: 429, errors: [{ rule: 'rate_limit', messageZh: /一分钟/ }] });
});

t.test('the development outbox keeps messages encrypted and shows them decrypted', async (t) => {
  await db.$transaction((tx) => platform.outbox.enqueue(tx, { channel: 'sms', to: '13800138000', kind: 'test', text: '【LaborSign】您的验证码是123456' }));
  const row = await db.outboxMessage.findFirstOrThrow({ where: { kind: 'test' } });
  t.notOk(Buffer.from(row.bodyCipher).toString('utf8').includes('123456'), 'stored encrypted');
  t.equal(await platform.outbox.deliver(row.id), 'sent');
  const res = await app.inject('/api/v1/dev/outbox?phone=13800138000');
  t.match(res.json().items[0], { to: '13800138000', text: /验证码是123456/, status: 'sent' });
  const remote = await app.inject({ url: '/api/v1/dev/outbox?phone=13800138000', remoteAddress: '10.20.30.40' });
  t.equal(remote.statusCode, 403, 'one-time codes are readable from this machine only');
  t.notOk(remote.body.includes('123456'));
});
