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
import type { WorkerSigningService } from './worker-signing.ts';

export const batchQueueName = 'batch-contract';
const batchFieldsColumn = 'BatchRow.fields';
const systemActor: Actor = { kind: 'system', id: 'batch-worker' };

export interface BatchRequest {
  templateId: string;
  shared: Record<string, unknown>;
  rows: Record<string, unknown>[];
  allOrNothing: boolean;
  send: boolean;
}

export interface RowError {
  row: number;
  field: string;
  rule: string;
  message: string;
  messageZh?: string;
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
    private readonly deps: { db: Db; crypto: FieldCrypto; queue: JobQueue; contracts: ContractService; sealing: SealingService; workerSigning: WorkerSigningService; sealAuthorisations: SealAuthorisations },
  ) {}

  async submit(organisation: Organisation, request: BatchRequest, idempotencyKey: string | undefined, actor: Actor) {
    const { db, crypto } = this.deps;
    if (idempotencyKey) {
      const existing = await db.batch.findUnique({ where: { organisationId_idempotencyKey: { organisationId: organisation.id, idempotencyKey } } });
      if (existing) return { batch: existing, errors: [] as RowError[], replayed: true };
    }
    await this.deps.sealAuthorisations.covering(organisation, request.templateId);
    const errors: RowError[] = [];
    const valid: { row: number; fields: Record<string, unknown> }[] = [];
    for (const [index, values] of request.rows.entries()) {
      const row = index + 1;
      try {
        const { fields, violations } = await this.deps.contracts.check(organisation, { templateId: request.templateId, fields: rowFields(request.shared, values) });
        if (violations.some((v) => v.severity === 'error')) throw violationProblem(violations);
        valid.push({ row, fields });
      } catch (error) {
        if (!(error instanceof Problem) || error.status >= 500) throw error;
        for (const problem of error.errors ?? [{ field: 'row', rule: error.slug, message: error.detail ?? error.title }]) errors.push({ row, field: problem.field, rule: problem.rule, message: problem.message, ...(problem.messageZh ? { messageZh: problem.messageZh } : {}) });
      }
    }
    if (request.allOrNothing && errors.length) throw new Problem(422, 'batch-invalid', 'Some rows are invalid', `${new Set(errors.map((e) => e.row)).size} row(s) are invalid; nothing was created.`, [], { rowErrors: errors });
    const batch = await db.$transaction(async (tx) => {
      const created = await tx.batch.create({ data: { organisationId: organisation.id, templateId: request.templateId, rowCount: valid.length, idempotencyKey: idempotencyKey ?? null, status: request.send ? 'running-send' : 'running' } });
      await tx.batchRow.createMany({ data: valid.map(({ row, fields }) => ({ batchId: created.id, row, fieldsCipher: crypto.encryptJson(fields, batchFieldsColumn) })) });
      await appendAudit(tx, { chain: `organisation:${organisation.id}`, type: 'batch.submitted', actor, data: { batchId: created.id, rows: valid.length, rejected: errors.length } });
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

  async progress(organisation: Organisation, batchId: string) {
    const { db } = this.deps;
    const batch = await db.batch.findUnique({ where: { id: batchId } });
    if (!batch || batch.organisationId !== organisation.id) throw Problem.notFound('Batch');
    const counts = await db.batchRow.groupBy({ by: ['status'], where: { batchId }, _count: { _all: true } });
    const byStatus = Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Record<string, number>;
    const finished = (byStatus.done ?? 0) + (byStatus.failed ?? 0);
    const seconds = Math.max(0.001, (Date.now() - batch.createdAt.getTime()) / 1000);
    const rate = finished / seconds;
    const remaining = batch.rowCount - finished;
    return {
      id: batch.id,
      templateId: batch.templateId,
      rows: batch.rowCount,
      byStatus,
      finished: remaining === 0,
      ratePerSecond: Math.round(rate * 10) / 10,
      etaSeconds: remaining === 0 ? 0 : rate > 0 ? Math.ceil(remaining / rate) : null,
      failures: await db.batchRow.findMany({ where: { batchId, status: 'failed' }, select: { row: true, error: true }, orderBy: { row: 'asc' } }),
    };
  }
}
