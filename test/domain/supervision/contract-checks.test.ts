import t from 'tap';
import { hoursApproved, mandatoryClausesPresent, probationLawful, wagesAboveMinimum } from '../../../src/domain/supervision/contract-checks.ts';
import { supervisedTerms } from '../../../src/domain/supervision/index.ts';
import type { ContractRecord } from '../../../src/domain/supervision/types.ts';
import { lawfulContract } from '../samples.ts';
import { codes, contract, EMPLOYER, run } from './fixtures.ts';

const ASOF = '2026-06-01';
const check = (rule: typeof wagesAboveMinimum, contracts: ContractRecord[], employer = EMPLOYER) => run([], contracts, ASOF, { rules: [rule], employer });

t.test('劳动法 第四十八条 / 劳动合同法 第二十条: wages against the local minimum wage', async (t) => {
  // 运城市盐湖区 (Shanxi tier 2 by county): 1,880 a month and 20.2 an hour from 2023-01-01.
  const cases: { name: string; record: Partial<ContractRecord>; expected: string[] }[] = [
    { name: 'a wage at the minimum is lawful', record: { monthlyWage: 1880 }, expected: [] },
    { name: 'one yuan under the minimum', record: { monthlyWage: 1879 }, expected: ['WAGE_BELOW_MINIMUM'] },
    {
      name: '第二十条: probation wage under the minimum',
      record: { monthlyWage: 1900, probation: { startDate: '2026-01-01', endDate: '2026-02-28', monthlyWage: 1879 } },
      expected: ['ART20_PROBATION_WAGE_BELOW_MINIMUM'],
    },
    {
      name: '第二十条: probation wage under 80 % of the wage',
      record: { monthlyWage: 5000, probation: { startDate: '2026-01-01', endDate: '2026-02-28', monthlyWage: 3999 } },
      expected: ['ART20_PROBATION_WAGE_BELOW_80_PERCENT'],
    },
    {
      name: '第七十二条: part-time hourly wage under the hourly minimum',
      record: { employmentForm: 'part_time', termType: 'open_ended', endDate: undefined, monthlyWage: undefined, hourlyWage: 18 },
      expected: ['ART72_HOURLY_WAGE_BELOW_MINIMUM'],
    },
    { name: 'a contract not in force is not checked', record: { status: 'terminated', monthlyWage: 1000 }, expected: [] },
  ];
  for (const c of cases) t.same(codes(check(wagesAboveMinimum, [contract('w1', '2026-01-01', c.record)])), c.expected, `最低工资: ${c.name}`);

  const [alert] = check(wagesAboveMinimum, [contract('w1', '2026-01-01', { monthlyWage: 1879 })]);
  t.match(alert, { article: '劳动法 第四十八条', severity: 'error', workerKey: 'w1', contractId: 'c-w1-2026-01-01', details: { field: 'wage.monthly' } });

  const hebei = { uscc: EMPLOYER.uscc, regionCode: '130102' };
  t.same(
    codes(check(wagesAboveMinimum, [contract('w1', '2022-06-01', { monthlyWage: 1700, endDate: '2027-05-31' })], hebei)),
    ['WAGE_BELOW_MINIMUM'],
    'a contract from 2022 is held to the minimum in force on asOf (Hebei 1,800 from 2023)',
  );
  t.same(codes(check(wagesAboveMinimum, [contract('w1', '2026-01-01', { monthlyWage: 1970 })], { ...EMPLOYER, regionCode: '140105' })), ['WAGE_BELOW_MINIMUM'], "小店区's tier 1 (1,980) applies");
  t.same(codes(check(wagesAboveMinimum, [contract('w1', '2026-01-01', { monthlyWage: 1880 })], { ...EMPLOYER, minimumWageTier: 3 })), [], 'a declared tier is not used: the county decides');
  t.same(
    codes(check(wagesAboveMinimum, [contract('w1', '2026-01-01')], { uscc: EMPLOYER.uscc, regionCode: '440300' })),
    ['MINIMUM_WAGE_UNKNOWN'],
    'a region the table lacks is reported, not passed silently',
  );
});

