/**
 * Bulk batches: one template, shared values and many rows. Every row is validated first
 * (all its problems reported with the row number); valid rows are recorded with the batch in
 * one transaction and become jobs on the shared queue. A job takes its row through idempotent
 * steps — create (unique per batch and row), seal under the employer's authorisation, send —
 * so a worker killed at any point leaves nothing doubled and the retry finishes the row.
 */
import { insertRows, uuidv7, type ColumnSpec } from '../db/bulk-insert.ts';
import { sqlExecutorOf, type Db } from '../db/client.ts';
import type { Organisation } from '../generated/prisma/client.ts';
import type { JobSender } from '../support/jobs.ts';
import { Problem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import { appendAudit, appendAuditMany, type Actor, type AuditInput } from './audit.ts';
import { contractRecord, newContractNumber, registerTemplateVersion, violationProblem, type ContractService } from './contracts.ts';
import { removeUnrecorded, requireTransition, type SealingService } from './sealing.ts';
import { upsertWorkers } from './workers.ts';
import type { Outbox } from '../notify/outbox.ts';
import type { ContractTerms } from '../domain/contract-terms.ts';
import type { RenderedDocument } from '../pdf/contract-renderer.ts';
import type { SignedPdf } from '../signing/pades/signature.ts';
import { keyForDigest, type ObjectArchive } from '../storage/archive.ts';
import type { SealAuthorisations } from './seal-authorisations.ts';
import { cellText, rowsFromSheet, sheetColumns, unknownHeaders, valueAt, type SheetColumn } from '../sheets/batch-sheet.ts';
import { csvRecords, toCsv } from '../sheets/csv.ts';
import { readXlsx, writeXlsx } from '../sheets/xlsx.ts';
import type { TemplateCatalog } from '../templates/catalog.ts';
import type { WorkerSigningService } from './worker-signing.ts';

export const batchQueueName = 'batch-contract';
/**
 * Rows per job: enough to share one transaction and one signer, few enough to redo after a
 * crash. 50 rather than 25: in interleaved 10,000-row runs 221–266 against 170–199 contracts/s,
 * both for the per-job work (queue, authorisation, signer, ten statements) and because two
 * jobs per worker less often wait on storage and the database at the same moment.
 */
export const batchChunkRows = 50;

interface Prepared {
  row: number;
  fields: Record<string, unknown>;
  terms: ContractTerms;
  number: string;
  /** What the job still needs of the rendered draft once it is sealed (not its bytes: 50 drafts of ~160 KB each). */
  rendered: Pick<RenderedDocument, 'signatureSlots' | 'pageCount'>;
  /** The sealed file, its SHA-256 and (priorSha256) the unsealed draft's, as the seal hashed them. */
  sealed: SignedPdf & { certificateSerial: string };
  signingTime: Date;
}

export interface BatchJob {
  batchId: string;
  rows: number[];
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}
const batchFieldsColumn = 'BatchRow.fields';

/** The columns a chunk writes with one INSERT per table (see insertRows); ids are made here, as Prisma makes them. */
const chunkTables = {
  contract: {
    id: 'uuid', number: 'text', employerId: 'uuid', workerId: 'uuid', templateId: 'text', templateVersion: 'text', fieldsCipher: 'bytea',
    status: { enum: 'ContractStatus' }, employmentForm: 'text', termType: 'text', startDate: 'date', endDate: 'date', probationEnd: 'date',
    monthlyWage: 'numeric', regionCode: 'text', batchId: 'uuid', batchRow: 'int', revision: 'int', createdAt: 'timestamp', updatedAt: 'timestamp',
  },
  document: { id: 'uuid', contractId: 'uuid', kind: { enum: 'DocumentKind' }, objectKey: 'text', versionId: 'text', sha256: 'text', size: 'int', contentType: 'text', signatureSlots: 'jsonb', createdAt: 'timestamp' },
  signature: { id: 'uuid', contractId: 'uuid', documentId: 'uuid', role: 'text', fieldName: 'text', signerName: 'text', certificateSerial: 'text', signedAt: 'timestamp', timestampAt: 'timestamp', createdAt: 'timestamp' },
  signingLink: { id: 'uuid', contractId: 'uuid', tokenHash: 'text', expiresAt: 'timestamp', createdAt: 'timestamp' },
} satisfies Record<string, ColumnSpec>;
const systemActor: Actor = { kind: 'system', id: 'batch-worker' };

export interface BatchRequest {
  templateId: string;
  shared: Record<string, unknown>;
  /** Each row with the number the submitter knows it by (JSON: 1-based index; sheet: sheet row). */
  rows: { row: number; values: Record<string, unknown> }[];
  allOrNothing: boolean;
  send: boolean;
  source?: 'json' | 'csv' | 'xlsx';
  /** How a field is named to the submitter (a sheet's Chinese column header). */
  fieldName?: (path: string) => string;
}

export interface RowError {
  row: number;
  field: string;
  rule: string;
  message: string;
  messageZh?: string;
}

export interface SheetUpload {
  templateId: string;
  format: 'csv' | 'xlsx';
  data: Uint8Array;
  allOrNothing: boolean;
  send: boolean;
}

/** Row values over the shared ones; nested objects (worker, wage…) merge one level deep. */
export function rowFields(shared: Record<string, unknown>, row: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...shared };
  for (const [key, value] of Object.entries(row)) {
    const base = merged[key];
    merged[key] = value && typeof value === 'object' && !Array.isArray(value) && base && typeof base === 'object' && !Array.isArray(base) ? { ...base, ...value } : value;
  }
  return merged;
}

