/**
 * The life of one contract document as a pure state machine. The employer seals a draft and
 * sends it; the worker opens, signs or declines through a link that may expire and be resent.
 * Once both signatures are on it the contract is effective; renewal (续订) and change (变更)
 * attach agreements to it and keep it effective, while termination (解除) and the end of the
 * term (终止) close it. Voided, declined, terminated and expired are final.
 */

import { addYears, wholeMonthsCovered } from './calendar.ts';

export const CONTRACT_STATES = ['draft', 'sealed', 'sent', 'signed', 'declined', 'voided', 'link_expired', 'renewed', 'changed', 'terminated', 'expired'] as const;
export type ContractState = (typeof CONTRACT_STATES)[number];

export const CONTRACT_EVENTS = ['seal', 'send', 'open', 'sign', 'decline', 'void', 'expire_link', 'resend', 'renew', 'change', 'terminate', 'expire_term'] as const;
export type ContractEvent = (typeof CONTRACT_EVENTS)[number];

export type Transition = { ok: true; state: ContractState } | { ok: false; reason: string };

type TransitionTable = { readonly [S in ContractState]: Partial<Readonly<Record<ContractEvent, ContractState>>> };

/** What an effective contract (signed, renewed or changed) may go through next. */
const EFFECTIVE_EVENTS = {
  renew: 'renewed',
  change: 'changed',
  terminate: 'terminated',
  expire_term: 'expired',
} as const satisfies Partial<Record<ContractEvent, ContractState>>;

export const TRANSITIONS: TransitionTable = {
  draft: { seal: 'sealed', void: 'voided' },
  sealed: { send: 'sent', void: 'voided' },
  // Opening the link is recorded for the evidence chain but does not change the state.
  sent: { open: 'sent', sign: 'signed', decline: 'declined', expire_link: 'link_expired', resend: 'sent', void: 'voided' },
  link_expired: { resend: 'sent', void: 'voided' },
  signed: EFFECTIVE_EVENTS,
  renewed: EFFECTIVE_EVENTS,
  changed: EFFECTIVE_EVENTS,
  declined: {},
  voided: {},
  terminated: {},
  expired: {},
};

export function isContractState(value: string): value is ContractState {
  return (CONTRACT_STATES as readonly string[]).includes(value);
}

export function isContractEvent(value: string): value is ContractEvent {
  return (CONTRACT_EVENTS as readonly string[]).includes(value);
}

/** Events accepted in a state, in the order of CONTRACT_EVENTS. */
export function allowedEvents(state: ContractState): ContractEvent[] {
  const row = TRANSITIONS[state] ?? {};
  return CONTRACT_EVENTS.filter((event) => row[event] !== undefined);
}

export function nextState(state: ContractState, event: ContractEvent): Transition {
  if (!isContractState(state)) return { ok: false, reason: `unknown state '${String(state)}'` };
  if (!isContractEvent(event)) return { ok: false, reason: `unknown event '${String(event)}'` };
  const next = TRANSITIONS[state][event];
  if (next === undefined) {
    const allowed = allowedEvents(state);
    return { ok: false, reason: `'${event}' is not allowed in state '${state}' (allowed: ${allowed.length ? allowed.join(', ') : 'none, the state is final'})` };
  }
  return { ok: true, state: next };
}

/** The contract binds both parties in this state. */
export function isEffective(state: ContractState): boolean {
  return state === 'signed' || state === 'renewed' || state === 'changed';
}

/** No event leads out of this state. */
export function isFinal(state: ContractState): boolean {
  return allowedEvents(state).length === 0;
}

/** 劳动合同法 Art. 50: the employer keeps a rescinded or terminated contract at least two years. */
export const RETENTION_YEARS_AFTER_END = 2;

export function retentionEnd(endingDate: string): string {
  return addYears(endingDate, RETENTION_YEARS_AFTER_END);
}

/**
 * 在本单位工作年限 for the Art. 50 certificate (实施条例 Art. 24): whole years and the months
 * beyond them, counting the last day as worked.
 */
export function lengthOfService(start: string, end: string): { years: number; months: number } {
  const months = wholeMonthsCovered(start, end);
  return { years: Math.floor(months / 12), months: months % 12 };
}
