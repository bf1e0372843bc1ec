/**
 * The term of a contract: dates, mandatory clauses (Art. 17), term types (Art. 12), probation
 * (Art. 19), the written contract and 用工之日 (Art. 10, 82, 实施条例 Art. 7), open-ended
 * contracts owed on renewal (Art. 14) and 变更书 (Art. 35).
 */
import { addDays, addYears, isIsoDate, monthPeriodEnd } from '../calendar.ts';
import type { ContractTerms } from '../contract-terms.ts';
import { ARTICLE, filled, isAmount, isEmploymentContract, isPartTime, probationCapMonths, validDate, violation, type RuleInput, type Violation } from './core.ts';

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
  { field: 'employmentStartDate', article: ARTICLE.writtenContract, get: (t) => t.employmentStartDate },
  { field: 'serviceAgreement.startDate', article: ARTICLE.serviceAgreement, get: (t) => t.serviceAgreement?.startDate },
  { field: 'serviceAgreement.endDate', article: ARTICLE.serviceAgreement, get: (t) => t.serviceAgreement?.endDate },
  { field: 'change.effectiveDate', article: ARTICLE.change, get: (t) => t.change?.effectiveDate },
  { field: 'change.endDate', article: ARTICLE.change, get: (t) => t.change?.endDate },
];

export function checkDates({ terms }: RuleInput): Violation[] {
  return DATE_FIELDS.filter(({ get }) => {
    const value = get(terms);
    return value !== undefined && !isIsoDate(value);
  }).map(({ field, article }) => violation('DATE_INVALID', article, 'error', field, `${field} 不是有效日期（应为 YYYY-MM-DD）`, `${field} is not a valid date (YYYY-MM-DD)`));
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
  {
    field: 'employer.legalRepresentative',
    code: 'ART17_EMPLOYER_LEGAL_REPRESENTATIVE_MISSING',
    zh: '法定代表人或者主要负责人',
    en: "employer's legal representative",
    present: (t) => filled(t.employer?.legalRepresentative),
  },
  { field: 'worker.name', code: 'ART17_WORKER_NAME_MISSING', zh: '劳动者姓名', en: "worker's name", present: (t) => filled(t.worker?.name) },
  { field: 'worker.address', code: 'ART17_WORKER_ADDRESS_MISSING', zh: '劳动者住址', en: "worker's address", present: (t) => filled(t.worker?.address) },
  { field: 'worker.idNumber', code: 'ART17_WORKER_ID_MISSING', zh: '劳动者居民身份证号码', en: "worker's ID number", present: (t) => filled(t.worker?.idNumber) },
  { field: 'startDate', code: 'ART17_TERM_MISSING', zh: '劳动合同期限（起始日期）', en: 'contract term (start date)', present: (t) => filled(t.startDate) },
  { field: 'jobTitle', code: 'ART17_JOB_CONTENT_MISSING', zh: '工作内容', en: 'job content', present: (t) => filled(t.jobTitle) },
  { field: 'workplace', code: 'ART17_WORKPLACE_MISSING', zh: '工作地点', en: 'workplace', present: (t) => filled(t.workplace) },
  { field: 'hours', code: 'ART17_WORKING_HOURS_MISSING', zh: '工作时间和休息休假', en: 'working hours and rest', present: (t) => filled(t.hours?.system) },
  { field: 'wage', code: 'ART17_WAGE_MISSING', zh: '劳动报酬', en: 'pay', present: (t) => isAmount(t.wage?.monthly) || isAmount(t.wage?.hourly) },
  { field: 'socialInsurance', code: 'ART17_SOCIAL_INSURANCE_MISSING', zh: '社会保险', en: 'social insurance', present: (t) => t.socialInsurance === true },
  {
    field: 'laborProtection',
    code: 'ART17_LABOR_PROTECTION_MISSING',
    zh: '劳动保护、劳动条件和职业危害防护',
    en: 'labor protection, conditions and occupational-hazard protection',
    present: (t) => filled(t.laborProtection),
  },
];

