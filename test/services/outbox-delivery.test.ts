/**
 * Messages leave the outbox through the configured HTTP SMS provider: exactly once with
 * several processes delivering, retried with a growing wait when the provider fails, marked
 * failed after the last attempt, and delivered in the background once started.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { HttpSmsGateway } from '../../src/notify/gateway.ts';
import { Outbox, retryDelayMs } from '../../src/notify/outbox.ts';
import { createTestPlatform } from '../helpers/platform.ts';

const { platform } = await createTestPlatform(t);
const { db, fieldCrypto } = platform;

/** A provider that records what it receives; `failing` makes it answer 503. */
async function smsProvider() {
  const received: { to: string; text: string; kind: string; authorization?: string }[] = [];
  const state = { failing: false };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (state.failing) return res.writeHead(503).end();
    received.push({ ...JSON.parse(Buffer.concat(chunks).toString('utf8')), authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`, received, state };
}

const provider = await smsProvider();
const outbox = () => new Outbox(db, fieldCrypto, new HttpSmsGateway(provider.url, 'provider-token'));
const enqueue = (kind: string, to: string, text: string) => db.$transaction((tx) => outbox().enqueue(tx, { channel: 'sms', kind, to, text }));

t.beforeEach(async () => {
  await db.outboxMessage.deleteMany({});
  provider.received.length = 0;
  provider.state.failing = false;
});

t.test('the HTTP provider gets the decrypted message with its bearer token; the row is marked sent', async (t) => {
  const id = await enqueue('signing-link', '13900000001', '【劳签】请签署您的电子劳动合同');
  t.equal(await outbox().deliverPending(), 1);
  t.same(provider.received, [{ to: '13900000001', text: '【劳签】请签署您的电子劳动合同', kind: 'signing-link', authorization: 'Bearer provider-token' }]);
  t.match(await db.outboxMessage.findUniqueOrThrow({ where: { id } }), { status: 'sent', attempts: 1, sentAt: Date });
  t.equal(await outbox().deliverPending(), 0, 'a sent message is not sent again');
  t.equal(provider.received.length, 1);
});

t.test('two processes delivering side by side send every message exactly once', async (t) => {
  for (let i = 0; i < 30; i++) await enqueue('notice', `1390000${String(i).padStart(4, '0')}`, `消息${i}`);
  const [a, b] = await Promise.all([outbox().deliverPending(10), outbox().deliverPending(10)]);
  t.equal(a + b, 20, 'each claimed its own rows');
  while ((await outbox().deliverPending(10)) > 0);
  t.equal(provider.received.length, 30);
  t.equal(new Set(provider.received.map((m) => m.text)).size, 30, 'no message twice');
  t.equal(await db.outboxMessage.count({ where: { status: 'sent' } }), 30);
});

t.test('a failing provider: the message waits (growing backoff), is retried, and fails after the last attempt', async (t) => {
  const id = await enqueue('portal-code', '13900000002', '验证码123456');
  provider.state.failing = true;
  const before = Date.now();
  t.equal(await outbox().deliverPending(), 0);
  let row = await db.outboxMessage.findUniqueOrThrow({ where: { id } });
  t.match(row, { status: 'pending', attempts: 1, lastError: /503/ });
  t.ok(row.nextAttemptAt.getTime() >= before + retryDelayMs(1), 'the next attempt waits');
  t.equal(await outbox().deliverPending(), 0);
  t.equal((await db.outboxMessage.findUniqueOrThrow({ where: { id } })).attempts, 1, 'not retried before its time');

  for (let attempt = 2; attempt <= 5; attempt++) {
    await db.outboxMessage.update({ where: { id }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
    await outbox().deliverPending();
  }
  row = await db.outboxMessage.findUniqueOrThrow({ where: { id } });
  t.match(row, { status: 'failed', attempts: 5 }, 'given up after five attempts');
  t.ok(retryDelayMs(2) > retryDelayMs(1) && retryDelayMs(4) > retryDelayMs(3), 'the wait grows');

  provider.state.failing = false;
  const ok = await enqueue('portal-code', '13900000003', '验证码654321');
  provider.state.failing = true;
  await outbox().deliverPending();
  provider.state.failing = false;
  await db.outboxMessage.update({ where: { id: ok }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
  t.equal(await outbox().deliverPending(), 1, 'a retry after the provider recovers succeeds');
  t.same(provider.received.map((m) => m.text), ['验证码654321']);
});

t.test('background delivery sends what is enqueued after it started, and stops', async (t) => {
  const background = outbox();
  background.startDelivery(100);
  t.teardown(() => background.stopDelivery());
  await enqueue('notice', '13900000004', '后台投递');
  for (let i = 0; i < 50 && provider.received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  t.same(provider.received.map((m) => m.text), ['后台投递']);
  await background.stopDelivery();
  await enqueue('notice', '13900000005', '停止之后');
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(provider.received.length, 1, 'nothing is delivered after stopDelivery');
});
