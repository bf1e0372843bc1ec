/**
 * The end of fixed terms: renewal notices for contracts ending soon, workers still employed after
 * their term ended, and the open-ended contract owed on renewal (劳动合同法 第十四条第二款).
 *
 * Renewal notice: `daysLeft` = days from asOf to the last day of the term; with the default of
 * 30 a contract ending 2026-07-01 is flagged from 2026-06-01 (30 days left), not on 2026-05-31 (31).
 */
import { addDays, daysBetween, wholeMonthsCovered } from '../calendar.ts';
import { isEffective } from '../contract-lifecycle.ts';
import { alert, ARTICLE } from './alerts.ts';
import { isActiveOn, isLaborContract, wasSigned } from './roster.ts';
import type { Alert, ContractRecord, SupervisionContext } from './types.ts';

/** 劳动合同法 第九十七条: fixed terms count towards 第十四条第二款第三项 only from this day. */
export const CONSECUTIVE_COUNT_FROM = '2008-01-01';
const TEN_YEARS_IN_MONTHS = 120;
const PENDING_STATES = new Set(['draft', 'sealed', 'sent', 'link_expired']);

type FixedTermContract = ContractRecord & { endDate: string };

/** A fixed-term labor contract: a side agreement's term (内部退养协议) is neither renewed nor counted (第十四条). */
function isFixedTerm(contract: ContractRecord): contract is FixedTermContract {
  return isLaborContract(contract) && contract.termType === 'fixed' && contract.endDate !== undefined;
}

/** A later contract for the worker is signed or on its way to signature (a renewal in progress). */
function hasSuccessor(contract: ContractRecord, context: SupervisionContext): boolean {
  return context
    .contractsOf(contract.workerKey)
    .some((other) => other.contractId !== contract.contractId && isLaborContract(other) && other.startDate > contract.startDate && (wasSigned(other.status) || PENDING_STATES.has(other.status)));
}

function workerActive(workerKey: string, context: SupervisionContext): boolean {
  return context.roster.some((record) => record.workerKey === workerKey && isActiveOn(record, context.asOf));
}

/** Fixed-term contracts concluded back to back before this one (an open-ended or task contract breaks the run). */
export function priorConsecutiveFixedTerms(contract: ContractRecord, context: SupervisionContext): number {
  if (contract.priorConsecutiveFixedTerms !== undefined) return contract.priorConsecutiveFixedTerms;
  const earlier = context
    .contractsOf(contract.workerKey)
    .filter(
      (other) => other.contractId !== contract.contractId && isLaborContract(other) && wasSigned(other.status) && other.startDate < contract.startDate && other.startDate >= CONSECUTIVE_COUNT_FROM,
    )
    .reverse();
  const breakAt = earlier.findIndex((other) => other.termType !== 'fixed');
  return breakAt === -1 ? earlier.length : breakAt;
}

/** Whole months of continuous service before `day`, from the record's stated years or the roster's 用工之日. */
export function serviceMonthsBefore(contract: ContractRecord, day: string, context: SupervisionContext): number | undefined {
  const lastDay = addDays(day, -1);
  if (contract.yearsOfService !== undefined) return contract.yearsOfService * 12 + wholeMonthsCovered(contract.startDate, lastDay);
  const spell = context.roster.find(
    (record) => record.workerKey === contract.workerKey && record.hireDate <= contract.startDate && (record.separationDate === undefined || contract.startDate <= record.separationDate),
  );
  return spell ? wholeMonthsCovered(spell.hireDate, lastDay) : undefined;
}

type OpenEndedReason = 'ten_years_service' | 'two_consecutive_fixed_terms';

/** Why an open-ended contract is owed for a term starting on `day` after `fixedTermsBefore` fixed terms. */
function openEndedReasons(contract: ContractRecord, day: string, fixedTermsBefore: number, context: SupervisionContext): { reasons: OpenEndedReason[]; serviceMonths: number | null } {
  const serviceMonths = serviceMonthsBefore(contract, day, context);
  const reasons: OpenEndedReason[] = [];
  if (serviceMonths !== undefined && serviceMonths >= TEN_YEARS_IN_MONTHS) reasons.push('ten_years_service');
  if (fixedTermsBefore >= 2) reasons.push('two_consecutive_fixed_terms');
  return { reasons, serviceMonths: serviceMonths ?? null };
}

const REASON_TEXT: Record<OpenEndedReason, { zh: string; en: string }> = {
  ten_years_service: { zh: '已连续工作满十年', en: 'ten years of continuous service' },
  two_consecutive_fixed_terms: { zh: '已连续订立二次固定期限劳动合同', en: 'two consecutive fixed-term contracts concluded' },
};

function reasonsText(reasons: readonly OpenEndedReason[]) {
  return { zh: reasons.map((r) => REASON_TEXT[r].zh).join('、'), en: reasons.map((r) => REASON_TEXT[r].en).join(' and ') };
}

