/**
 * Messages leave the outbox through the configured HTTP SMS provider, as jobs on the one queue
 * (pg-boss): a message's job commits with it, each message is sent exactly once with several
 * processes delivering, a failure is retried by the queue with a growing wait, and the fifth
 * failure marks the message failed.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { HttpSmsGateway } from '../../src/notify/gateway.ts';
import { sqlExecutorOf } from '../../src/db/client.ts';
import { JobQueue } from '../../src/jobs/queue.ts';
import { deliveryAttempts, Outbox, outboxQueueName, outboxQueuePolicy } from '../../src/notify/outbox.ts';
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
const gateway = new HttpSmsGateway(provider.url, 'provider-token');
/** An outbox as a process would have it: the same queue, this provider. */
const outbox = (queue: JobQueue = platform.queue) => new Outbox(db, fieldCrypto, gateway, queue);
const enqueue = (kind: string, to: string, text: string) => db.$transaction((tx) => outbox().enqueue(tx, { channel: 'sms', kind, to, text }));
const jobOf = async (id: string) =>
  (
    await db.$queryRaw<
      { state: string; retry_limit: number; retry_backoff: boolean; start_after: Date }[]
    >`select state::text, retry_limit, retry_backoff, start_after from pgboss.job where name = ${outboxQueueName} and data->>'id' = ${id}`
  )[0];
async function until(what: () => Promise<boolean>, message: string) {
  for (let i = 0; i < 600 && !(await what()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!(await what())) throw new Error(`gave up waiting: ${message}`);
}

t.beforeEach(async () => {
  await db.outboxMessage.deleteMany({});
  provider.received.length = 0;
  provider.state.failing = false;
});

t.test('a message and its delivery job commit together; the provider gets it decrypted with its token; sent once', async (t) => {
  const id = await enqueue('signing-link', '13900000001', '【劳签】请签署您的电子劳动合同');
  t.match(await jobOf(id), { state: 'created', retry_backoff: true }, 'the delivery job is on the queue');
  const rolledBack = await db
    .$transaction(async (tx) => {
      await outbox().enqueue(tx, { channel: 'sms', kind: 'notice', to: '13900000009', text: '回滚' });
      throw new Error('the business step failed');
    })
    .catch((error: Error) => error.message);
  t.equal(rolledBack, 'the business step failed');
  t.equal(await db.outboxMessage.count({ where: { kind: 'notice' } }), 0, 'a rolled-back step leaves no message…');
  t.equal(
    (await db.$queryRaw<{ n: number }[]>`select count(*)::int as n from pgboss.job where name = ${outboxQueueName} and data->>'id' not in (select id::text from "OutboxMessage")`)[0]!.n,
    0,
    '…and no job',
  );

  t.equal(await outbox().deliver(id), 'sent');
  t.same(provider.received, [{ to: '13900000001', text: '【劳签】请签署您的电子劳动合同', kind: 'signing-link', authorization: 'Bearer provider-token' }]);
  t.match(await db.outboxMessage.findUniqueOrThrow({ where: { id } }), { status: 'sent', attempts: 1, sentAt: Date });
  t.equal(await outbox().deliver(id), 'skipped', 'a second job for a sent message sends nothing');
  t.equal(provider.received.length, 1);
});

t.test('a failing provider: the attempt is recorded and thrown; the fifth failure marks the message failed', async (t) => {
  const id = await enqueue('portal-code', '13900000002', '验证码123456');
  provider.state.failing = true;
  await t.rejects(outbox().deliver(id), /503/);
  t.match(await db.outboxMessage.findUniqueOrThrow({ where: { id } }), { status: 'pending', attempts: 1, lastError: /503/ });
  for (let attempt = 2; attempt <= 4; attempt++) await t.rejects(outbox().deliver(id));
  t.equal(await outbox().deliver(id), 'failed', 'the fifth failure gives up');
  t.match(await db.outboxMessage.findUniqueOrThrow({ where: { id } }), { status: 'failed', attempts: 5 }, 'given up after five attempts');
  t.equal(await outbox().deliver(id), 'skipped', 'a failed message is not retried');
  t.ok(outboxQueuePolicy.retryLimit >= deliveryAttempts - 1, 'the queue retries at least as often as there are attempts');

  provider.state.failing = false;
  const ok = await enqueue('portal-code', '13900000003', '验证码654321');
  provider.state.failing = true;
  await t.rejects(outbox().deliver(ok));
  provider.state.failing = false;
  t.equal(await outbox().deliver(ok), 'sent', 'a retry after the provider recovers succeeds');
  t.same(
    provider.received.map((m) => m.text),
    ['验证码654321'],
  );
});

t.test('a message pending from before delivery moved onto the queue gets its job', async (t) => {
  const id = await enqueue('notice', '13900000007', '升级之前');
  await db.$executeRaw`delete from pgboss.job where name = ${outboxQueueName} and data->>'id' = ${id}`;
  t.equal(await outbox().queueUnqueued(), 1);
  t.match(await jobOf(id), { state: 'created' });
  t.equal(await outbox().queueUnqueued(), 0, 'once');
});

t.test('two processes working the queue side by side send every message exactly once', async (t) => {
  const second = new JobQueue(platform.config.DATABASE_URL!, { maintenanceIntervalSeconds: 30 });
  await second.start();
  t.teardown(() => second.stop());
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) ids.push(await enqueue('notice', `1390000${String(i).padStart(4, '0')}`, `消息${i}`));
  // The same jobs twice, as a job redelivered after its worker was taken for dead would be.
  await db.$transaction((tx) =>
    platform.queue.sendMany(
      outboxQueueName,
      ids.map((id) => ({ data: { id } })),
      sqlExecutorOf(tx),
    ),
  );
  for (const queue of [platform.queue, second]) {
    await queue.ensure(outboxQueueName, outboxQueuePolicy);
    await queue.workEach<{ id: string }>(outboxQueueName, 7, (jobs) => outbox(queue).deliverJobs(jobs));
  }
  await until(async () => (await db.outboxMessage.count({ where: { status: 'sent' } })) === 30, 'all 30 sent');
  t.equal(provider.received.length, 30);
  t.equal(new Set(provider.received.map((m) => m.text)).size, 30, 'no message twice');

  provider.state.failing = true;
  const failing = await enqueue('notice', '13900000008', '稍后重试');
  await until(async () => (await jobOf(failing))?.state === 'retry', 'the failed job waits for its retry');
  const job = (await jobOf(failing))!;
  t.ok(job.start_after.getTime() > Date.now(), 'the queue retries it later, not at once');
  t.match(await db.outboxMessage.findUniqueOrThrow({ where: { id: failing } }), { status: 'pending', attempts: 1 });
  provider.state.failing = false;
});
