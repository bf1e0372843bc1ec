/**
 * Dated minimum wage table (最低工资标准) per province. Standards change by provincial notice,
 * so every entry carries its effective date and source; `verify: true` marks what was not
 * confirmed against the official text, and every figure judged from such an entry is reported
 * with a warning (MINIMUM_WAGE_UNVERIFIED), never silently. The tier is the workplace county's
 * (`tierOf`), never one the employer declares. Add a new entry when a province raises its
 * standard: lookups pick the one in force on the date asked, so history stays.
 */

export interface MinimumWageTier {
  /** Monthly minimum wage for full-time workers, yuan. */
  monthly: number;
  /** Hourly minimum wage for part-time workers, yuan. */
  hourly: number;
}

/**
 * A rate a province sets for particular work (e.g. underground mining) above the general one.
 * None is recorded yet: the hook is here so a notice that sets one is data, not code.
 */
export interface SpecialRate {
  /** Job category the rate applies to (contract-terms JobCategory). */
  jobCategory: string;
  monthly?: number;
  hourly?: number;
  source: string;
  verify: boolean;
}

export interface MinimumWageEntry {
  /** First two digits of the 行政区划代码. */
  provinceCode: string;
  provinceName: string;
  /** First day the standard applies (ISO date). */
  effectiveFrom: string;
  /** Tiers in official order: tier 1 (一类, highest) first. */
  tiers: readonly MinimumWageTier[];
  /** The notice: title, document number and where it was published, as far as known. */
  source: string;
  verify: boolean;
  verifyNote?: string;
  /** Tier of a county (6-digit code), or undefined when the table does not assign one. */
  tierOf?: (countyCode: string) => number | undefined;
  tierOfSource?: string;
  tierOfVerify?: boolean;
  specialRates?: readonly SpecialRate[];
}

/**
 * Shanxi's tier by county. ASSUMED, not confirmed: the notices assign tiers county by county
 * and that annex is not in this table. Until it is, 太原's six districts are tier 1, every other
 * district (区) and county-level city (市) tier 2, every county (县) tier 3. Every answer built on
 * this carries a MINIMUM_WAGE_UNVERIFIED warning.
 */
function shanxiTier(code: string): number | undefined {
  if (!/^14\d{4}$/.test(code) || code.endsWith('00')) return undefined;
  if (['140105', '140106', '140107', '140108', '140109', '140110'].includes(code)) return 1;
  const suffix = Number(code.slice(4));
  if (suffix < 20 || suffix >= 80) return 2;
  return 3;
}

const shanxiTierSource = '按县级行政区类型推定（太原市六城区一类，其他市辖区和县级市二类，县三类），未核对通知附件的分类表';

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
    verify: true,
    verifyNote: 'Amounts per the project domain reference; the notice number and the county tiers are not recorded here.',
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
    verifyNote: 'Monthly and hourly amounts unconfirmed (the hourly figures in particular); kept as the standard in force before 2023-01-01.',
    tierOf: shanxiTier,
    tierOfSource: shanxiTierSource,
    tierOfVerify: true,
  },
  {
    provinceCode: '14',
    provinceName: '山西省',
    effectiveFrom: '2023-01-01',
    tiers: [
      { monthly: 1980, hourly: 21.3 },
      { monthly: 1880, hourly: 20.2 },
      { monthly: 1780, hourly: 19.1 },
    ],
    source: '山西省人民政府关于调整全省最低工资标准的通知（2023年1月1日起执行；文号未核对）',
    verify: true,
    verifyNote: 'Amounts from a public copy of the notice cited in issue 22, not confirmed against the official text; the document number is not recorded and no later adjustment could be checked.',
    tierOf: shanxiTier,
    tierOfSource: shanxiTierSource,
    tierOfVerify: true,
  },
];

export interface MinimumWage extends MinimumWageTier {
  provinceCode: string;
  provinceName: string;
  effectiveFrom: string;
  /** 1-based tier the amounts belong to. */
  tier: number;
  /** True when the county has no tier in the table and the lowest tier was used. */
  tierAssumed: boolean;
  source: string;
  /** True when the amounts or the county's tier are unconfirmed. */
  verify: boolean;
  /** Human-readable note on how the figure was chosen. */
  note: string;
}

function entriesOf(regionCode: string, table: readonly MinimumWageEntry[]): MinimumWageEntry[] {
  const provinceCode = regionCode.slice(0, 2);
  return table.filter((entry) => entry.provinceCode === provinceCode).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
}

function figure(entry: MinimumWageEntry, countyCode: string, jobCategory?: string): MinimumWage {
  const countyTier = entry.tierOf?.(countyCode);
  const tierKnown = countyTier !== undefined && countyTier >= 1 && countyTier <= entry.tiers.length;
  const tier = tierKnown ? countyTier : entry.tiers.length;
  const general = entry.tiers[tier - 1]!;
  // A special rate for the kind of work raises the figure; it never lowers the general one.
  const special = jobCategory ? entry.specialRates?.find((rate) => rate.jobCategory === jobCategory) : undefined;
  const amounts = { monthly: Math.max(general.monthly, special?.monthly ?? 0), hourly: Math.max(general.hourly, special?.hourly ?? 0) };
  return {
    provinceCode: entry.provinceCode,
    provinceName: entry.provinceName,
    effectiveFrom: entry.effectiveFrom,
    tier,
    tierAssumed: !tierKnown,
    monthly: amounts.monthly,
    hourly: amounts.hourly,
    source: special ? `${entry.source}；特殊标准：${special.source}` : entry.source,
    verify: entry.verify || (tierKnown && entry.tierOfVerify === true) || special?.verify === true,
    note: tierKnown
      ? `tier ${tier} of ${entry.provinceName} for county ${countyCode}${entry.tierOfVerify ? ' (tier assignment unverified)' : ''}, in force from ${entry.effectiveFrom}`
      : `county ${countyCode} has no tier in the table: lowest tier (${tier}) of ${entry.provinceName} used, in force from ${entry.effectiveFrom}`,
  };
}

/**
 * The minimum wage in force on `date` (ISO) for the workplace county `countyCode`, in the tier
 * the table assigns to that county (the lowest tier when it assigns none, flagged). Undefined
 * for a province or date the table does not cover.
 */
export function minimumWageOn(countyCode: string, date: string, table: readonly MinimumWageEntry[] = MINIMUM_WAGE_TABLE, jobCategory?: string): MinimumWage | undefined {
  const entry = entriesOf(countyCode, table)
    .filter((candidate) => candidate.effectiveFrom <= date)
    .at(-1);
  return entry ? figure(entry, countyCode, jobCategory) : undefined;
}

/** Standards that come into force after `from` and on or before `to`: a contract's term must keep up with them. */
export function minimumWageChanges(countyCode: string, from: string, to: string, table: readonly MinimumWageEntry[] = MINIMUM_WAGE_TABLE, jobCategory?: string): MinimumWage[] {
  return entriesOf(countyCode, table)
    .filter((entry) => entry.effectiveFrom > from && entry.effectiveFrom <= to)
    .map((entry) => figure(entry, countyCode, jobCategory));
}
