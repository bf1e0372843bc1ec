/**
 * The archive scrub: re-reads archived objects (by the version the database recorded) and
 * re-hashes them, so an object that went missing or changed behind the service is found before
 * anyone needs it. Each run takes the documents checked longest ago (never-checked first), as
 * many as it takes to check every document once within the period (ARCHIVE_SCRUB_PERIOD_DAYS)
 * at one run per interval. A mismatch is an ArchiveFinding row and an event in the contract's
 * audit trail.
 */
import type { Db } from '../db/client.ts';
import { IntegrityError, type ObjectArchive } from '../storage/archive.ts';
import type { AuditLog } from './audit.ts';

export interface ScrubResult {
  total: number;
  checked: number;
  bytes: number;
  findings: { documentId: string; problem: 'missing' | 'altered' }[];
  seconds: number;
}

/** Documents a run checks so that `runs per period` runs cover all `total`. */
export function scrubSampleSize(total: number, periodDays: number, intervalMinutes: number): number {
  const runs = Math.max(1, Math.floor((periodDays * 24 * 60) / intervalMinutes));
  return Math.ceil(total / runs);
}

export class ArchiveScrub {
  constructor(private readonly deps: { db: Db; audit: AuditLog; archive: ObjectArchive; periodDays: number; intervalMinutes: number; concurrency?: number }) {}

  /** One run; `limit` overrides the computed sample size (tests, the benchmark). */
  async run(options: { limit?: number; now?: Date } = {}): Promise<ScrubResult> {
    const { db, archive } = this.deps;
    const started = process.hrtime.bigint();
    const now = options.now ?? new Date();
    const total = await db.document.count();
    const take = options.limit ?? scrubSampleSize(total, this.deps.periodDays, this.deps.intervalMinutes);
    const documents = await db.document.findMany({
      orderBy: [{ checkedAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
      take,
      select: { id: true, contractId: true, objectKey: true, versionId: true, sha256: true, size: true },
    });
    const findings: ScrubResult['findings'] = [];
    const failed: { id: string; contractId: string | null; objectKey: string; versionId: string | null; error: IntegrityError }[] = [];
    let bytes = 0;
    let next = 0;
    const worker = async () => {
      while (next < documents.length) {
        const document = documents[next++]!;
        try {
          bytes += (await archive.read(document)).length;
        } catch (error) {
          if (!(error instanceof IntegrityError)) throw error;
          failed.push({ ...document, error });
          findings.push({ documentId: document.id, problem: error.problem });
        }
      }
    };
    await Promise.all(Array.from({ length: this.deps.concurrency ?? 4 }, worker));
    await db.$transaction(async (tx) => {
      await tx.document.updateMany({ where: { id: { in: documents.map((d) => d.id) } }, data: { checkedAt: now } });
      for (const f of failed) {
        await tx.archiveFinding.create({ data: { documentId: f.id, problem: f.error.problem, actualSha256: f.error.problem === 'altered' ? f.error.actual : null, at: now } });
        if (f.contractId) {
          await this.deps.audit.append(tx, {
            chain: f.contractId,
            contractId: f.contractId,
            type: 'archive.integrity_failed',
            actor: { kind: 'system' },
            data: {
              documentId: f.id,
              objectKey: f.objectKey,
              versionId: f.versionId,
              problem: f.error.problem,
              expectedSha256: f.error.expected,
              ...(f.error.problem === 'altered' ? { actualSha256: f.error.actual } : {}),
            },
          });
        }
      }
    });
    return { total, checked: documents.length, bytes, findings, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  }
}
