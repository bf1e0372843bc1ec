/**
 * Pay and working hours: probation wage (Art. 20), the minimum wage of the workplace county in
 * force on the contract's dates (劳动法 第四十八条; monthly for full-time, hourly where only an
 * hourly wage is agreed), unverified reference data reported as a warning, and working-hour
 * systems (劳动法 第三十六、三十九条, 国务院令第174号).
 */
import {
  ARTICLE,
  atLeastPercent,
  cents,
  filled,
  isAmount,
  isEmploymentContract,
  isPartTime,
  minimumWageUnknown,
  tierEn,
  tierZh,
  validDate,
  violation,
  workplaceRegion,
  yuan,
  type RuleInput,
  type Violation,
} from './core.ts';

// ---------------------------------------------------------------- Art. 20 probation wage

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

/**
 * 劳动法 第四十八条: a full-time contract's monthly wage, or its hourly wage when only that is
 * agreed, against the standard in force at the start; a standard that comes into force during
 * the term is a warning (the wage must rise with it).
 */
export function contractWageAboveMinimum(input: RuleInput): Violation[] {
  const { terms } = input;
  if (!isEmploymentContract(terms) || isPartTime(terms)) return [];
  const monthly = terms.wage?.monthly;
  const hourly = terms.wage?.hourly;
  const useHourly = !isAmount(monthly) && isAmount(hourly);
  if (!isAmount(monthly) && !useHourly) return [];
  const field = useHourly ? 'wage.hourly' : 'wage.monthly';
  const minimum = input.minimumWage(input.referenceDate);
  if (!minimum) return [minimumWageUnknown(field, input)];
  const found: Violation[] = [];
  const below = (standard: typeof minimum) => (useHourly ? cents(hourly!) < cents(standard.hourly) : cents(monthly!) < cents(standard.monthly));
  if (below(minimum)) {
    found.push(
      useHourly
        ? violation(
            'WAGE_BELOW_HOURLY_MINIMUM',
            ARTICLE.minimumWage,
            'error',
            field,
            `小时工资 ${yuan(hourly!)} 元低于${minimum.provinceName}最低小时工资标准 ${yuan(minimum.hourly)} 元（${tierZh(minimum)}）`,
            `hourly wage ${yuan(hourly!)} is below the hourly minimum wage ${yuan(minimum.hourly)} (${tierEn(minimum)})`,
          )
        : violation(
            'WAGE_BELOW_MINIMUM',
            ARTICLE.minimumWage,
            'error',
            field,
            `月工资 ${yuan(monthly!)} 元低于${minimum.provinceName}最低工资标准 ${yuan(minimum.monthly)} 元（${tierZh(minimum)}）`,
            `monthly wage ${yuan(monthly!)} is below the minimum wage ${yuan(minimum.monthly)} (${tierEn(minimum)})`,
          ),
    );
    return found;
  }
  const start = input.referenceDate;
  const end = validDate(terms.endDate) ?? input.ctx.today;
  for (const later of start && end && input.minimumWageChanges ? input.minimumWageChanges(start, end) : []) {
    if (!below(later)) continue;
    const amount = useHourly ? later.hourly : later.monthly;
    found.push(
      violation(
        'WAGE_BELOW_LATER_MINIMUM',
        ARTICLE.minimumWage,
        'warning',
        field,
        `自 ${later.effectiveFrom} 起最低工资标准调整为 ${yuan(amount)} 元（${tierZh(later)}），约定工资届时须相应提高`,
        `from ${later.effectiveFrom} the minimum wage is ${yuan(amount)} (${tierEn(later)}): the agreed wage must be raised then`,
      ),
    );
  }
  return found;
}

/** A 变更书 raising or lowering the wage: the new wage against the standard in force when it applies. */
export function changedWageAboveMinimum(input: RuleInput): Violation[] {
  const change = input.terms.change;
  if (input.terms.kind !== 'change' || !change || !isAmount(change.monthlyWage) || isPartTime(input.terms)) return [];
  const minimum = input.minimumWage(validDate(change.effectiveDate) ?? input.referenceDate);
  if (!minimum) return [minimumWageUnknown('change.monthlyWage', input)];
  if (cents(change.monthlyWage) >= cents(minimum.monthly)) return [];
  return [
    violation(
      'WAGE_BELOW_MINIMUM',
      ARTICLE.minimumWage,
      'error',
      'change.monthlyWage',
      `变更后的月工资 ${yuan(change.monthlyWage)} 元低于${minimum.provinceName}最低工资标准 ${yuan(minimum.monthly)} 元（${tierZh(minimum)}）`,
      `the changed monthly wage ${yuan(change.monthlyWage)} is below the minimum wage ${yuan(minimum.monthly)} (${tierEn(minimum)})`,
    ),
  ];
}

