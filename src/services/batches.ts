/**
 * Bulk batches: one template, shared values and many rows. The facade the routes, the queue
 * and the CLI call; each responsibility is its own module under batches/: rows (what a batch is
 * made of), sheets (columns and example sheets), submission (validation, idempotency, recording
 * and enqueueing), chunk-job (the job that creates, seals and sends a chunk of rows) and reports
 * (progress, results, error report).
 */
import type { AuditLog } from './audit.ts';
import type { Db } from '../db/client.ts';
import type { Organisation } from '../generated/prisma/client.ts';
import type { Outbox } from '../notify/outbox.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import type { SheetColumn } from '../sheets/batch-sheet.ts';
import type { ObjectArchive } from '../storage/archive.ts';
import type { JobSender } from '../support/jobs.ts';
import type { TemplateCatalog } from '../templates/catalog.ts';
import type { Actor } from './audit.ts';
import type { ContractService } from './contracts.ts';
import type { SealAuthorisations } from './seal-authorisations.ts';
import type { SealingService } from './sealing.ts';
import type { WorkerSigningService } from './worker-signing.ts';
import { BatchChunkJob, type BatchHooks } from './batches/chunk-job.ts';
import { BatchReports } from './batches/reports.ts';
import type { BatchJob, BatchRequest, RowError, SheetUpload } from './batches/rows.ts';
import { BatchSheets } from './batches/sheets.ts';
import { BatchSubmission } from './batches/submission.ts';

export { batchChunkRows, batchQueueName, commonText, rowFields, type BatchJob, type BatchRequest, type RowError, type SheetUpload } from './batches/rows.ts';
export type { BatchHooks } from './batches/chunk-job.ts';

export class BatchService {
  private readonly sheets: BatchSheets;
  private readonly submission: BatchSubmission;
  private readonly job: BatchChunkJob;
  private readonly reports: BatchReports;

  constructor(deps: {
    db: Db;
    audit: AuditLog;
    crypto: FieldCrypto;
    queue: JobSender;
    contracts: ContractService;
    sealing: SealingService;
    workerSigning: WorkerSigningService;
    sealAuthorisations: SealAuthorisations;
    templates: TemplateCatalog;
    archive: ObjectArchive;
    outbox: Outbox;
  }) {
    this.sheets = new BatchSheets(deps);
    this.submission = new BatchSubmission({ ...deps, sheets: this.sheets });
    this.job = new BatchChunkJob(deps);
    this.reports = new BatchReports(deps);
  }

  /** Where a test interleaves two attempts of one job (see BatchHooks). */
  get hooks(): BatchHooks {
    return this.job.hooks;
  }

  /** A template's batch columns (Chinese headers, types, choices). */
  columns(templateId: string): SheetColumn[] {
    return this.sheets.columns(templateId);
  }

  /** A sheet to fill: the headers, the template's example as the first row, and (XLSX) a sheet explaining each column. */
  exampleSheet(templateId: string, format: 'csv' | 'xlsx'): Promise<Uint8Array> {
    return this.sheets.exampleSheet(templateId, format);
  }

  /** A CSV or XLSX sheet of rows: headers must be known columns; cells convert to fields, then rows go as in submit. */
  submitSheet(organisation: Organisation, upload: SheetUpload, idempotencyKey: string | undefined, actor: Actor) {
    return this.submission.submitSheet(organisation, upload, idempotencyKey, actor);
  }

  submit(organisation: Organisation, request: BatchRequest, idempotencyKey: string | undefined, actor: Actor, cellErrors: RowError[] = []) {
    return this.submission.submit(organisation, request, idempotencyKey, actor, cellErrors);
  }

  /** One attempt at a job (BatchChunkJob.processChunk); `attempt` names it for the rows' lease. */
  processChunk(job: BatchJob, attempt?: string): Promise<void> {
    return this.job.processChunk(job, attempt);
  }

  /** The queue's handler: a job that fails its last attempt marks its unfinished rows failed, so the batch ends. */
  work(job: BatchJob, attempt: { lastAttempt: boolean }): Promise<void> {
    return this.job.work(job, attempt);
  }

  progress(organisation: Organisation, batchId: string) {
    return this.reports.progress(organisation, batchId);
  }

  /** The organisation's latest batches. */
  list(organisation: Organisation) {
    return this.reports.list(organisation);
  }

  /** Per-row results, in row order, a page at a time. */
  rows(organisation: Organisation, batchId: string, page: { status?: string; afterRow?: number; limit: number }) {
    return this.reports.rows(organisation, batchId, page);
  }

  /** Every problem of the batch as a sheet: rows refused at submission, then rows that failed while worked. */
  errorReport(organisation: Organisation, batchId: string): Promise<string> {
    return this.reports.errorReport(organisation, batchId);
  }
}
