/**
 * What every labor-law rule shares: the violation shape, the input a rule reads, the articles
 * cited, and small exact helpers (money in whole fen, dates that may be malformed). Rules live
 * in the modules beside this one, one owner per provision; rule-table.ts lists them.
 */
import { isIsoDate, wholeMonthsCovered } from '../calendar.ts';
import type { ContractTerms } from '../contract-terms.ts';
import { checkRegionCode } from '../reference/divisions.ts';
import { minimumWageChanges, minimumWageOn, type MinimumWage } from '../reference/minimum-wage.ts';

export type Severity = 'error' | 'warning';

export interface Violation {
  /** Stable identifier, e.g. 'ART19_PROBATION_TOO_LONG'. */
  code: string;
  /** The provision violated, e.g. '劳动合同法 第十九条'. */
  article: string;
  severity: Severity;
  /** Dotted path into ContractTerms, e.g. 'probation.endDate'. */
  field: string;
  messageZh: string;
  messageEn: string;
}

export interface CheckContext {
  /** The worker already had a probation period with this employer (Art. 19: only one). */
  priorProbationWithEmployer: boolean;
  /** ISO date: the day the written contract is made; used when the contract has no start date, and to reject future birth dates. */
  today?: string;
}

export interface RuleInput {
  terms: ContractTerms;
  ctx: CheckContext;
  /** Minimum wage in force on a date at the workplace county, or undefined when unknown. */
  minimumWage(date: string | undefined): MinimumWage | undefined;
  /** Standards coming into force after `from`, up to `to`, at the workplace county. */
  minimumWageChanges?(from: string, to: string): MinimumWage[];
  /** The date contract-wide figures are judged on: the start date, else today. */
  referenceDate: string | undefined;
}

export type ContractRule = (input: RuleInput) => Violation[];

const LCL = (article: string) => `劳动合同法 第${article}条`;
export const ARTICLE = {
  writtenContract: `${LCL('十')}、第八十二条`,
  deemedOpenEnded: `${LCL('十四')}第三款、劳动合同法实施条例 第七条`,
  openEnded: `${LCL('十四')}第二款`,
  deposits: LCL('九'),
  term: LCL('十二'),
  mandatory: LCL('十七'),
  probation: LCL('十九'),
  probationWage: LCL('二十'),
  serviceAgreement: LCL('二十二'),
  nonCompete: `${LCL('二十三')}、第二十四条`,
  nonCompeteCompensation: '最高人民法院关于审理劳动争议案件适用法律问题的解释（一） 第三十六条',
  penalties: LCL('二十五'),
  invalidClauses: LCL('二十六'),
  change: LCL('三十五'),
  dispatchLicence: LCL('五十七'),
  dispatchContract: LCL('五十八'),
  dispatchPosts: LCL('六十六'),
  selfDispatch: `${LCL('六十七')}、劳动合同法实施条例 第二十八条`,
  partTimeHours: LCL('六十八'),
  partTimeProbation: LCL('七十'),
  partTimePay: LCL('七十二'),
  minimumAge: '劳动法 第十五条',
  minors: '劳动法 第六十四条、未成年工特殊保护规定 第三条',
  standardHours: '劳动法 第三十六条、国务院关于职工工作时间的规定（国务院令第174号） 第三条',
  hoursApproval: '劳动法 第三十九条',
  minimumWage: '劳动法 第四十八条',
  shanxi2022: '晋人社厅发〔2022〕45号',
  residentId: 'GB 11643-1999',
  uscc: 'GB 32100-2015',
  regionCode: 'GB/T 2260',
} as const;

export function violation(code: string, article: string, severity: Severity, field: string, messageZh: string, messageEn: string): Violation {
  return { code, article, severity, field, messageZh, messageEn };
}

export function filled(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

export function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function validDate(value: unknown): string | undefined {
  return isIsoDate(value) ? value : undefined;
}

/** Integer fen, so percentage comparisons are exact. */
export function cents(yuan: number): number {
  return Math.round(yuan * 100);
}

/** True when amount ≥ percent % of base, compared in whole fen. */
export function atLeastPercent(amount: number, base: number, percent: number): boolean {
  return cents(amount) * 100 >= cents(base) * percent;
}

export function yuan(amount: number): string {
  return String(Number(amount.toFixed(2)));
}

export function tierZh(wage: MinimumWage): string {
  return wage.tierAssumed ? `该县档次未知，按最低档第${wage.tier}档` : `第${wage.tier}档`;
}

export function tierEn(wage: MinimumWage): string {
  return wage.tierAssumed ? `county tier unknown, lowest tier ${wage.tier} used` : `tier ${wage.tier}`;
}

/** The county whose minimum wage applies: the contract's workplace, else the employer's registered region. */
export function workplaceRegion(terms: ContractTerms): { code: string; field: string } {
  return filled(terms.workplaceRegionCode) ? { code: terms.workplaceRegionCode, field: 'workplaceRegionCode' } : { code: terms.employer?.regionCode ?? '', field: 'employer.regionCode' };
}

export function minimumWageUnknown(field: string, input: RuleInput): Violation {
  const region = workplaceRegion(input.terms).code;
  return violation(
    'MINIMUM_WAGE_UNKNOWN',
    ARTICLE.minimumWage,
    'warning',
    field,
    `无法核对最低工资：地区 ${region} 在该日期没有最低工资标准数据`,
    `cannot check against the minimum wage: no standard known for region ${region} on that date`,
  );
}

export function isDispatch(terms: ContractTerms): boolean {
  return terms.kind === 'dispatch' || terms.employmentForm === 'dispatch';
}

export function isPartTime(terms: ContractTerms): boolean {
  return terms.employmentForm === 'part_time';
}

/** 内部退养协议, 续订书 and 变更书 are not employment contracts of their own: a contract's clauses do not apply. */
export function isEmploymentContract(terms: Pick<ContractTerms, 'kind'>): boolean {
  return terms.kind === 'labor_contract' || terms.kind === 'dispatch' || terms.kind === 'platform_work';
}

type TermDates = Pick<ContractTerms, 'termType' | 'startDate' | 'endDate'>;

/** Whole months of a fixed term, when its dates are usable. */
export function fixedTermMonths(terms: TermDates): number | undefined {
  const start = validDate(terms.startDate);
  const end = validDate(terms.endDate);
  if (terms.termType !== 'fixed' || !start || !end || end < start) return undefined;
  return wholeMonthsCovered(start, end);
}

/** Art. 19 cap on probation in months for the contract's term, or undefined if it cannot be told. */
export function probationCapMonths(terms: TermDates): number | undefined {
  if (terms.termType === 'task_based') return 0;
  if (terms.termType === 'open_ended') return 6;
  const months = fixedTermMonths(terms);
  if (months === undefined) return undefined;
  if (months < 3) return 0;
  if (months < 12) return 1;
  if (months < 36) return 2;
  return 6;
}

/** The input every rule reads; the minimum wage is the workplace county's, looked up only for a code in force. */
export function ruleInputFor(terms: ContractTerms, ctx: CheckContext, referenceDate: string | undefined): RuleInput {
  const county = workplaceRegion(terms).code;
  const usable = checkRegionCode(county).ok;
  return {
    terms,
    ctx,
    referenceDate,
    minimumWage: (date) => (date && usable ? minimumWageOn(county, date, undefined, terms.jobCategory) : undefined),
    minimumWageChanges: (from, to) => (usable ? minimumWageChanges(county, from, to, undefined, terms.jobCategory) : []),
  };
}