/**
 * The characters of every text value (at any depth) that all of a chunk's rows share: a batch's
 * shared values and its employer, typically. The renderer subsets them once for the chunk
 * (TemplateRenderRequest.commonText). A chunk of one row has nothing in common with another.
 */
export function commonText(rows: Record<string, unknown>[]): string {
  if (rows.length < 2) return '';
  const leaves = (value: unknown, path: string, into: Map<string, string>) => {
    if (typeof value === 'string') into.set(path, value);
    else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) leaves(inner, `${path}.${key}`, into);
  };
  const common = new Map<string, string>();
  leaves(rows[0], '', common);
  for (const row of rows.slice(1)) {
    const values = new Map<string, string>();
    leaves(row, '', values);
    for (const [path, value] of common) if (values.get(path) !== value) common.delete(path);
  }
  // Sorted and without repeats: the same characters in any order are the same subset.
  return [...new Set([...common.values()].join(''))].sort().join('');
}

/** This attempt's lease on its rows was taken by a later attempt of the same job. */
class LeaseLost extends Error {
  constructor() {
    super('a later attempt of this batch job holds its rows');
  }
}

/** Points where a test interleaves two attempts of one job deterministically (no timing). */
export interface BatchHooks {
  /** After rendering and sealing, before the object keys are written ahead. */
  beforeWriteAhead?: (attempt: string) => Promise<void>;
  /** After the objects are stored, before the recording transaction. */
  beforeRecord?: (attempt: string) => Promise<void>;
}

export class BatchService {
  readonly hooks: BatchHooks = {};

  constructor(
    private readonly deps: { db: Db; crypto: FieldCrypto; queue: JobSender; contracts: ContractService; sealing: SealingService; workerSigning: WorkerSigningService; sealAuthorisations: SealAuthorisations; templates: TemplateCatalog; archive: ObjectArchive; outbox: Outbox },
  ) {}

