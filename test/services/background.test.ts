/**
 * pg-boss is the one background mechanism: every task's queue exists from the start (services
 * enqueue inside their transactions), `startWorkers` registers the schedules in China time, a
 * scheduled job is worked by whichever process takes it, and the daily supervision runs once a day.
 */
import t from 'tap';
import { backgroundTasks } from '../../src/background.ts';
import { sqlExecutorOf } from '../../src/db/client.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const { db } = platform;

t.test('every task has its queue from the start; startWorkers registers the schedules', async (t) => {
  const names = backgroundTasks({ ...platform, batchJobTimeoutSeconds: 60, webhookPolicy: { retryLimit: 1, retryDelay: 1, expireInSeconds: 60 } }).map((task) => task.queue);
  const queues = (await db.$queryRaw<{ name: string }[]>`select name from pgboss.queue`).map((q) => q.name);
  for (const name of names) t.ok(queues.includes(name), `queue ${name}`);
  t.same(await db.$queryRaw`select name from pgboss.schedule`, [], 'no schedule before a process works');
  await platform.startWorkers(0);
  const schedules = await db.$queryRaw<{ name: string; cron: string; tz: string }[]>`select name, cron, options->>'tz' as tz from pgboss.schedule order by name`;
  t.same(schedules, [
    { name: 'archive-scrub', cron: '23 * * * *', tz: 'Asia/Shanghai' },
    { name: 'audit-checkpoint', cron: '*/5 * * * *', tz: 'Asia/Shanghai' },
    { name: 'daily-supervision', cron: '10 * * * *', tz: 'Asia/Shanghai' },
    { name: 'lifecycle-sweep', cron: '0 * * * *', tz: 'Asia/Shanghai' },
    { name: 'object-intent-sweep', cron: '*/10 * * * *', tz: 'Asia/Shanghai' },
    { name: 'supervision-figures', cron: '5 * * * *', tz: 'Asia/Shanghai' },
  ]);
});

t.test('a scheduled task’s job is worked (the lifecycle sweep)', async (t) => {
  await db.$transaction((tx) => platform.queue.sendMany('lifecycle-sweep', [{ data: {} }], sqlExecutorOf(tx)));
  let state = '';
  for (let i = 0; i < 600 && state !== 'completed'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    state = (await db.$queryRaw<{ state: string }[]>`select state::text from pgboss.job where name = 'lifecycle-sweep'`)[0]?.state ?? '';
  }
  t.equal(state, 'completed');
});

t.test('the hourly supervision job runs the day once, then skips it', async (t) => {
  await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(81) });
  const first = await platform.dailySupervision.runIfDue();
  t.match(first, { ran: true, employers: 1 });
  t.match(await platform.dailySupervision.runIfDue(), { asOf: first.asOf, ran: false }, 'the next hour finds the day done');
  t.equal(await db.supervisionSnapshot.count(), 1);
});
