/**
 * The closed-loop supervision engine (劳动合同闭环监管): every rule over one employer's roster and
 * contracts on one day. Pure and deterministic; a daily job and on-demand requests call it.
 */
import { isIsoDate } from '../calendar.ts';
import { alert, ARTICLE } from './alerts.ts';
import { hoursApproved, mandatoryClausesPresent, probationLawful, wagesAboveMinimum } from './contract-checks.ts';
import { contractsDelivered } from './delivery.ts';
import { dispatchPostsAndTerms, dispatchShareWithinLimit } from './dispatch.ts';
import { massLayoffReported } from './layoffs.ts';
import { openEndedContractOwed, renewalNotices } from './renewal.ts';
import { headcountOn, signingRate, type SigningRate } from './roster.ts';
import type { Alert, ContractRecord, Headcount, RosterRecord, SupervisionContext, SupervisionInput, SupervisionOptions, SupervisionRule } from './types.ts';
import { writtenContractWithinOneMonth } from './written-contract.ts';

export const DEFAULT_OPTIONS: SupervisionOptions = {
  signingReminderDays: 7,
  deliveryGraceDays: 7,
  renewalNoticeDays: 30,
  layoffWindowDays: 30,
};

/** Every rule runSupervision applies, in report order. */
export const SUPERVISION_RULES: readonly SupervisionRule[] = [
  writtenContractWithinOneMonth,
  dispatchShareWithinLimit,
  dispatchPostsAndTerms,
  wagesAboveMinimum,
  probationLawful,
  massLayoffReported,
  renewalNotices,
  contractsDelivered,
  openEndedContractOwed,
  hoursApproved,
  mandatoryClausesPresent,
];

type DateField<T> = { name: string; get(record: T): string | undefined };

const ROSTER_DATES: DateField<RosterRecord>[] = [
  { name: 'hireDate', get: (r) => r.hireDate },
  { name: 'separationDate', get: (r) => r.separationDate },
];
const CONTRACT_DATES: DateField<ContractRecord>[] = [
  { name: 'startDate', get: (c) => c.startDate },
  { name: 'endDate', get: (c) => c.endDate },
  { name: 'signedAt', get: (c) => c.signedAt },
  { name: 'probation.startDate', get: (c) => c.probation?.startDate },
  { name: 'probation.endDate', get: (c) => c.probation?.endDate },
];

function badDates<T>(record: T, fields: DateField<T>[], required: string): string[] {
  return fields
    .filter(({ name, get }) => {
      const value = get(record);
      return value === undefined ? name === required : !isIsoDate(value);
    })
    .map(({ name }) => name);
}

/** Names of unusable date fields, plus a range that ends before it starts. */
function rosterProblems(record: RosterRecord): string[] {
  const bad = badDates(record, ROSTER_DATES, 'hireDate');
  if (!bad.length && record.separationDate !== undefined && record.separationDate < record.hireDate) bad.push('separationDate');
  return bad;
}

function contractProblems(contract: ContractRecord): string[] {
  const bad = badDates(contract, CONTRACT_DATES, 'startDate');
  if (!bad.length && contract.endDate !== undefined && contract.endDate < contract.startDate) bad.push('endDate');
  return bad;
}

function invalidRecordAlert(fields: string[], subject: { workerKey: string; contractId?: string }): Alert {
  const list = fields.join(', ');
  return alert(
    'RECORD_INVALID_DATE',
    ARTICLE.dataQuality,
    'warning',
    subject,
    `${subject.contractId ? '合同' : '职工名册'}记录日期无效（${list}），该记录未纳入监管检查，请更正`,
    `${subject.contractId ? 'contract' : 'roster'} record has unusable dates (${list}) and was left out of the checks; correct it`,
    { fields },
  );
}

/** Splits the input into usable records and alerts for the others, so one bad line cannot stop a run. */
function validated(input: SupervisionInput): { roster: RosterRecord[]; contracts: ContractRecord[]; alerts: Alert[] } {
  const alerts: Alert[] = [];
  const roster = input.roster.filter((record) => {
    const problems = rosterProblems(record);
    if (problems.length) alerts.push(invalidRecordAlert(problems, { workerKey: record.workerKey }));
    return !problems.length;
  });
  const contracts = input.contracts.filter((contract) => {
    const problems = contractProblems(contract);
    if (problems.length) alerts.push(invalidRecordAlert(problems, { workerKey: contract.workerKey, contractId: contract.contractId }));
    return !problems.length;
  });
  return { roster, contracts, alerts };
}

