import t from 'tap';
import { runSupervision, signingRate, summarizeAlerts, superviseEmployer, SUPERVISION_RULES } from '../../../src/domain/supervision/index.ts';
import type { Alert, ContractRecord, RosterRecord, SupervisionInput } from '../../../src/domain/supervision/types.ts';
import { AGENCY_USCC, codes, contract, EMPLOYER, worker, workers } from './fixtures.ts';

const ASOF = '2026-06-01';

/** A small employer with one problem of each kind the roster and records can show. */
function scenario(): SupervisionInput {
  const roster: RosterRecord[] = [
    worker('clean', '2025-01-01'),
    worker('unsigned', '2026-04-01'),
    worker('lowpay', '2025-01-01'),
    worker('undelivered', '2026-05-01'),
    worker('expiring', '2024-06-20'),
    worker('parttime', '2026-01-01', { employmentForm: 'part_time' }),
    ...workers('d', 2, '2025-01-01', { employmentForm: 'dispatch', agencyUscc: AGENCY_USCC }),
    ...workers('s', 12, '2024-01-01'),
  ];
  const contracts: ContractRecord[] = [
    contract('clean', '2025-01-01'),
    contract('lowpay', '2025-01-01', { monthlyWage: 1500 }),
    contract('undelivered', '2026-05-01', { deliveredToWorker: false }),
    contract('expiring', '2024-06-20', { endDate: '2026-06-19' }),
    ...workers('s', 12, '2024-01-01').map((r) => contract(r.workerKey, r.hireDate)),
  ];
  return { employer: EMPLOYER, roster, contracts, asOf: ASOF };
}

t.test('runSupervision applies every rule and names the legal basis', async (t) => {
  const alerts = runSupervision(scenario());
  t.same(codes(alerts), ['ART10_NO_WRITTEN_CONTRACT', 'CONTRACT_EXPIRING', 'CONTRACT_NOT_DELIVERED', 'DISPATCH_SHARE_OVER_10_PERCENT', 'WAGE_BELOW_MINIMUM']);
  const byCode = new Map(alerts.map((a) => [a.code, a]));
  t.match(byCode.get('ART10_NO_WRITTEN_CONTRACT'), { workerKey: 'unsigned', details: { doubleWageFrom: '2026-05-01', doubleWageDays: 32 } });
  t.match(byCode.get('DISPATCH_SHARE_OVER_10_PERCENT'), { details: { dispatched: 2, contracted: 17, total: 19 } }, 'part-time staff are not in 用工总量');
  t.match(byCode.get('CONTRACT_EXPIRING'), { workerKey: 'expiring', details: { daysLeft: 18 } });
  for (const a of alerts) {
    t.match(a, { article: /\S/, messageZh: /[\u4e00-\u9fff]/, messageEn: /[a-z]/ }, `${a.code} carries its article and both messages`);
  }
  t.same(
    runSupervision({ ...scenario(), roster: scenario().roster.filter((r) => !r.workerKey.startsWith('d')) })
      .map((a) => a.code)
      .includes('DISPATCH_SHARE_OVER_10_PERCENT'),
    false,
  );
});

t.test('a lawful employer gets no alert', async (t) => {
  const roster = workers('s', 10, '2024-01-01');
  t.same(runSupervision({ employer: EMPLOYER, roster, contracts: roster.map((r) => contract(r.workerKey, r.hireDate)), asOf: ASOF }), []);
});

t.test('rules are data: a caller may run a subset', async (t) => {
  t.equal(SUPERVISION_RULES.length, 11);
  const onlyDispatch = runSupervision(scenario(), [SUPERVISION_RULES[1]!]);
  t.same(codes(onlyDispatch), ['DISPATCH_SHARE_OVER_10_PERCENT']);
  t.same(runSupervision(scenario(), []), []);
});

t.test('unusable records are reported and left out, a bad asOf is refused', async (t) => {
  const input: SupervisionInput = {
    employer: EMPLOYER,
    roster: [worker('bad', '2026-02-30'), worker('back', '2026-03-01', { separationDate: '2026-02-01' }), worker('ok', '2024-01-01')],
    contracts: [contract('ok', '2024-01-01', { signedAt: '2024/01/01' }), contract('ok', '2024-01-01', { contractId: 'good' })],
    asOf: ASOF,
  };
  const alerts = runSupervision(input);
  t.same(
    alerts.map((a) => [a.code, a.workerKey, a.contractId ?? null, a.details.fields]),
    [
      ['RECORD_INVALID_DATE', 'bad', null, ['hireDate']],
      ['RECORD_INVALID_DATE', 'back', null, ['separationDate']],
      ['RECORD_INVALID_DATE', 'ok', 'c-ok-2024-01-01', ['signedAt']],
    ],
  );
  t.throws(() => runSupervision({ ...input, asOf: '2026-6-1' }), RangeError);
});

t.test('signingRate: active workers owed a written contract who have one in force', async (t) => {
  const roster: RosterRecord[] = [
    worker('a', '2025-01-01'),
    worker('b', '2025-01-01'),
    worker('c', '2025-01-01'),
    worker('lapsed', '2023-01-01'),
    worker('gone', '2024-01-01', { separationDate: '2025-12-31' }),
    worker('pt', '2025-01-01', { employmentForm: 'part_time' }),
    worker('disp', '2025-01-01', { employmentForm: 'dispatch', agencyUscc: AGENCY_USCC }),
  ];
  const contracts = [
    contract('a', '2025-01-01'),
    contract('b', '2025-01-01', { status: 'renewed' }),
    contract('c', '2025-01-01', { status: 'sent', signedAt: undefined }),
    contract('lapsed', '2023-01-01', { endDate: '2025-12-31' }),
  ];
  const rate = signingRate(roster, contracts, ASOF, EMPLOYER);
  t.same(rate, { required: 4, signed: 2, rate: 0.5, unsignedWorkerKeys: ['c', 'lapsed'] });
  t.equal(signingRate(roster, contracts, ASOF).required, 4, 'without the employer, dispatched workers count as dispatched in');
  t.equal(signingRate(roster, [contract('c', '2025-01-01', { signedAt: '2026-06-02' })], ASOF).unsignedWorkerKeys.includes('c'), true, 'signed after asOf: not yet');
  t.same(signingRate([], [], ASOF), { required: 0, signed: 0, rate: undefined, unsignedWorkerKeys: [] });
});

t.test('summaries and the employer report', async (t) => {
  const alert = (code: string, severity: Alert['severity']): Alert => ({ code, article: 'x', severity, messageZh: '', messageEn: '', details: {} });
  t.same(summarizeAlerts([alert('A', 'error'), alert('B', 'warning'), alert('A', 'error')]), { total: 3, errors: 2, warnings: 1, byCode: { A: 2, B: 1 } });
  t.same(summarizeAlerts([]), { total: 0, errors: 0, warnings: 0, byCode: {} });

  const report = superviseEmployer(scenario());
  t.same(report.headcount, { active: 20, contracted: 17, dispatchedIn: 2, partTime: 1 });
  t.match(report.signing, { required: 17, signed: 16, unsignedWorkerKeys: ['unsigned'] });
  t.same(report.summary.byCode, { ART10_NO_WRITTEN_CONTRACT: 1, DISPATCH_SHARE_OVER_10_PERCENT: 1, WAGE_BELOW_MINIMUM: 1, CONTRACT_EXPIRING: 1, CONTRACT_NOT_DELIVERED: 1 });
  t.equal(report.summary.errors, 3);
  t.equal(report.alerts.length, report.summary.total);
});
