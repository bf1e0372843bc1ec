/**
 * Dated minimum wage table (最低工资标准) per province. Standards change by provincial notice,
 * so every entry carries its effective date and source; entries with `verify: true` were not
 * confirmed against the official text and must be checked before they are relied on.
 * Add a new entry when a province raises its standard: lookups pick the one in force.
 */

export interface MinimumWageTier {
  /** Monthly minimum wage for full-time workers, yuan. */
  monthly: number;
  /** Hourly minimum wage for part-time workers, yuan. */
  hourly: number;
}

export interface MinimumWageEntry {
  /** First two digits of the 行政区划代码. */
  provinceCode: string;
  provinceName: string;
  /** First day the standard applies (ISO date). */
  effectiveFrom: string;
  /** Tiers in official order: tier 1 (一类, highest) first. */
  tiers: readonly MinimumWageTier[];
  source: string;
  verify: boolean;
  verifyNote?: string;
}

export const MINIMUM_WAGE_TABLE: readonly MinimumWageEntry[] = [
  {
    provinceCode: '13',
    provinceName: '河北省',
    effectiveFrom: '2023-01-01',
    tiers: [
      { monthly: 2200, hourly: 22 },
      { monthly: 2000, hourly: 20 },
      { monthly: 1800, hourly: 18 },
    ],
    source: '河北省人民政府关于调整全省最低工资标准的通知（2023年1月1日起执行）',
    verify: false,
    verifyNote: 'Amounts per project domain reference; the notice number is not recorded here.',
  },
  {
    provinceCode: '14',
    provinceName: '山西省',
    effectiveFrom: '2021-10-01',
    tiers: [
      { monthly: 1880, hourly: 21.3 },
      { monthly: 1760, hourly: 19.8 },
      { monthly: 1630, hourly: 18.5 },
    ],
    source: '山西省人民政府关于调整全省最低工资标准的通知（2021年10月1日起执行）',
    verify: true,
    verifyNote: 'Monthly and hourly amounts unconfirmed; Shanxi may have raised the standard since 2021.',
  },
];

export interface MinimumWage extends MinimumWageTier {
  provinceCode: string;
  provinceName: string;
  effectiveFrom: string;
  /** 1-based tier the amounts belong to. */
  tier: number;
  /** True when the caller gave no (valid) tier and the lowest tier was used. */
  tierAssumed: boolean;
  source: string;
  verify: boolean;
  /** Human-readable note on how the figure was chosen. */
  note: string;
}

/**
 * The minimum wage in force on `date` (ISO) for the province of `regionCode`. Without a known
 * tier the LOWEST tier is used, so a wage that is lawful in any tier is never flagged.
 * Undefined for a province or date the table does not cover.
 */
export function minimumWageOn(
  regionCode: string,
  date: string,
  tier?: number,
  table: readonly MinimumWageEntry[] = MINIMUM_WAGE_TABLE,
): MinimumWage | undefined {
  const provinceCode = regionCode.slice(0, 2);
  const entry = table
    .filter((candidate) => candidate.provinceCode === provinceCode && candidate.effectiveFrom <= date)
    .reduce<MinimumWageEntry | undefined>((latest, candidate) => (!latest || candidate.effectiveFrom > latest.effectiveFrom ? candidate : latest), undefined);
  if (!entry) return undefined;
  const tierKnown = tier !== undefined && Number.isInteger(tier) && tier >= 1 && tier <= entry.tiers.length;
  const chosenTier = tierKnown ? tier : entry.tiers.length;
  const amounts = entry.tiers[chosenTier - 1]!;
  return {
    provinceCode,
    provinceName: entry.provinceName,
    effectiveFrom: entry.effectiveFrom,
    tier: chosenTier,
    tierAssumed: !tierKnown,
    monthly: amounts.monthly,
    hourly: amounts.hourly,
    source: entry.source,
    verify: entry.verify,
    note: tierKnown
      ? `tier ${chosenTier} of ${entry.provinceName}, in force from ${entry.effectiveFrom}`
      : `tier unknown: lowest tier (${chosenTier}) of ${entry.provinceName} used, in force from ${entry.effectiveFrom}`,
  };
}
