/**
 * Everything that runs in the background, on the one job queue (pg-boss): each task is a queue
 * with its retry policy, optionally a cron schedule (China time; pg-boss puts one job per tick
 * on the queue whatever the number of processes), and what a job does. A new schedule is one
 * more entry here. Every process creates the queues at start (services enqueue inside their
 * transactions); `startWorkers` then registers the schedules and works on every queue.
 */
import type { Db } from './db/client.ts';
import type { JobQueue, QueuePolicy } from './jobs/queue.ts';
import { checkpointAudit, type AuditAnchors } from './services/audit.ts';
import { outboxQueueName, outboxQueuePolicy, type Outbox } from './notify/outbox.ts';
import { batchQueueName, type BatchJob, type BatchService } from './services/batches.ts';
import type { DailySupervision } from './services/daily-supervision.ts';
import type { SupervisionFigures } from './services/supervision-figures.ts';
import type { LifecycleService } from './services/lifecycle.ts';
import type { ArchiveScrub } from './services/archive-scrub.ts';
import { archiveScrubCron, archiveScrubQueue } from './jobs/archive-scrub.ts';
import { webhookQueueName, type WebhookService } from './services/webhooks.ts';
import type { ObjectIntentSweep } from './services/batches/object-intents.ts';

export interface BackgroundTask {
  queue: string;
  policy: QueuePolicy;
  /** Cron, China time. */
  schedule?: string;
  /** Starts this process's workers for the queue. */
  work(queue: JobQueue, options: { batchWorkers: number }): Promise<void>;
}

export interface BackgroundDeps {
  db: Db;
  auditAnchors: AuditAnchors;
  batches: BatchService;
  outbox: Outbox;
  lifecycle: LifecycleService;
  dailySupervision: DailySupervision;
  supervisionFigures: SupervisionFigures;
  archiveScrub: ArchiveScrub;
  objectIntents: ObjectIntentSweep;
  batchJobTimeoutSeconds: number;
  webhooks: WebhookService;
  webhookPolicy: QueuePolicy;
}

/** A scheduled task: one job at a time per process is plenty. */
function scheduled(queue: string, schedule: string, expireInSeconds: number, run: () => Promise<unknown>): BackgroundTask {
  return { queue, schedule, policy: { retryLimit: 2, retryDelay: 60, expireInSeconds }, work: (q) => q.work(queue, 1, async () => void (await run())) };
}

export function backgroundTasks(deps: BackgroundDeps): BackgroundTask[] {
  return [
    {
      queue: batchQueueName,
      policy: { retryLimit: 5, retryDelay: 2, expireInSeconds: deps.batchJobTimeoutSeconds },
      work: (q, { batchWorkers }) => (batchWorkers > 0 ? q.work(batchQueueName, batchWorkers, (job: BatchJob, attempt) => deps.batches.work(job, attempt)) : Promise.resolve()),
    },
    // Messages: the job commits with the step that queued the message; each is delivered once, retried with a growing wait.
    {
      queue: outboxQueueName,
      policy: outboxQueuePolicy,
      work: async (q) => {
        await deps.outbox.queueUnqueued();
        await q.workEach<{ id: string }>(outboxQueueName, 20, (jobs) => deps.outbox.deliverJobs(jobs));
      },
    },
    // Webhooks: queued with the contract change, each message retried with a growing wait (WEBHOOK_*).
    { queue: webhookQueueName, policy: deps.webhookPolicy, work: (q) => q.work(webhookQueueName, 4, (job: object, attempt) => deps.webhooks.work(job, attempt)) },
    // Hourly: expired links and ended terms, so the day's supervision sees contracts as they stand.
    scheduled('lifecycle-sweep', '0 * * * *', 15 * 60, () => deps.lifecycle.sweep()),
    // Hourly until the day's run is done (a day missed while the service was down is caught up); one run a day.
    scheduled('daily-supervision', '10 * * * *', 15 * 60, () => deps.dailySupervision.runIfDue()),
    // Hourly until done: the day's set-based figures the officials' overview reads (one run a day,
    // so a listing's pages stay on one run); apart from the engine's run, which is slower at scale.
    scheduled('supervision-figures', '5 * * * *', 30 * 60, () => deps.supervisionFigures.runIfDue()),
    // Every 5 minutes: changed audit chains' lengths and heads, timestamped and archived.
    scheduled('audit-checkpoint', '*/5 * * * *', 5 * 60, () => checkpointAudit(deps.db, deps.auditAnchors)),
    // Hourly: re-hash the archived documents checked longest ago (all within ARCHIVE_SCRUB_PERIOD_DAYS).
    scheduled(archiveScrubQueue, archiveScrubCron, 30 * 60, () => deps.archiveScrub.run()),
    // Every 10 minutes: objects a batch attempt stored after losing its lease, then died before removing.
    scheduled('object-intent-sweep', '*/10 * * * *', 10 * 60, () => deps.objectIntents.run()),
  ];
}

/** Creates every queue (idempotent, any number of processes). */
export async function createQueues(queue: JobQueue, tasks: BackgroundTask[]): Promise<void> {
  for (const task of tasks) await queue.ensure(task.queue, task.policy);
}

/** Registers the schedules and starts this process's workers on every queue. */
export async function startBackground(queue: JobQueue, tasks: BackgroundTask[], options: { batchWorkers: number }): Promise<void> {
  for (const task of tasks) {
    if (task.schedule) await queue.schedule(task.queue, task.schedule);
    await task.work(queue, options);
  }
}
