/**
 * Calendar-date arithmetic on ISO `YYYY-MM-DD` strings. Contract dates in China are calendar
 * dates without a time zone, so everything here works on day numbers in UTC and never on
 * local time. Valid ISO dates compare chronologically as plain strings.
 */

export interface CalendarDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parts of a real calendar date, or undefined for anything else (2026-02-30, 2026-2-1, …). */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  return calendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** The date if year/month/day name a real day (year 1–9999), else undefined. */
export function calendarDate(year: number, month: number, day: number): CalendarDate | undefined {
  if (!Number.isInteger(year) || year < 1 || year > 9999) return undefined;
  if (!Number.isInteger(month) || month < 1 || month > 12) return undefined;
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

export function isIsoDate(text: unknown): text is string {
  return typeof text === 'string' && parseIsoDate(text) !== undefined;
}

export function formatIsoDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function requireDate(text: string): CalendarDate {
  const date = parseIsoDate(text);
  if (!date) throw new RangeError(`not an ISO calendar date (YYYY-MM-DD): ${JSON.stringify(text)}`);
  return date;
}

function dayNumber(text: string): number {
  const { year, month, day } = requireDate(text);
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  return Math.round(utc.getTime() / MS_PER_DAY);
}

function fromDayNumber(days: number): string {
  const utc = new Date(days * MS_PER_DAY);
  return formatIsoDate({ year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() });
}

/** -1, 0 or 1 as a is before, equal to or after b. */
export function compareIsoDates(a: string, b: string): number {
  return Math.sign(dayNumber(a) - dayNumber(b));
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

/** Days from a to b (negative when b is earlier). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/** Number of days in the inclusive range start…end (0 when end is before start). */
export function inclusiveDays(start: string, end: string): number {
  return Math.max(0, daysBetween(start, end) + 1);
}

function shiftMonth(date: CalendarDate, months: number): { year: number; month: number } {
  const index = date.year * 12 + (date.month - 1) + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** The same day `months` later (or earlier); a day the target month lacks clamps to its end. */
export function addMonths(date: string, months: number): string {
  const from = requireDate(date);
  const { year, month } = shiftMonth(from, months);
  return formatIsoDate({ year, month, day: Math.min(from.day, daysInMonth(year, month)) });
}

export function addYears(date: string, years: number): string {
  return addMonths(date, years * 12);
}

/**
 * Last day of an inclusive period of `months` months that starts on `start`: the day before
 * the same day-of-month `months` later (2026-09-15 + 36 months → 2029-09-14). When the target
 * month has no such day the period runs to that month's end (2026-01-31 + 1 month → 2026-02-28).
 */
export function monthPeriodEnd(start: string, months: number): string {
  const from = requireDate(start);
  const { year, month } = shiftMonth(from, months);
  const lastDay = daysInMonth(year, month);
  if (from.day > lastDay) return formatIsoDate({ year, month, day: lastDay });
  return addDays(formatIsoDate({ year, month, day: from.day }), -1);
}

/**
 * Whole months covered by the inclusive range start…end: 2026-09-15…2029-09-14 is 36,
 * 2026-09-15…2026-12-14 is 3 and 2026-09-15…2026-12-13 is 2. 0 when end is before start.
 */
export function wholeMonthsCovered(start: string, end: string): number {
  const from = requireDate(start);
  const to = requireDate(end);
  let months = Math.max(0, (to.year - from.year) * 12 + (to.month - from.month) + 1);
  while (months > 0 && monthPeriodEnd(start, months) > end) months -= 1;
  return months;
}

/** China Standard Time is UTC+8 all year (Asia/Shanghai has had no daylight saving since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/**
 * The calendar date in Asia/Shanghai (北京时间) of an instant — the one way the platform turns a
 * moment (a signature, "now") into a day. A signature at 2026-03-01T01:30+08:00 is
 * 2026-02-28T17:30Z and belongs to 2026-03-01, not to the UTC day.
 */
export function shanghaiDate(instant: Date | number = Date.now()): string {
  const time = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(time)) throw new RangeError('not a valid instant');
  return new Date(time + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** An instant as people in China read it in reports: `2026年12月6日 04:05:28（北京时间）`. */
export function beijingDateTime(instant: Date | string | number): string {
  const time = new Date(instant).getTime();
  if (!Number.isFinite(time)) throw new RangeError('not a valid instant');
  const iso = new Date(time + SHANGHAI_OFFSET_MS).toISOString();
  return `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日 ${iso.slice(11, 19)}（北京时间）`;
}

/** The first instant of a calendar day in Beijing time: 2026-12-05 → 2026-12-04T16:00:00Z. */
export function shanghaiDayStart(date: string): Date {
  return new Date(dayNumber(date) * MS_PER_DAY - SHANGHAI_OFFSET_MS);
}

/** The last millisecond of a calendar day in Beijing time: 2026-12-05 → 2026-12-05T15:59:59.999Z. */
export function shanghaiDayEnd(date: string): Date {
  return new Date(shanghaiDayStart(addDays(date, 1)).getTime() - 1);
}

/** Today in Beijing time (the day the daily supervision run and default `asOf` refer to). */
export function todayInShanghai(now: Date | number = Date.now()): string {
  return shanghaiDate(now);
}

/** Whole years of age on `date` of someone born on `birthDate` (the birthday itself counts; 02-29 birthdays fall on 03-01 in common years). */
export function ageOn(birthDate: string, date: string): number {
  const birth = requireDate(birthDate);
  const on = requireDate(date);
  let years = on.year - birth.year;
  const birthdayPassed = on.month > birth.month || (on.month === birth.month && on.day >= birth.day);
  if (!birthdayPassed) years -= 1;
  return years;
}
