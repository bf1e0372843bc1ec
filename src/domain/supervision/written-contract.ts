/**
 * 劳动合同法 第十条、第十四条第三款、第八十二条 and 实施条例 第六、七条: a written contract within
 * one month of 用工之日, double wages after that, and a deemed open-ended contract after a year.
 *
 * Reading of "one month from 用工之日" (the platform's choice, as in labor practice): 用工之日 is
 * day 1 and the month is the inclusive period ending the day before the same day-of-month one
 * month later (calendar.monthPeriodEnd). Hired 2026-01-15 → sign by 2026-02-14 (day 31);
 * hired 2026-04-01 → by 2026-04-30 (day 30), alert from 2026-05-01 (day 31). The first year
 * likewise ends 2027-01-14, so double wages run 2026-02-15…2027-01-14 — exactly the
 * 11-month cap — and the contract is deemed open-ended from the anniversary 2027-01-15.
 * (Counting under 民法典 第二百零一条, which excludes the first day, would move every date one
 * day later; courts differ, the earlier date is the cautious one for employers.)
 */
import { addDays, inclusiveDays, monthPeriodEnd, wholeMonthsCovered } from '../calendar.ts';
import { alert, ARTICLE } from './alerts.ts';
import { owesWrittenContract, signedContractsOfSpell } from './roster.ts';
import type { Alert, AlertDetailValue, RosterRecord, SupervisionContext } from './types.ts';

export interface WrittenContractDeadlines {
  hireDate: string;
  /** Last day on which signing is still in time. */
  signingDeadline: string;
  /** First day of double wages when still unsigned. */
  doubleWageFrom: string;
  /** Last day of the first year: double wages stop here (11 months at most). */
  lastDoubleWageDay: string;
  /** From this day (the anniversary) an open-ended contract is deemed concluded. */
  deemedOpenEndedFrom: string;
}

export function writtenContractDeadlines(hireDate: string): WrittenContractDeadlines {
  const signingDeadline = monthPeriodEnd(hireDate, 1);
  const lastDoubleWageDay = monthPeriodEnd(hireDate, 12);
  return {
    hireDate,
    signingDeadline,
    doubleWageFrom: addDays(signingDeadline, 1),
    lastDoubleWageDay,
    deemedOpenEndedFrom: addDays(lastDoubleWageDay, 1),
  };
}

export interface DoubleWageExposure {
  from: string;
  /** Last day counted (inclusive). */
  until: string;
  days: number;
  wholeMonths: number;
  /** The 11-month cap cut the period short. */
  capped: boolean;
}

/**
 * Double wages owed for working without a written contract up to and including
 * `lastDayWithoutContract` (the day before signing, or the last day looked at). Undefined when
 * that day is still within the first month.
 */
export function doubleWageExposure(hireDate: string, lastDayWithoutContract: string): DoubleWageExposure | undefined {
  const { doubleWageFrom, lastDoubleWageDay } = writtenContractDeadlines(hireDate);
  if (lastDayWithoutContract < doubleWageFrom) return undefined;
  const capped = lastDayWithoutContract > lastDoubleWageDay;
  const until = capped ? lastDoubleWageDay : lastDayWithoutContract;
  return { from: doubleWageFrom, until, days: inclusiveDays(doubleWageFrom, until), wholeMonths: wholeMonthsCovered(doubleWageFrom, until), capped };
}

function exposureDetails(exposure: DoubleWageExposure | undefined): Record<string, AlertDetailValue> {
  return {
    doubleWageFrom: exposure?.from ?? null,
    doubleWageUntil: exposure?.until ?? null,
    doubleWageDays: exposure?.days ?? 0,
    doubleWageWholeMonths: exposure?.wholeMonths ?? 0,
    doubleWageCapped: exposure?.capped ?? false,
  };
}

/** First day a contract of this spell was signed on or before asOf; 'unknown' when a signed one lacks the date. */
function firstSigningDay(record: RosterRecord, context: SupervisionContext): string | 'unknown' | undefined {
  const signed = signedContractsOfSpell(record, context.contractsOf(record.workerKey));
  if (signed.some((contract) => contract.signedAt === undefined)) return 'unknown';
  const days = signed.map((contract) => contract.signedAt!).filter((day) => day <= context.asOf);
  return days.length ? days.reduce((a, b) => (b < a ? b : a)) : undefined;
}

function earliest(date: string, other: string | undefined): string {
  return other !== undefined && other < date ? other : date;
}

function deemedOpenEnded(record: RosterRecord, deadlines: WrittenContractDeadlines, signedOn: string | undefined): Alert {
  return alert(
    'ART14_DEEMED_OPEN_ENDED',
    ARTICLE.deemedOpenEnded,
    'warning',
    { workerKey: record.workerKey },
    `自用工之日（${record.hireDate}）起满一年未订立书面劳动合同，视为自 ${deadlines.deemedOpenEndedFrom} 起已订立无固定期限劳动合同`,
    `no written contract within a year of the start of work (${record.hireDate}): an open-ended contract is deemed concluded from ${deadlines.deemedOpenEndedFrom}`,
    { hireDate: record.hireDate, deemedOpenEndedFrom: deadlines.deemedOpenEndedFrom, signedAt: signedOn ?? null },
  );
}

