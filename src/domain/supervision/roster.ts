/**
 * Who is employed on a day, in which form, and which contracts cover them. Every rule reads
 * the roster through these helpers so "active", "dispatched" and "signed" mean one thing.
 */
import { isEffective, type ContractState } from '../contract-lifecycle.ts';
import { isEmploymentContract } from '../labor-law/core.ts';
import type { ContractRecord, EmployerSnapshot, Headcount, RosterRecord } from './types.ts';

/** Employed on `date`: from 用工之日 through the last day of employment, both inclusive. */
export function isActiveOn(record: RosterRecord, date: string): boolean {
  return record.hireDate <= date && (record.separationDate === undefined || date <= record.separationDate);
}

/** Dispatched to this employer by an agency: the employer is the host (用工单位). */
export function isDispatchedIn(record: RosterRecord, employer: Pick<EmployerSnapshot, 'uscc'> | undefined): boolean {
  return record.employmentForm === 'dispatch' && (record.agencyUscc === undefined || record.agencyUscc !== employer?.uscc);
}

/**
 * This employer owes the worker a written contract (劳动合同法 第十条): full-time employees and,
 * for an agency, its dispatched staff (第五十八条). Part-time work may rest on an oral agreement
 * (第六十九条), and a host does not sign with workers the agency dispatches to it.
 */
export function owesWrittenContract(record: RosterRecord, employer: Pick<EmployerSnapshot, 'uscc'> | undefined): boolean {
  if (record.employmentForm === 'part_time') return false;
  return !isDispatchedIn(record, employer);
}

/** The contract was signed by both parties at some point (it may have ended since). */
export function wasSigned(status: ContractState): boolean {
  return isEffective(status) || status === 'terminated' || status === 'expired';
}

/**
 * The record is the worker's labor contract (劳动合同法 第十条): an electronic or registered paper
 * contract of employment. A 内部退养协议 and other side agreements are not, whatever their dates.
 */
export function isLaborContract(contract: Pick<ContractRecord, 'kind'>): boolean {
  return isEmploymentContract(contract);
}

/** Binds both parties on `date`: effective now, already signed then, and its term not over. */
export function bindsOn(contract: ContractRecord, date: string): boolean {
  if (!isLaborContract(contract) || !isEffective(contract.status)) return false;
  if (contract.signedAt !== undefined && contract.signedAt > date) return false;
  return contract.endDate === undefined || contract.termType !== 'fixed' || date <= contract.endDate;
}

/** Signed labor contracts of the worker that belong to this employment spell (not ended before it). */
export function signedContractsOfSpell(record: RosterRecord, contracts: readonly ContractRecord[]): ContractRecord[] {
  return contracts.filter(
    (contract) =>
      isLaborContract(contract) &&
      wasSigned(contract.status) &&
      (contract.endDate === undefined || contract.endDate >= record.hireDate) &&
      (record.separationDate === undefined || contract.startDate <= record.separationDate),
  );
}

export function headcountOn(roster: readonly RosterRecord[], employer: EmployerSnapshot, date: string): Headcount {
  const count: Headcount = { active: 0, contracted: 0, dispatchedIn: 0, partTime: 0 };
  for (const record of roster) {
    if (!isActiveOn(record, date)) continue;
    count.active += 1;
    if (record.employmentForm === 'part_time') count.partTime += 1;
    else if (isDispatchedIn(record, employer)) count.dispatchedIn += 1;
    else count.contracted += 1;
  }
  return count;
}

export interface SigningRate {
  /** Active roster lines owed a written contract (part-time and dispatched-in excluded). */
  required: number;
  /** Of those, the ones with a contract binding on the day. */
  signed: number;
  /** signed / required, between 0 and 1; undefined when nobody is owed a contract. */
  rate: number | undefined;
  unsignedWorkerKeys: string[];
}

/**
 * Share of active workers owed a written contract who have one in force on `asOf`. Without the
 * employer every dispatched worker counts as dispatched in (the host's view).
 */
export function signingRate(roster: readonly RosterRecord[], contracts: readonly ContractRecord[], asOf: string, employer?: Pick<EmployerSnapshot, 'uscc'>): SigningRate {
  const required = roster.filter((record) => isActiveOn(record, asOf) && owesWrittenContract(record, employer));
  const unsigned = required.filter((record) => !contracts.some((contract) => contract.workerKey === record.workerKey && bindsOn(contract, asOf)));
  const signed = required.length - unsigned.length;
  return {
    required: required.length,
    signed,
    rate: required.length === 0 ? undefined : signed / required.length,
    unsignedWorkerKeys: unsigned.map((record) => record.workerKey),
  };
}
