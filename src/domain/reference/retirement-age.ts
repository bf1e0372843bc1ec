/**
 * Statutory retirement age (法定退休年龄) under the gradual reform decided by the NPC Standing
 * Committee on 2024-09-13 and in force from 2025-01-01. The reform is a dated rule: the monthly
 * steps below follow the published schedule as understood here and are marked `verify` until
 * checked against the official 对照表.
 */
import { addMonths, parseIsoDate } from '../calendar.ts';

export type RetirementCategory = 'male' | 'female_cadre' | 'female_worker';

interface GradualScheme {
  /** Age before the reform. */
  baseAgeYears: number;
  /** Age once the reform is complete. */
  targetAgeYears: number;
  /** First birth month (YYYY-MM) whose retirement falls after the reform starts. */
  firstAffectedBirthMonth: string;
  /** Every this many birth months the age rises by one month. */
  birthMonthsPerStep: number;
}

export const RETIREMENT_REFORM_2025 = {
  source: '全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定（2024年9月13日）',
  effectiveFrom: '2025-01-01',
  verify: true,
  schemes: {
    male: { baseAgeYears: 60, targetAgeYears: 63, firstAffectedBirthMonth: '1965-01', birthMonthsPerStep: 4 },
    female_cadre: { baseAgeYears: 55, targetAgeYears: 58, firstAffectedBirthMonth: '1970-01', birthMonthsPerStep: 4 },
    female_worker: { baseAgeYears: 50, targetAgeYears: 55, firstAffectedBirthMonth: '1975-01', birthMonthsPerStep: 2 },
  } satisfies Record<RetirementCategory, GradualScheme>,
} as const;

export interface StatutoryRetirement {
  category: RetirementCategory;
  /** Age before the reform, in years. */
  baseAgeYears: number;
  /** Months added by the reform (0 for people who reached the old age before 2025). */
  delayMonths: number;
  /** Retirement age as whole years plus months, e.g. 60 years 1 month. */
  ageYears: number;
  ageMonths: number;
  /** The day the worker reaches that age. */
  retirementDate: string;
  source: string;
  verify: boolean;
}

function monthIndex(year: number, month: number): number {
  return year * 12 + month - 1;
}

function reformDelayMonths(scheme: GradualScheme, birthDate: string): number {
  const birth = parseIsoDate(birthDate)!;
  const [firstYear, firstMonth] = scheme.firstAffectedBirthMonth.split('-').map(Number) as [number, number];
  const monthsAfterFirst = monthIndex(birth.year, birth.month) - monthIndex(firstYear, firstMonth);
  if (monthsAfterFirst < 0) return 0;
  const maxDelay = (scheme.targetAgeYears - scheme.baseAgeYears) * 12;
  return Math.min(maxDelay, Math.floor(monthsAfterFirst / scheme.birthMonthsPerStep) + 1);
}

/** Statutory retirement age and date for a birth date (ISO) and category. */
export function statutoryRetirement(birthDate: string, category: RetirementCategory): StatutoryRetirement {
  if (!parseIsoDate(birthDate)) throw new RangeError(`not an ISO calendar date: ${JSON.stringify(birthDate)}`);
  const scheme = RETIREMENT_REFORM_2025.schemes[category];
  const delayMonths = reformDelayMonths(scheme, birthDate);
  const totalMonths = scheme.baseAgeYears * 12 + delayMonths;
  return {
    category,
    baseAgeYears: scheme.baseAgeYears,
    delayMonths,
    ageYears: Math.floor(totalMonths / 12),
    ageMonths: totalMonths % 12,
    retirementDate: addMonths(birthDate, totalMonths),
    source: RETIREMENT_REFORM_2025.source,
    verify: RETIREMENT_REFORM_2025.verify,
  };
}
