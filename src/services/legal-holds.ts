/**
 * Arbitration and inspection cases opened on a contract, and the S3 legal hold they put on the
 * contract's archived objects: while any case on the contract is open, every object version of
 * it is held (on an engine with object lock, it cannot be deleted even after its retention
 * ends); when the last one closes, the hold is lifted. Who opened and who closed, and whether
 * the engine placed or lifted the hold, go to the contract's audit trail.
 */
import type { Db } from '../db/client.ts';
import type { CaseKind } from '../generated/prisma/client.ts';
import { Problem } from '../problem.ts';
import type { ObjectArchive } from '../storage/archive.ts';
import type { AuditLog } from './audit.ts';
import { officialReader, type Official } from './official-access.ts';
import { loadContract } from './contract/access.ts';

export interface OfficialCaseView {
  id: string;
  kind: CaseKind;
  caseNumber: string;
  contractId: string;
  openedBy: string;
  openedAt: Date;
  closedBy: string | null;
  closedAt: Date | null;
  /** Objects of the contract under legal hold after this call, and whether the engine enforces it. */
  legalHold: { held: boolean; objects: number; enforcedByStore: boolean };
}

/**
 * Sets every archived object of the contract to held or not, as its open cases say. Placing
 * is idempotent; a failure leaves objects held (the safe direction) and is retried next time.
 */
export async function syncLegalHolds(db: Db, archive: ObjectArchive, contractId: string, options: { placeOnly?: boolean } = {}): Promise<{ held: boolean; objects: number }> {
  const held = (await db.officialCase.count({ where: { contractId, closedAt: null } })) > 0;
  // `placeOnly`: a new object of a contract (no case open: nothing to place, nothing to lift).
  if (!held && options.placeOnly) return { held, objects: 0 };
  const documents = await db.document.findMany({ where: { contractId }, select: { objectKey: true, versionId: true } });
  for (const document of documents) await archive.setLegalHold(document.objectKey, document.versionId, held);
  return { held, objects: documents.length };
}

export class LegalHolds {
  constructor(private readonly deps: { db: Db; audit: AuditLog; archive: ObjectArchive }) {}

  /** The official's role must be the case's kind: arbitration commissions open arbitration cases, inspectors inspection cases. */
  private requireKind(official: Official, kind: CaseKind) {
    if (official.role !== kind) throw Problem.forbidden(`Only ${kind} officials open or close ${kind} cases.`);
  }

  private async contractInScope(official: Official, contractId: string, caseNumber: string) {
    return loadContract(this.deps.db, officialReader(official), contractId, 'legal.case', { caseNumber });
  }

  async open(official: Official, kind: CaseKind, input: { caseNumber: string; contractId: string }): Promise<OfficialCaseView> {
    this.requireKind(official, kind);
    const { db, archive } = this.deps;
    await this.contractInScope(official, input.contractId, input.caseNumber);
    const existing = await db.officialCase.findFirst({ where: { kind, caseNumber: input.caseNumber, contractId: input.contractId, closedAt: null } });
    if (existing) {
      throw Problem.conflict(`Case ${input.caseNumber} is already open on this contract.`, [
        { field: 'caseNumber', in: 'body', rule: 'case_open', message: 'this case is already open on the contract', messageZh: '该案件已在此合同上立案' },
      ]);
    }
    // Hold first, then record: a failure between leaves objects held without a case (safe),
    // never a case whose objects are not held.
    const documents = await db.document.findMany({ where: { contractId: input.contractId }, select: { objectKey: true, versionId: true } });
    let enforced = false;
    for (const document of documents) enforced = (await archive.setLegalHold(document.objectKey, document.versionId, true)) || enforced;
    const created = await db.$transaction(async (tx) => {
      const row = await tx.officialCase.create({ data: { kind, caseNumber: input.caseNumber, contractId: input.contractId, openedBy: official.officialId } });
      await this.deps.audit.append(tx, {
        chain: input.contractId,
        contractId: input.contractId,
        type: 'archive.legal_hold_placed',
        actor: { kind: 'official', id: official.officialId },
        data: { caseId: row.id, kind, caseNumber: input.caseNumber, role: official.role, regionCode: official.regionCode, objects: documents.length, enforcedByStore: archive.objectLock },
      });
      return row;
    });
    return { ...created, legalHold: { held: true, objects: documents.length, enforcedByStore: archive.objectLock && (enforced || documents.length === 0) } };
  }

  async close(official: Official, kind: CaseKind, caseId: string): Promise<OfficialCaseView> {
    this.requireKind(official, kind);
    const { db, archive } = this.deps;
    const row = await db.officialCase.findUnique({ where: { id: caseId } });
    if (!row || row.kind !== kind) throw Problem.notFound('Case');
    await this.contractInScope(official, row.contractId, row.caseNumber);
    const closedAt = new Date();
    const closed = await db.$transaction(async (tx) => {
      // Only the first close of a case counts (two officials closing at once: one wins).
      const { count } = await tx.officialCase.updateMany({ where: { id: caseId, closedAt: null }, data: { closedAt, closedBy: official.officialId } });
      if (!count) throw Problem.conflict('The case is already closed.');
      const stillOpen = await tx.officialCase.count({ where: { contractId: row.contractId, closedAt: null } });
      await this.deps.audit.append(tx, {
        chain: row.contractId,
        contractId: row.contractId,
        type: stillOpen ? 'case.closed' : 'archive.legal_hold_lifted',
        actor: { kind: 'official', id: official.officialId },
        data: { caseId, kind, caseNumber: row.caseNumber, role: official.role, regionCode: official.regionCode, otherOpenCases: stillOpen, enforcedByStore: archive.objectLock },
      });
      return tx.officialCase.findUniqueOrThrow({ where: { id: caseId } });
    });
    // Lifted after the case is recorded closed: a failure here leaves the objects held (safe).
    const state = await syncLegalHolds(db, archive, row.contractId);
    return { ...closed, legalHold: { ...state, enforcedByStore: archive.objectLock } };
  }
}
