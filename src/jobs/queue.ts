/**
 * The job queue every service and worker process shares: pg-boss on the platform's own
 * PostgreSQL (schema `pgboss`). Jobs are claimed with SKIP LOCKED, retried with backoff, and
 * survive any process dying mid-job.
 */
import PgBoss from 'pg-boss';

/** Runs SQL in the caller's transaction, so jobs commit (or vanish) with the rows they are for. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export class JobQueue {
  private readonly boss: PgBoss;
  private readonly queues = new Set<string>();

  private readonly timeout: number;

  constructor(connectionString: string, options: { jobTimeoutSeconds: number }) {
    this.timeout = options.jobTimeoutSeconds;
    // Expired jobs (their worker died) are found by maintenance, so it runs well within the timeout.
    this.boss = new PgBoss({ connectionString, schema: 'pgboss', max: 4, maintenanceIntervalSeconds: Math.max(1, Math.min(30, Math.floor(this.timeout / 2))) });
    this.boss.on('error', () => undefined);
  }

  async start(): Promise<void> {
    await this.boss.start();
  }

  /** Creates the queue unless it exists (outside any transaction: pg-boss uses its own connection). */
  async ensure(name: string): Promise<void> {
    if (this.queues.has(name)) return;
    await this.boss.createQueue(name, { name, retryLimit: 5, retryDelay: 2, retryBackoff: true, expireInSeconds: this.timeout });
    this.queues.add(name);
  }

  /** Inserts jobs; with `within`, as part of the caller's transaction (call ensure(name) first). */
  async sendMany(name: string, jobs: { data: object; singletonKey?: string }[], within?: SqlExecutor): Promise<void> {
    if (!within) await this.ensure(name);
    for (let i = 0; i < jobs.length; i += 500) {
      const batch = jobs.slice(i, i + 500).map((job) => ({ name, data: job.data, ...(job.singletonKey ? { singletonKey: job.singletonKey } : {}), retryLimit: 5, retryDelay: 2, retryBackoff: true, expireInSeconds: this.timeout }));
      await this.boss.insert(batch, within ? { db: within } : {});
    }
  }

  /**
   * Runs `handler` for jobs of `name`, `concurrency` at a time in this process. A throw retries
   * the job with backoff; `lastAttempt` tells the handler when no retry is left.
   */
  async work<T extends object>(name: string, concurrency: number, handler: (data: T, attempt: { lastAttempt: boolean }) => Promise<void>): Promise<void> {
    await this.ensure(name);
    for (let i = 0; i < concurrency; i++) {
      await this.boss.work<T>(name, { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true }, async ([job]) => {
        if (job) await handler(job.data, { lastAttempt: job.retryCount >= job.retryLimit });
      });
    }
  }

  /** Creates one job of `name` per tick of `cron` (UTC), however many processes schedule it. */
  async schedule(name: string, cron: string): Promise<void> {
    await this.ensure(name);
    await this.boss.schedule(name, cron, {}, { singletonKey: name });
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 5_000 });
  }
}
