/**
 * The persons: identity numbers (GB 11643, GB 32100), region codes (GB/T 2260), minimum age
 * (劳动法 第十五条), minors' prohibited work (劳动法 第六十四条) and 内部退养
 * (晋人社厅发〔2022〕45号), which turns on the worker's birth date and statutory retirement age.
 */
import { addDays, addYears } from '../calendar.ts';
import type { JobCategory } from '../contract-terms.ts';
import type { ContractTerms } from '../contract-terms.ts';
import { parseResidentId, parseUscc } from '../identity.ts';
import { checkRegionCode } from '../reference/divisions.ts';
import { statutoryRetirement, type RetirementCategory } from '../reference/retirement-age.ts';
import { ARTICLE, atLeastPercent, filled, isAmount, isDispatch, isEmploymentContract, minimumWageUnknown, tierEn, tierZh, validDate, violation, yuan, type RuleInput, type Violation } from './core.ts';

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
  for (const [field, code] of [
    ['employer.regionCode', terms.employer?.regionCode ?? ''],
    ['workplaceRegionCode', terms.workplaceRegionCode],
  ] as const) {
    if (code === undefined) continue;
    const region = checkRegionCode(code);
    if (!region.ok) found.push(violation('REGION_CODE_INVALID', ARTICLE.regionCode, 'error', field, `行政区划代码无效：${region.reasonZh}`, `region code is invalid: ${region.reason}`));
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

/** Patterns of work prohibited for minors, read from the job title and description when no category is given. */
const MINOR_PROHIBITED: readonly { category: JobCategory; labelZh: string; pattern: RegExp }[] = [
  { category: 'underground_mining', labelZh: '矿山井下作业', pattern: /井下|坑下|矿山.*(采掘|开采)|采煤|掘进/ },
  { category: 'toxic_hazardous', labelZh: '有毒有害作业', pattern: /有毒|有害|粉尘|苯|铅|汞|农药/ },
  { category: 'heavy_physical_level_4', labelZh: '第四级体力劳动强度作业', pattern: /搬运|装卸|重体力/ },
  { category: 'work_at_height', labelZh: '高处作业', pattern: /高处|高空|登高|架子工/ },
  { category: 'high_temperature_or_cold', labelZh: '高温、低温、冷水作业', pattern: /高温|低温|冷水|冷库/ },
  { category: 'radiation', labelZh: '放射性作业', pattern: /放射|辐射|射线/ },
  { category: 'explosives', labelZh: '易燃易爆作业', pattern: /爆破|炸药|易燃易爆|烟花/ },
  { category: 'pressure_vessel_or_diving', labelZh: '压力容器、潜水作业', pattern: /压力容器|锅炉|潜水/ },
];

/** 未成年工 (16–18 on the start date, from the ID number) may not do the work listed in 未成年工特殊保护规定 第三条. */
export function minorsProhibitedWork({ terms, ctx, referenceDate }: RuleInput): Violation[] {
  if (!isEmploymentContract(terms) || !referenceDate || !filled(terms.worker?.idNumber)) return [];
  const id = parseResidentId(terms.worker.idNumber, { today: ctx.today });
  if (!id.ok || addYears(id.birthDate, 16) > referenceDate || addYears(id.birthDate, 18) <= referenceDate) return [];
  const declared = terms.jobCategory ? MINOR_PROHIBITED.find((p) => p.category === terms.jobCategory) : undefined;
  const described = declared ? undefined : MINOR_PROHIBITED.find((p) => [terms.jobTitle, terms.jobDescription].some((text) => filled(text) && p.pattern.test(text)));
  const found = declared ?? described;
  if (!found) return [];
  const field = declared ? 'jobCategory' : filled(terms.jobTitle) && found.pattern.test(terms.jobTitle) ? 'jobTitle' : 'jobDescription';
  return [
    violation(
      'MINOR_PROHIBITED_WORK',
      ARTICLE.minors,
      'error',
      field,
      `劳动者未满十八周岁（出生于 ${id.birthDate}），不得安排从事${found.labelZh}`,
      `the worker is under 18 (born ${id.birthDate}) and may not do this work (${found.category})`,
    ),
  ];
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
        violation(
          'INTERNAL_RETIREMENT_BIRTH_DATE_MISMATCH',
          ARTICLE.shanxi2022,
          'error',
          'internalRetirement.workerBirthDate',
          `出生日期 ${stated} 与身份证号码（${fromId.birthDate}）不一致`,
          `birth date ${stated} differs from the ID number (${fromId.birthDate})`,
        ),
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
    return [
      violation(
        'INTERNAL_RETIREMENT_DETAILS_MISSING',
        ARTICLE.shanxi2022,
        'error',
        'internalRetirement',
        '内部退养协议须写明退养起始日期、职工类别和生活费',
        'an internal retirement agreement needs its start date, worker category and allowance',
      ),
    ];
  }
  const worker = internalRetirementWorker(input);
  if (worker.problems.length) return worker.problems;
  const expectedSex = RETIREMENT_CATEGORY_SEX[agreement.workerCategory];
  if (!expectedSex || (worker.sex && worker.sex !== expectedSex)) {
    return [
      violation(
        'INTERNAL_RETIREMENT_CATEGORY_MISMATCH',
        ARTICLE.shanxi2022,
        'error',
        'internalRetirement.workerCategory',
        '职工类别与身份证号码所示性别不符或无效',
        'worker category is invalid or contradicts the sex in the ID number',
      ),
    ];
  }
  // A malformed ID number is reported once, as an ID error (GB 11643), not again here.
  if (!worker.birthDate && filled(terms.worker?.idNumber) && !parseResidentId(terms.worker.idNumber, { today: input.ctx.today }).ok) return [];
  if (!worker.birthDate) {
    return [
      violation(
        'INTERNAL_RETIREMENT_BIRTH_DATE_UNKNOWN',
        ARTICLE.shanxi2022,
        'error',
        'internalRetirement.workerBirthDate',
        '无法确定职工出生日期，不能核对内部退养条件',
        "the worker's birth date is unknown, so eligibility cannot be checked",
      ),
    ];
  }
  const start = validDate(agreement.startDate);
  if (!start) return [];
  const { retirementDate } = statutoryRetirement(worker.birthDate, agreement.workerCategory);
  if (start >= retirementDate) {
    return [
      violation(
        'INTERNAL_RETIREMENT_AFTER_RETIREMENT_AGE',
        ARTICLE.shanxi2022,
        'error',
        'internalRetirement.startDate',
        `职工已于 ${retirementDate} 达到法定退休年龄`,
        `the worker reaches statutory retirement age on ${retirementDate}`,
      ),
    ];
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