export function art17MandatoryContent({ terms }: RuleInput): Violation[] {
  if (!isEmploymentContract(terms)) return [];
  return MANDATORY_CLAUSES.filter((clause) => !clause.present(terms)).map((clause) =>
    violation(clause.code, ARTICLE.mandatory, 'error', clause.field, `劳动合同缺少必备条款：${clause.zh}`, `mandatory clause missing: ${clause.en}`),
  );
}

// ---------------------------------------------------------------- Art. 12 term types

export function art12TermConsistency({ terms }: RuleInput): Violation[] {
  // A 续订书 sets a new term: judged like a contract's (a renewal ending before it starts fails).
  if (!isEmploymentContract(terms) && terms.kind !== 'renewal') return [];
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
    return [
      violation(
        'ART19_PROBATION_END_BEFORE_START',
        ARTICLE.probation,
        'error',
        'probation.endDate',
        `试用期结束日期 ${end} 早于开始日期 ${start}`,
        `probation ends (${end}) before it starts (${start})`,
      ),
    ];
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
    found.push(
      violation(
        'ART19_PROBATION_OUTSIDE_TERM',
        ARTICLE.probation,
        'error',
        'probation.startDate',
        `试用期开始日期 ${probationStart} 早于合同起始日期 ${termStart}`,
        `probation starts (${probationStart}) before the term (${termStart})`,
      ),
    );
  }
  const termEnd = terms.termType === 'fixed' ? validDate(terms.endDate) : undefined;
  const probationEnd = validDate(probation.endDate);
  if (termEnd && probationEnd && probationEnd > termEnd) {
    found.push(
      violation(
        'ART19_PROBATION_OUTSIDE_TERM',
        ARTICLE.probation,
        'error',
        'probation.endDate',
        `试用期结束日期 ${probationEnd} 晚于合同终止日期 ${termEnd}`,
        `probation ends (${probationEnd}) after the term (${termEnd})`,
      ),
    );
  }
  return found;
}

export function art19SingleProbation({ terms, ctx }: RuleInput): Violation[] {
  if (!terms.probation || !ctx.priorProbationWithEmployer) return [];
  return [
    violation('ART19_PROBATION_REPEATED', ARTICLE.probation, 'error', 'probation', '同一用人单位与同一劳动者只能约定一次试用期', 'an employer may agree a probation with the same worker only once'),
  ];
}

// ---------------------------------------------------------------- Art. 10 / 82: the written contract and 用工之日

/**
 * The written contract is made on ctx.today (the day it is drawn up). More than a month after
 * 用工之日 the worker is owed double wages from the day after the first month (Art. 82,
 * 实施条例 Art. 6); a full year without one and the contract is deemed open-ended from that
 * anniversary (Art. 14 ¶3, 实施条例 Art. 7).
 */