  private template(templateId: string) {
    const template = this.deps.templates.get(templateId);
    if (!template || template.internal) throw Problem.badRequest([{ field: 'templateId', in: 'query', rule: 'template_exists', message: `no template ${templateId}`, messageZh: `没有模板 ${templateId}` }]);
    // 续订/变更/证明书 belong to one existing contract each; a batch creates new contracts.
    if (!template.toContractTerms(template.example)) throw Problem.badRequest([{ field: 'templateId', in: 'query', rule: 'contract_template', message: 'a batch creates contracts; this template is issued by its own workflow', messageZh: '批量签署只适用于劳动合同类模板' }]);
    return template;
  }

  /** A template's batch columns (Chinese headers, types, choices). */
  columns(templateId: string): SheetColumn[] {
    return sheetColumns(this.template(templateId).fieldsSchema);
  }

  /** A sheet to fill: the headers, the template's example as the first row, and (XLSX) a sheet explaining each column. */
  async exampleSheet(templateId: string, format: 'csv' | 'xlsx'): Promise<Uint8Array> {
    const template = this.template(templateId);
    const columns = sheetColumns(template.fieldsSchema);
    const header = columns.map((c) => c.header);
    const example = columns.map((c) => cellText(c, valueAt(template.example, c.path)));
    if (format === 'csv') return Buffer.from(toCsv([header, example]), 'utf8');
    const typeNames = { text: '文本', number: '数字', integer: '整数', boolean: '是/否', date: '日期 YYYY-MM-DD', choice: '选项' };
    const guide = [
      ['列名', '字段', '类型', '必填', '可填的值', '说明'],
      ...columns.map((c) => [c.header, c.path, typeNames[c.type], c.required ? '是' : '否', c.choices?.map((o) => o.label).join('、') ?? '', c.description ?? '']),
    ];
    return writeXlsx([
      { name: template.title, rows: [header, example], textColumns: columns.flatMap((c, i) => (c.type === 'text' || c.type === 'date' ? [i] : [])), widths: columns.map((c) => Math.max(12, c.header.length * 2 + 2)) },
      { name: '填写说明', rows: guide, widths: [22, 28, 16, 18, 40, 60] },
    ]);
  }

  /** A CSV or XLSX sheet of rows: headers must be known columns; cells convert to fields, then rows go as in submit. */
  async submitSheet(organisation: Organisation, upload: SheetUpload, idempotencyKey: string | undefined, actor: Actor) {
    const columns = this.columns(upload.templateId);
    const { header, records } = upload.format === 'xlsx' ? await readXlsx(upload.data) : csvRecords(Buffer.from(upload.data).toString('utf8'));
    const unknown = unknownHeaders(columns, header);
    if (unknown.length) {
      throw Problem.badRequest(unknown.map((name) => ({ field: name, in: 'body', rule: 'column_known', message: `unknown column ${name}; see the example sheet for this template`, messageZh: `无法识别的列“${name}”，请参照该模板的示例表格` })));
    }
    if (!records.length) throw Problem.badRequest([{ field: 'body', in: 'body', rule: 'rows_present', message: 'the sheet has no data rows', messageZh: '表格中没有数据行' }]);
    const { rows, errors } = rowsFromSheet(columns, records);
    return this.submit(organisation, { templateId: upload.templateId, shared: {}, rows, allOrNothing: upload.allOrNothing, send: upload.send, source: upload.format, fieldName: (path) => columns.find((c) => c.path === path.replace(/^fields\./, ''))?.header ?? path }, idempotencyKey, actor, errors);
  }

