/**
 * Labor-law checks on the normalised terms of a contract. Each rule is a small named function
 * returning every violation it finds; CONTRACT_RULES is the list checkContract runs. Rules skip
 * what they cannot judge (a malformed date is reported once, by checkDates, and ignored by the
 * others) so the result lists each problem once.
 */
import { addDays, addYears, isIsoDate, monthPeriodEnd, wholeMonthsCovered } from './calendar.ts';
import type { ContractTerms } from './contract-terms.ts';
import { isValidRegionCode, parseResidentId, parseUscc } from './identity.ts';
import { minimumWageOn, type MinimumWage } from './reference/minimum-wage.ts';
import { statutoryRetirement, type RetirementCategory } from './reference/retirement-age.ts';

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
  /** ISO date; used when the contract has no start date, and to reject future birth dates. */
  today?: string;
}

export interface RuleInput {
  terms: ContractTerms;
  ctx: CheckContext;
  /** Minimum wage in force on a date at the place of work, or undefined when unknown. */
  minimumWage(date: string | undefined): MinimumWage | undefined;
  /** The date contract-wide figures are judged on: the start date, else today. */
  referenceDate: string | undefined;
}

export type ContractRule = (input: RuleInput) => Violation[];

const LCL = (article: string) => `劳动合同法 第${article}条`;
const ARTICLE = {
  term: LCL('十二'),
  mandatory: LCL('十七'),
  probation: LCL('十九'),
  probationWage: LCL('二十'),
  dispatchLicence: LCL('五十七'),
  dispatchContract: LCL('五十八'),
  dispatchPosts: LCL('六十六'),
  partTimeHours: LCL('六十八'),
  partTimeProbation: LCL('七十'),
  partTimePay: LCL('七十二'),
  minimumAge: '劳动法 第十五条',
  hoursApproval: '劳动法 第三十九条',
  minimumWage: '劳动法 第四十八条',
  shanxi2022: '晋人社厅发〔2022〕45号',
  residentId: 'GB 11643-1999',
  uscc: 'GB 32100-2015',
  regionCode: 'GB/T 2260',
} as const;

// ---------------------------------------------------------------- helpers

function violation(code: string, article: string, severity: Severity, field: string, messageZh: string, messageEn: string): Violation {
  return { code, article, severity, field, messageZh, messageEn };
}