function checkSpell(record: RosterRecord, context: SupervisionContext): Alert[] {
  const { asOf } = context;
  if (record.hireDate > asOf || !owesWrittenContract(record, context.employer)) return [];
  const signedOn = firstSigningDay(record, context);
  if (signedOn === 'unknown') return [];
  const deadlines = writtenContractDeadlines(record.hireDate);
  const employedUntil = earliest(asOf, record.separationDate);
  if (signedOn !== undefined && signedOn <= deadlines.signingDeadline) return [];
  if (signedOn === undefined && employedUntil <= deadlines.signingDeadline) return remindIfDue(record, deadlines, context);
  const lastDayWithout = earliest(employedUntil, signedOn === undefined ? undefined : addDays(signedOn, -1));
  const exposure = doubleWageExposure(record.hireDate, lastDayWithout);
  const found = [signedOn === undefined ? unsigned(record, deadlines, exposure!, employedUntil, context) : signedLate(record, deadlines, exposure, signedOn)];
  if (lastDayWithout >= deadlines.lastDoubleWageDay && employedUntil >= deadlines.deemedOpenEndedFrom) found.push(deemedOpenEnded(record, deadlines, signedOn));
  return found;
}

function unsigned(record: RosterRecord, deadlines: WrittenContractDeadlines, exposure: DoubleWageExposure, employedUntil: string, context: SupervisionContext): Alert {
  const ongoing = employedUntil === context.asOf;
  return alert(
    'ART10_NO_WRITTEN_CONTRACT',
    ARTICLE.noContract,
    ongoing ? 'error' : 'warning',
    { workerKey: record.workerKey },
    `用工已超过一个月（用工之日 ${record.hireDate}，应于 ${deadlines.signingDeadline} 前订立）仍未订立书面劳动合同，二倍工资风险 ${exposure.days} 天（${exposure.from} 至 ${exposure.until}${exposure.capped ? '，已达十一个月上限' : ''}）`,
    `more than one month of work without a written contract (started ${record.hireDate}, due by ${deadlines.signingDeadline}); double wages for ${exposure.days} days (${exposure.from} to ${exposure.until}${exposure.capped ? ', 11-month cap reached' : ''})`,
    { hireDate: record.hireDate, signingDeadline: deadlines.signingDeadline, daysEmployed: inclusiveDays(record.hireDate, employedUntil), ongoing, ...exposureDetails(exposure) },
  );
}

/** Signed after the deadline; signed on the very next day the exposure is zero days, but the signing was still late. */
function signedLate(record: RosterRecord, deadlines: WrittenContractDeadlines, exposure: DoubleWageExposure | undefined, signedOn: string): Alert {
  const days = exposure ? `${exposure.from} 至 ${exposure.until} 共 ${exposure.days} 天` : '0 天';
  const daysEn = exposure ? `${exposure.days} days (${exposure.from} to ${exposure.until})` : '0 days';
  return alert(
    'ART82_DOUBLE_WAGE_LATE_SIGNING',
    ARTICLE.lateSigning,
    'warning',
    { workerKey: record.workerKey },
    `书面劳动合同于 ${signedOn} 订立，晚于用工之日起一个月（${deadlines.signingDeadline}），应核查 ${days}的二倍工资是否已支付`,
    `the written contract was signed on ${signedOn}, after the one-month deadline (${deadlines.signingDeadline}); check that double wages were paid for ${daysEn}`,
    { hireDate: record.hireDate, signingDeadline: deadlines.signingDeadline, signedAt: signedOn, ...exposureDetails(exposure) },
  );
}

/** A daily run warns during the last week of the month, before double wages start. */
function remindIfDue(record: RosterRecord, deadlines: WrittenContractDeadlines, context: SupervisionContext): Alert[] {
  const { asOf } = context;
  if (record.separationDate !== undefined && record.separationDate < asOf) return [];
  const daysLeft = inclusiveDays(asOf, deadlines.signingDeadline);
  if (daysLeft < 1 || daysLeft > context.options.signingReminderDays) return [];
  return [
    alert(
      'ART10_SIGNING_DUE',
      ARTICLE.noContract,
      'warning',
      { workerKey: record.workerKey },
      `尚未订立书面劳动合同，须于 ${deadlines.signingDeadline} 前订立（含当日还剩 ${daysLeft} 天），否则自 ${deadlines.doubleWageFrom} 起支付二倍工资`,
      `no written contract yet: sign by ${deadlines.signingDeadline} (${daysLeft} day(s) left, today included) or double wages are owed from ${deadlines.doubleWageFrom}`,
      { hireDate: record.hireDate, signingDeadline: deadlines.signingDeadline, daysLeft },
    ),
  ];
}

export function writtenContractWithinOneMonth(context: SupervisionContext): Alert[] {
  return context.roster.flatMap((record) => checkSpell(record, context));
}