function buildContext(input: SupervisionInput, roster: RosterRecord[], contracts: ContractRecord[]): SupervisionContext {
  const byWorker = new Map<string, ContractRecord[]>();
  for (const contract of [...contracts].sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : 0))) {
    const list = byWorker.get(contract.workerKey) ?? [];
    list.push(contract);
    byWorker.set(contract.workerKey, list);
  }
  return {
    employer: input.employer,
    asOf: input.asOf,
    options: { ...DEFAULT_OPTIONS, ...input.options },
    roster,
    contracts,
    contractsOf: (workerKey) => byWorker.get(workerKey) ?? [],
  };
}

function prepare(input: SupervisionInput): { context: SupervisionContext; dataAlerts: Alert[] } {
  if (!isIsoDate(input.asOf)) throw new RangeError(`asOf is not an ISO calendar date: ${JSON.stringify(input.asOf)}`);
  const { roster, contracts, alerts } = validated(input);
  return { context: buildContext(input, roster, contracts), dataAlerts: alerts };
}

function alertsFor(context: SupervisionContext, dataAlerts: Alert[], rules: readonly SupervisionRule[]): Alert[] {
  return [...dataAlerts, ...rules.flatMap((rule) => rule(context))];
}

/** All alerts for the employer on input.asOf: data problems first, then each rule in order. */
export function runSupervision(input: SupervisionInput, rules: readonly SupervisionRule[] = SUPERVISION_RULES): Alert[] {
  const { context, dataAlerts } = prepare(input);
  return alertsFor(context, dataAlerts, rules);
}

export interface AlertSummary {
  total: number;
  errors: number;
  warnings: number;
  /** Alert count per code, codes in first-seen order. */
  byCode: Record<string, number>;
}

export function summarizeAlerts(alerts: readonly Alert[]): AlertSummary {
  const byCode: Record<string, number> = {};
  for (const a of alerts) byCode[a.code] = (byCode[a.code] ?? 0) + 1;
  const errors = alerts.filter((a) => a.severity === 'error').length;
  return { total: alerts.length, errors, warnings: alerts.length - errors, byCode };
}

export interface SupervisionReport {
  asOf: string;
  employerUscc: string;
  headcount: Headcount;
  signing: SigningRate;
  alerts: Alert[];
  summary: AlertSummary;
}

/** The alerts with the figures an inspector looks at first (head count, signing rate, counts by code). */
export function superviseEmployer(input: SupervisionInput, rules: readonly SupervisionRule[] = SUPERVISION_RULES): SupervisionReport {
  const { context, dataAlerts } = prepare(input);
  const alerts = alertsFor(context, dataAlerts, rules);
  return {
    asOf: input.asOf,
    employerUscc: input.employer.uscc,
    headcount: headcountOn(context.roster, input.employer, input.asOf),
    signing: signingRate(context.roster, context.contracts, input.asOf, input.employer),
    alerts,
    summary: summarizeAlerts(alerts),
  };
}

export { signingRate, headcountOn, isActiveOn, owesWrittenContract, isDispatchedIn } from './roster.ts';
export type { SigningRate } from './roster.ts';
export { writtenContractDeadlines, doubleWageExposure } from './written-contract.ts';
export type { WrittenContractDeadlines, DoubleWageExposure } from './written-contract.ts';
export { dispatchShare, MAX_DISPATCH_SHARE_PERCENT } from './dispatch.ts';
export type { DispatchShare } from './dispatch.ts';
export { massLayoffWindows, isMassLayoff } from './layoffs.ts';
export type { LayoffWindow } from './layoffs.ts';
export { priorConsecutiveFixedTerms, serviceMonthsBefore } from './renewal.ts';
export { supervisedTerms } from './contract-checks.ts';
export type * from './types.ts';
