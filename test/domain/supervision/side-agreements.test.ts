/**
 * A 内部退养协议 (or any side agreement) is never the worker's labor contract: supervision treats a
 * worker who holds only such an agreement as having no written contract, and never counts or
 * renews its term as a fixed-term labor contract. Registered paper contracts count like signed ones.
 */
import t from 'tap';
import { signingRate } from '../../../src/domain/supervision/index.ts';
import type { ContractRecord } from '../../../src/domain/supervision/types.ts';
import { codes, contract, EMPLOYER, run, worker, withCode } from './fixtures.ts';

const ASOF = '2026-06-01';
/** Signed on 2026-01-10 by a worker on the roster since 2008-03-01, until statutory retirement. */
const retirement = (workerKey: string, extra: Partial<ContractRecord> = {}) =>
  contract(workerKey, '2026-01-10', { contractId: `ir-${workerKey}`, kind: 'internal_retirement', endDate: '2030-02-28', monthlyWage: 1600, ...extra });

t.test('a side agreement is not the written labor contract (劳动合同法 第十条、第十四条、第八十二条)', async (t) => {
  const cases: { article: string; name: string; contracts: ContractRecord[]; present: string[]; absent: string[] }[] = [
    {
      article: '劳动合同法 第十条、第八十二条',
      name: 'only an internal-retirement agreement: no written contract, not a late-signed one reaching back to 2008',
      contracts: [retirement('w1')],
      present: ['ART10_NO_WRITTEN_CONTRACT', 'ART14_DEEMED_OPEN_ENDED'],
      absent: ['ART82_DOUBLE_WAGE_LATE_SIGNING'],
    },
    {
      article: '劳动合同法 第十四条第二款',
      name: 'the agreement is not a fixed term concluded where an open-ended one was owed',
      contracts: [contract('w1', '2008-03-01', { termType: 'open_ended', endDate: undefined }), retirement('w1')],
      present: [],
      absent: ['ART14_FIXED_TERM_WHERE_OPEN_ENDED_OWED', 'ART10_NO_WRITTEN_CONTRACT', 'ART82_DOUBLE_WAGE_LATE_SIGNING'],
    },
    {
      article: '劳动合同法 第十四条第二款第三项',
      name: 'agreements do not count as consecutive fixed terms, nor is their end a renewal',
      contracts: [
        contract('w1', '2008-03-01', { endDate: '2011-02-28' }),
        retirement('w1', { contractId: 'ir-a', startDate: '2011-03-01', signedAt: '2011-03-01', endDate: '2014-02-28' }),
        contract('w1', '2014-03-01', { endDate: '2026-06-20', signedAt: '2008-03-01' }),
        retirement('w1', { contractId: 'ir-b', startDate: '2026-05-01', signedAt: '2026-05-01', endDate: '2026-06-10' }),
      ],
      present: ['CONTRACT_EXPIRING', 'ART14_OPEN_ENDED_OWED_ON_RENEWAL'],
      absent: ['ART14_FIXED_TERM_WHERE_OPEN_ENDED_OWED'],
    },
  ];
  for (const c of cases) {
    const found = codes(run([worker('w1', '2008-03-01')], c.contracts, ASOF));
    for (const code of c.present) t.ok(found.includes(code), `${c.article}: ${c.name} → ${code}`);
    for (const code of c.absent) t.notOk(found.includes(code), `${c.article}: ${c.name} → no ${code}`);
  }
  const renewal = run([worker('w1', '2008-03-01')], cases[2]!.contracts, ASOF);
  t.same(
    withCode(renewal, 'CONTRACT_EXPIRING').map((a) => a.contractId),
    ['c-w1-2014-03-01'],
    'the agreement ending on 2026-06-10 gets no renewal notice',
  );
  t.match(withCode(renewal, 'ART14_OPEN_ENDED_OWED_ON_RENEWAL')[0]?.details, { priorConsecutiveFixedTerms: 1 }, 'one fixed term before the one ending: the agreement between them is not one');
});

t.test('the signing rate counts labor contracts, not side agreements', async (t) => {
  const rate = signingRate([worker('w1', '2008-03-01'), worker('w2', '2008-03-01')], [retirement('w1'), contract('w2', '2024-01-01')], ASOF, EMPLOYER);
  t.same({ required: rate.required, signed: rate.signed, unsigned: rate.unsignedWorkerKeys }, { required: 2, signed: 1, unsigned: ['w1'] });
});

t.test('a registered paper contract is the written contract for its term, and is offered for conversion at renewal', async (t) => {
  const paper = contract('w1', '2008-03-15', { contractId: 'paper-1', paper: true, termType: 'fixed', endDate: '2026-06-20', signedAt: '2008-03-15' });
  const alerts = run([worker('w1', '2008-03-01')], [paper], ASOF);
  t.notOk(
    codes(alerts).some((code) => /^ART10|^ART82/.test(code)),
    'signed within a month of 用工之日: no Art. 10 / 82 alert',
  );
  t.match(withCode(alerts, 'CONTRACT_EXPIRING'), [{ contractId: 'paper-1', details: { paper: true, offerConversion: 'electronic' }, messageZh: /纸质合同，可续订为电子劳动合同/ }]);
  const renewed = run(
    [worker('w1', '2008-03-01')],
    [paper, contract('w1', '2026-06-21', { contractId: 'e-1', termType: 'open_ended', endDate: undefined, status: 'sent', signedAt: undefined })],
    ASOF,
  );
  t.same(withCode(renewed, 'CONTRACT_EXPIRING'), [], 'an electronic renewal on its way ends the notice');
});
