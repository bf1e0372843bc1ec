import t from 'tap';
import { doubleWageExposure, writtenContractDeadlines } from '../../../src/domain/supervision/index.ts';
import { writtenContractWithinOneMonth } from '../../../src/domain/supervision/written-contract.ts';
import type { ContractRecord, RosterRecord } from '../../../src/domain/supervision/types.ts';
import { AGENCY_USCC, codes, contract, EMPLOYER, run, withCode, worker } from './fixtures.ts';

const rules = [writtenContractWithinOneMonth];
const check = (roster: RosterRecord[], contracts: ContractRecord[], asOf: string) => run(roster, contracts, asOf, { rules });

t.test('劳动合同法 第十条 / 实施条例 第六、七条: deadlines counted with 用工之日 as day 1', async (t) => {
  t.same(writtenContractDeadlines('2026-01-15'), {
    hireDate: '2026-01-15',
    signingDeadline: '2026-02-14',
    doubleWageFrom: '2026-02-15',
    lastDoubleWageDay: '2027-01-14',
    deemedOpenEndedFrom: '2027-01-15',
  });
  const cases: [string, string, string][] = [
    ['a 30-day month: hired 04-01, sign by 04-30 (day 30)', '2026-04-01', '2026-04-30'],
    ['a short month clamps to its end', '2026-01-31', '2026-02-28'],
    ['a leap February', '2028-01-30', '2028-02-29'],
    ['the year turns', '2026-12-20', '2027-01-19'],
  ];
  for (const [name, hire, deadline] of cases) t.equal(writtenContractDeadlines(hire).signingDeadline, deadline, `劳动合同法 第十条: ${name}`);
});

t.test('劳动合同法 第十条、第八十二条: day 30 vs day 31 of employment without a contract', async (t) => {
  const cases: { name: string; hire: string; asOf: string; exposureDays?: number }[] = [
    { name: 'hired 2026-04-01, asOf 04-30 is day 30 and the last day to sign: no alert', hire: '2026-04-01', asOf: '2026-04-30' },
    { name: 'hired 2026-04-01, asOf 05-01 is day 31: alert, one day of double wages', hire: '2026-04-01', asOf: '2026-05-01', exposureDays: 1 },
    { name: 'hired 2026-01-15, asOf 02-14 is day 31 but still inside the month: no alert', hire: '2026-01-15', asOf: '2026-02-14' },
    { name: 'hired 2026-01-15, asOf 02-15 is day 32: alert, one day', hire: '2026-01-15', asOf: '2026-02-15', exposureDays: 1 },
    { name: 'hired 2026-01-15, asOf 03-14: 28 days (02-15…03-14)', hire: '2026-01-15', asOf: '2026-03-14', exposureDays: 28 },
  ];
  for (const c of cases) {
    const found = withCode(check([worker('w1', c.hire)], [], c.asOf), 'ART10_NO_WRITTEN_CONTRACT');
    if (c.exposureDays === undefined) {
      t.same(found, [], c.name);
      continue;
    }
    t.equal(found.length, 1, c.name);
    t.match(found[0], { severity: 'error', workerKey: 'w1', article: /劳动合同法 第十条、第八十二条/, details: { doubleWageDays: c.exposureDays, ongoing: true, doubleWageCapped: false } }, c.name);
  }
});

t.test('实施条例 第七条: double-wage exposure is capped at 11 months', async (t) => {
  const exposure = (asOf: string) => withCode(check([worker('w1', '2026-01-15')], [], asOf), 'ART10_NO_WRITTEN_CONTRACT')[0]?.details;
  // 2026-02-15…2027-01-14 inclusive: 334 days, exactly 11 whole months.
  t.match(exposure('2027-01-13'), { doubleWageDays: 333, doubleWageWholeMonths: 10, doubleWageCapped: false }, 'one day short of the cap');
  t.match(exposure('2027-01-14'), { doubleWageDays: 334, doubleWageWholeMonths: 11, doubleWageCapped: false, doubleWageUntil: '2027-01-14' }, 'last day of the first year reaches the cap');
  t.match(exposure('2027-01-15'), { doubleWageDays: 334, doubleWageWholeMonths: 11, doubleWageCapped: true }, 'the anniversary adds nothing');
  t.match(exposure('2029-06-30'), { doubleWageDays: 334, doubleWageCapped: true, daysEmployed: 1263 }, 'years later the exposure stays 11 months');
  t.same(doubleWageExposure('2026-01-15', '2026-02-14'), undefined, 'nothing owed inside the first month');
});

t.test('劳动合同法 第十四条第三款 / 实施条例 第七条: deemed open-ended from the anniversary', async (t) => {
  const deemed = (asOf: string, contracts: ContractRecord[] = []) => withCode(check([worker('w1', '2026-01-15')], contracts, asOf), 'ART14_DEEMED_OPEN_ENDED');
  t.same(deemed('2027-01-14'), [], 'last day of the first year: not yet');
  t.match(deemed('2027-01-15'), [{ severity: 'warning', article: /第十四条第三款/, details: { deemedOpenEndedFrom: '2027-01-15', signedAt: null } }], 'anniversary: deemed');
  t.same(deemed('2027-03-01', [contract('w1', '2027-01-14')]), [], 'signed on the last day of the first year: not deemed');
  t.match(deemed('2027-03-01', [contract('w1', '2027-01-15')]), [{ details: { signedAt: '2027-01-15' } }], 'signed on the anniversary: already deemed');
  const leftBefore = check([worker('w1', '2026-01-15', { separationDate: '2027-01-14', separationKind: 'resignation' })], [], '2027-03-01');
  t.same(codes(leftBefore), ['ART10_NO_WRITTEN_CONTRACT'], 'left on the last day of the first year: exposure only');
});