t.test('劳动合同法 第十九条: probation cap and one probation per worker', async (t) => {
  // 2026-01-01…2026-11-30 is 11 whole months: at most one month of probation.
  const elevenMonths = (extra: Partial<ContractRecord> = {}) => contract('w1', '2026-01-01', { endDate: '2026-11-30', ...extra });
  const probation = (startDate: string, endDate: string) => ({ startDate, endDate, monthlyWage: 4500 });
  const cases: { name: string; contracts: ContractRecord[]; expected: string[] }[] = [
    { name: 'an 11-month term allows one month', contracts: [elevenMonths({ probation: probation('2026-01-01', '2026-01-31') })], expected: [] },
    { name: 'an 11-month term refuses a day more', contracts: [elevenMonths({ probation: probation('2026-01-01', '2026-02-01') })], expected: ['ART19_PROBATION_TOO_LONG'] },
    { name: 'a one-year term allows two months', contracts: [elevenMonths({ endDate: '2026-12-31', probation: probation('2026-01-01', '2026-02-28') })], expected: [] },
    { name: 'a two-month term allows none', contracts: [elevenMonths({ endDate: '2026-02-28', probation: probation('2026-01-01', '2026-01-15') })], expected: ['ART19_PROBATION_NOT_ALLOWED'] },
    {
      name: 'a second probation with the same employer',
      contracts: [
        contract('w1', '2024-01-01', { endDate: '2025-12-31', status: 'expired', probation: probation('2024-01-01', '2024-02-29') }),
        elevenMonths({ probation: probation('2026-01-01', '2026-01-31') }),
      ],
      expected: ['ART19_PROBATION_REPEATED'],
    },
    {
      name: 'a probation before the platform, as stated on the record',
      contracts: [elevenMonths({ probation: probation('2026-01-01', '2026-01-31'), priorProbationWithEmployer: true })],
      expected: ['ART19_PROBATION_REPEATED'],
    },
    {
      name: "another worker's probation is irrelevant",
      contracts: [contract('w2', '2024-01-01', { probation: probation('2024-01-01', '2024-02-29') }), elevenMonths({ probation: probation('2026-01-01', '2026-01-31') })],
      expected: [],
    },
  ];
  for (const c of cases) t.same(codes(check(probationLawful, c.contracts)), c.expected, `劳动合同法 第十九条: ${c.name}`);
  t.equal(check(probationLawful, cases[4]!.contracts)[0]?.contractId, 'c-w1-2026-01-01', 'the later contract carries the alert');
});

t.test('劳动法 第三十九条: special working-hours systems need an approval number', async (t) => {
  const hours = (h: ContractRecord['hours']) => codes(check(hoursApproved, [contract('w1', '2026-01-01', { hours: h })]));
  t.same(hours({ system: 'comprehensive' }), ['HOURS_APPROVAL_NUMBER_MISSING'], '综合计算工时 without a number');
  t.same(hours({ system: 'flexible' }), ['HOURS_APPROVAL_NUMBER_MISSING'], '不定时 without a number');
  t.same(hours({ system: 'comprehensive', approvalNumber: '运人社工时〔2026〕12号' }), [], 'with a number');
  t.same(hours({ system: 'standard' }), [], 'standard hours');
  const fromTerms = { ...lawfulContract(), hours: { system: 'flexible' as const } };
  t.same(codes(check(hoursApproved, [contract('w1', '2026-01-01', { terms: fromTerms })])), ['HOURS_APPROVAL_NUMBER_MISSING'], 'read from the full terms too');
});

t.test('劳动合同法 第十七条: mandatory clauses, only when the terms are known', async (t) => {
  t.same(check(mandatoryClausesPresent, [contract('w1', '2026-01-01')]), [], 'a record without terms is not judged on clauses');
  t.same(check(mandatoryClausesPresent, [contract('w1', '2026-09-15', { terms: lawfulContract() })]), [], 'complete terms');
  const missing = { ...lawfulContract(), workplace: '' };
  t.same(codes(check(mandatoryClausesPresent, [contract('w1', '2026-09-15', { terms: missing })])), ['ART17_WORKPLACE_MISSING']);
});

t.test('supervisedTerms: the record wins over stale terms', async (t) => {
  const terms = supervisedTerms(contract('w1', '2026-09-15', { endDate: '2030-09-14', monthlyWage: 6000, terms: lawfulContract() }), EMPLOYER);
  t.equal(terms.endDate, '2030-09-14', 'renewed end date');
  t.equal(terms.wage?.monthly, 6000);
  t.equal(terms.wage?.payDay, 15, 'other clauses kept');
  t.equal(terms.employer.regionCode, '140802');
  t.equal(supervisedTerms(contract('w1', '2026-01-01'), { ...EMPLOYER, minimumWageTier: 2 }).minimumWageTier, 2, "the employer's tier fills in");
});
