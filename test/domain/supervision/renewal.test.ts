import t from 'tap';
import { contractsDelivered } from '../../../src/domain/supervision/delivery.ts';
import { openEndedContractOwed, renewalNotices } from '../../../src/domain/supervision/renewal.ts';
import type { ContractRecord, RosterRecord } from '../../../src/domain/supervision/types.ts';
import { codes, contract, run, withCode, worker } from './fixtures.ts';

const ASOF = '2026-06-01';

t.test('劳动合同法 第四十四、四十六条: renewal notice 30 vs 31 days before the end', async (t) => {
  const notice = (endDate: string, more: ContractRecord[] = [], roster: RosterRecord[] = [worker('w1', '2025-07-02')]) =>
    run(roster, [contract('w1', '2025-07-02', { endDate }), ...more], ASOF, { rules: [renewalNotices] });
  const cases: { name: string; endDate: string; daysLeft?: number }[] = [
    { name: 'ends 2026-07-02, 31 days left: not yet', endDate: '2026-07-02' },
    { name: 'ends 2026-07-01, 30 days left: notice', endDate: '2026-07-01', daysLeft: 30 },
    { name: 'ends today: notice', endDate: ASOF, daysLeft: 0 },
  ];
  for (const c of cases) {
    const found = notice(c.endDate);
    if (c.daysLeft === undefined) t.same(found, [], `劳动合同法 第四十四条: ${c.name}`);
    else t.match(found, [{ code: 'CONTRACT_EXPIRING', severity: 'warning', contractId: 'c-w1-2025-07-02', details: { daysLeft: c.daysLeft, endDate: c.endDate } }], `劳动合同法 第四十四条: ${c.name}`);
  }
  t.same(notice('2026-07-01', [contract('w1', '2026-07-02', { status: 'sent', signedAt: undefined })]), [], 'a renewal out for signature silences the notice');
  t.same(notice('2026-07-01', [contract('w1', '2026-07-02', { status: 'voided', signedAt: undefined })]).length, 1, 'a voided renewal does not');
  t.same(run([worker('w1', '2025-07-02')], [contract('w1', '2025-07-02', { termType: 'open_ended', endDate: undefined })], ASOF, { rules: [renewalNotices] }), [], 'open-ended contracts never expire');
  t.same(run([], [contract('w1', '2025-07-02', { endDate: '2026-07-01' })], ASOF, { rules: [renewalNotices], options: { renewalNoticeDays: 15 } }), [], 'the notice period is an option');

  t.match(notice('2026-05-31'), [{ code: 'CONTRACT_TERM_ENDED_STILL_EMPLOYED', severity: 'error', details: { daysSinceEnd: 1 } }], 'term over, worker still on the roster');
  t.same(notice('2026-05-31', [], [worker('w1', '2025-07-02', { separationDate: '2026-05-31', separationKind: 'expiry' })]), [], 'term over and the worker left');
  t.match(
    run([worker('w1', '2025-07-02')], [contract('w1', '2025-07-02', { endDate: '2026-05-31', status: 'expired' })], ASOF, { rules: [renewalNotices] }),
    [{ code: 'CONTRACT_TERM_ENDED_STILL_EMPLOYED' }],
    'also when the contract was already marked expired',
  );
});

