/** What an employer reads of its batches: progress, the latest batches, per-row results and the error report. */
import type { Db } from '../../db/client.ts';
import type { Organisation } from '../../generated/prisma/client.ts';
import { Problem } from '../../problem.ts';
import { toCsv } from '../../sheets/csv.ts';
import { rejectedRows } from './rows.ts';

export class BatchReports {
  constructor(private readonly deps: { db: Db }) {}

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
    const rejected = rejectedRows(batch.rejected);
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
      items: rows.map((r) => ({
        row: r.row,
        status: r.status,
        error: r.error,
        contractId: byRow.get(r.row)?.id ?? null,
        contractNumber: byRow.get(r.row)?.number ?? null,
        contractStatus: byRow.get(r.row)?.status ?? null,
      })),
      nextAfterRow: rows.length === page.limit ? rows.at(-1)!.row : null,
    };
  }

  /** Every problem of the batch as a sheet: rows refused at submission, then rows that failed while worked. */
  async errorReport(organisation: Organisation, batchId: string): Promise<string> {
    const batch = await this.owned(organisation, batchId);
    const failed = await this.deps.db.batchRow.findMany({ where: { batchId, status: 'failed' }, select: { row: true, error: true }, orderBy: { row: 'asc' } });
    const rejected = rejectedRows(batch.rejected);
    return toCsv([
      ['行号', '列', '规则', '问题说明', 'Problem', '阶段'],
      ...rejected.map((e) => [String(e.row), e.field, e.rule, e.messageZh ?? e.message, e.message, '提交校验未通过（未创建合同）']),
      ...failed.map((f) => [String(f.row), '', 'processing', f.error ?? '', f.error ?? '', '处理失败']),
    ]);
  }
}
