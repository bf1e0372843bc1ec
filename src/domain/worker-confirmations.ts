/**
 * Declarations the worker makes in person, each confirmed apart from the general "I agree to
 * sign" when signing: what the law lets only the worker decide must not hide in the contract's
 * text. Today one: after ten years' service or two consecutive fixed-term contracts the renewal
 * must be open-ended unless the worker asks for a fixed term (劳动合同法 第十四条第二款).
 */
import type { ContractTerms } from './contract-terms.ts';
import { ARTICLE } from './labor-law/core.ts';

export interface WorkerConfirmation {
  key: 'fixed_term_requested';
  textZh: string;
  article: string;
}

export function confirmationsOwed(terms: Pick<ContractTerms, 'workerRequestsFixedTerm' | 'termType'> | undefined): WorkerConfirmation[] {
  if (terms?.workerRequestsFixedTerm !== true || terms.termType === 'open_ended') return [];
  return [{ key: 'fixed_term_requested', textZh: '本人确认：订立固定期限劳动合同是我本人提出的，我知道依法可以要求订立无固定期限劳动合同。', article: ARTICLE.openEnded }];
}

/** The owed confirmations the worker did not give. */
export function missingConfirmations(owed: WorkerConfirmation[], given: readonly string[] | undefined): WorkerConfirmation[] {
  return owed.filter((confirmation) => !given?.includes(confirmation.key));
}
