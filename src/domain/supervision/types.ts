/**
 * Inputs and outputs of the supervision engine (劳动保障监察, closed-loop supervision). The
 * engine is pure: a job or an on-demand request loads one employer's roster and contracts,
 * calls runSupervision and stores or shows the alerts. Dates are ISO `YYYY-MM-DD` calendar dates.
 */
import type { ContractState } from '../contract-lifecycle.ts';
import type { ContractTerms, EmploymentForm, TermType } from '../contract-terms.ts';
import type { Severity } from '../labor-law.ts';

export type SeparationKind = 'layoff' | 'resignation' | 'expiry' | 'other';

/** One line of the 职工名册 (实施条例 第八条); one employment spell of one worker. */
export interface RosterRecord {
  /** Opaque worker id; links roster lines and contracts. */
  workerKey: string;
  employmentForm: EmploymentForm;
  /** 用工之日: first day of work (day 1 of employment). */
  hireDate: string;
  /** Last day of employment (inclusive); absent while the worker is employed. */
  separationDate?: string;
  separationKind?: SeparationKind;
  post?: string;
  postCategory?: string;
  /**
   * For dispatch: the 劳务派遣单位. When it equals the supervised employer's USCC the employer
   * is the agency (it owes the written contract); otherwise the employer is the host (用工单位).
   */
  agencyUscc?: string;
}

/** A contract as the platform stores it; the fields the supervision rules read. */
export interface ContractRecord {
  contractId: string;
  workerKey: string;
  status: ContractState;
  kind: ContractTerms['kind'];
  employmentForm: EmploymentForm;
  termType: TermType;
  /** First day of the term (inclusive). */
  startDate: string;
  /** Last day of the term (inclusive), for fixed terms; the current end after a renewal. */
  endDate?: string;
  /** Day the contract took effect by both signatures; absent until signed (or when unknown). */
  signedAt?: string;
  probation?: { startDate: string; endDate: string; monthlyWage: number };
  monthlyWage?: number;
  hourlyWage?: number;
  hours?: ContractTerms['hours'];
  /** The worker has viewed or downloaded the signed contract (电子劳动合同订立指引). */
  deliveredToWorker: boolean;
  /**
   * Fixed-term contracts concluded consecutively with this employer before this one, counting
   * paper contracts outside the platform (劳动合同法 第十四条第二款第三项; only those from
   * 2008-01-01, 第九十七条). Derived from the platform's own contracts when absent.
   */
  priorConsecutiveFixedTerms?: number;
  /**
   * The worker's continuous service with this employer in whole years at this contract's start,
   * including service carried over under 实施条例 第十条. Derived from the roster when absent.
   */
  yearsOfService?: number;
  /** The worker had a probation with this employer before the platform's records begin. */
  priorProbationWithEmployer?: boolean;
  /** Full normalised terms, when available: the labor-law rules then see every clause. */
  terms?: ContractTerms;
  /** A paper contract concluded before the platform and registered with its scan (存量合同备案). */
  paper?: boolean;
}

export interface EmployerSnapshot {
  /** 统一社会信用代码 of the supervised employer. */
  uscc: string;
  /** 行政区划代码 of the place of work; selects the minimum wage when a contract has no terms. */
  regionCode: string;
  /** Minimum wage tier when known (else the lowest tier is used, so nothing lawful is flagged). */
  minimumWageTier?: number;
}

/** Head counts on one day, derived from the roster (never taken on the employer's word). */
export interface Headcount {
  /** Every roster line active that day. */
  active: number;
  /** Own employees under a (full-time) labor contract, including an agency's dispatched staff. */
  contracted: number;
  /** Workers dispatched to this employer by an agency (this employer is the host). */
  dispatchedIn: number;
  partTime: number;
}

export interface SupervisionOptions {
  /** Unsigned workers are reminded during this many last days of the one-month period. */
  signingReminderDays: number;
  /** Days after signing before an undelivered contract is flagged (alert from day N + 1). */
  deliveryGraceDays: number;
  /** Contracts ending within this many days (inclusive) get a renewal notice. */
  renewalNoticeDays: number;
  /** Length of the sliding window for mass layoffs (劳动合同法 第四十一条), inclusive days. */
  layoffWindowDays: number;
}

export interface SupervisionInput {
  employer: EmployerSnapshot;
  roster: readonly RosterRecord[];
  contracts: readonly ContractRecord[];
  /** The day the supervision is run for. */
  asOf: string;
  options?: Partial<SupervisionOptions>;
}

export type AlertDetailValue = string | number | boolean | null | readonly string[];

export interface Alert {
  /** Stable identifier, e.g. 'ART10_NO_WRITTEN_CONTRACT'. */
  code: string;
  /** The legal basis, e.g. '劳动合同法 第十条、第八十二条'. */
  article: string;
  severity: Severity;
  workerKey?: string;
  contractId?: string;
  messageZh: string;
  messageEn: string;
  /** Figures behind the alert (dates, counts, exposure), JSON-serialisable. */
  details: Readonly<Record<string, AlertDetailValue>>;
}

/** What every rule receives: the validated input with options resolved and records indexed. */
export interface SupervisionContext {
  employer: EmployerSnapshot;
  asOf: string;
  options: SupervisionOptions;
  roster: readonly RosterRecord[];
  contracts: readonly ContractRecord[];
  /** The worker's contracts, ordered by start date. */
  contractsOf(workerKey: string): readonly ContractRecord[];
}

export type SupervisionRule = (context: SupervisionContext) => Alert[];
