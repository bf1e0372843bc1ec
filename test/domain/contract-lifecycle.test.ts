import t from 'tap';
import {
  allowedEvents,
  lengthOfService,
  retentionEnd,
  CONTRACT_EVENTS,
  CONTRACT_STATES,
  isEffective,
  isFinal,
  nextState,
  type ContractEvent,
  type ContractState,
} from '../../src/domain/contract-lifecycle.ts';

/** Every allowed transition, written out independently of the implementation's table. */
const ALLOWED: [ContractState, ContractEvent, ContractState][] = [
  ['draft', 'seal', 'sealed'],
  ['draft', 'void', 'voided'],
  ['sealed', 'send', 'sent'],
  ['sealed', 'void', 'voided'],
  ['sent', 'open', 'sent'],
  ['sent', 'sign', 'signed'],
  ['sent', 'decline', 'declined'],
  ['sent', 'void', 'voided'],
  ['sent', 'expire_link', 'link_expired'],
  ['sent', 'resend', 'sent'],
  ['link_expired', 'resend', 'sent'],
  ['link_expired', 'void', 'voided'],
  ['signed', 'renew', 'renewed'],
  ['signed', 'change', 'changed'],
  ['signed', 'terminate', 'terminated'],
  ['signed', 'expire_term', 'expired'],
  ['renewed', 'renew', 'renewed'],
  ['renewed', 'change', 'changed'],
  ['renewed', 'terminate', 'terminated'],
  ['renewed', 'expire_term', 'expired'],
  ['changed', 'renew', 'renewed'],
  ['changed', 'change', 'changed'],
  ['changed', 'terminate', 'terminated'],
  ['changed', 'expire_term', 'expired'],
];

t.test('every allowed transition leads to its state', async (t) => {
  for (const [from, event, to] of ALLOWED) t.same(nextState(from, event), { ok: true, state: to }, `${from} --${event}--> ${to}`);
});

t.test('every other state/event pair is refused with a reason', async (t) => {
  const allowed = new Set(ALLOWED.map(([from, event]) => `${from}/${event}`));
  let refused = 0;
  for (const state of CONTRACT_STATES) {
    for (const event of CONTRACT_EVENTS) {
      if (allowed.has(`${state}/${event}`)) continue;
      const result = nextState(state, event);
      t.equal(result.ok, false, `${state} refuses ${event}`);
      if (!result.ok) t.match(result.reason, new RegExp(`'${event}' is not allowed in state '${state}'`));
      refused++;
    }
  }
  t.equal(refused, CONTRACT_STATES.length * CONTRACT_EVENTS.length - ALLOWED.length);
});

t.test('allowedEvents lists exactly the accepted events', async (t) => {
  for (const state of CONTRACT_STATES) {
    const expected = CONTRACT_EVENTS.filter((event) => ALLOWED.some(([from, e]) => from === state && e === event));
    t.same(allowedEvents(state), expected, state);
  }
});

t.test('effective and final states', async (t) => {
  t.same(CONTRACT_STATES.filter(isEffective), ['signed', 'renewed', 'changed']);
  t.same(CONTRACT_STATES.filter(isFinal), ['declined', 'voided', 'terminated', 'expired']);
  t.match(nextState('terminated', 'renew'), { ok: false, reason: /none, the state is final/ });
});

t.test('unknown states and events are refused, not thrown', async (t) => {
  t.match(nextState('archived' as ContractState, 'seal'), { ok: false, reason: /unknown state 'archived'/ });
  t.match(nextState('draft', 'approve' as ContractEvent), { ok: false, reason: /unknown event 'approve'/ });
  t.match(nextState('toString' as ContractState, 'seal'), { ok: false, reason: /unknown state/ });
  t.match(nextState('draft', 'constructor' as ContractEvent), { ok: false, reason: /unknown event/ });
});

t.test('a whole signing round: seal, send, link expires, resend, open, sign, renew, terminate', async (t) => {
  const events: ContractEvent[] = ['seal', 'send', 'expire_link', 'resend', 'open', 'sign', 'renew', 'terminate'];
  let state: ContractState = 'draft';
  for (const event of events) {
    const result = nextState(state, event);
    if (!result.ok) return t.fail(result.reason);
    state = result.state;
  }
  t.equal(state, 'terminated');
});

t.test('劳动合同法 Art. 50: kept two years after termination', async (t) => {
  const cases: [string, string][] = [
    ['2026-10-08', '2028-10-08'],
    ['2028-02-29', '2030-02-28'],
  ];
  for (const [ending, until] of cases) t.equal(retentionEnd(ending), until, ending);
});

t.test('劳动合同法实施条例 Art. 24: length of service on the certificate', async (t) => {
  const cases: [string, string, { years: number; months: number }][] = [
    ['2023-10-09', '2026-10-08', { years: 3, months: 0 }],
    ['2023-10-09', '2026-10-07', { years: 2, months: 11 }],
    ['2026-01-01', '2026-01-20', { years: 0, months: 0 }],
    ['2020-03-01', '2026-08-31', { years: 6, months: 6 }],
  ];
  for (const [start, end, expected] of cases) t.same(lengthOfService(start, end), expected, `${start}…${end}`);
});