/** Fixed terms in force that end within the notice period, or ended while the worker stayed on. */
function termsEnding(context: SupervisionContext): { contract: FixedTermContract; daysLeft: number }[] {
  return context.contracts
    .filter(isFixedTerm)
    .filter((contract) => isEffective(contract.status) || contract.status === 'expired')
    .map((contract) => ({ contract, daysLeft: daysBetween(context.asOf, contract.endDate) }))
    .filter(({ contract, daysLeft }) => {
      if (daysLeft > context.options.renewalNoticeDays || hasSuccessor(contract, context)) return false;
      return daysLeft >= 0 ? isEffective(contract.status) : workerActive(contract.workerKey, context);
    });
}

/** A registered paper contract is offered for conversion: its renewal is concluded electronically. */
function conversionOffer(contract: ContractRecord): { zh: string; en: string; details: { paper?: true; offerConversion?: 'electronic' } } {
  if (!contract.paper) return { zh: '', en: '', details: {} };
  return { zh: '（纸质合同，可续订为电子劳动合同）', en: ' (a paper contract: renew it as an electronic contract)', details: { paper: true, offerConversion: 'electronic' } };
}

export function renewalNotices(context: SupervisionContext): Alert[] {
  return termsEnding(context).map(({ contract, daysLeft }) => {
    const subject = { workerKey: contract.workerKey, contractId: contract.contractId };
    const offer = conversionOffer(contract);
    if (daysLeft >= 0) {
      return alert(
        'CONTRACT_EXPIRING',
        ARTICLE.expiry,
        'warning',
        subject,
        `劳动合同将于 ${contract.endDate} 期满（还有 ${daysLeft} 天），请及时办理续订或终止手续（终止的应依法支付经济补偿）${offer.zh}`,
        `the contract ends on ${contract.endDate} (${daysLeft} day(s) left): renew it or give notice of termination (with severance where due)${offer.en}`,
        { endDate: contract.endDate, daysLeft, ...offer.details },
      );
    }
    return alert(
      'CONTRACT_TERM_ENDED_STILL_EMPLOYED',
      ARTICLE.termEndedStillEmployed,
      'error',
      subject,
      `劳动合同已于 ${contract.endDate} 期满，劳动者仍在职且未续订书面劳动合同${offer.zh}`,
      `the contract ended on ${contract.endDate} but the worker is still employed without a renewed written contract${offer.en}`,
      { endDate: contract.endDate, daysSinceEnd: -daysLeft, ...offer.details },
    );
  });
}

/** The next term of a contract ending soon must be open-ended if the worker asks (第十四条第二款). */
function openEndedOnRenewal(context: SupervisionContext): Alert[] {
  return termsEnding(context).flatMap(({ contract }) => {
    const renewalDay = addDays(contract.endDate, 1);
    const { reasons, serviceMonths } = openEndedReasons(contract, renewalDay, priorConsecutiveFixedTerms(contract, context) + 1, context);
    if (!reasons.length) return [];
    const text = reasonsText(reasons);
    return [
      alert(
        'ART14_OPEN_ENDED_OWED_ON_RENEWAL',
        ARTICLE.openEndedOwed,
        'warning',
        { workerKey: contract.workerKey, contractId: contract.contractId },
        `劳动者${text.zh}，续订时除劳动者提出订立固定期限劳动合同外，应当订立无固定期限劳动合同`,
        `${text.en}: on renewal the contract must be open-ended unless the worker asks for a fixed term`,
        { endDate: contract.endDate, renewalDay, reasons, serviceMonths, priorConsecutiveFixedTerms: priorConsecutiveFixedTerms(contract, context) },
      ),
    ];
  });
}

/** A fixed term in force although an open-ended contract was owed when it began. */
function fixedTermWhereOpenEndedOwed(context: SupervisionContext): Alert[] {
  return context.contracts
    .filter((contract) => isFixedTerm(contract) && isEffective(contract.status) && contract.startDate >= CONSECUTIVE_COUNT_FROM)
    .flatMap((contract) => {
      const fixedTermsBefore = priorConsecutiveFixedTerms(contract, context);
      const { reasons, serviceMonths } = openEndedReasons(contract, contract.startDate, fixedTermsBefore, context);
      if (!reasons.length) return [];
      const text = reasonsText(reasons);
      return [
        alert(
          'ART14_FIXED_TERM_WHERE_OPEN_ENDED_OWED',
          ARTICLE.openEndedRefused,
          'warning',
          { workerKey: contract.workerKey, contractId: contract.contractId },
          `订立本固定期限劳动合同时劳动者${text.zh}，应当订立无固定期限劳动合同；除非系劳动者本人提出，用人单位自应当订立之日起须支付二倍工资，请核查`,
          `${text.en} when this fixed-term contract began: an open-ended one was owed; unless the worker asked for a fixed term, double wages run from the day it was owed; verify`,
          { startDate: contract.startDate, reasons, serviceMonths, priorConsecutiveFixedTerms: fixedTermsBefore },
        ),
      ];
    });
}

export function openEndedContractOwed(context: SupervisionContext): Alert[] {
  return [...openEndedOnRenewal(context), ...fixedTermWhereOpenEndedOwed(context)];
}
