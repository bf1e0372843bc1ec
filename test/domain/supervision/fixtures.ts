/** Builders for supervision tests: one 运城 employer, roster lines and contract records. */
import { monthPeriodEnd } from '../../../src/domain/calendar.ts';
import { runSupervision } from '../../../src/domain/supervision/index.ts';
import type { Alert, ContractRecord, EmployerSnapshot, RosterRecord, SupervisionInput, SupervisionRule } from '../../../src/domain/supervision/types.ts';
import { AGENCY_USCC, YUNCHENG_EMPLOYER_USCC } from '../samples.ts';

export const EMPLOYER: EmployerSnapshot = { uscc: YUNCHENG_EMPLOYER_USCC, regionCode: '140802' };
export { AGENCY_USCC };

export function worker(workerKey: string, hireDate: string, extra: Partial<RosterRecord> = {}): RosterRecord {
  return { workerKey, employmentForm: 'labor_contract', hireDate, ...extra };
}

/** `count` workers w0001…, all hired on the same day. */
export function workers(prefix: string, count: number, hireDate: string, extra: Partial<RosterRecord> = {}): RosterRecord[] {
  return Array.from({ length: count }, (_, i) => worker(`${prefix}${String(i + 1).padStart(4, '0')}`, hireDate, extra));
}

/** A signed, delivered three-year contract signed on its start date, paying 5,000 a month. */
export function contract(workerKey: string, startDate: string, extra: Partial<ContractRecord> = {}): ContractRecord {
  return {
    contractId: `c-${workerKey}-${startDate}`,
    workerKey,
    status: 'signed',
    kind: 'labor_contract',
    employmentForm: 'labor_contract',
    termType: 'fixed',
    startDate,
    endDate: threeYearsEnd(startDate),
    signedAt: startDate,
    monthlyWage: 5000,
    deliveredToWorker: true,
    ...extra,
  };
}

function threeYearsEnd(start: string): string {
  return monthPeriodEnd(start, 36);
}

export function run(
  roster: RosterRecord[],
  contracts: ContractRecord[],
  asOf: string,
  more: { rules?: SupervisionRule[]; options?: SupervisionInput['options']; employer?: EmployerSnapshot } = {},
): Alert[] {
  return runSupervision({ employer: more.employer ?? EMPLOYER, roster, contracts, asOf, options: more.options }, more.rules);
}

export const codes = (alerts: readonly Alert[]) => alerts.map((a) => a.code).sort();
export const withCode = (alerts: readonly Alert[], code: string) => alerts.filter((a) => a.code === code);