export function art10WrittenContractInTime({ terms, ctx }: RuleInput): Violation[] {
  const hired = validDate(terms.employmentStartDate);
  const written = validDate(ctx.today);
  if (!hired || !written || !isEmploymentContract(terms)) return [];
  const found: Violation[] = [];
  const start = validDate(terms.startDate);
  if (start && start > hired) {
    found.push(
      violation(
        'ART10_TERM_STARTS_AFTER_EMPLOYMENT',
        ARTICLE.writtenContract,
        'warning',
        'startDate',
        `劳动关系自用工之日 ${hired} 起建立，合同起始日期 ${start} 晚于用工之日`,
        `the employment relationship began on ${hired}; the term starts later (${start})`,
      ),
    );
  }
  const oneMonth = monthPeriodEnd(hired, 1);
  if (written <= oneMonth) return found;
  const anniversary = addYears(hired, 1);
  if (written >= anniversary) {
    found.push(
      violation(
        'ART14_DEEMED_OPEN_ENDED',
        ARTICLE.deemedOpenEnded,
        terms.termType === 'open_ended' ? 'warning' : 'error',
        terms.termType === 'open_ended' ? 'employmentStartDate' : 'termType',
        `自用工之日 ${hired} 起满一年未订立书面劳动合同，自 ${anniversary} 起视为已订立无固定期限劳动合同，并应支付自 ${addDays(oneMonth, 1)} 起至 ${addDays(anniversary, -1)} 止的二倍工资`,
        `no written contract for a full year from ${hired}: an open-ended contract is deemed concluded from ${anniversary}; double wages are owed for at most eleven months`,
      ),
    );
    return found;
  }
  found.push(
    violation(
      'ART82_LATE_WRITTEN_CONTRACT',
      ARTICLE.writtenContract,
      'warning',
      'employmentStartDate',
      `用工之日 ${hired} 起超过一个月才订立书面劳动合同：应自 ${addDays(oneMonth, 1)} 起至订立前一日（${addDays(written, -1)}）向劳动者每月支付二倍工资`,
      `written contract more than a month after work began (${hired}): double wages are owed from ${addDays(oneMonth, 1)} to ${addDays(written, -1)}`,
    ),
  );
  return found;
}

// ---------------------------------------------------------------- Art. 14: open-ended contract owed

/**
 * After ten years' continuous service, or two consecutive fixed-term contracts (and no Art. 39 /
 * 40(1)(2) ground), a new or renewed contract must be open-ended unless the worker asks for a
 * fixed term (workerRequestsFixedTerm, printed in the document the worker signs).
 */
export function art14OpenEndedOwed({ terms }: RuleInput): Violation[] {
  if (!isEmploymentContract(terms) && terms.kind !== 'renewal') return [];
  if (terms.termType !== 'fixed') return [];
  const years = terms.continuousServiceYears;
  const prior = terms.priorFixedTermContracts;
  const tenYears = isAmount(years) && years >= 10;
  const twoFixed = isAmount(prior) && prior >= 2;
  if (!tenYears && !twoFixed) return [];
  const why = tenYears ? `已在本单位连续工作满十年（${years} 年）` : `已连续订立二次固定期限劳动合同（${prior} 次）`;
  const whyEn = tenYears ? `${years} years of continuous service` : `${prior} consecutive fixed-term contracts`;
  if (terms.workerRequestsFixedTerm === true) {
    return [
      violation(
        'ART14_FIXED_TERM_AT_WORKERS_REQUEST',
        ARTICLE.openEnded,
        'warning',
        'workerRequestsFixedTerm',
        `劳动者${why}，依其本人提出订立固定期限劳动合同；该意思表示须由劳动者签署确认`,
        `${whyEn}: a fixed term only because the worker asks for it, which the worker confirms by signing`,
      ),
    ];
  }
  return [
    violation(
      'ART14_OPEN_ENDED_REQUIRED',
      ARTICLE.openEnded,
      'error',
      'termType',
      `劳动者${why}，除劳动者提出订立固定期限劳动合同外，应当订立无固定期限劳动合同`,
      `${whyEn}: an open-ended contract must be concluded unless the worker asks for a fixed term`,
    ),
  ];
}

// ---------------------------------------------------------------- Art. 35: 变更书

export function art35ChangeDates({ terms }: RuleInput): Violation[] {
  const change = terms.change;
  if (terms.kind !== 'change' || !change) return [];
  const effective = validDate(change.effectiveDate);
  const end = validDate(change.endDate);
  if (effective && end && end < effective) {
    return [
      violation(
        'ART35_CHANGED_END_BEFORE_EFFECTIVE',
        ARTICLE.change,
        'error',
        'change.endDate',
        `变更后的终止日期 ${end} 早于变更生效日期 ${effective}`,
        `the changed end date ${end} is before the change takes effect (${effective})`,
      ),
    ];
  }
  return [];
}
