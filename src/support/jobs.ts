/**
 * The narrow job-queue interface that services and the outbox enqueue through. The queue itself
 * (pg-boss, src/jobs/queue.ts) is handed in by the composition root, so nothing below it imports it.
 */

/** Runs SQL in the caller's transaction, so jobs commit (or vanish) with the rows they are for. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface JobSender {
  /** Inserts jobs; with `within`, as part of the caller's transaction (the queue must exist: the root creates every queue at start). */
  sendMany(name: string, jobs: { data: object; singletonKey?: string }[], within?: SqlExecutor): Promise<void>;
}
