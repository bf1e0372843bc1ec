/**
 * National identifiers the platform relies on: 居民身份证号码 (GB 11643-1999),
 * 统一社会信用代码 (GB 32100-2015) and 行政区划代码 (GB/T 2260).
 */
import { calendarDate, formatIsoDate } from './calendar.ts';

export type Sex = 'male' | 'female';

export type Checked<T> = ({ ok: true } & T) | { ok: false; reason: string; reasonZh: string };

/** Province-level prefixes of GB/T 2260 (71 台湾, 81 香港, 82 澳门 included). */
const PROVINCE_CODES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

// ---------------------------------------------------------------- 行政区划代码

/** A 6-digit 行政区划代码 whose first two digits name a province. */
export function isValidRegionCode(code: string): boolean {
  return /^\d{6}$/.test(code) && PROVINCE_CODES.has(code.slice(0, 2));
}

/**
 * Canonical form of a region scope: 2 (province), 4 (city) or 6 (county) digits, with the
 * trailing "00" pairs of a full 6-digit code dropped ('140800' → '1408', '140000' → '14').
 * Undefined when the text is no valid scope.
 */
export function normalizeRegionPrefix(prefix: string): string | undefined {
  if (!/^(\d{2}|\d{4}|\d{6})$/.test(prefix) || !PROVINCE_CODES.has(prefix.slice(0, 2))) return undefined;
  let scope = prefix;
  while (scope.length > 2 && scope.endsWith('00')) scope = scope.slice(0, -2);
  return scope;
}

/** True when a region code lies inside an official's scope (e.g. '140802' in '1408' 运城 or '14' 山西). */
export function regionMatchesPrefix(code: string, prefix: string): boolean {
  const scope = normalizeRegionPrefix(prefix);
  return scope !== undefined && isValidRegionCode(code) && code.startsWith(scope);
}

// ---------------------------------------------------------------- 居民身份证号码

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARACTERS = '10X98765432';

/** ISO 7064 MOD 11-2 check character for the first 17 digits of a 居民身份证号码. */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('a 居民身份证号码 body is 17 digits');
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * ID_WEIGHTS[i]!, 0);
  return ID_CHECK_CHARACTERS[sum % 11]!;
}

export interface ResidentId {
  /** Upper-case form (a trailing 'x' becomes 'X'). */
  normalized: string;
  /** 6-digit 行政区划代码 of the household registration when the number was issued. */
  regionCode: string;
  birthDate: string;
  sex: Sex;
}

/**
 * Validates an 18-character 居民身份证号码 and returns its parts. `today` (ISO date), when
 * given, also rejects birth dates in the future.
 */
export function parseResidentId(id: string, options: { today?: string } = {}): Checked<ResidentId> {
  const normalized = id.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(normalized)) return { ok: false, reason: 'must be 17 digits followed by a digit or X', reasonZh: '应为 17 位数字加 1 位数字或 X' };
  const regionCode = normalized.slice(0, 6);
  if (!isValidRegionCode(regionCode)) return { ok: false, reason: `region code ${regionCode} names no province`, reasonZh: `前 6 位 ${regionCode} 不是有效的行政区划代码` };
  const birth = calendarDate(Number(normalized.slice(6, 10)), Number(normalized.slice(10, 12)), Number(normalized.slice(12, 14)));
  if (!birth || birth.year < 1850) return { ok: false, reason: `birth date ${normalized.slice(6, 14)} is not a valid date`, reasonZh: `出生日期 ${normalized.slice(6, 14)} 不是有效日期` };
  const birthDate = formatIsoDate(birth);
  if (options.today !== undefined && birthDate > options.today) return { ok: false, reason: `birth date ${birthDate} is in the future`, reasonZh: `出生日期 ${birthDate} 晚于今天` };
  const expected = residentIdCheckCharacter(normalized.slice(0, 17));
  if (normalized[17] !== expected) return { ok: false, reason: `check character should be ${expected}`, reasonZh: `校验码有误，按前 17 位应为 ${expected}，请核对号码` };
  const sex: Sex = Number(normalized[16]) % 2 === 1 ? 'male' : 'female';
  return { ok: true, normalized, regionCode, birthDate, sex };
}

export function isValidResidentId(id: string): boolean {
  return parseResidentId(id).ok;
}

// ---------------------------------------------------------------- 统一社会信用代码

/** GB 32100 code alphabet: digits and capitals without I, O, Z, S, V. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const USCC_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** GB 32100 check character (mod 31) for the first 17 characters of a 统一社会信用代码. */
export function usccCheckCharacter(first17: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(first17)) throw new RangeError('a 统一社会信用代码 body is 17 characters of the GB 32100 alphabet');
  const sum = [...first17].reduce((acc, ch, i) => acc + USCC_ALPHABET.indexOf(ch) * USCC_WEIGHTS[i]!, 0);
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export interface Uscc {
  normalized: string;
  /** 登记管理部门代码 (e.g. '9' 市场监管, '5' 民政, '1' 机构编制). */
  registrationAuthority: string;
  /** 机构类别代码 (e.g. '1' 企业 under 市场监管). */
  entityCategory: string;
  /** 登记管理机关行政区划码. */
  regionCode: string;
}

export function parseUscc(code: string): Checked<Uscc> {
  const normalized = code.trim().toUpperCase();
  if (!USCC_PATTERN.test(normalized)) {
    return { ok: false, reason: 'must be 18 characters from 0-9 and A-H J-N P-R T-U W-Y', reasonZh: '应为 18 位，由数字和除 I、O、S、V、Z 外的大写字母组成' };
  }
  const regionCode = normalized.slice(2, 8);
  if (!isValidRegionCode(regionCode)) return { ok: false, reason: `characters 3–8 (${regionCode}) are no region code`, reasonZh: `第 3–8 位 ${regionCode} 不是有效的行政区划代码` };
  const expected = usccCheckCharacter(normalized.slice(0, 17));
  if (normalized[17] !== expected) return { ok: false, reason: `check character should be ${expected}`, reasonZh: `校验码有误，按前 17 位应为 ${expected}，请核对号码` };
  return {
    ok: true,
    normalized,
    registrationAuthority: normalized[0]!,
    entityCategory: normalized[1]!,
    regionCode,
  };
}

export function isValidUscc(code: string): boolean {
  return parseUscc(code).ok;
}