t.test('劳动合同法 第八十二条: a contract signed late leaves a historic exposure', async (t) => {
  const late = (signedAt: string) => withCode(check([worker('w1', '2026-01-15')], [contract('w1', '2026-01-15', { signedAt })], '2026-06-01'), 'ART82_DOUBLE_WAGE_LATE_SIGNING');
  t.same(late('2026-02-14'), [], 'signed on the deadline: in time');
  t.match(late('2026-02-15'), [{ severity: 'warning', details: { signedAt: '2026-02-15', doubleWageDays: 0, doubleWageFrom: null } }], 'signed the day after: late, zero days owed');
  t.match(
    late('2026-03-15'),
    [{ details: { doubleWageFrom: '2026-02-15', doubleWageUntil: '2026-03-14', doubleWageDays: 28, doubleWageWholeMonths: 1 } }],
    'signed a month late: the day before signing is the last day owed',
  );
  t.same(
    check([worker('w1', '2026-01-15')], [contract('w1', '2026-01-15', { signedAt: '2026-03-15' })], '2026-03-01').map((a) => a.code),
    ['ART10_NO_WRITTEN_CONTRACT'],
    'judged on an asOf before the signing, the worker is unsigned',
  );
});

t.test('劳动合同法 第十条: which contracts and workers count', async (t) => {
  const hire = '2026-01-15';
  const asOf = '2026-03-01';
  const cases: { name: string; roster: RosterRecord[]; contracts: ContractRecord[]; expected: string[] }[] = [
    { name: 'signed before the first day of work', roster: [worker('w1', hire)], contracts: [contract('w1', hire, { signedAt: '2026-01-10' })], expected: [] },
    {
      name: 'a contract still out for signature does not count',
      roster: [worker('w1', hire)],
      contracts: [contract('w1', hire, { status: 'sent', signedAt: undefined })],
      expected: ['ART10_NO_WRITTEN_CONTRACT'],
    },
    {
      name: 'a declined contract does not count',
      roster: [worker('w1', hire)],
      contracts: [contract('w1', hire, { status: 'declined', signedAt: undefined })],
      expected: ['ART10_NO_WRITTEN_CONTRACT'],
    },
    { name: 'a signed contract without a date is taken as in time', roster: [worker('w1', hire)], contracts: [contract('w1', hire, { signedAt: undefined })], expected: [] },
    {
      name: 'a contract of an earlier spell does not cover a rehire',
      roster: [worker('w1', hire)],
      contracts: [contract('w1', '2020-01-01', { endDate: '2022-12-31', status: 'expired' })],
      expected: ['ART10_NO_WRITTEN_CONTRACT'],
    },
    { name: '第六十九条: part-time work may rest on an oral agreement', roster: [worker('w1', hire, { employmentForm: 'part_time' })], contracts: [], expected: [] },
    { name: 'the host does not sign with a dispatched worker', roster: [worker('w1', hire, { employmentForm: 'dispatch', agencyUscc: AGENCY_USCC })], contracts: [], expected: [] },
    {
      name: 'the agency owes its dispatched staff a contract (第五十八条)',
      roster: [worker('w1', hire, { employmentForm: 'dispatch', agencyUscc: EMPLOYER.uscc })],
      contracts: [],
      expected: ['ART10_NO_WRITTEN_CONTRACT'],
    },
    { name: 'a worker who left within the month', roster: [worker('w1', hire, { separationDate: '2026-02-10', separationKind: 'resignation' })], contracts: [], expected: [] },
    { name: 'not hired yet', roster: [worker('w1', '2026-04-01')], contracts: [], expected: [] },
  ];
  for (const c of cases) t.same(codes(check(c.roster, c.contracts, asOf)), c.expected, `劳动合同法 第十条: ${c.name}`);

  const left = check([worker('w1', hire, { separationDate: '2026-02-20', separationKind: 'resignation' })], [], asOf);
  t.match(
    left,
    [{ code: 'ART10_NO_WRITTEN_CONTRACT', severity: 'warning', details: { ongoing: false, doubleWageUntil: '2026-02-20', doubleWageDays: 6 } }],
    'a worker who left after the deadline: historic exposure to the last day of work',
  );
});

t.test('劳动合同法 第十条: reminder in the last 7 days of the month', async (t) => {
  const due = (asOf: string) => check([worker('w1', '2026-04-01')], [], asOf);
  t.same(due('2026-04-23'), [], '8 days left: quiet');
  t.match(due('2026-04-24'), [{ code: 'ART10_SIGNING_DUE', severity: 'warning', details: { daysLeft: 7, signingDeadline: '2026-04-30' } }], '7 days left');
  t.match(due('2026-04-30'), [{ code: 'ART10_SIGNING_DUE', details: { daysLeft: 1 } }], 'the last day');
  t.same(check([worker('w1', '2026-04-01')], [contract('w1', '2026-04-01')], '2026-04-30'), [], 'signed: no reminder');
});