function filled(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function validDate(value: unknown): string | undefined {
  return isIsoDate(value) ? value : undefined;
}

/** Integer cents, so percentage comparisons are exact. */
function cents(yuan: number): number {
  return Math.round(yuan * 100);
}

/** True when amount ≥ percent % of base, compared in whole cents. */
function atLeastPercent(amount: number, base: number, percent: number): boolean {
  return cents(amount) * 100 >= cents(base) * percent;
}

function yuan(amount: number): string {
  return String(Number(amount.toFixed(2)));
}

function tierZh(wage: MinimumWage): string {
  return wage.tierAssumed ? `档次未知，按最低档第${wage.tier}档` : `第${wage.tier}档`;
}

function tierEn(wage: MinimumWage): string {
  return wage.tierAssumed ? `tier unknown, lowest tier ${wage.tier} used` : `tier ${wage.tier}`;
}

function minimumWageUnknown(field: string, input: RuleInput): Violation {
  const region = input.terms.employer?.regionCode ?? '';
  return violation(
    'MINIMUM_WAGE_UNKNOWN',
    ARTICLE.minimumWage,
    'warning',
    field,
    `无法核对最低工资：地区 ${region} 在该日期没有最低工资标准数据`,
    `cannot check against the minimum wage: no standard known for region ${region} on that date`,
  );
}

function isDispatch(terms: ContractTerms): boolean {
  return terms.kind === 'dispatch' || terms.employmentForm === 'dispatch';
}

function isPartTime(terms: ContractTerms): boolean {
  return terms.employmentForm === 'part_time';
}

/** 内部退养协议 are not employment contracts: the clauses of a working contract do not apply. */
function isEmploymentContract(terms: ContractTerms): boolean {
  return terms.kind !== 'internal_retirement';
}

/** Whole months of a fixed term, when its dates are usable. */
type TermDates = Pick<ContractTerms, 'termType' | 'startDate' | 'endDate'>;

function fixedTermMonths(terms: TermDates): number | undefined {
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

// ---------------------------------------------------------------- dates

const DATE_FIELDS: { field: string; article: string; get(terms: ContractTerms): unknown }[] = [
  { field: 'startDate', article: ARTICLE.mandatory, get: (t) => t.startDate },
  { field: 'endDate', article: ARTICLE.mandatory, get: (t) => t.endDate },
  { field: 'probation.startDate', article: ARTICLE.probation, get: (t) => t.probation?.startDate },
  { field: 'probation.endDate', article: ARTICLE.probation, get: (t) => t.probation?.endDate },
  { field: 'dispatch.assignmentStartDate', article: ARTICLE.dispatchContract, get: (t) => t.dispatch?.assignmentStartDate },
  { field: 'dispatch.assignmentEndDate', article: ARTICLE.dispatchContract, get: (t) => t.dispatch?.assignmentEndDate },
  { field: 'internalRetirement.startDate', article: ARTICLE.shanxi2022, get: (t) => t.internalRetirement?.startDate },
  { field: 'internalRetirement.workerBirthDate', article: ARTICLE.shanxi2022, get: (t) => t.internalRetirement?.workerBirthDate },
];

export function checkDates({ terms }: RuleInput): Violation[] {
  return DATE_FIELDS.filter(({ get }) => {
    const value = get(terms);
    return value !== undefined && !isIsoDate(value);
  }).map(({ field, article }) =>
    violation('DATE_INVALID', article, 'error', field, `${field} 不是有效日期（应为 YYYY-MM-DD）`, `${field} is not a valid date (YYYY-MM-DD)`),
  );
}

// ---------------------------------------------------------------- Art. 17 mandatory clauses

interface MandatoryClause {
  field: string;
  code: string;
  zh: string;
  en: string;
  present(terms: ContractTerms): boolean;
}

const MANDATORY_CLAUSES: readonly MandatoryClause[] = [
  { field: 'employer.name', code: 'ART17_EMPLOYER_NAME_MISSING', zh: '用人单位名称', en: "employer's name", present: (t) => filled(t.employer?.name) },
  { field: 'employer.address', code: 'ART17_EMPLOYER_ADDRESS_MISSING', zh: '用人单位住所', en: "employer's domicile", present: (t) => filled(t.employer?.address) },
  { field: 'employer.legalRepresentative', code: 'ART17_EMPLOYER_LEGAL_REPRESENTATIVE_MISSING', zh: '法定代表人或者主要负责人', en: "employer's legal representative", present: (t) => filled(t.employer?.legalRepresentative) },
  { field: 'worker.name', code: 'ART17_WORKER_NAME_MISSING', zh: '劳动者姓名', en: "worker's name", present: (t) => filled(t.worker?.name) },
  { field: 'worker.address', code: 'ART17_WORKER_ADDRESS_MISSING', zh: '劳动者住址', en: "worker's address", present: (t) => filled(t.worker?.address) },
  { field: 'worker.idNumber', code: 'ART17_WORKER_ID_MISSING', zh: '劳动者居民身份证号码', en: "worker's ID number", present: (t) => filled(t.worker?.idNumber) },
  { field: 'startDate', code: 'ART17_TERM_MISSING', zh: '劳动合同期限（起始日期）', en: 'contract term (start date)', present: (t) => filled(t.startDate) },
  { field: 'jobTitle', code: 'ART17_JOB_CONTENT_MISSING', zh: '工作内容', en: 'job content', present: (t) => filled(t.jobTitle) },
  { field: 'workplace', code: 'ART17_WORKPLACE_MISSING', zh: '工作地点', en: 'workplace', present: (t) => filled(t.workplace) },
  { field: 'hours', code: 'ART17_WORKING_HOURS_MISSING', zh: '工作时间和休息休假', en: 'working hours and rest', present: (t) => filled(t.hours?.system) },
  { field: 'wage', code: 'ART17_WAGE_MISSING', zh: '劳动报酬', en: 'pay', present: (t) => isAmount(t.wage?.monthly) || isAmount(t.wage?.hourly) },
  { field: 'socialInsurance', code: 'ART17_SOCIAL_INSURANCE_MISSING', zh: '社会保险', en: 'social insurance', present: (t) => t.socialInsurance === true },
  { field: 'laborProtection', code: 'ART17_LABOR_PROTECTION_MISSING', zh: '劳动保护、劳动条件和职业危害防护', en: 'labor protection, conditions and occupational-hazard protection', present: (t) => filled(t.laborProtection) },
];

export function art17MandatoryContent({ terms }: RuleInput): Violation[] {
  if (!isEmploymentContract(terms)) return [];
  return MANDATORY_CLAUSES.filter((clause) => !clause.present(terms)).map((clause) =>
    violation(clause.code, ARTICLE.mandatory, 'error', clause.field, `劳动合同缺少必备条款：${clause.zh}`, `mandatory clause missing: ${clause.en}`),
  );
}

// ---------------------------------------------------------------- Art. 12 term types

export function art12TermConsistency({ terms }: RuleInput): Violation[] {
  if (!isEmploymentContract(terms)) return [];
  switch (terms.termType) {
    case 'fixed': {
      if (!filled(terms.endDate)) {
        return [violation('ART12_FIXED_TERM_END_MISSING', ARTICLE.term, 'error', 'endDate', '固定期限劳动合同须约定终止日期', 'a fixed-term contract needs an end date')];
      }
      const start = validDate(terms.startDate);
      const end = validDate(terms.endDate);
      if (start && end && end < start) {
        return [violation('ART12_TERM_END_BEFORE_START', ARTICLE.term, 'error', 'endDate', `终止日期 ${end} 早于起始日期 ${start}`, `end date ${end} is before start date ${start}`)];
      }
      return [];
    }
    case 'task_based':
      return filled(terms.taskDescription)
        ? []
        : [violation('ART12_TASK_MISSING', ARTICLE.term, 'error', 'taskDescription', '以完成一定工作任务为期限的劳动合同须写明该工作任务', 'a task-based contract must name the task')];
    case 'open_ended':
      return filled(terms.endDate)
        ? [violation('ART12_OPEN_ENDED_WITH_END_DATE', ARTICLE.term, 'warning', 'endDate', '无固定期限劳动合同不应约定终止日期', 'an open-ended contract should have no end date')]
        : [];
    default:
      return [violation('ART12_TERM_TYPE_INVALID', ARTICLE.term, 'error', 'termType', '劳动合同期限类型无效', 'unknown contract term type')];
  }
}

// ---------------------------------------------------------------- Art. 19 probation

export function art19ProbationCap({ terms }: RuleInput): Violation[] {
  const probation = terms.probation;
  if (!probation || isPartTime(terms) || !isEmploymentContract(terms)) return [];
  const start = validDate(probation.startDate);
  const end = validDate(probation.endDate);
  if (!start || !end) return [];
  if (end < start) {
    return [violation('ART19_PROBATION_END_BEFORE_START', ARTICLE.probation, 'error', 'probation.endDate', `试用期结束日期 ${end} 早于开始日期 ${start}`, `probation ends (${end}) before it starts (${start})`)];
  }
  const capMonths = probationCapMonths(terms);
  if (capMonths === undefined) return [];
  if (capMonths === 0) {
    return [
      violation(
        'ART19_PROBATION_NOT_ALLOWED',
        ARTICLE.probation,
        'error',
        'probation',
        '以完成一定工作任务为期限或者劳动合同期限不满三个月的，不得约定试用期',
        'no probation is allowed for a task-based contract or a term under three months',
      ),
    ];
  }
  const latestEnd = monthPeriodEnd(start, capMonths);
  if (end <= latestEnd) return [];
  return [
    violation(
      'ART19_PROBATION_TOO_LONG',
      ARTICLE.probation,
      'error',
      'probation.endDate',
      `该劳动合同期限的试用期不得超过${capMonths}个月（最迟至 ${latestEnd}），约定至 ${end}`,
      `probation may last at most ${capMonths} month(s) for this term (until ${latestEnd}), but runs until ${end}`,
    ),
  ];
}

export function art19ProbationWithinTerm({ terms }: RuleInput): Violation[] {
  const probation = terms.probation;
  if (!probation || !isEmploymentContract(terms)) return [];
  const found: Violation[] = [];
  const termStart = validDate(terms.startDate);
  const probationStart = validDate(probation.startDate);
  if (termStart && probationStart && probationStart < termStart) {
    found.push(violation('ART19_PROBATION_OUTSIDE_TERM', ARTICLE.probation, 'error', 'probation.startDate', `试用期开始日期 ${probationStart} 早于合同起始日期 ${termStart}`, `probation starts (${probationStart}) before the term (${termStart})`));
  }
  const termEnd = terms.termType === 'fixed' ? validDate(terms.endDate) : undefined;
  const probationEnd = validDate(probation.endDate);
  if (termEnd && probationEnd && probationEnd > termEnd) {
    found.push(violation('ART19_PROBATION_OUTSIDE_TERM', ARTICLE.probation, 'error', 'probation.endDate', `试用期结束日期 ${probationEnd} 晚于合同终止日期 ${termEnd}`, `probation ends (${probationEnd}) after the term (${termEnd})`));
  }
  return found;
}

export function art19SingleProbation({ terms, ctx }: RuleInput): Violation[] {
  if (!terms.probation || !ctx.priorProbationWithEmployer) return [];
  return [violation('ART19_PROBATION_REPEATED', ARTICLE.probation, 'error', 'probation', '同一用人单位与同一劳动者只能约定一次试用期', 'an employer may agree a probation with the same worker only once')];
}

// ---------------------------------------------------------------- wages

export function art20ProbationWage(input: RuleInput): Violation[] {
  const { terms } = input;
  const probation = terms.probation;
  if (!probation || isPartTime(terms) || !isAmount(probation.monthlyWage)) return [];
  const found: Violation[] = [];
  const contractWage = terms.wage?.monthly;
  if (isAmount(contractWage) && !atLeastPercent(probation.monthlyWage, contractWage, 80)) {
    found.push(
      violation(
        'ART20_PROBATION_WAGE_BELOW_80_PERCENT',
        ARTICLE.probationWage,
        'error',
        'probation.monthlyWage',
        `试用期工资 ${yuan(probation.monthlyWage)} 元低于约定工资 ${yuan(contractWage)} 元的百分之八十`,
        `probation wage ${yuan(probation.monthlyWage)} is below 80 % of the contract wage ${yuan(contractWage)}`,
      ),
    );
  }
  const minimum = input.minimumWage(validDate(probation.startDate) ?? input.referenceDate);
  if (!minimum) return [...found, minimumWageUnknown('probation.monthlyWage', input)];
  if (cents(probation.monthlyWage) < cents(minimum.monthly)) {
    found.push(
      violation(
        'ART20_PROBATION_WAGE_BELOW_MINIMUM',
        ARTICLE.probationWage,
        'error',
        'probation.monthlyWage',
        `试用期工资 ${yuan(probation.monthlyWage)} 元低于${minimum.provinceName}最低工资标准 ${yuan(minimum.monthly)} 元（${tierZh(minimum)}）`,
        `probation wage ${yuan(probation.monthlyWage)} is below the minimum wage ${yuan(minimum.monthly)} (${tierEn(minimum)})`,
      ),
    );
  }
  return found;
}

export function contractWageAboveMinimum(input: RuleInput): Violation[] {
  const { terms } = input;
  const monthly = terms.wage?.monthly;
  if (!isEmploymentContract(terms) || isPartTime(terms) || !isAmount(monthly)) return [];
  const minimum = input.minimumWage(input.referenceDate);
  if (!minimum) return [minimumWageUnknown('wage.monthly', input)];
  if (cents(monthly) >= cents(minimum.monthly)) return [];
  return [
    violation(
      'WAGE_BELOW_MINIMUM',
      ARTICLE.minimumWage,
      'error',
      'wage.monthly',
      `月工资 ${yuan(monthly)} 元低于${minimum.provinceName}最低工资标准 ${yuan(minimum.monthly)} 元（${tierZh(minimum)}）`,
      `monthly wage ${yuan(monthly)} is below the minimum wage ${yuan(minimum.monthly)} (${tierEn(minimum)})`,
    ),
  ];
}

// ---------------------------------------------------------------- working hours

export function hoursApprovalNumber({ terms }: RuleInput): Violation[] {
  const system = terms.hours?.system;
  if ((system !== 'comprehensive' && system !== 'flexible') || filled(terms.hours?.approvalNumber)) return [];
  const zh = system === 'comprehensive' ? '综合计算工时工作制' : '不定时工作制';
  return [violation('HOURS_APPROVAL_NUMBER_MISSING', ARTICLE.hoursApproval, 'error', 'hours.approvalNumber', `实行${zh}须写明人社部门批准文号`, `${system} working hours need the labor bureau's approval number`)];
}

// ---------------------------------------------------------------- dispatch (Art. 57–66, 劳务派遣暂行规定)

const DISPATCH_POST_NATURES = ['temporary', 'auxiliary', 'substitute'];

/** Posts where dispatch is banned (晋人社厅发〔2022〕45号). */
const PROHIBITED_DISPATCH_POSTS: readonly { labelZh: string; labelEn: string; pattern: RegExp }[] = [
  { labelZh: '专职消防员', labelEn: 'full-time firefighter', pattern: /专职消防|消防员/ },
  { labelZh: '井下作业岗位', labelEn: 'underground work', pattern: /井下|坑下|地下开采/ },
  { labelZh: '矿山高危岗位', labelEn: 'high-risk mining post', pattern: /(矿|采掘).*(高危|爆破)|(高危|爆破).*(矿|采掘)/ },
];

export function dispatchContractDetails({ terms }: RuleInput): Violation[] {
  if (!isDispatch(terms)) return [];
  const dispatch = terms.dispatch;
  if (!dispatch) {
    return [violation('ART58_DISPATCH_DETAILS_MISSING', ARTICLE.dispatchContract, 'error', 'dispatch', '劳务派遣劳动合同须载明用工单位、派遣期限和工作岗位', 'a dispatch contract must state the host employer, assignment period and post')];
  }
  const found: Violation[] = [];
  if (!filled(dispatch.hostEmployerName)) {
    found.push(violation('ART58_HOST_EMPLOYER_MISSING', ARTICLE.dispatchContract, 'error', 'dispatch.hostEmployerName', '劳务派遣劳动合同须载明用工单位', 'a dispatch contract must name the host employer'));
  }
  const start = validDate(dispatch.assignmentStartDate);
  const end = validDate(dispatch.assignmentEndDate);
  if (start && end && end < start) {
    found.push(violation('ART58_ASSIGNMENT_END_BEFORE_START', ARTICLE.dispatchContract, 'error', 'dispatch.assignmentEndDate', `派遣期限终止日期 ${end} 早于起始日期 ${start}`, `assignment ends (${end}) before it starts (${start})`));
  }
  return found;
}

export function dispatchFixedTermOfTwoYears({ terms }: RuleInput): Violation[] {
  if (!isDispatch(terms)) return [];
  if (terms.termType !== 'fixed') {
    return [violation('ART58_DISPATCH_TERM_NOT_FIXED', ARTICLE.dispatchContract, 'error', 'termType', '劳务派遣单位应当与被派遣劳动者订立二年以上的固定期限劳动合同', 'a dispatch agency must sign a fixed-term contract of at least two years')];
  }
  const months = fixedTermMonths(terms);
  if (months === undefined || months >= 24) return [];
  return [
    violation(
      'ART58_DISPATCH_TERM_TOO_SHORT',
      ARTICLE.dispatchContract,
      'error',
      'endDate',
      `劳务派遣劳动合同期限不足二年（仅 ${months} 个整月），最早终止日期为 ${monthPeriodEnd(terms.startDate!, 24)}`,
      `dispatch contract term is under two years (${months} whole months); it must run at least until ${monthPeriodEnd(terms.startDate!, 24)}`,
    ),
  ];
}

export function dispatchPostNature({ terms }: RuleInput): Violation[] {
  const dispatch = terms.dispatch;
  if (!isDispatch(terms) || !dispatch) return [];
  if (!DISPATCH_POST_NATURES.includes(dispatch.postNature)) {
    return [violation('ART66_POST_NATURE_INVALID', ARTICLE.dispatchPosts, 'error', 'dispatch.postNature', '劳务派遣只能在临时性、辅助性或者替代性的工作岗位上实施', 'dispatch is allowed only for temporary, auxiliary or substitute posts')];
  }
  const start = validDate(dispatch.assignmentStartDate);
  const end = validDate(dispatch.assignmentEndDate);
  if (dispatch.postNature !== 'temporary' || !start || !end) return [];
  const latestEnd = monthPeriodEnd(start, 6);
  if (end <= latestEnd) return [];
  return [
    violation(
      'ART66_TEMPORARY_POST_TOO_LONG',
      ARTICLE.dispatchPosts,
      'error',
      'dispatch.assignmentEndDate',
      `临时性工作岗位存续时间不超过六个月（最迟至 ${latestEnd}），派遣期限至 ${end}`,
      `a temporary post lasts at most six months (until ${latestEnd}), but the assignment runs until ${end}`,
    ),
  ];
}

export function dispatchProhibitedPost({ terms }: RuleInput): Violation[] {
  if (!isDispatch(terms)) return [];
  const candidates = [
    { field: 'dispatch.postCategory', text: terms.dispatch?.postCategory },
    { field: 'jobTitle', text: terms.jobTitle },
  ];
  for (const { field, text } of candidates) {
    const banned = filled(text) ? PROHIBITED_DISPATCH_POSTS.find(({ pattern }) => pattern.test(text)) : undefined;
    if (banned) {
      return [violation('DISPATCH_PROHIBITED_POST', ARTICLE.shanxi2022, 'error', field, `${banned.labelZh}不得使用劳务派遣用工`, `dispatch is prohibited for this post (${banned.labelEn})`)];
    }
  }
  return [];
}

export function dispatchIdlePay(input: RuleInput): Violation[] {
  const dispatch = input.terms.dispatch;
  if (!isDispatch(input.terms) || !dispatch || !isAmount(dispatch.idlePayMonthly)) return [];
  const minimum = input.minimumWage(input.referenceDate);
  if (!minimum) return [minimumWageUnknown('dispatch.idlePayMonthly', input)];
  if (cents(dispatch.idlePayMonthly) >= cents(minimum.monthly)) return [];
  return [
    violation(
      'ART58_IDLE_PAY_BELOW_MINIMUM',
      ARTICLE.dispatchContract,
      'error',
      'dispatch.idlePayMonthly',
      `无工作期间报酬 ${yuan(dispatch.idlePayMonthly)} 元低于最低工资标准 ${yuan(minimum.monthly)} 元（${tierZh(minimum)}）`,
      `pay while not assigned (${yuan(dispatch.idlePayMonthly)}) is below the minimum wage ${yuan(minimum.monthly)} (${tierEn(minimum)})`,
    ),
  ];
}

export function dispatchAgencyLicence({ terms }: RuleInput): Violation[] {
  if (!isDispatch(terms) || !terms.dispatch || filled(terms.dispatch.licenceNumber)) return [];
  return [violation('ART57_AGENCY_LICENCE_MISSING', ARTICLE.dispatchLicence, 'error', 'dispatch.licenceNumber', '须写明劳务派遣经营许可证编号', "the agency's dispatch licence number is missing")];
}

// ---------------------------------------------------------------- part-time (Art. 68–72)

export function partTimeHours({ terms }: RuleInput): Violation[] {
  if (!isPartTime(terms)) return [];
  const daily = terms.hours?.dailyHours;
  const weekly = terms.hours?.weeklyHours;
  if (!isAmount(daily) && !isAmount(weekly)) {
    return [violation('ART68_HOURS_UNSPECIFIED', ARTICLE.partTimeHours, 'warning', 'hours', '非全日制用工未约定每日或每周工作时间，无法核对工时上限', 'part-time hours not stated: the daily and weekly caps cannot be checked')];
  }
  const found: Violation[] = [];
  if (isAmount(daily) && daily > 4) {
    found.push(violation('ART68_DAILY_HOURS_EXCEEDED', ARTICLE.partTimeHours, 'error', 'hours.dailyHours', `非全日制用工平均每日工作时间不超过四小时，约定 ${daily} 小时`, `part-time work is at most 4 hours a day on average, ${daily} agreed`));
  }
  if (isAmount(weekly) && weekly > 24) {
    found.push(violation('ART68_WEEKLY_HOURS_EXCEEDED', ARTICLE.partTimeHours, 'error', 'hours.weeklyHours', `非全日制用工每周工作时间累计不超过二十四小时，约定 ${weekly} 小时`, `part-time work is at most 24 hours a week, ${weekly} agreed`));
  }
  return found;
}

export function partTimeNoProbation({ terms }: RuleInput): Violation[] {
  if (!isPartTime(terms) || !terms.probation) return [];
  return [violation('ART70_PART_TIME_PROBATION', ARTICLE.partTimeProbation, 'error', 'probation', '非全日制用工双方当事人不得约定试用期', 'no probation may be agreed for part-time work')];
}

export function partTimeHourlyWage(input: RuleInput): Violation[] {
  const { terms } = input;
  if (!isPartTime(terms)) return [];
  const hourly = terms.wage?.hourly;
  if (!isAmount(hourly)) {
    return [violation('ART72_HOURLY_WAGE_MISSING', ARTICLE.partTimePay, 'warning', 'wage.hourly', '非全日制用工应约定小时工资', 'part-time work should state an hourly wage')];
  }
  const minimum = input.minimumWage(input.referenceDate);
  if (!minimum) return [minimumWageUnknown('wage.hourly', input)];
  if (cents(hourly) >= cents(minimum.hourly)) return [];
  return [
    violation(
      'ART72_HOURLY_WAGE_BELOW_MINIMUM',
      ARTICLE.partTimePay,
      'error',
      'wage.hourly',
      `小时工资 ${yuan(hourly)} 元低于${minimum.provinceName}最低小时工资标准 ${yuan(minimum.hourly)} 元（${tierZh(minimum)}）`,
      `hourly wage ${yuan(hourly)} is below the hourly minimum wage ${yuan(minimum.hourly)} (${tierEn(minimum)})`,
    ),
  ];
}

export function partTimePayInterval({ terms }: RuleInput): Violation[] {
  if (!isPartTime(terms)) return [];
  const interval = terms.wage?.paymentIntervalDays;
  if (!isAmount(interval)) {
    return [violation('ART72_PAY_INTERVAL_UNSPECIFIED', ARTICLE.partTimePay, 'warning', 'wage.paymentIntervalDays', '非全日制用工应约定劳动报酬结算支付周期（最长十五日）', 'part-time work should state the pay interval (at most 15 days)')];
  }
  if (interval <= 15) return [];
  return [violation('ART72_PAY_INTERVAL_TOO_LONG', ARTICLE.partTimePay, 'error', 'wage.paymentIntervalDays', `非全日制用工劳动报酬结算支付周期最长不得超过十五日，约定 ${interval} 日`, `part-time pay must be settled at least every 15 days, ${interval} agreed`)];
}

// ---------------------------------------------------------------- 内部退养 (晋人社厅发〔2022〕45号)

const RETIREMENT_CATEGORY_SEX: Record<RetirementCategory, 'male' | 'female'> = {
  male: 'male',
  female_cadre: 'female',
  female_worker: 'female',
};

function isInternalRetirement(terms: ContractTerms): boolean {
  return terms.kind === 'internal_retirement' || terms.internalRetirement !== undefined;
}

function internalRetirementWorker({ terms, ctx }: RuleInput): { birthDate?: string; sex?: 'male' | 'female'; problems: Violation[] } {
  const stated = validDate(terms.internalRetirement?.workerBirthDate);
  const id = filled(terms.worker?.idNumber) ? parseResidentId(terms.worker.idNumber, { today: ctx.today }) : undefined;
  const fromId = id?.ok ? id : undefined;
  if (stated && fromId && stated !== fromId.birthDate) {
    return {
      problems: [
        violation('INTERNAL_RETIREMENT_BIRTH_DATE_MISMATCH', ARTICLE.shanxi2022, 'error', 'internalRetirement.workerBirthDate', `出生日期 ${stated} 与身份证号码（${fromId.birthDate}）不一致`, `birth date ${stated} differs from the ID number (${fromId.birthDate})`),
      ],
    };
  }
  return { birthDate: stated ?? fromId?.birthDate, sex: fromId?.sex, problems: [] };
}

export function internalRetirementEligibility(input: RuleInput): Violation[] {
  const { terms } = input;
  if (!isInternalRetirement(terms)) return [];
  const agreement = terms.internalRetirement;
  if (!agreement) {
    return [violation('INTERNAL_RETIREMENT_DETAILS_MISSING', ARTICLE.shanxi2022, 'error', 'internalRetirement', '内部退养协议须写明退养起始日期、职工类别和生活费', 'an internal retirement agreement needs its start date, worker category and allowance')];
  }
  const worker = internalRetirementWorker(input);
  if (worker.problems.length) return worker.problems;
  const expectedSex = RETIREMENT_CATEGORY_SEX[agreement.workerCategory];
  if (!expectedSex || (worker.sex && worker.sex !== expectedSex)) {
    return [violation('INTERNAL_RETIREMENT_CATEGORY_MISMATCH', ARTICLE.shanxi2022, 'error', 'internalRetirement.workerCategory', '职工类别与身份证号码所示性别不符或无效', 'worker category is invalid or contradicts the sex in the ID number')];
  }
  if (!worker.birthDate) {
    return [violation('INTERNAL_RETIREMENT_BIRTH_DATE_UNKNOWN', ARTICLE.shanxi2022, 'error', 'internalRetirement.workerBirthDate', '无法确定职工出生日期，不能核对内部退养条件', "the worker's birth date is unknown, so eligibility cannot be checked")];
  }
  const start = validDate(agreement.startDate);
  if (!start) return [];
  const { retirementDate } = statutoryRetirement(worker.birthDate, agreement.workerCategory);
  if (start >= retirementDate) {
    return [violation('INTERNAL_RETIREMENT_AFTER_RETIREMENT_AGE', ARTICLE.shanxi2022, 'error', 'internalRetirement.startDate', `职工已于 ${retirementDate} 达到法定退休年龄`, `the worker reaches statutory retirement age on ${retirementDate}`)];
  }
  const earliestStart = addDays(addYears(retirementDate, -5), 1);
  if (start >= earliestStart) return [];
  return [
    violation(
      'INTERNAL_RETIREMENT_TOO_EARLY',
      ARTICLE.shanxi2022,
      'error',
      'internalRetirement.startDate',
      `内部退养仅适用于距法定退休年龄不足五年的职工（法定退休日期 ${retirementDate}，最早 ${earliestStart} 起退养）`,
      `internal retirement is only for staff less than five years from statutory retirement (${retirementDate}); earliest start ${earliestStart}`,
    ),
  ];
}

export function internalRetirementAllowance(input: RuleInput): Violation[] {
  const agreement = input.terms.internalRetirement;
  if (!agreement || !isAmount(agreement.monthlyAllowance)) return [];
  const minimum = input.minimumWage(validDate(agreement.startDate) ?? input.referenceDate);
  if (!minimum) return [minimumWageUnknown('internalRetirement.monthlyAllowance', input)];
  if (atLeastPercent(agreement.monthlyAllowance, minimum.monthly, 80)) return [];
  return [
    violation(
      'INTERNAL_RETIREMENT_ALLOWANCE_TOO_LOW',
      ARTICLE.shanxi2022,
      'error',
      'internalRetirement.monthlyAllowance',
      `内部退养生活费 ${yuan(agreement.monthlyAllowance)} 元低于最低工资标准 ${yuan(minimum.monthly)} 元（${tierZh(minimum)}）的百分之八十`,
      `internal retirement allowance ${yuan(agreement.monthlyAllowance)} is below 80 % of the minimum wage ${yuan(minimum.monthly)} (${tierEn(minimum)})`,
    ),
  ];
}

// ---------------------------------------------------------------- identifiers and age

function usccViolation(code: string, field: string, value: unknown, whoZh: string, whoEn: string): Violation[] {
  const parsed = filled(value) ? parseUscc(value) : { ok: false as const, reason: 'missing' };
  if (parsed.ok) return [];
  return [violation(code, ARTICLE.uscc, 'error', field, `${whoZh}统一社会信用代码无效：${parsed.reason}`, `${whoEn} unified social credit code is invalid: ${parsed.reason}`)];
}

export function identifiersValid({ terms, ctx }: RuleInput): Violation[] {
  const found: Violation[] = [];
  const idNumber = terms.worker?.idNumber;
  if (filled(idNumber)) {
    const parsed = parseResidentId(idNumber, { today: ctx.today });
    if (!parsed.ok) {
      found.push(violation('WORKER_ID_INVALID', ARTICLE.residentId, 'error', 'worker.idNumber', `居民身份证号码无效：${parsed.reasonZh}`, `resident ID number is invalid: ${parsed.reason}`));
    }
  }
  found.push(...usccViolation('EMPLOYER_USCC_INVALID', 'employer.uscc', terms.employer?.uscc, '用人单位', "employer's"));
  if (!isValidRegionCode(terms.employer?.regionCode ?? '')) {
    found.push(violation('REGION_CODE_INVALID', ARTICLE.regionCode, 'error', 'employer.regionCode', '工作地行政区划代码无效（应为6位数字）', 'region code of the workplace is invalid (6 digits expected)'));
  }
  if (isDispatch(terms) && terms.dispatch) {
    found.push(...usccViolation('DISPATCH_AGENCY_USCC_INVALID', 'dispatch.agencyUscc', terms.dispatch.agencyUscc, '劳务派遣单位', "dispatch agency's"));
    found.push(...usccViolation('DISPATCH_HOST_USCC_INVALID', 'dispatch.hostEmployerUscc', terms.dispatch.hostEmployerUscc, '用工单位', "host employer's"));
  }
  return found;
}

export function workerOfMinimumAge({ terms, ctx, referenceDate }: RuleInput): Violation[] {
  if (!isEmploymentContract(terms) || !referenceDate || !filled(terms.worker?.idNumber)) return [];
  const id = parseResidentId(terms.worker.idNumber, { today: ctx.today });
  if (!id.ok || addYears(id.birthDate, 16) <= referenceDate) return [];
  return [violation('WORKER_UNDER_16', ARTICLE.minimumAge, 'error', 'worker.idNumber', '禁止招用未满十六周岁的未成年人', 'employing a person under 16 is prohibited')];
}

// ---------------------------------------------------------------- entry point

export const CONTRACT_RULES: readonly ContractRule[] = [
  checkDates,
  identifiersValid,
  art17MandatoryContent,
  art12TermConsistency,
  workerOfMinimumAge,
  art19ProbationCap,
  art19ProbationWithinTerm,
  art19SingleProbation,
  art20ProbationWage,
  contractWageAboveMinimum,
  hoursApprovalNumber,
  dispatchContractDetails,
  dispatchFixedTermOfTwoYears,
  dispatchPostNature,
  dispatchProhibitedPost,
  dispatchIdlePay,
  dispatchAgencyLicence,
  partTimeHours,
  partTimeNoProbation,
  partTimeHourlyWage,
  partTimePayInterval,
  internalRetirementEligibility,
  internalRetirementAllowance,
];

/** Every violation of every rule, in rule order. An empty list means the terms pass. */
export function checkContract(terms: ContractTerms, ctx: CheckContext, rules: readonly ContractRule[] = CONTRACT_RULES): Violation[] {
  const referenceDate = validDate(terms.startDate) ?? validDate(ctx.today);
  const regionCode = terms.employer?.regionCode ?? '';
  const minimumWage = (date: string | undefined) =>
    date && isValidRegionCode(regionCode) ? minimumWageOn(regionCode, date, terms.minimumWageTier) : undefined;
  const input: RuleInput = { terms, ctx, referenceDate, minimumWage };
  return rules.flatMap((rule) => rule(input));
}

/** True when no violation is an error (warnings allowed). */
export function passes(violations: readonly Violation[]): boolean {
  return violations.every((v) => v.severity !== 'error');
}
