/**
 * Verification of untrusted PDFs in worker threads, each job under a time and a memory budget.
 * A hostile file can make the PDF parser's recovery run for tens of seconds (pdf-lib rescans a
 * broken file object by object) or grow without bound; in the service's own thread that would
 * stall every other request. Here the thread is stopped at its budget and the caller is told
 * which limit it met; a fresh thread takes the next job.
 *
 * Threads start on first use (about a second: they load the verifier) and stop after a quiet
 * period, so an idle service holds none.
 */
import { Worker } from 'node:worker_threads';
import type { StatusLookup } from './revocation.ts';
import type { VerificationReport } from './report.ts';
import { UnreadablePdfError, type VerifyOptions } from './verify.ts';

/** The job could not finish within its budget. */
export class VerificationLimitError extends Error {
  constructor(
    readonly limit: 'time' | 'memory',
    message: string,
  ) {
    super(message);
  }
}

/** Too many verifications are waiting already. */
export class VerifierBusyError extends Error {}

export interface IsolatedVerifierOptions {
  /** Wall time one verification may take once its thread starts on it. */
  timeLimitMs: number;
  /** V8 old-generation limit of each thread. */
  memoryLimitMb: number;
  threads: number;
  /** Jobs that may wait for a thread; more are refused (VerifierBusyError). */
  queueLimit: number;
  /** A thread with no work for this long stops. */
  idleMs?: number;
}

export type ToThread = { type: 'verify'; job: number; pdf: Uint8Array; trustAnchors: Uint8Array[]; now?: Date } | { type: 'lookup-answer'; lookup: number; answer: Awaited<ReturnType<StatusLookup>> };

export type FromThread =
  | { type: 'ready' }
  | { type: 'lookup'; job: number; lookup: number; serialHex: string; issuerKeyIdHex: string }
  | { type: 'report'; job: number; report: VerificationReport }
  | { type: 'failed'; job: number; unreadable: boolean; message: string };

interface Job {
  id: number;
  pdf: Uint8Array;
  options: VerifyOptions;
  resolve: (report: VerificationReport) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  budget?: NodeJS.Timeout;
  idle?: NodeJS.Timeout;
}

/** Under tsx the thread's TypeScript entry needs tsx's loader registered in that thread first. */
function threadEntry(): { code: string; eval: true } | { url: URL } {
  const url = new URL(import.meta.url.endsWith('.ts') ? './verify-thread.ts' : './verify-thread.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return { url };
  const tsx = import.meta.resolve('tsx/esm/api');
  return { code: `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`, eval: true };
}

export class IsolatedVerifier {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private jobs = 0;
  private closed = false;

  constructor(private readonly options: IsolatedVerifierOptions) {}

  verify(pdf: Uint8Array, options: VerifyOptions): Promise<VerificationReport> {
    if (this.closed) return Promise.reject(new Error('the verifier is closed'));
    if (this.queue.length >= this.options.queueLimit) return Promise.reject(new VerifierBusyError(`${this.queue.length} verifications are waiting`));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: ++this.jobs, pdf, options, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the verifier is closed'));
    await Promise.all([...this.slots].map((slot) => this.retire(slot, new Error('the verifier is closed'))));
  }

  private pump() {
    for (const slot of this.slots) {
      if (!this.queue.length) return;
      if (slot.ready && !slot.job) this.start(slot, this.queue.shift()!);
    }
    const starting = [...this.slots].filter((slot) => !slot.ready).length;
    if (this.queue.length > starting && this.slots.size < this.options.threads) this.spawn();
  }

  private spawn() {
    const entry = threadEntry();
    const worker = new Worker('url' in entry ? entry.url : entry.code, {
      eval: 'code' in entry,
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryLimitMb, maxYoungGenerationSizeMb: 16 },
      stdout: false,
      stderr: false,
    });
    const slot: Slot = { worker, ready: false };
    this.slots.add(slot);
    worker.unref();
    worker.on('message', (message: FromThread) => this.receive(slot, message));
    worker.on('error', (error: Error & { code?: string }) => {
      const limit = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new VerificationLimitError('memory', `verification needed more than ${this.options.memoryLimitMb} MB`) : error;
      void this.retire(slot, limit);
    });
    worker.on('exit', () => void this.retire(slot, new Error('the verification thread stopped')));
  }

  private receive(slot: Slot, message: FromThread) {
    if (message.type === 'ready') {
      slot.ready = true;
      this.pump();
      this.idleLater(slot);
      return;
    }
    const job = slot.job;
    if (!job || message.job !== job.id) return;
    if (message.type === 'lookup') {
      const lookup = job.options.statusLookup;
      const answer = lookup ? lookup(message.serialHex, message.issuerKeyIdHex) : Promise.resolve({ status: 'unknown' as const });
      answer.then(
        (found) => slot.job === job && slot.worker.postMessage({ type: 'lookup-answer', lookup: message.lookup, answer: found } satisfies ToThread),
        // The database failed the lookup: the job fails as the in-process verifier would, and the thread (waiting on it) is replaced.
        (error: Error) => slot.job === job && void this.retire(slot, error),
      );
      return;
    }
    this.finish(slot);
    if (message.type === 'report') job.resolve(message.report);
    else job.reject(message.unreadable ? new UnreadablePdfError(message.message) : new Error(message.message));
    this.pump();
    this.idleLater(slot);
  }

  private start(slot: Slot, job: Job) {
    clearTimeout(slot.idle);
    slot.job = job;
    const { trustAnchors, now } = job.options;
    slot.worker.postMessage({ type: 'verify', job: job.id, pdf: job.pdf, trustAnchors, ...(now ? { now } : {}) } satisfies ToThread);
    slot.budget = setTimeout(() => void this.retire(slot, new VerificationLimitError('time', `verification did not finish within ${this.options.timeLimitMs / 1000} s`)), this.options.timeLimitMs);
    slot.budget.unref();
  }

  private finish(slot: Slot) {
    clearTimeout(slot.budget);
    slot.job = undefined;
  }

  private idleLater(slot: Slot) {
    if (slot.job) return;
    clearTimeout(slot.idle);
    slot.idle = setTimeout(() => void this.retire(slot, new Error('idle')), this.options.idleMs ?? 60_000);
    slot.idle.unref();
  }

  /** Stops a thread; its job, if any, fails with `reason`; the queue moves on with a new thread. */
  private async retire(slot: Slot, reason: Error) {
    if (!this.slots.delete(slot)) return;
    clearTimeout(slot.idle);
    const job = slot.job;
    this.finish(slot);
    job?.reject(reason);
    await slot.worker.terminate();
    if (!this.closed) this.pump();
  }
}