/**
 * What the minimum-wage figures rest on, said aloud: unverified table entries or tiers, and a
 * tier the employer declared (older templates), which is not used: the county decides.
 */
export function minimumWageReference(input: RuleInput): Violation[] {
  const { terms } = input;
  if (!isAmount(terms.wage?.monthly) && !isAmount(terms.wage?.hourly) && !terms.probation && !terms.dispatch && !terms.internalRetirement && !terms.nonCompete && !isAmount(terms.change?.monthlyWage))
    return [];
  const minimum = input.minimumWage(input.referenceDate);
  if (!minimum) return [];
  const found: Violation[] = [];
  const region = workplaceRegion(terms);
  if (minimum.verify) {
    found.push(
      violation(
        'MINIMUM_WAGE_UNVERIFIED',
        ARTICLE.minimumWage,
        'warning',
        region.field,
        `所用最低工资标准（${minimum.provinceName}，${minimum.effectiveFrom} 起执行，${tierZh(minimum)}）的金额或县区档次未经核实：${minimum.source}`,
        `the minimum wage used (province ${minimum.provinceCode}, in force from ${minimum.effectiveFrom}, ${tierEn(minimum)}) is unverified: its amounts or the county's tier are not confirmed against the official notice`,
      ),
    );
  }
  if (minimum.tierAssumed) {
    found.push(
      violation(
        'MINIMUM_WAGE_TIER_UNKNOWN',
        ARTICLE.minimumWage,
        'warning',
        region.field,
        `最低工资表未列明 ${region.code} 的档次，暂按最低档第${minimum.tier}档核对`,
        `the table gives no tier for ${region.code}: the lowest tier ${minimum.tier} was used`,
      ),
    );
  }
  const declared = terms.minimumWageTier;
  if (isAmount(declared) && !minimum.tierAssumed && declared !== minimum.tier) {
    found.push(
      violation(
        'MINIMUM_WAGE_TIER_DECLARED_IGNORED',
        ARTICLE.minimumWage,
        'warning',
        'minimumWageTier',
        `填写的第${declared}档不予采用：工作地 ${region.code} 适用第${minimum.tier}档`,
        `declared tier ${declared} is not used: the workplace ${region.code} is tier ${minimum.tier}`,
      ),
    );
  }
  return found;
}

// ---------------------------------------------------------------- working hours

/** 标准工时: at most 8 hours a day and 40 a week; the PDF prints the agreed figures. */
export function standardHoursCap({ terms }: RuleInput): Violation[] {
  const hours = terms.hours;
  if (hours?.system !== 'standard' || isPartTime(terms)) return [];
  const found: Violation[] = [];
  if (isAmount(hours.dailyHours) && hours.dailyHours > 8) {
    found.push(
      violation(
        'HOURS_STANDARD_DAILY_EXCEEDED',
        ARTICLE.standardHours,
        'error',
        'hours.dailyHours',
        `标准工时工作制每日工作时间不超过八小时，约定 ${hours.dailyHours} 小时`,
        `standard hours are at most 8 a day, ${hours.dailyHours} agreed`,
      ),
    );
  }
  if (isAmount(hours.weeklyHours) && hours.weeklyHours > 40) {
    found.push(
      violation(
        'HOURS_STANDARD_WEEKLY_EXCEEDED',
        ARTICLE.standardHours,
        'error',
        'hours.weeklyHours',
        `标准工时工作制每周工作时间不超过四十小时，约定 ${hours.weeklyHours} 小时`,
        `standard hours are at most 40 a week, ${hours.weeklyHours} agreed`,
      ),
    );
  }
  return found;
}

export function hoursApprovalNumber({ terms }: RuleInput): Violation[] {
  const system = terms.hours?.system;
  if ((system !== 'comprehensive' && system !== 'flexible') || filled(terms.hours?.approvalNumber)) return [];
  const zh = system === 'comprehensive' ? '综合计算工时工作制' : '不定时工作制';
  return [
    violation(
      'HOURS_APPROVAL_NUMBER_MISSING',
      ARTICLE.hoursApproval,
      'error',
      'hours.approvalNumber',
      `实行${zh}须写明人社部门批准文号`,
      `${system} working hours need the labor bureau's approval number`,
    ),
  ];
}
