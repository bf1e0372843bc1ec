/**
 * Bulk batches: one template, shared values and many rows. Every row is validated first
 * (all its problems reported with the row number); valid rows are recorded with the batch in
 * one transaction and become jobs on the shared queue. A job takes its row through idempotent
 * steps — create (unique per batch and row), seal under the employer's authorisation, send —
 * so a worker killed at any point leaves nothing doubled and the retry finishes the row.
 */
import type { Db } from '../db/client.ts';
import type { Organisation } from '../generated/prisma/client.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { Problem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import { appendAudit, type Actor } from './audit.ts';
import { violationProblem, type ContractService } from './contracts.ts';
import type { SealAuthorisations } from './seal-authorisations.ts';
import type { SealingService } from './sealing.ts';
import { cellText, rowsFromSheet, sheetColumns, unknownHeaders, valueAt, type SheetColumn } from '../sheets/batch-sheet.ts';
import { csvRecords, toCsv } from '../sheets/csv.ts';
import { readXlsx, writeXlsx } from '../sheets/xlsx.ts';
import type { TemplateCatalog } from '../templates/catalog.ts';
import type { WorkerSigningService } from './worker-signing.ts';

export const batchQueueName = 'batch-contract';
const batchFieldsColumn = 'BatchRow.fields';
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

export class BatchService {
  constructor(
    private readonly deps: { db: Db; crypto: FieldCrypto; queue: JobQueue; contracts: ContractService; sealing: SealingService; workerSigning: WorkerSigningService; sealAuthorisations: SealAuthorisations; templates: TemplateCatalog },
  ) {}

  private template(templateId: string) {
    const template = this.deps.templates.get(templateId);
    if (!template) throw Problem.badRequest([{ field: 'templateId', in: 'query', rule: 'template_exists', message: `no template ${templateId}`, messageZh: `没有模板 ${templateId}` }]);
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
    await this.deps.sealAuthorisations.covering(organisation, request.templateId);
    const errors: RowError[] = [...cellErrors];
    const valid: { row: number; fields: Record<string, unknown> }[] = [];
    for (const { row, values } of request.rows) {
      try {
        const { fields, violations } = await this.deps.contracts.check(organisation, { templateId: request.templateId, fields: rowFields(request.shared, values) });
        if (violations.some((v) => v.severity === 'error')) throw violationProblem(violations);
        valid.push({ row, fields });
      } catch (error) {
        if (!(error instanceof Problem) || error.status >= 500) throw error;
        for (const problem of error.errors ?? [{ field: 'row', rule: error.slug, message: error.detail ?? error.title }]) errors.push({ row, field: request.fieldName?.(problem.field) ?? problem.field, rule: problem.rule, message: problem.message, ...(problem.messageZh ? { messageZh: problem.messageZh } : {}) });
      }
    }
    errors.sort((a, b) => a.row - b.row);
    if (request.allOrNothing && errors.length) throw new Problem(422, 'batch-invalid', 'Some rows are invalid', `${new Set(errors.map((e) => e.row)).size} row(s) are invalid; nothing was created.`, [], { rowErrors: errors });
    if (!valid.length) throw new Problem(422, 'batch-invalid', 'No row is valid', 'Every row is invalid; nothing was created.', [], { rowErrors: errors });
    const batch = await db.$transaction(async (tx) => {
      const created = await tx.batch.create({
        data: { organisationId: organisation.id, templateId: request.templateId, rowCount: valid.length, idempotencyKey: idempotencyKey ?? null, status: request.send ? 'running-send' : 'running', rejected: errors as object[], source: request.source ?? 'json' },
      });
      await tx.batchRow.createMany({ data: valid.map(({ row, fields }) => ({ batchId: created.id, row, fieldsCipher: crypto.encryptJson(fields, batchFieldsColumn) })) });
      await appendAudit(tx, { chain: `organisation:${organisation.id}`, type: 'batch.submitted', actor, data: { batchId: created.id, rows: valid.length, rejected: new Set(errors.map((e) => e.row)).size, source: request.source ?? 'json' } });
      return created;
    });
    await this.deps.queue.sendMany(batchQueueName, valid.map(({ row }) => ({ data: { batchId: batch.id, row }, singletonKey: `${batch.id}:${row}` })));
    return { batch, errors, replayed: false };
  }

  /** One row's job: every step checks what is already done, so a retry resumes where it stopped. */
  async processRow({ batchId, row }: { batchId: string; row: number }): Promise<void> {
    const { db, crypto, contracts, sealing, workerSigning } = this.deps;
    const item = await db.batchRow.findUnique({ where: { batchId_row: { batchId, row } }, include: { batch: { include: { organisation: true } } } });
    if (!item || item.status === 'done' || item.status === 'failed') return;
    const { batch } = item;
    const organisation = batch.organisation;
    try {
      let contract = await db.contract.findUnique({ where: { batchId_batchRow: { batchId, batchRow: row } } });
      if (!contract) {
        const fields = crypto.decryptJson<Record<string, unknown>>(item.fieldsCipher, batchFieldsColumn);
        try {
          contract = (await contracts.create(organisation, { templateId: batch.templateId, fields }, { actor: systemActor }, { id: batchId, row })).contract;
        } catch (error) {
          // Another worker created this row's contract first: continue with theirs.
          contract = await db.contract.findUnique({ where: { batchId_batchRow: { batchId, batchRow: row } } });
          if (!contract) throw error;
        }
      }
      if (contract.status === 'draft') {
        const authorisation = await this.deps.sealAuthorisations.covering(organisation, batch.templateId);
        await sealing.seal(organisation, contract.id, { actor: systemActor, authorisationId: authorisation.id }).catch(async (error: unknown) => {
          if ((await db.contract.findUniqueOrThrow({ where: { id: contract!.id } })).status === 'draft') throw error;
        });
      }
      const current = await db.contract.findUniqueOrThrow({ where: { id: contract.id } });
      if (batch.status === 'running-send' && current.status === 'sealed') await workerSigning.send(organisation, contract.id, { actor: systemActor });
      await db.batchRow.update({ where: { batchId_row: { batchId, row } }, data: { status: 'done', contractId: contract.id } });
    } catch (error) {
      // Refusals (a revoked authorisation, a changed template) will not pass on retry.
      if (error instanceof Problem && error.status < 500) {
        await db.batchRow.update({ where: { batchId_row: { batchId, row } }, data: { status: 'failed', error: `${error.title}: ${error.detail ?? ''}`.slice(0, 500) } });
        return;
      }
      throw error;
    }
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

  /** Per-row results, in row order, a page at a time. */
  async rows(organisation: Organisation, batchId: string, page: { status?: string; afterRow?: number; limit: number }) {
    await this.owned(organisation, batchId);
    const rows = await this.deps.db.batchRow.findMany({
      where: { batchId, ...(page.status ? { status: page.status } : {}), ...(page.afterRow ? { row: { gt: page.afterRow } } : {}) },
      orderBy: { row: 'asc' },
      take: page.limit,
      select: { row: true, status: true, error: true, contractId: true, updatedAt: true },
    });
    const contracts = await this.deps.db.contract.findMany({ where: { id: { in: rows.flatMap((r) => (r.contractId ? [r.contractId] : [])) } }, select: { id: true, number: true, status: true } });
    const byId = new Map(contracts.map((c) => [c.id, c]));
    return {
      items: rows.map((r) => ({ row: r.row, status: r.status, error: r.error, contractId: r.contractId, contractNumber: r.contractId ? byId.get(r.contractId)?.number ?? null : null, contractStatus: r.contractId ? byId.get(r.contractId)?.status ?? null : null })),
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