  async submit(organisation: Organisation, request: BatchRequest, idempotencyKey: string | undefined, actor: Actor, cellErrors: RowError[] = []) {
    const { db, crypto } = this.deps;
    if (idempotencyKey) {
      const existing = await db.batch.findUnique({ where: { organisationId_idempotencyKey: { organisationId: organisation.id, idempotencyKey } } });
      if (existing) return { batch: existing, errors: existing.rejected as unknown as RowError[], replayed: true };
    }
    this.template(request.templateId);
    await this.deps.sealAuthorisations.covering(organisation, request.templateId, new Date(), 'templateId');
    const errors: RowError[] = [...cellErrors];
    const valid: { row: number; fields: Record<string, unknown> }[] = [];
    const checked = await this.deps.contracts.checkMany(organisation, request.templateId, request.rows.map(({ row, values }) => ({ row, fields: rowFields(request.shared, values) })));
    for (const result of checked) {
      const problem = 'problem' in result ? result.problem : result.violations.some((v) => v.severity === 'error') ? violationProblem(result.violations) : undefined;
      if (!problem) {
        valid.push({ row: result.row, fields: (result as { fields: Record<string, unknown> }).fields });
        continue;
      }
      for (const error of problem.errors ?? [{ field: 'row', rule: problem.slug, message: problem.detail ?? problem.title }]) {
        errors.push({ row: result.row, field: request.fieldName?.(error.field) ?? error.field, rule: error.rule, message: error.message, ...(error.messageZh ? { messageZh: error.messageZh } : {}) });
      }
    }
    errors.sort((a, b) => a.row - b.row);
    if ((request.allOrNothing && errors.length) || !valid.length) {
      const refused = new Set(errors.map((e) => e.row)).size;
      throw new Problem(422, 'batch-invalid', valid.length ? 'Some rows are invalid' : 'No row is valid', `${refused} row(s) are invalid; nothing was created.`, [
        { field: 'rows', in: 'body', rule: valid.length ? 'all_valid' : 'any_valid', message: `${refused} row(s) are invalid; see rowErrors`, messageZh: `${refused} 行未通过校验，未生成任何合同；请按 rowErrors 修改后重新提交` },
      ], { rowErrors: errors });
    }
    const jobs: { data: BatchJob; singletonKey: string }[] = [];
    try {
      const batch = await db.$transaction(
        async (tx) => {
          const created = await tx.batch.create({
            data: { organisationId: organisation.id, templateId: request.templateId, rowCount: valid.length, idempotencyKey: idempotencyKey ?? null, status: request.send ? 'running-send' : 'running', rejected: errors as object[], source: request.source ?? 'json' },
          });
          // In slices: one statement for 10,000 rows would hold them all in memory several times over.
          const updatedAt = new Date();
          for (let i = 0; i < valid.length; i += 1000) {
            const rows = valid.slice(i, i + 1000).map(({ row, fields }) => ({ batchId: created.id, row, fieldsCipher: crypto.encryptJson(fields, batchFieldsColumn), status: 'pending', updatedAt }));
            await insertRows(tx, 'BatchRow', { batchId: 'uuid', row: 'int', fieldsCipher: 'bytea', status: 'text', updatedAt: 'timestamp' }, rows);
          }
          await appendAudit(tx, { chain: `organisation:${organisation.id}`, type: 'batch.submitted', actor, data: { batchId: created.id, rows: valid.length, rejected: new Set(errors.map((e) => e.row)).size, source: request.source ?? 'json' } });
          for (let i = 0; i < valid.length; i += batchChunkRows) {
            const rows = valid.slice(i, i + batchChunkRows).map((v) => v.row);
            jobs.push({ data: { batchId: created.id, rows }, singletonKey: `${created.id}:${rows[0]}` });
          }
          // The jobs commit with the rows: a crash after this transaction cannot strand a batch without work.
          await this.deps.queue.sendMany(batchQueueName, jobs, sqlExecutorOf(tx));
          return created;
        },
        { timeout: 120_000, maxWait: 30_000 },
      );
      return { batch, errors, replayed: false };
    } catch (error) {
      // The same Idempotency-Key submitted twice at once: the other submission won; answer with it.
      const raced = idempotencyKey && (await db.batch.findUnique({ where: { organisationId_idempotencyKey: { organisationId: organisation.id, idempotencyKey } } }));
      if (raced) return { batch: raced, errors: raced.rejected as unknown as RowError[], replayed: true };
      throw error;
    }
  }