t.test('劳动合同法 第十四条第二款: open-ended contract owed on renewal', async (t) => {
  const owed = (roster: RosterRecord[], contracts: ContractRecord[]) => run(roster, contracts, ASOF, { rules: [openEndedContractOwed] });
  const first = contract('w1', '2023-07-01', { endDate: '2024-06-30', status: 'expired' });
  const second = contract('w1', '2024-07-01', { endDate: '2026-06-30' });
  const third = contract('w1', '2026-07-01', { endDate: '2029-06-30' });

  t.same(owed([worker('w1', '2024-07-01')], [contract('w1', '2024-07-01', { endDate: '2026-06-30' })]), [], 'the first fixed term ending: no duty yet');
  t.match(
    owed([worker('w1', '2023-07-01')], [first, second]),
    [{ code: 'ART14_OPEN_ENDED_OWED_ON_RENEWAL', contractId: second.contractId, details: { reasons: ['two_consecutive_fixed_terms'], renewalDay: '2026-07-01', priorConsecutiveFixedTerms: 1 } }],
    'the second consecutive fixed term ending: the next must be open-ended',
  );
  t.match(
    owed([worker('w1', '2023-07-01')], [first, { ...second, status: 'expired' }, third]),
    [{ code: 'ART14_FIXED_TERM_WHERE_OPEN_ENDED_OWED', contractId: third.contractId, article: /第八十二条第二款/, details: { priorConsecutiveFixedTerms: 2 } }],
    'a third fixed term was signed instead',
  );
  const openBetween = contract('w1', '2024-01-01', { termType: 'open_ended', endDate: undefined, status: 'terminated' });
  t.same(owed([worker('w1', '2023-07-01')], [{ ...first, endDate: '2023-12-31' }, openBetween, third]), [], 'an open-ended contract breaks the run');
  const before2008 = contract('w1', '2005-01-01', { endDate: '2007-12-31', status: 'expired' });
  t.same(
    codes(
      owed([worker('w1', '2008-01-01')], [before2008, contract('w1', '2008-01-01', { endDate: '2010-12-31', status: 'expired' }), contract('w1', '2011-01-01', { endDate: '2012-12-31' })]).filter(
        (a) => a.code === 'ART14_FIXED_TERM_WHERE_OPEN_ENDED_OWED',
      ),
    ),
    [],
    '第九十七条: terms before 2008 do not count',
  );
  t.match(
    owed([], [contract('w1', '2025-01-01', { endDate: '2027-12-31', priorConsecutiveFixedTerms: 2 })]),
    [{ code: 'ART14_FIXED_TERM_WHERE_OPEN_ENDED_OWED' }],
    'a stated count of paper contracts is trusted',
  );
});

t.test('劳动合同法 第十四条第二款第一项: ten years of service at renewal', async (t) => {
  const ending = contract('w1', '2023-07-02', { endDate: '2026-07-01' });
  const owed = (hireDate: string) => withCode(run([worker('w1', hireDate)], [ending], ASOF, { rules: [openEndedContractOwed] }), 'ART14_OPEN_ENDED_OWED_ON_RENEWAL');
  t.match(owed('2016-07-02'), [{ details: { reasons: ['ten_years_service'], serviceMonths: 120 } }], 'hired 2016-07-02: ten full years on 2026-07-01');
  t.same(owed('2016-07-03'), [], 'hired a day later: one day short of ten years');
  const stated = run([], [contract('w1', '2023-07-02', { endDate: '2026-07-01', yearsOfService: 7 })], ASOF, { rules: [openEndedContractOwed] });
  t.match(stated, [{ code: 'ART14_OPEN_ENDED_OWED_ON_RENEWAL', details: { serviceMonths: 120 } }], 'stated prior service (实施条例 第十条) plus the current term');
});

t.test('电子劳动合同订立指引: signed contracts reach the worker', async (t) => {
  const delivered = (signedAt: string, extra: Partial<ContractRecord> = {}) => run([], [contract('w1', signedAt, { deliveredToWorker: false, ...extra })], ASOF, { rules: [contractsDelivered] });
  t.same(delivered('2026-05-25'), [], 'signed 7 days ago: within the grace period');
  t.match(delivered('2026-05-24'), [{ code: 'CONTRACT_NOT_DELIVERED', severity: 'warning', article: /人社厅发〔2021〕54号/, details: { daysSinceSigning: 8 } }], 'signed 8 days ago: flagged');
  t.same(delivered('2026-05-24', { deliveredToWorker: true }), [], 'viewed by the worker');
  t.same(delivered('2026-05-24', { status: 'sent', signedAt: undefined }), [], 'not signed yet');
  t.same(run([], [contract('w1', '2026-05-28', { deliveredToWorker: false })], ASOF, { rules: [contractsDelivered], options: { deliveryGraceDays: 3 } }).length, 1, 'the grace period is an option');
});
