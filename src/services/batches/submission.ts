/**
 * Submitting a batch: every row validated first (all its problems reported with the row number);
 * valid rows recorded with the batch in one transaction, together with their jobs on the shared
 * queue. An Idempotency-Key answers a repeated submission with the batch it made.
 */
import { insertRows } from '../../db/bulk-insert.ts';
import { sqlExecutorOf, type Db } from '../../db/client.ts';
import type { Organisation } from '../../generated/prisma/client.ts';
import { Problem } from '../../problem.ts';
import type { FieldCrypto } from '../../security/field-crypto.ts';
import { rowsFromSheet, unknownHeaders } from '../../sheets/batch-sheet.ts';
import { csvRecords } from '../../sheets/csv.ts';
import { readXlsx } from '../../sheets/xlsx.ts';
import type { JobSender } from '../../support/jobs.ts';
import type { Actor, AuditLog } from '../audit.ts';
import { violationProblem, type ContractService } from '../contracts.ts';
import type { SealAuthorisations } from '../seal-authorisations.ts';
import type { BatchSheets } from './sheets.ts';
import { batchChunkRows, batchFieldsColumn, batchQueueName, rejectedRows, rowFields, type BatchJob, type BatchRequest, type RowError, type SheetUpload } from './rows.ts';

export class BatchSubmission {
  constructor(private readonly deps: { db: Db; audit: AuditLog; crypto: FieldCrypto; queue: JobSender; contracts: ContractService; sealAuthorisations: SealAuthorisations; sheets: BatchSheets }) {}

  /** A CSV or XLSX sheet of rows: headers must be known columns; cells convert to fields, then rows go as in submit. */
  async submitSheet(organisation: Organisation, upload: SheetUpload, idempotencyKey: string | undefined, actor: Actor) {
    const columns = this.deps.sheets.columns(upload.templateId);
    const { header, records } = upload.format === 'xlsx' ? await readXlsx(upload.data) : csvRecords(Buffer.from(upload.data).toString('utf8'));
    const unknown = unknownHeaders(columns, header);
    if (unknown.length) {
      throw Problem.badRequest(
        unknown.map((name) => ({
          field: name,
          in: 'body',
          rule: 'column_known',
          message: `unknown column ${name}; see the example sheet for this template`,
          messageZh: `无法识别的列“${name}”，请参照该模板的示例表格`,
        })),
      );
    }
    if (!records.length) throw Problem.badRequest([{ field: 'body', in: 'body', rule: 'rows_present', message: 'the sheet has no data rows', messageZh: '表格中没有数据行' }]);
    const { rows, errors } = rowsFromSheet(columns, records);
    return this.submit(
      organisation,
      {
        templateId: upload.templateId,
        shared: {},
        rows,
        allOrNothing: upload.allOrNothing,
        send: upload.send,
        source: upload.format,
        fieldName: (path) => columns.find((c) => c.path === path.replace(/^fields\./, ''))?.header ?? path,
      },
      idempotencyKey,
      actor,
      errors,
    );
  }

  async submit(organisation: Organisation, request: BatchRequest, idempotencyKey: string | undefined, actor: Actor, cellErrors: RowError[] = []) {
    const { db, crypto } = this.deps;
    if (idempotencyKey) {
      const existing = await db.batch.findUnique({ where: { organisationId_idempotencyKey: { organisationId: organisation.id, idempotencyKey } } });
      if (existing) return { batch: existing, errors: rejectedRows(existing.rejected), replayed: true };
    }
    this.deps.sheets.template(request.templateId);
    await this.deps.sealAuthorisations.covering(organisation, request.templateId, new Date(), 'templateId');
    const errors: RowError[] = [...cellErrors];
    const valid: { row: number; fields: Record<string, unknown> }[] = [];
    const checked = await this.deps.contracts.checkMany(
      organisation,
      request.templateId,
      request.rows.map(({ row, values }) => ({ row, fields: rowFields(request.shared, values) })),
    );
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
      throw new Problem(
        422,
        'batch-invalid',
        valid.length ? 'Some rows are invalid' : 'No row is valid',
        `${refused} row(s) are invalid; nothing was created.`,
        [
          {
            field: 'rows',
            in: 'body',
            rule: valid.length ? 'all_valid' : 'any_valid',
            message: `${refused} row(s) are invalid; see rowErrors`,
            messageZh: `${refused} 行未通过校验，未生成任何合同；请按 rowErrors 修改后重新提交`,
          },
        ],
        { rowErrors: errors },
      );
    }
    const jobs: { data: BatchJob; singletonKey: string }[] = [];
    try {
      const batch = await db.$transaction(
        async (tx) => {
          const created = await tx.batch.create({
            data: {
              organisationId: organisation.id,
              templateId: request.templateId,
              rowCount: valid.length,
              idempotencyKey: idempotencyKey ?? null,
              status: request.send ? 'running-send' : 'running',
              rejected: errors as object[],
              source: request.source ?? 'json',
            },
          });
          // In slices: one statement for 10,000 rows would hold them all in memory several times over.
          const updatedAt = new Date();
          for (let i = 0; i < valid.length; i += 1000) {
            const rows = valid.slice(i, i + 1000).map(({ row, fields }) => ({ batchId: created.id, row, fieldsCipher: crypto.encryptJson(fields, batchFieldsColumn), status: 'pending', updatedAt }));
            await insertRows(tx, 'BatchRow', { batchId: 'uuid', row: 'int', fieldsCipher: 'bytea', status: 'text', updatedAt: 'timestamp' }, rows);
          }
          await this.deps.audit.append(tx, {
            chain: `organisation:${organisation.id}`,
            type: 'batch.submitted',
            actor,
            data: { batchId: created.id, rows: valid.length, rejected: new Set(errors.map((e) => e.row)).size, source: request.source ?? 'json' },
          });
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
      if (raced) return { batch: raced, errors: rejectedRows(raced.rejected), replayed: true };
      throw error;
    }
  }
}