  /**
   * One attempt at a job: a chunk of rows taken from render to sealed (and sent) contracts.
   * Rows are rendered and sealed in memory, their object keys written ahead, the objects stored,
   * and everything recorded in one transaction, so a worker killed at any point leaves either a
   * finished chunk or one the retry redoes from the start (removing objects it never recorded).
   *
   * A job that outlives its timeout is handed to another worker while the first may still run,
   * so each attempt first takes the rows' lease (`BatchRow.attemptId`); its write-ahead and its
   * recording go through only while it still holds it (checked under the rows' locks). An
   * attempt that lost its lease stops quietly and removes what it stored: its retry owns the rows.
   */
  async processChunk(job: BatchJob, attempt: string = uuidv7()): Promise<void> {
    try {
      await this.attemptChunk(job, attempt);
    } catch (error) {
      if (!(error instanceof LeaseLost)) throw error;
    }
  }

  private async attemptChunk({ batchId, rows }: BatchJob, attempt: string): Promise<void> {
    const { db, crypto, archive, contracts, sealing, workerSigning } = this.deps;
    const batch = await db.batch.findUnique({ where: { id: batchId }, include: { organisation: true } });
    if (!batch) return;
    // Taking the lease. A recording that holds these rows (locked, below) commits first and
    // leaves them done, so they are not taken; an earlier attempt that did not record yet never
    // will, so the keys it wrote ahead name objects nobody can record any more.
    let pending = await db.$queryRaw<{ row: number; objectKey: string | null; fieldsCipher: Uint8Array }[]>`
      update "BatchRow" set "attemptId" = ${attempt}::uuid
      where "batchId" = ${batchId}::uuid and row = any(${rows}::int[]) and status = 'pending'
      returning row, "objectKey", "fieldsCipher"`;
    pending.sort((a, b) => a.row - b.row);
    // A row whose contract exists is finished, whatever its mark says: never a second contract.
    const existing = await db.contract.findMany({ where: { batchId, batchRow: { in: pending.map((r) => r.row) } }, select: { batchRow: true } });
    if (existing.length) {
      await db.batchRow.updateMany({ where: { batchId, row: { in: existing.map((c) => c.batchRow!) } }, data: { status: 'done' } });
      pending = pending.filter((r) => !existing.some((c) => c.batchRow === r.row));
    }
    if (!pending.length) return;
    await removeUnrecorded(this.deps.db, this.deps.archive, pending.flatMap((r) => (r.objectKey ? [r.objectKey] : [])));
    const organisation = batch.organisation;
    const send = batch.status === 'running-send';
    const failures: { row: number; error: string }[] = [];
    // Kept in Chinese where the problem has it: the error report goes to an HR office.
    const refuse = (row: number, error: Problem) => failures.push({ row, error: (error.errors?.find((e) => e.messageZh)?.messageZh ?? `${error.title}: ${error.detail ?? ''}`).slice(0, 500) });

    const template = this.deps.templates.get(batch.templateId);
    let authorisationId: string | undefined;
    try {
      if (!template) throw Problem.badRequest([{ field: 'templateId', in: 'body', rule: 'template_exists', message: `template ${batch.templateId} is no longer available` }]);
      authorisationId = (await this.deps.sealAuthorisations.covering(organisation, batch.templateId)).id;
    } catch (error) {
      // Refusals (a revoked authorisation, a withdrawn template) will not pass on retry.
      if (!(error instanceof Problem) || error.status >= 500) throw error;
      for (const item of pending) refuse(item.row, error);
      await this.recordFailures(batchId, attempt, failures);
      return;
    }

    const seal = await sealing.sealer(organisation);
    const createdAt = new Date();
    const prepared: Prepared[] = [];
    const rowsFields = pending.map((item) => crypto.decryptJson<Record<string, unknown>>(item.fieldsCipher, batchFieldsColumn));
    const shared = commonText(rowsFields);
    for (const [index, item] of pending.entries()) {
      try {
        const fields = rowsFields[index]!;
        const terms = template!.toContractTerms(fields)!;
        const number = newContractNumber(createdAt);
        const { written, ...rendered } = await contracts.renderChecked({ template: template!, fields, documentNumber: number, createdAt, commonText: shared });
        const signingTime = new Date();
        // The seal appends to the renderer's document instead of parsing the PDF; nothing keeps it after.
        const sealed = await seal(rendered.pdf, rendered.signatureSlots, signingTime, written);
        prepared.push({ row: item.row, fields, terms, number, rendered: { signatureSlots: rendered.signatureSlots, pageCount: rendered.pageCount }, sealed, signingTime });
      } catch (error) {
        if (!(error instanceof Problem) || error.status >= 500) throw error;
        refuse(item.row, error);
      }
    }

    await this.hooks.beforeWriteAhead?.(attempt);
    // Write-ahead: the keys are on record before any object exists, and only while this attempt
    // holds the lease (a retry that took it may already have cleaned up: nothing may follow).
    const keys = prepared.map((p) => keyForDigest(p.sealed.sha256));
    const written = await db.$executeRaw`update "BatchRow" as r set "objectKey" = v.key from unnest(${prepared.map((p) => p.row)}::int[], ${keys}::text[]) as v(row, key)
      where r."batchId" = ${batchId}::uuid and r.row = v.row and r."attemptId" = ${attempt}::uuid and r.status = 'pending'`;
    if (written !== prepared.length) throw new LeaseLost();
    const stored = await mapLimited(prepared, 4, (p) => archive.put(p.sealed.pdf, { contentType: 'application/pdf', fresh: true, sha256: p.sealed.sha256 }));

    const sealedState = requireTransition('draft', 'seal');
    const finalState = send ? requireTransition(sealedState, 'send') : sealedState;
    await this.hooks.beforeRecord?.(attempt);
    const recording = db.$transaction(
      async (tx) => {
        // The fence: the rows stay this attempt's until commit (a retry's lease waits on these locks).
        const mine = [...prepared.map((p) => p.row), ...failures.map((f) => f.row)];
        const held = await tx.$queryRaw<{ row: number }[]>`select row from "BatchRow" where "batchId" = ${batchId}::uuid and row = any(${mine}::int[]) and "attemptId" = ${attempt}::uuid and status = 'pending' for update`;
        if (held.length !== mine.length) throw new LeaseLost();
        if (prepared.length) {
          await registerTemplateVersion(tx, template!);
          const workerIds = await upsertWorkers(tx, crypto, prepared.map((p) => p.terms.worker));
          const contractIds = prepared.map(() => uuidv7());
          const documentIds = prepared.map(() => uuidv7());
          const contractOf = new Map(prepared.map((p, i) => [p.row, contractIds[i]!]));
          await insertRows(
            tx,
            'Contract',
            chunkTables.contract,
            prepared.map((p, i) => ({
              id: contractIds[i],
              ...contractRecord(crypto, organisation, template!, p.fields, p.terms, { number: p.number, workerId: workerIds[i]!, createdAt }),
              status: finalState,
              revision: send ? 2 : 1,
              batchId,
              batchRow: p.row,
              updatedAt: createdAt,
            })),
          );
          await insertRows(
            tx,
            'Document',
            chunkTables.document,
            prepared.map((p, i) => ({ id: documentIds[i], contractId: contractIds[i], kind: 'sealed', objectKey: stored[i]!.key, versionId: stored[i]!.versionId, sha256: stored[i]!.sha256, size: stored[i]!.size, contentType: 'application/pdf', signatureSlots: p.rendered.signatureSlots, createdAt })),
          );
          await insertRows(
            tx,
            'Signature',
            chunkTables.signature,
            prepared.map((p, i) => ({ id: uuidv7(), contractId: contractIds[i], documentId: documentIds[i], role: 'employer', fieldName: 'employer-seal', signerName: organisation.name, certificateSerial: p.sealed.certificateSerial, signedAt: p.signingTime, timestampAt: p.signingTime, createdAt })),
          );
          const events: AuditInput[] = [];
          const links = new Map<string, { id: string; expiresAt: Date }>();
          if (send) {
            const invitations = prepared.map((p) => ({ contractId: contractOf.get(p.row)!, ...workerSigning.invitation(organisation.name, { name: p.terms.worker.name, phone: p.terms.worker.phone! }, p.number) }));
            const rows = invitations.map((v) => ({ id: uuidv7(), contractId: v.contractId, tokenHash: v.tokenHash, expiresAt: v.expiresAt, createdAt }));
            await insertRows(tx, 'SigningLink', chunkTables.signingLink, rows);
            for (const link of rows) links.set(link.contractId, link);
            await this.deps.outbox.enqueueMany(tx, invitations.map((v) => v.message));
          }
          for (const [i, p] of prepared.entries()) {
            const contractId = contractOf.get(p.row)!;
            const base = { chain: contractId, contractId, actor: systemActor };
            events.push({ ...base, type: 'contract.created', data: { number: p.number, templateId: template!.id, templateVersion: template!.version, draftSha256: p.sealed.priorSha256, pageCount: p.rendered.pageCount, batchId, batchRow: p.row, warnings: [] } });
            events.push({ ...base, type: 'contract.sealed', data: { documentSha256: stored[i]!.sha256, certificateSerial: p.sealed.certificateSerial, authorisationId } });
            const link = links.get(contractId);
            if (link) events.push({ ...base, type: 'contract.sent', data: { linkId: link.id, expiresAt: link.expiresAt.toISOString() } });
          }
          await appendAuditMany(tx, events);
          await tx.$executeRaw`update "BatchRow" set status = 'done', "updatedAt" = ${new Date().toISOString()}::timestamp(3) where "batchId" = ${batchId}::uuid and row = any(${prepared.map((p) => p.row)}::int[])`;
        }
        for (const failure of failures) await tx.batchRow.update({ where: { batchId_row: { batchId, row: failure.row } }, data: { status: 'failed', error: failure.error, objectKey: null } });
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
    await recording.catch(async (error: unknown) => {
      // Nothing recorded (another worker finished these rows, or the database failed): our objects go.
      await removeUnrecorded(this.deps.db, this.deps.archive, stored.map((s) => s.key)).catch(() => undefined);
      throw error;
    });
  }

  /** The queue's handler: a job that fails its last attempt marks its unfinished rows failed, so the batch ends. */
  async work(job: BatchJob, attempt: { lastAttempt: boolean }): Promise<void> {
    try {
      await this.processChunk(job);
    } catch (error) {
      if (!attempt.lastAttempt) throw error;
      const message = `processing failed after every retry: ${(error as Error).message}`.slice(0, 500);
      await this.deps.db.batchRow.updateMany({ where: { batchId: job.batchId, row: { in: job.rows }, status: 'pending' }, data: { status: 'failed', error: message } });
    }
  }

  private async recordFailures(batchId: string, attempt: string, failures: { row: number; error: string }[]) {
    await this.deps.db.$transaction(async (tx) => {
      for (const failure of failures) await tx.batchRow.updateMany({ where: { batchId, row: failure.row, attemptId: attempt, status: 'pending' }, data: { status: 'failed', error: failure.error } });
    });
  }

  private async owned(organisation: Organisation, batchId: string) {
    const batch = await this.deps.db.batch.findUnique({ where: { id: batchId } });
    if (!batch || batch.organisationId !== organisation.id) throw Problem.notFound('Batch');
    return batch;
  }

  async progress(organisation: Organisation, batchId: string) {
    const { db } = this.deps;
    let batch = await this.owned(organisation, batchId);
    const counts = await db.batchRow.groupBy({ by: ['status'], where: { batchId }, _count: { _all: true } });
    const byStatus = Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Record<string, number>;
    const finished = (byStatus.done ?? 0) + (byStatus.failed ?? 0);
    const remaining = batch.rowCount - finished;
    if (remaining === 0 && !batch.finishedAt) {
      // The last row's time is the batch's end; recorded once, by whoever looks first.
      const last = await db.batchRow.aggregate({ where: { batchId }, _max: { updatedAt: true } });
      batch = await db.batch.update({ where: { id: batchId }, data: { finishedAt: last._max.updatedAt ?? new Date(), status: 'finished' } });
    }
    const until = batch.finishedAt ?? new Date();
    const seconds = Math.max(0.001, (until.getTime() - batch.createdAt.getTime()) / 1000);
    const rate = finished / seconds;
    const rejected = batch.rejected as unknown as RowError[];
    return {
      id: batch.id,
      templateId: batch.templateId,
      source: batch.source,
      createdAt: batch.createdAt.toISOString(),
      finishedAt: batch.finishedAt?.toISOString() ?? null,
      rows: batch.rowCount,
      rejectedRows: new Set(rejected.map((e) => e.row)).size,
      byStatus,
      finished: remaining === 0,
      ratePerSecond: Math.round(rate * 10) / 10,
      etaSeconds: remaining === 0 ? 0 : rate > 0 ? Math.ceil(remaining / rate) : null,
      failures: await db.batchRow.findMany({ where: { batchId, status: 'failed' }, select: { row: true, error: true }, orderBy: { row: 'asc' }, take: 100 }),
    };
  }

  /** The organisation's latest batches. */
  list(organisation: Organisation) {
    return this.deps.db.batch.findMany({
      where: { organisationId: organisation.id },
      orderBy: { createdAt: 'desc' },
      take: 50,
      select: { id: true, templateId: true, rowCount: true, source: true, createdAt: true, finishedAt: true },
    });
  }

  /** Per-row results, in row order, a page at a time. */
  async rows(organisation: Organisation, batchId: string, page: { status?: string; afterRow?: number; limit: number }) {
    await this.owned(organisation, batchId);
    const rows = await this.deps.db.batchRow.findMany({
      where: { batchId, ...(page.status ? { status: page.status } : {}), ...(page.afterRow ? { row: { gt: page.afterRow } } : {}) },
      orderBy: { row: 'asc' },
      take: page.limit,
      select: { row: true, status: true, error: true },
    });
    const contracts = await this.deps.db.contract.findMany({ where: { batchId, batchRow: { in: rows.map((r) => r.row) } }, select: { id: true, number: true, status: true, batchRow: true } });
    const byRow = new Map(contracts.map((c) => [c.batchRow!, c]));
    return {
      items: rows.map((r) => ({ row: r.row, status: r.status, error: r.error, contractId: byRow.get(r.row)?.id ?? null, contractNumber: byRow.get(r.row)?.number ?? null, contractStatus: byRow.get(r.row)?.status ?? null })),
      nextAfterRow: rows.length === page.limit ? rows.at(-1)!.row : null,
    };
  }

  /** Every problem of the batch as a sheet: rows refused at submission, then rows that failed while worked. */
  async errorReport(organisation: Organisation, batchId: string): Promise<string> {
    const batch = await this.owned(organisation, batchId);
    const failed = await this.deps.db.batchRow.findMany({ where: { batchId, status: 'failed' }, select: { row: true, error: true }, orderBy: { row: 'asc' } });
    const rejected = batch.rejected as unknown as RowError[];
    return toCsv([
      ['行号', '列', '规则', '问题说明', 'Problem', '阶段'],
      ...rejected.map((e) => [String(e.row), e.field, e.rule, e.messageZh ?? e.message, e.message, '提交校验未通过（未创建合同）']),
      ...failed.map((f) => [String(f.row), '', 'processing', f.error ?? '', f.error ?? '', '处理失败']),
    ]);
  }
}
