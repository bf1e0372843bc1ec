/** Declarations the worker confirms apart when signing (劳动合同法 第十四条第二款). */
import t from 'tap';
import { confirmationsOwed, missingConfirmations } from '../../src/domain/worker-confirmations.ts';

t.test('劳动合同法 第十四条第二款: a fixed term at the worker’s own request is confirmed by the worker apart', async (t) => {
  const cases = [
    { name: 'fixed term, the worker asked for it', terms: { termType: 'fixed', workerRequestsFixedTerm: true }, owed: ['fixed_term_requested'] },
    { name: 'task-based term, the worker asked for a term', terms: { termType: 'task_based', workerRequestsFixedTerm: true }, owed: ['fixed_term_requested'] },
    { name: 'fixed term, no request recorded', terms: { termType: 'fixed' }, owed: [] },
    { name: 'fixed term, request false', terms: { termType: 'fixed', workerRequestsFixedTerm: false }, owed: [] },
    { name: 'open-ended: nothing to confirm', terms: { termType: 'open_ended', workerRequestsFixedTerm: true }, owed: [] },
  ] as const;
  for (const c of cases) {
    const owed = confirmationsOwed(c.terms);
    t.same(
      owed.map((o) => o.key),
      c.owed,
      c.name,
    );
    for (const o of owed) t.match(o.article, /第十四条/, `${c.name}: the article is named`);
  }
  t.same(confirmationsOwed(undefined), [], 'no terms (an attachment): nothing');
  const owed = confirmationsOwed({ termType: 'fixed', workerRequestsFixedTerm: true });
  t.same(
    missingConfirmations(owed, undefined).map((m) => m.key),
    ['fixed_term_requested'],
    'none given',
  );
  t.same(missingConfirmations(owed, ['fixed_term_requested']), [], 'given');
});
