/**
 * The one background mechanism: pg-boss on the platform's own PostgreSQL (schema `pgboss`).
 * Jobs are claimed with SKIP LOCKED, retried with a growing wait, and survive any process dying
 * mid-job; schedules (cron) put one job per tick on a queue whichever processes are running.
 */
import PgBoss from 'pg-boss';
import type { JobSender, SqlExecutor } from '../support/jobs.ts';

export type { SqlExecutor } from '../support/jobs.ts';

export interface QueuePolicy {
  /** Retries after the first attempt. */
  retryLimit: number;
  /** Seconds before the first retry; each later one waits about twice as long (pg-boss backoff). */
  retryDelay: number;
  /** An attempt not finished in this time is failed (and retried): its worker is taken for dead. */
  expireInSeconds: number;
}

export interface QueuedJob<T> {
  id: string;
  data: T;
  /** No retry is left after this attempt. */
  lastAttempt: boolean;
}

export class JobQueue implements JobSender {
  private readonly boss: PgBoss;
  private readonly policies = new Map<string, QueuePolicy>();
  private readonly created = new Set<string>();
  private readonly worked = new Set<string>();
  /** Handlers running in this process: stop waits for them before pg-boss closes its connections. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(connectionString: string, options: { maintenanceIntervalSeconds: number }) {
    // Expired jobs (their worker died) are found by maintenance, so it runs well within the shortest timeout.
    this.boss = new PgBoss({ connectionString, schema: 'pgboss', max: 4, maintenanceIntervalSeconds: options.maintenanceIntervalSeconds });
    this.boss.on('error', () => undefined);
  }

  async start(): Promise<void> {
    await this.boss.start();
  }

  /** Creates the queue unless it exists (outside any transaction: pg-boss uses its own connection). */
  async ensure(name: string, policy: QueuePolicy): Promise<void> {
    this.policies.set(name, policy);
    if (this.created.has(name)) return;
    await this.boss.createQueue(name, { name, retryBackoff: true, ...policy });
    this.created.add(name);
  }

  private policy(name: string): QueuePolicy {
    const policy = this.policies.get(name);
    if (!policy) throw new Error(`queue ${name} was not created at start`);
    return policy;
  }

  /** Inserts jobs; with `within`, as part of the caller's transaction. */
  async sendMany(name: string, jobs: { data: object; singletonKey?: string }[], within?: SqlExecutor): Promise<void> {
    const policy = this.policy(name);
    for (let i = 0; i < jobs.length; i += 500) {
      const batch = jobs.slice(i, i + 500).map((job) => ({ name, data: job.data, ...(job.singletonKey ? { singletonKey: job.singletonKey } : {}), retryBackoff: true, ...policy }));
      await this.boss.insert(batch, within ? { db: within } : {});
    }
  }

  /** A cron schedule (minute granularity, China time) putting one job per tick on the queue. */
  async schedule(name: string, cron: string): Promise<void> {
    await this.boss.schedule(name, cron, {}, { tz: 'Asia/Shanghai', ...this.policy(name) });
  }

  /**
   * Runs `handler` for jobs of `name`, `concurrency` at a time in this process. A throw retries
   * the job with backoff; `lastAttempt` tells the handler when no retry is left.
   */
  async work<T extends object>(name: string, concurrency: number, handler: (data: T, attempt: { lastAttempt: boolean }) => Promise<void>): Promise<void> {
    this.policy(name);
    this.worked.add(name);
    for (let i = 0; i < concurrency; i++) {
      await this.boss.work<T>(name, { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true }, async ([job]) => {
        if (job) await this.tracked(handler(job.data, { lastAttempt: job.retryCount >= job.retryLimit }));
      });
    }
  }

  /**
   * Runs `handler` over up to `batchSize` jobs at a time; the ids it returns failed (each
   * retried on its own), the others are complete. For many small jobs such as messages.
   */
  async workEach<T extends object>(name: string, batchSize: number, handler: (jobs: QueuedJob<T>[]) => Promise<{ failed: string[]; error?: Error }>): Promise<void> {
    this.policy(name);
    this.worked.add(name);
    await this.boss.work<T>(name, { batchSize, pollingIntervalSeconds: 0.5, includeMetadata: true }, async (jobs) => {
      const { failed, error } = await this.tracked(handler(jobs.map((job) => ({ id: job.id, data: job.data, lastAttempt: job.retryCount >= job.retryLimit }))));
      // pg-boss then completes the batch: only jobs still active, so these stay failed (to be retried).
      for (const id of failed) await this.boss.fail(name, id, { message: error?.message ?? 'failed' });
    });
  }

  private async tracked<R>(work: Promise<R>): Promise<R> {
    this.running.add(work);
    try {
      return await work;
    } finally {
      this.running.delete(work);
    }
  }

  /** Stops fetching, lets the jobs in hand finish (10 s at most), then closes pg-boss. */
  async stop(): Promise<void> {
    for (const name of this.worked) await this.boss.offWork(name);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
    clearTimeout(timer);
    await this.boss.stop({ graceful: true, timeout: 5_000 });
  }
}
