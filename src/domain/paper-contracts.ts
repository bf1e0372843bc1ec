/**
 * 存量合同备案: contracts an employer concluded on paper before the platform, registered with
 * their data and scan. A registered labor contract is the written contract (劳动合同法 第十条)
 * for its term; a 内部退养协议 is recorded but never counted as one. Pure: the shapes, the
 * term checks made at registration and the record the supervision engine reads.
 */
import { isIsoDate } from './calendar.ts';
import type { ContractTerms, EmploymentForm, TermType } from './contract-terms.ts';
import type { ContractRecord } from './supervision/types.ts';

/** What can be registered: a labor contract (dispatch follows from the form) or a 内部退养协议. */
export const paperContractKinds = ['labor_contract', 'internal_retirement'] as const;
export type PaperContractKind = (typeof paperContractKinds)[number];

export interface PaperContractData {
  kind: PaperContractKind;
  employmentForm: EmploymentForm;
  termType: TermType;
  /** First day of the term (inclusive). */
  startDate: string;
  /** Last day of a fixed term (inclusive). */
  endDate?: string;
  /** Day both parties signed the paper. */
  signedOn: string;
  post?: string;
  monthlyWage?: number;
  /** The employer's own number printed on the paper. */
  paperNumber?: string;
}

export interface TermProblem {
  field: 'endDate' | 'signedOn' | 'startDate';
  rule: string;
  message: string;
  messageZh: string;
}

/**
 * Term checks at registration (劳动合同法 第十二条: a fixed term has an end; 第十三、十四、十五条).
 * Rules on the contents (wages, probation, dispatch terms) are applied by supervision to the
 * contract in force, as they are to electronic contracts, so a lawful-then contract is not refused.
 */
export function paperTermProblems(data: Pick<PaperContractData, 'termType' | 'startDate' | 'endDate' | 'signedOn'>, today: string): TermProblem[] {
  const problems: TermProblem[] = [];
  const dated = isIsoDate(data.startDate) && isIsoDate(data.signedOn) && (data.endDate === undefined || isIsoDate(data.endDate));
  if (!dated) return problems;
  if (data.termType === 'fixed' && data.endDate === undefined) {
    problems.push({ field: 'endDate', rule: 'required_for_fixed_term', message: 'a fixed-term contract has an end date (劳动合同法 第十三条)', messageZh: '固定期限劳动合同须填写合同终止日期' });
  }
  if (data.termType === 'open_ended' && data.endDate !== undefined) {
    problems.push({ field: 'endDate', rule: 'absent_for_open_ended', message: 'an open-ended contract has no end date (劳动合同法 第十四条)', messageZh: '无固定期限劳动合同不应填写合同终止日期' });
  }
  if (data.endDate !== undefined && data.endDate < data.startDate) {
    problems.push({ field: 'endDate', rule: 'on_or_after_start', message: 'must not be before the start date', messageZh: '合同终止日期不能早于合同起始日期' });
  }
  if (data.signedOn > today) {
    problems.push({ field: 'signedOn', rule: 'not_in_future', message: 'a registered contract was signed already (not after today)', messageZh: '签订日期不能晚于今天（只能备案已签订的纸质合同）' });
  }
  if (data.endDate !== undefined && data.signedOn > data.endDate) {
    problems.push({ field: 'signedOn', rule: 'before_term_end', message: 'must not be after the end of the term', messageZh: '签订日期不能晚于合同终止日期' });
  }
  return problems;
}

/** The contract kind supervision reasons about: a labor contract of the dispatch form is a dispatch contract. */
export function paperTermsKind(data: Pick<PaperContractData, 'kind' | 'employmentForm'>): ContractTerms['kind'] {
  if (data.kind === 'internal_retirement') return 'internal_retirement';
  return data.employmentForm === 'dispatch' ? 'dispatch' : 'labor_contract';
}

/**
 * The registered contract as the supervision engine sees it: signed on its paper's day, in
 * force for its term (the worker holds the other paper copy, so nothing is left to deliver).
 */
export function paperContractRecord(id: string, workerKey: string, data: PaperContractData): ContractRecord {
  return {
    contractId: id,
    workerKey,
    status: 'signed',
    kind: paperTermsKind(data),
    employmentForm: data.employmentForm,
    termType: data.termType,
    startDate: data.startDate,
    ...(data.endDate !== undefined ? { endDate: data.endDate } : {}),
    signedAt: data.signedOn,
    ...(data.monthlyWage !== undefined ? { monthlyWage: data.monthlyWage } : {}),
    deliveredToWorker: true,
    paper: true,
  };
}
