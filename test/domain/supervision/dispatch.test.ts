import t from 'tap';
import { dispatchShare } from '../../../src/domain/supervision/index.ts';
import { dispatchPostsAndTerms, dispatchShareWithinLimit } from '../../../src/domain/supervision/dispatch.ts';
import type { ContractRecord, RosterRecord } from '../../../src/domain/supervision/types.ts';
import { lawfulDispatchContract } from '../samples.ts';
import { AGENCY_USCC, codes, contract, EMPLOYER, run, worker, workers } from './fixtures.ts';

const ASOF = '2026-06-01';
const staff = (n: number) => workers('c', n, '2025-01-01');
const dispatched = (n: number, extra: Partial<RosterRecord> = {}) => workers('d', n, '2025-01-01', { employmentForm: 'dispatch', agencyUscc: AGENCY_USCC, post: '仓库搬运', ...extra });
const share = (roster: RosterRecord[]) => run(roster, [], ASOF, { rules: [dispatchShareWithinLimit] });

t.test('劳务派遣暂行规定 第四条: dispatched ≤ 10 % of 用工总量 (contracted + dispatched)', async (t) => {
  const cases: { name: string; roster: RosterRecord[]; alert: boolean }[] = [
    { name: '1 of 10 is exactly 10 %: lawful', roster: [...staff(9), ...dispatched(1)], alert: false },
    { name: '2 of 20 is exactly 10 %: lawful', roster: [...staff(18), ...dispatched(2)], alert: false },
    { name: '2 of 19 is 10.53 %: over', roster: [...staff(17), ...dispatched(2)], alert: true },
    { name: '1 of 9 is 11.1 %: over', roster: [...staff(8), ...dispatched(1)], alert: true },
    { name: 'part-time staff are outside 用工总量', roster: [...staff(8), ...dispatched(1), ...workers('p', 5, '2025-01-01', { employmentForm: 'part_time' })], alert: true },
    { name: 'dispatched workers who left are not counted', roster: [...staff(9), ...dispatched(1), ...dispatched(1, { workerKey: 'gone', separationDate: '2026-05-31' })], alert: false },
    {
      name: 'dispatched workers not yet started are not counted',
      roster: [...staff(9), ...dispatched(1), worker('later', '2026-06-02', { employmentForm: 'dispatch', agencyUscc: AGENCY_USCC })],
      alert: false,
    },
    {
      name: "an agency's own dispatched staff are contracted staff, not dispatched in",
      roster: workers('a', 5, '2025-01-01', { employmentForm: 'dispatch', agencyUscc: EMPLOYER.uscc }),
      alert: false,
    },
    { name: 'no one at all', roster: [], alert: false },
  ];
  for (const c of cases) t.equal(share(c.roster).length, c.alert ? 1 : 0, `劳务派遣暂行规定 第四条: ${c.name}`);

  t.match(share([...staff(17), ...dispatched(2)]), [
    {
      code: 'DISPATCH_SHARE_OVER_10_PERCENT',
      article: '劳务派遣暂行规定 第四条',
      severity: 'error',
      messageZh: /2 人，占用工总量 19 人的 10.53%/,
      details: { dispatched: 2, contracted: 17, total: 19, maxDispatched: 1, excess: 1, sharePercent: 10.53 },
    },
  ]);
  t.equal(share([...staff(17), ...dispatched(2)])[0]?.workerKey, undefined, 'an employer-level alert');
  t.same(dispatchShare([...staff(18), ...dispatched(2)], EMPLOYER, ASOF), { dispatched: 2, contracted: 18, total: 20, maxDispatched: 2, overLimit: false });
});

t.test('晋人社厅发〔2022〕45号 / 劳动合同法 第五十八、六十六条: dispatched posts and terms', async (t) => {
  const posts = (roster: RosterRecord[], contracts: ContractRecord[] = []) => run(roster, contracts, ASOF, { rules: [dispatchPostsAndTerms] });
  const cases: { name: string; post?: string; postCategory?: string; expected: string[] }[] = [
    { name: '专职消防员 is prohibited', post: '专职消防员', expected: ['DISPATCH_PROHIBITED_POST'] },
    { name: 'underground mining is prohibited', post: '井下采煤工', expected: ['DISPATCH_PROHIBITED_POST'] },
    { name: 'the post category is read as well', post: '操作工', postCategory: '矿山爆破高危作业', expected: ['DISPATCH_PROHIBITED_POST'] },
    { name: 'an auxiliary warehouse post is lawful', post: '仓库搬运', expected: [] },
  ];
  for (const c of cases) {
    const found = posts(dispatched(1, { post: c.post, postCategory: c.postCategory }));
    t.same(codes(found), c.expected, `晋人社厅发〔2022〕45号: ${c.name}`);
  }
  t.same(posts([worker('w1', '2025-01-01', { post: '专职消防员' })]), [], 'own staff may be firefighters');
  t.same(posts(dispatched(1, { post: '专职消防员', separationDate: '2026-05-01' })), [], 'only workers active on asOf');

  const terms = lawfulDispatchContract();
  const dispatchRecord = (extra: Partial<ContractRecord>): ContractRecord => contract('d0001', '2026-01-01', { kind: 'dispatch', employmentForm: 'dispatch', endDate: '2027-12-31', terms, ...extra });
  const contractCases: { name: string; record: ContractRecord; expected: string[] }[] = [
    { name: 'a two-year dispatch contract is lawful', record: dispatchRecord({}), expected: [] },
    { name: '第五十八条: a term one day short of two years', record: dispatchRecord({ endDate: '2027-12-30' }), expected: ['ART58_DISPATCH_TERM_TOO_SHORT'] },
    { name: '第五十八条: an open-ended dispatch contract', record: dispatchRecord({ termType: 'open_ended', endDate: undefined }), expected: ['ART58_DISPATCH_TERM_NOT_FIXED'] },
    {
      name: '第六十六条: a temporary post over six months',
      record: dispatchRecord({ terms: { ...terms, dispatch: { ...terms.dispatch!, postNature: 'temporary', assignmentStartDate: '2026-01-01', assignmentEndDate: '2026-07-01' } } }),
      expected: ['ART66_TEMPORARY_POST_TOO_LONG'],
    },
    {
      name: '第六十六条: a temporary post of exactly six months',
      record: dispatchRecord({ terms: { ...terms, dispatch: { ...terms.dispatch!, postNature: 'temporary', assignmentStartDate: '2026-01-01', assignmentEndDate: '2026-06-30' } } }),
      expected: [],
    },
    { name: 'a voided contract is not checked', record: dispatchRecord({ status: 'voided', endDate: '2026-12-31' }), expected: [] },
    { name: 'a labor contract is not a dispatch contract', record: contract('d0001', '2026-01-01', { endDate: '2026-12-31' }), expected: [] },
  ];
  for (const c of contractCases) t.same(codes(posts(dispatched(1), [c.record])), c.expected, `劳动合同法: ${c.name}`);

  const both = posts(dispatched(1, { post: '专职消防员' }), [dispatchRecord({ terms: { ...terms, jobTitle: '专职消防员' } })]);
  t.same(codes(both), ['DISPATCH_PROHIBITED_POST'], 'the roster and the contract naming the same post give one alert');
});
