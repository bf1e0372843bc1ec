/**
 * 劳务派遣 (劳动合同法 第五十七至六十七条, 劳务派遣暂行规定, 晋人社厅发〔2022〕45号) and
 * 非全日制用工 (第六十八至七十二条).
 */
import { monthPeriodEnd } from '../calendar.ts';
import { ARTICLE, cents, filled, fixedTermMonths, isAmount, isDispatch, isPartTime, minimumWageUnknown, tierEn, tierZh, validDate, violation, yuan, type RuleInput, type Violation } from './core.ts';

// ---------------------------------------------------------------- dispatch

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
    return [
      violation(
        'ART58_DISPATCH_DETAILS_MISSING',
        ARTICLE.dispatchContract,
        'error',
        'dispatch',
        '劳务派遣劳动合同须载明用工单位、派遣期限和工作岗位',
        'a dispatch contract must state the host employer, assignment period and post',
      ),
    ];
  }
  const found: Violation[] = [];
  if (!filled(dispatch.hostEmployerName)) {
    found.push(
      violation('ART58_HOST_EMPLOYER_MISSING', ARTICLE.dispatchContract, 'error', 'dispatch.hostEmployerName', '劳务派遣劳动合同须载明用工单位', 'a dispatch contract must name the host employer'),
    );
  }
  const start = validDate(dispatch.assignmentStartDate);
  const end = validDate(dispatch.assignmentEndDate);
  if (start && end && end < start) {
    found.push(
      violation(
        'ART58_ASSIGNMENT_END_BEFORE_START',
        ARTICLE.dispatchContract,
        'error',
        'dispatch.assignmentEndDate',
        `派遣期限终止日期 ${end} 早于起始日期 ${start}`,
        `assignment ends (${end}) before it starts (${start})`,
      ),
    );
  }
  return found;
}

export function dispatchFixedTermOfTwoYears({ terms }: RuleInput): Violation[] {
  if (!isDispatch(terms)) return [];
  if (terms.termType !== 'fixed') {
    return [
      violation(
        'ART58_DISPATCH_TERM_NOT_FIXED',
        ARTICLE.dispatchContract,
        'error',
        'termType',
        '劳务派遣单位应当与被派遣劳动者订立二年以上的固定期限劳动合同',
        'a dispatch agency must sign a fixed-term contract of at least two years',
      ),
    ];
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
    return [
      violation(
        'ART66_POST_NATURE_INVALID',
        ARTICLE.dispatchPosts,
        'error',
        'dispatch.postNature',
        '劳务派遣只能在临时性、辅助性或者替代性的工作岗位上实施',
        'dispatch is allowed only for temporary, auxiliary or substitute posts',
      ),
    ];
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

/** Art. 67: an employer may not dispatch to itself (or its units) through an agency it or its shareholders set up. */
export function dispatchToItself({ terms }: RuleInput): Violation[] {
  const dispatch = terms.dispatch;
  if (!isDispatch(terms) || !dispatch) return [];
  const same = filled(dispatch.agencyUscc) && filled(dispatch.hostEmployerUscc) && dispatch.agencyUscc.trim().toUpperCase() === dispatch.hostEmployerUscc.trim().toUpperCase();
  if (same) {
    return [
      violation(
        'ART67_SELF_DISPATCH',
        ARTICLE.selfDispatch,
        'error',
        'dispatch.hostEmployerUscc',
        '劳务派遣单位不得向本单位派遣劳动者（用工单位与派遣单位为同一单位）',
        'a dispatch agency may not dispatch workers to itself (same unified social credit code)',
      ),
    ];
  }
  if (dispatch.agencyFoundedByHost === true) {
    return [
      violation(
        'ART67_AGENCY_FOUNDED_BY_HOST',
        ARTICLE.selfDispatch,
        'error',
        'dispatch.agencyFoundedByHost',
        '用人单位或者其所属单位出资或者合伙设立的劳务派遣单位，不得向本单位或者所属单位派遣劳动者',
        'an agency set up by the host employer or its units may not dispatch workers to them',
      ),
    ];
  }
  return [];
}

// ---------------------------------------------------------------- part-time (Art. 68–72)

export function partTimeHours({ terms }: RuleInput): Violation[] {
  if (!isPartTime(terms)) return [];
  const daily = terms.hours?.dailyHours;
  const weekly = terms.hours?.weeklyHours;
  if (!isAmount(daily) && !isAmount(weekly)) {
    return [
      violation(
        'ART68_HOURS_UNSPECIFIED',
        ARTICLE.partTimeHours,
        'warning',
        'hours',
        '非全日制用工未约定每日或每周工作时间，无法核对工时上限',
        'part-time hours not stated: the daily and weekly caps cannot be checked',
      ),
    ];
  }
  const found: Violation[] = [];
  if (isAmount(daily) && daily > 4) {
    found.push(
      violation(
        'ART68_DAILY_HOURS_EXCEEDED',
        ARTICLE.partTimeHours,
        'error',
        'hours.dailyHours',
        `非全日制用工平均每日工作时间不超过四小时，约定 ${daily} 小时`,
        `part-time work is at most 4 hours a day on average, ${daily} agreed`,
      ),
    );
  }
  if (isAmount(weekly) && weekly > 24) {
    found.push(
      violation(
        'ART68_WEEKLY_HOURS_EXCEEDED',
        ARTICLE.partTimeHours,
        'error',
        'hours.weeklyHours',
        `非全日制用工每周工作时间累计不超过二十四小时，约定 ${weekly} 小时`,
        `part-time work is at most 24 hours a week, ${weekly} agreed`,
      ),
    );
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
    return [
      violation(
        'ART72_PAY_INTERVAL_UNSPECIFIED',
        ARTICLE.partTimePay,
        'warning',
        'wage.paymentIntervalDays',
        '非全日制用工应约定劳动报酬结算支付周期（最长十五日）',
        'part-time work should state the pay interval (at most 15 days)',
      ),
    ];
  }
  if (interval <= 15) return [];
  return [
    violation(
      'ART72_PAY_INTERVAL_TOO_LONG',
      ARTICLE.partTimePay,
      'error',
      'wage.paymentIntervalDays',
      `非全日制用工劳动报酬结算支付周期最长不得超过十五日，约定 ${interval} 日`,
      `part-time pay must be settled at least every 15 days, ${interval} agreed`,
    ),
  ];
}
