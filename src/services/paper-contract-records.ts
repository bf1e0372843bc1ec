/** Registered paper contracts (存量合同备案) loaded as the supervision engine's contract records. */
import type { Db } from '../db/client.ts';
import type { EmploymentForm, TermType } from '../domain/contract-terms.ts';
import { paperContractKinds, paperContractRecord, type PaperContractData } from '../domain/paper-contracts.ts';
import type { ContractRecord } from '../domain/supervision/types.ts';
import type { PaperContract } from '../generated/prisma/client.ts';

/** A `@db.Date` column (stored as UTC midnight) back to its calendar date. */
export const calendarDay = (date: Date | null | undefined) => date?.toISOString().slice(0, 10);

export function paperContractData(row: PaperContract): PaperContractData {
  const kind = paperContractKinds.find((k) => k === row.kind);
  if (!kind) throw new Error(`paper contract ${row.id} has an unknown kind ${row.kind}`);
  return {
    kind,
    employmentForm: row.employmentForm as EmploymentForm,
    termType: row.termType as TermType,
    startDate: calendarDay(row.startDate)!,
    ...(row.endDate ? { endDate: calendarDay(row.endDate)! } : {}),
    signedOn: calendarDay(row.signedOn)!,
    ...(row.post ? { post: row.post } : {}),
    ...(row.monthlyWage !== null ? { monthlyWage: Number(row.monthlyWage) } : {}),
    ...(row.paperNumber ? { paperNumber: row.paperNumber } : {}),
  };
}

export async function paperContractRecords(db: Db, organisationId: string): Promise<ContractRecord[]> {
  const rows = await db.paperContract.findMany({ where: { organisationId } });
  return rows.map((row) => paperContractRecord(row.id, row.workerId, paperContractData(row)));
}
