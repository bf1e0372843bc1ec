import t from 'tap';
import type { ContractTerms } from '../../src/domain/contract-terms.ts';
import { checkContract, CONTRACT_RULES, passes, probationCapMonths, type CheckContext, type Violation } from '../../src/domain/labor-law.ts';
import { lawfulContract, lawfulDispatchContract, lawfulPartTimeContract, residentId, withUsccCheck } from './samples.ts';

/** A violation expected by code and field; other properties are matched (strings or patterns). */
type Expected = { code: string; field: string } & Partial<Record<keyof Violation, string | RegExp>>;

interface Case {
  name: string;
  base?: () => ContractTerms;
  change: (terms: ContractTerms) => void;
  ctx?: Partial<CheckContext>;
  expected: Expected[];
}

const CTX: CheckContext = { priorProbationWithEmployer: false, today: '2026-09-01' };
const key = (v: { code: string; field: string }) => `${v.code} @ ${v.field}`;

/** What the reference data rests on (unverified figures): checked by their own cases, left out elsewhere. */
const REFERENCE_WARNINGS = new Set(['MINIMUM_WAGE_UNVERIFIED', 'MINIMUM_WAGE_TIER_UNKNOWN']);
/** Every code any case saw, checked against the rule table at the end. */
export const seenCodes = new Set<string>();

function relevant(found: Violation[], expected: Expected[] = []): Violation[] {
  for (const v of found) seenCodes.add(v.code);
  return found.filter((v) => !REFERENCE_WARNINGS.has(v.code) || expected.some((e) => e.code === v.code));
}

function runCases(test: Pick<typeof t, 'same' | 'match'>, cases: Case[]) {
  for (const c of cases) {
    const terms = (c.base ?? lawfulContract)();
    c.change(terms);
    const found = relevant(checkContract(terms, { ...CTX, ...c.ctx }), c.expected);
    test.same(found.map(key).sort(), c.expected.map(key).sort(), c.name);
    for (const expected of c.expected)
      test.match(
        found.find((v) => key(v) === key(expected)),
        expected,
        `${c.name}: ${expected.code}`,
      );
  }
}

const probation = (startDate: string, endDate: string, monthlyWage = 4000) => ({ startDate, endDate, monthlyWage });
const TOO_LONG = { code: 'ART19_PROBATION_TOO_LONG', field: 'probation.endDate', article: '劳动合同法 第十九条', severity: 'error' } as const;
const NOT_ALLOWED = { code: 'ART19_PROBATION_NOT_ALLOWED', field: 'probation', article: '劳动合同法 第十九条', severity: 'error' } as const;

t.test('lawful contracts produce no violation', async (t) => {
  for (const [name, make] of [
    ['labor contract', lawfulContract],
    ['dispatch', lawfulDispatchContract],
    ['part-time', lawfulPartTimeContract],
  ] as const) {
    const all = checkContract(make(), CTX);
    const found = relevant(all);
    t.same(found, [], name);
    t.match(all, [{ code: 'MINIMUM_WAGE_UNVERIFIED', severity: 'warning', field: 'employer.regionCode' }], `${name}: the unverified Shanxi figures are a warning, not silence`);
    t.ok(passes(found));
  }
});

t.test('劳动合同法 第十九条: probation caps by term, with inclusive dates', async (t) => {
  runCases(t, [
    { name: "劳动合同法 第十九条: 36-month term from 2026-09-15 allows 6 months' probation (2026-09-15…2027-03-14)", change: () => {}, expected: [] },
    {
      name: '劳动合同法 第十九条: 36-month term refuses a probation one day longer than 6 months',
      change: (x) => (x.probation = probation('2026-09-15', '2027-03-15')),
      expected: [{ ...TOO_LONG, messageZh: /不得超过6个月（最迟至 2027-03-14）/ }],
    },
    {
      name: '劳动合同法 第十九条: a term one day short of 3 years allows only 2 months',
      change: (x) => (x.endDate = '2029-09-13'),
      expected: [TOO_LONG],
    },
    {
      name: '劳动合同法 第十九条: a term one day short of 3 years allows exactly 2 months',
      change: (x) => {
        x.endDate = '2029-09-13';
        x.probation = probation('2026-09-15', '2026-11-14');
      },
      expected: [],
    },
    {
      name: '劳动合同法 第十九条: a 1-year term allows 2 months',
      change: (x) => {
        x.endDate = '2027-09-14';
        x.probation = probation('2026-09-15', '2026-11-14');
      },
      expected: [],
    },
    {
      name: '劳动合同法 第十九条: a 1-year term refuses 2 months and a day',
      change: (x) => {
        x.endDate = '2027-09-14';
        x.probation = probation('2026-09-15', '2026-11-15');
      },
      expected: [TOO_LONG],
    },
    {
      name: '劳动合同法 第十九条: a term one day short of 1 year allows only 1 month',
      change: (x) => {
        x.endDate = '2027-09-13';
        x.probation = probation('2026-09-15', '2026-11-14');
      },
      expected: [TOO_LONG],
    },
    {
      name: '劳动合同法 第十九条: a 3-month term allows 1 month (2026-09-15…2026-10-14)',
      change: (x) => {
        x.endDate = '2026-12-14';
        x.probation = probation('2026-09-15', '2026-10-14');
      },
      expected: [],
    },
    {
      name: '劳动合同法 第十九条: a 3-month term refuses 1 month and a day',
      change: (x) => {
        x.endDate = '2026-12-14';
        x.probation = probation('2026-09-15', '2026-10-15');
      },
      expected: [TOO_LONG],
    },
    {
      name: '劳动合同法 第十九条: a term of 3 months minus one day allows no probation at all',
      change: (x) => {
        x.endDate = '2026-12-13';
        x.probation = probation('2026-09-15', '2026-09-15');
      },
      expected: [NOT_ALLOWED],
    },
    {
      name: '劳动合同法 第十九条: an open-ended contract allows 6 months',
      change: (x) => {
        x.termType = 'open_ended';
        delete x.endDate;
      },
      expected: [],
    },
    {
      name: '劳动合同法 第十九条: an open-ended contract refuses 6 months and a day',
      change: (x) => {
        x.termType = 'open_ended';
        delete x.endDate;
        x.probation = probation('2026-09-15', '2027-03-15');
      },
      expected: [TOO_LONG],
    },
    {
      name: '劳动合同法 第十九条: a task-based contract allows no probation',
      change: (x) => {
        x.termType = 'task_based';
        x.taskDescription = '完成运城厂区二期设备安装';
        delete x.endDate;
        x.probation = probation('2026-09-15', '2026-09-30');
      },
      expected: [NOT_ALLOWED],
    },
    {
      name: '劳动合同法 第十九条: probation starting before the term is outside it',
      change: (x) => (x.probation = probation('2026-09-14', '2027-03-13')),
      expected: [{ code: 'ART19_PROBATION_OUTSIDE_TERM', field: 'probation.startDate' }],
    },
    {
      name: '劳动合同法 第十九条: probation ending after the term is outside it',
      change: (x) => {
        x.endDate = '2026-12-14';
        x.probation = probation('2026-12-01', '2026-12-20');
      },
      expected: [{ code: 'ART19_PROBATION_OUTSIDE_TERM', field: 'probation.endDate' }],
    },
    {
      name: '劳动合同法 第十九条: probation ending before it starts',
      change: (x) => (x.probation = probation('2026-10-01', '2026-09-30')),
      expected: [{ code: 'ART19_PROBATION_END_BEFORE_START', field: 'probation.endDate' }],
    },
    {
      name: '劳动合同法 第十九条: a second probation with the same employer is refused',
      change: () => {},
      ctx: { priorProbationWithEmployer: true },
      expected: [{ code: 'ART19_PROBATION_REPEATED', field: 'probation', severity: 'error' }],
    },
    {
      name: '劳动合同法 第十九条: no probation, no probation rule, even with a prior one',
      change: (x) => delete x.probation,
      ctx: { priorProbationWithEmployer: true },
      expected: [],
    },
  ]);
});

t.test('probationCapMonths by term length', async (t) => {
  const cases: [ContractTerms['termType'], string | undefined, number | undefined][] = [
    ['fixed', '2026-12-13', 0],
    ['fixed', '2026-12-14', 1],
    ['fixed', '2027-09-13', 1],
    ['fixed', '2027-09-14', 2],
    ['fixed', '2029-09-13', 2],
    ['fixed', '2029-09-14', 6],
    ['fixed', '2036-09-14', 6],
    ['fixed', undefined, undefined],
    ['fixed', '2026-09-01', undefined],
    ['open_ended', undefined, 6],
    ['task_based', undefined, 0],
  ];
  for (const [termType, endDate, cap] of cases) t.equal(probationCapMonths({ termType, startDate: '2026-09-15', endDate }), cap, `${termType} until ${endDate}`);
});

t.test('劳动合同法 第二十条 and 劳动法 第四十八条: probation and contract wages', async (t) => {
  runCases(t, [
    { name: '劳动合同法 第二十条: probation wage of exactly 80 % (4,000 of 5,000) passes', change: () => {}, expected: [] },
    {
      name: '劳动合同法 第二十条: probation wage of 79.99 % (3,999.50 of 5,000) is refused',
      change: (x) => (x.probation!.monthlyWage = 3999.5),
      expected: [{ code: 'ART20_PROBATION_WAGE_BELOW_80_PERCENT', field: 'probation.monthlyWage', article: '劳动合同法 第二十条' }],
    },
    {
      name: '劳动合同法 第二十条: 80 % of an amount with cents is compared exactly (4,345.68 of 5,432.10)',
      change: (x) => {
        x.wage!.monthly = 5432.1;
        x.probation!.monthlyWage = 4345.68;
      },
      expected: [],
    },
    {
      name: '劳动合同法 第二十条: one cent under 80 % of 5,432.10 is refused',
      change: (x) => {
        x.wage!.monthly = 5432.1;
        x.probation!.monthlyWage = 4345.67;
      },
      expected: [{ code: 'ART20_PROBATION_WAGE_BELOW_80_PERCENT', field: 'probation.monthlyWage' }],
    },
    {
      name: '劳动合同法 第二十条: probation wage at 80 % but under the 盐湖区 minimum (1,879.99 < 1,880, tier 2) is refused',
      change: (x) => {
        x.wage!.monthly = 2349.98;
        x.probation!.monthlyWage = 1879.99;
      },
      expected: [{ code: 'ART20_PROBATION_WAGE_BELOW_MINIMUM', field: 'probation.monthlyWage', messageZh: /1880 元（第2档）/ }],
    },
    {
      name: '劳动合同法 第二十条: probation wage equal to the minimum passes',
      change: (x) => {
        x.wage!.monthly = 2350;
        x.probation!.monthlyWage = 1880;
      },
      expected: [],
    },
    {
      name: '劳动合同法 第二十条: both probation limits broken are both reported',
      change: (x) => (x.probation!.monthlyWage = 1500),
      expected: [
        { code: 'ART20_PROBATION_WAGE_BELOW_80_PERCENT', field: 'probation.monthlyWage' },
        { code: 'ART20_PROBATION_WAGE_BELOW_MINIMUM', field: 'probation.monthlyWage' },
      ],
    },
  ]);
});

/** A contract without probation paying `monthly` (or only `hourly`) at a workplace county. */
const paying =
  (wage: { monthly?: number; hourly?: number }, county?: string, start = '2026-09-15', end = '2029-09-14') =>
  (x: ContractTerms) => {
    delete x.probation;
    x.wage = { ...wage, payDay: 15 };
    if (county) x.workplaceRegionCode = county;
    x.startDate = start;
    x.endDate = end;
  };

t.test('劳动法 第四十八条: the minimum wage of the workplace county in force on the contract dates', async (t) => {
  runCases(t, [
    { name: '劳动法 第四十八条: 盐湖区 (tier 2) exactly 1,880 passes', change: paying({ monthly: 1880 }), expected: [] },
    {
      name: '劳动法 第四十八条: 盐湖区 (tier 2) one fen under 1,880 is refused',
      change: paying({ monthly: 1879.99 }),
      expected: [{ code: 'WAGE_BELOW_MINIMUM', field: 'wage.monthly', article: '劳动法 第四十八条', severity: 'error', messageZh: /山西省最低工资标准 1880 元（第2档）/ }],
    },
    {
      name: '劳动法 第四十八条: the workplace county decides: 小店区 (tier 1) one fen under 1,980',
      change: paying({ monthly: 1979.99 }, '140105'),
      expected: [{ code: 'WAGE_BELOW_MINIMUM', field: 'wage.monthly', messageZh: /1980 元（第1档）/ }],
    },
    { name: '劳动法 第四十八条: 小店区 (tier 1) exactly 1,980 passes', change: paying({ monthly: 1980 }, '140105'), expected: [] },
    { name: '劳动法 第四十八条: 临猗县 (tier 3) exactly 1,780 passes', change: paying({ monthly: 1780 }, '140821'), expected: [] },
    {
      name: '劳动法 第四十八条: 临猗县 (tier 3) one fen under 1,780 is refused',
      change: paying({ monthly: 1779.99 }, '140821'),
      expected: [{ code: 'WAGE_BELOW_MINIMUM', field: 'wage.monthly', messageZh: /1780 元（第3档）/ }],
    },
    {
      name: '劳动法 第四十八条: a declared tier is not trusted: 小店区 stays tier 1 and the declaration is a warning',
      change: (x) => {
        paying({ monthly: 1900 }, '140105')(x);
        x.minimumWageTier = 3;
      },
      expected: [
        { code: 'WAGE_BELOW_MINIMUM', field: 'wage.monthly', messageZh: /1980 元（第1档）/ },
        { code: 'MINIMUM_WAGE_TIER_DECLARED_IGNORED', field: 'minimumWageTier', severity: 'warning' },
      ],
    },
    {
      name: '劳动法 第四十八条: a contract starting on 2022-12-31 is judged by the 2021 standard (1,760 in 盐湖区), the 2023 rise is a warning',
      change: paying({ monthly: 1760 }, undefined, '2022-12-31', '2025-12-30'),
      expected: [{ code: 'WAGE_BELOW_LATER_MINIMUM', field: 'wage.monthly', severity: 'warning', messageZh: /自 2023-01-01 起最低工资标准调整为 1880 元/ }],
    },
    {
      name: '劳动法 第四十八条: a contract starting on 2023-01-01 is judged by the 2023 standard',
      change: paying({ monthly: 1760 }, undefined, '2023-01-01', '2025-12-31'),
      expected: [{ code: 'WAGE_BELOW_MINIMUM', field: 'wage.monthly', messageZh: /1880 元/ }],
    },
    {
      name: '劳动法 第四十八条: one fen under the 2021 standard on 2022-12-31 is refused',
      change: paying({ monthly: 1759.99 }, undefined, '2022-12-31', '2025-12-30'),
      expected: [{ code: 'WAGE_BELOW_MINIMUM', field: 'wage.monthly', messageZh: /1760 元/ }],
    },
    { name: '劳动法 第四十八条: an hourly-only full-time wage is checked against the hourly minimum (20.20 in 盐湖区)', change: paying({ hourly: 20.2 }), expected: [] },
    {
      name: '劳动法 第四十八条: an hourly-only full-time wage one fen under the hourly minimum is refused',
      change: paying({ hourly: 20.19 }),
      expected: [{ code: 'WAGE_BELOW_HOURLY_MINIMUM', field: 'wage.hourly', severity: 'error', messageZh: /最低小时工资标准 20.2 元（第2档）/ }],
    },
    {
      name: '劳动法 第四十八条: a province without county tiers uses its lowest tier and says so (Hebei 1,800)',
      change: (x) => {
        paying({ monthly: 1799.99 })(x);
        x.employer.regionCode = '130102';
      },
      expected: [
        { code: 'WAGE_BELOW_MINIMUM', field: 'wage.monthly', messageZh: /河北省最低工资标准 1800 元（该县档次未知，按最低档第3档）/ },
        { code: 'MINIMUM_WAGE_TIER_UNKNOWN', field: 'employer.regionCode', severity: 'warning' },
        { code: 'MINIMUM_WAGE_UNVERIFIED', field: 'employer.regionCode', severity: 'warning' },
      ],
    },
    {
      name: '劳动法 第四十八条: unverified figures are a warning on the region field',
      change: paying({ monthly: 1880 }, '140105'),
      expected: [
        { code: 'WAGE_BELOW_MINIMUM', field: 'wage.monthly' },
        { code: 'MINIMUM_WAGE_UNVERIFIED', field: 'workplaceRegionCode', severity: 'warning' },
      ],
    },
    {
      name: '劳动法 第四十八条: an unknown region gives warnings, not errors',
      change: (x) => (x.employer.regionCode = '310101'),
      expected: [
        { code: 'MINIMUM_WAGE_UNKNOWN', field: 'wage.monthly', severity: 'warning' },
        { code: 'MINIMUM_WAGE_UNKNOWN', field: 'probation.monthlyWage', severity: 'warning' },
      ],
    },
    {
      name: '劳动法 第四十八条: a start before any known standard gives warnings',
      change: paying({ monthly: 5000 }, undefined, '2021-09-01', '2024-08-31'),
      expected: [{ code: 'MINIMUM_WAGE_UNKNOWN', field: 'wage.monthly', severity: 'warning' }],
    },
  ]);
});

const MANDATORY: [string, string, (x: ContractTerms) => void][] = [
  ['ART17_EMPLOYER_NAME_MISSING', 'employer.name', (x) => (x.employer.name = '')],
  ['ART17_EMPLOYER_ADDRESS_MISSING', 'employer.address', (x) => (x.employer.address = '  ')],
  ['ART17_EMPLOYER_LEGAL_REPRESENTATIVE_MISSING', 'employer.legalRepresentative', (x) => (x.employer.legalRepresentative = '')],
  ['ART17_WORKER_NAME_MISSING', 'worker.name', (x) => (x.worker.name = '')],
  ['ART17_WORKER_ADDRESS_MISSING', 'worker.address', (x) => (x.worker.address = '')],
  ['ART17_WORKER_ID_MISSING', 'worker.idNumber', (x) => (x.worker.idNumber = '')],
  ['ART17_TERM_MISSING', 'startDate', (x) => delete x.startDate],
  ['ART17_JOB_CONTENT_MISSING', 'jobTitle', (x) => delete x.jobTitle],
  ['ART17_WORKPLACE_MISSING', 'workplace', (x) => delete x.workplace],
  ['ART17_WORKING_HOURS_MISSING', 'hours', (x) => delete x.hours],
  ['ART17_WAGE_MISSING', 'wage', (x) => (x.wage = { payDay: 15 })],
  ['ART17_SOCIAL_INSURANCE_MISSING', 'socialInsurance', (x) => (x.socialInsurance = false)],
  ['ART17_LABOR_PROTECTION_MISSING', 'laborProtection', (x) => delete x.laborProtection],
];

t.test('劳动合同法 第十七条: each missing mandatory clause is reported on its field', async (t) => {
  runCases(
    t,
    MANDATORY.map(([code, field, change]) => ({
      name: `劳动合同法 第十七条: ${field} missing`,
      change,
      expected: [{ code, field, article: '劳动合同法 第十七条', severity: 'error' }],
    })),
  );
});

t.test('all violations are returned at once', async (t) => {
  const terms = lawfulContract();
  for (const [, , change] of MANDATORY) change(terms);
  const found = relevant(checkContract(terms, CTX));
  t.same(found.map((v) => v.code).sort(), MANDATORY.map(([code]) => code).sort());
  t.notOk(passes(found));
});

t.test('劳动合同法 第十二条: term types are consistent', async (t) => {
  runCases(t, [
    {
      name: '劳动合同法 第十二条: a fixed term needs an end date',
      change: (x) => delete x.endDate,
      expected: [{ code: 'ART12_FIXED_TERM_END_MISSING', field: 'endDate', article: '劳动合同法 第十二条' }],
    },
    {
      name: '劳动合同法 第十二条: a fixed term may not end before it starts',
      change: (x) => {
        x.endDate = '2026-09-14';
        delete x.probation;
      },
      expected: [{ code: 'ART12_TERM_END_BEFORE_START', field: 'endDate' }],
    },
    {
      name: '劳动合同法 第十二条: a one-day fixed term is consistent',
      change: (x) => {
        x.endDate = '2026-09-15';
        delete x.probation;
      },
      expected: [],
    },
    {
      name: '劳动合同法 第十二条: a task-based term needs its task',
      change: (x) => {
        x.termType = 'task_based';
        delete x.endDate;
        delete x.probation;
      },
      expected: [{ code: 'ART12_TASK_MISSING', field: 'taskDescription' }],
    },
    {
      name: '劳动合同法 第十二条: a task-based term with its task passes',
      change: (x) => {
        x.termType = 'task_based';
        x.taskDescription = '完成运城厂区二期设备安装';
        delete x.endDate;
        delete x.probation;
      },
      expected: [],
    },
    {
      name: '劳动合同法 第十二条: an open-ended term with an end date is a warning',
      change: (x) => (x.termType = 'open_ended'),
      expected: [{ code: 'ART12_OPEN_ENDED_WITH_END_DATE', field: 'endDate', severity: 'warning' }],
    },
    {
      name: '劳动合同法 第十二条: an unknown term type',
      change: (x) => {
        (x as { termType: string }).termType = 'seasonal';
        delete x.probation;
      },
      expected: [{ code: 'ART12_TERM_TYPE_INVALID', field: 'termType' }],
    },
  ]);
});

t.test('dates, identifiers and age', async (t) => {
  runCases(t, [
    {
      name: 'an impossible start date is reported once',
      change: (x) => (x.startDate = '2026-09-31'),
      expected: [{ code: 'DATE_INVALID', field: 'startDate' }],
    },
    {
      name: 'an impossible probation end date is reported once',
      change: (x) => (x.probation!.endDate = '2027-02-30'),
      expected: [{ code: 'DATE_INVALID', field: 'probation.endDate', article: '劳动合同法 第十九条' }],
    },
    {
      name: 'GB 11643: a wrong check digit in the worker ID',
      change: (x) => (x.worker.idNumber = x.worker.idNumber.slice(0, 17) + (x.worker.idNumber[17] === '0' ? '1' : '0')),
      expected: [{ code: 'WORKER_ID_INVALID', field: 'worker.idNumber', article: 'GB 11643-1999', messageEn: /check character should be/ }],
    },
    {
      name: 'GB 32100: a wrong check character in the employer USCC',
      change: (x) => (x.employer.uscc = x.employer.uscc.slice(0, 17) + (x.employer.uscc[17] === '0' ? '1' : '0')),
      expected: [{ code: 'EMPLOYER_USCC_INVALID', field: 'employer.uscc', article: 'GB 32100-2015' }],
    },
    {
      name: 'GB 32100: a missing employer USCC',
      change: (x) => (x.employer.uscc = ''),
      expected: [{ code: 'EMPLOYER_USCC_INVALID', field: 'employer.uscc' }],
    },
    {
      name: 'GB/T 2260: an invalid region code also leaves the minimum wage unknown',
      change: (x) => (x.employer.regionCode = '990802'),
      expected: [
        { code: 'REGION_CODE_INVALID', field: 'employer.regionCode' },
        { code: 'MINIMUM_WAGE_UNKNOWN', field: 'wage.monthly' },
        { code: 'MINIMUM_WAGE_UNKNOWN', field: 'probation.monthlyWage' },
      ],
    },
    {
      name: '劳动法 第十五条: a worker under 16 on the start date',
      change: (x) => (x.worker.idNumber = residentId('140802', '2010-09-16', 'female')),
      expected: [{ code: 'WORKER_UNDER_16', field: 'worker.idNumber', article: '劳动法 第十五条' }],
    },
    {
      name: '劳动法 第十五条: a worker turning 16 on the start date may be hired',
      change: (x) => (x.worker.idNumber = residentId('140802', '2010-09-15', 'female')),
      expected: [],
    },
  ]);
});

t.test('劳动法 第三十九条: comprehensive and flexible hours need an approval number', async (t) => {
  runCases(t, [
    {
      name: '劳动法 第三十九条: comprehensive hours without approval',
      change: (x) => (x.hours = { system: 'comprehensive' }),
      expected: [{ code: 'HOURS_APPROVAL_NUMBER_MISSING', field: 'hours.approvalNumber', article: '劳动法 第三十九条' }],
    },
    {
      name: '劳动法 第三十九条: flexible hours without approval',
      change: (x) => (x.hours = { system: 'flexible', approvalNumber: ' ' }),
      expected: [{ code: 'HOURS_APPROVAL_NUMBER_MISSING', field: 'hours.approvalNumber' }],
    },
    {
      name: '劳动法 第三十九条: comprehensive hours with approval pass',
      change: (x) => (x.hours = { system: 'comprehensive', approvalNumber: '运人社工时审〔2026〕12号' }),
      expected: [],
    },
  ]);
});

t.test('劳动合同法 第五十七、五十八、六十六条 and 劳务派遣暂行规定: dispatch', async (t) => {
  const dispatch = lawfulDispatchContract;
  runCases(t, [
    { name: '劳动合同法 第五十八条: a dispatch term of exactly 2 years passes', base: dispatch, change: () => {}, expected: [] },
    {
      name: '劳动合同法 第五十八条: a dispatch term of 2 years minus a day is refused',
      base: dispatch,
      change: (x) => (x.endDate = '2028-09-13'),
      expected: [{ code: 'ART58_DISPATCH_TERM_TOO_SHORT', field: 'endDate', article: '劳动合同法 第五十八条', messageZh: /最早终止日期为 2028-09-14/ }],
    },
    {
      name: '劳动合同法 第五十八条: a dispatch contract must be fixed-term',
      base: dispatch,
      change: (x) => {
        x.termType = 'open_ended';
        delete x.endDate;
      },
      expected: [{ code: 'ART58_DISPATCH_TERM_NOT_FIXED', field: 'termType' }],
    },
    {
      name: '劳动合同法 第五十八条: the dispatch details are required',
      base: dispatch,
      change: (x) => delete x.dispatch,
      expected: [{ code: 'ART58_DISPATCH_DETAILS_MISSING', field: 'dispatch' }],
    },
    {
      name: '劳动合同法 第五十八条: the host employer must be named',
      base: dispatch,
      change: (x) => (x.dispatch!.hostEmployerName = ''),
      expected: [{ code: 'ART58_HOST_EMPLOYER_MISSING', field: 'dispatch.hostEmployerName' }],
    },
    {
      name: '劳动合同法 第五十八条: an assignment ending before it starts',
      base: dispatch,
      change: (x) => (x.dispatch!.assignmentEndDate = '2026-09-14'),
      expected: [{ code: 'ART58_ASSIGNMENT_END_BEFORE_START', field: 'dispatch.assignmentEndDate' }],
    },
    {
      name: '劳动合同法 第五十八条: idle pay equal to the minimum wage passes',
      base: dispatch,
      change: (x) => (x.dispatch!.idlePayMonthly = 1880),
      expected: [],
    },
    {
      name: '劳动合同法 第五十八条: idle pay under the minimum wage is refused',
      base: dispatch,
      change: (x) => (x.dispatch!.idlePayMonthly = 1879.99),
      expected: [{ code: 'ART58_IDLE_PAY_BELOW_MINIMUM', field: 'dispatch.idlePayMonthly' }],
    },
    {
      name: '劳动合同法 第五十七条: the agency licence number is required',
      base: dispatch,
      change: (x) => (x.dispatch!.licenceNumber = ''),
      expected: [{ code: 'ART57_AGENCY_LICENCE_MISSING', field: 'dispatch.licenceNumber', article: '劳动合同法 第五十七条' }],
    },
    {
      name: '劳动合同法 第六十六条: a temporary post of exactly 6 months passes',
      base: dispatch,
      change: (x) => {
        x.dispatch!.postNature = 'temporary';
        x.dispatch!.assignmentEndDate = '2027-03-14';
      },
      expected: [],
    },
    {
      name: '劳动合同法 第六十六条: a temporary post of 6 months and a day is refused',
      base: dispatch,
      change: (x) => {
        x.dispatch!.postNature = 'temporary';
        x.dispatch!.assignmentEndDate = '2027-03-15';
      },
      expected: [{ code: 'ART66_TEMPORARY_POST_TOO_LONG', field: 'dispatch.assignmentEndDate', article: '劳动合同法 第六十六条' }],
    },
    {
      name: '劳动合同法 第六十六条: a substitute post may last longer than 6 months',
      base: dispatch,
      change: (x) => (x.dispatch!.postNature = 'substitute'),
      expected: [],
    },
    {
      name: '劳动合同法 第六十六条: a post of another nature is refused',
      base: dispatch,
      change: (x) => ((x.dispatch as { postNature: string }).postNature = 'core'),
      expected: [{ code: 'ART66_POST_NATURE_INVALID', field: 'dispatch.postNature' }],
    },
    {
      name: '晋人社厅发〔2022〕45号: dispatch is banned for 专职消防员',
      base: dispatch,
      change: (x) => (x.dispatch!.postCategory = '专职消防员'),
      expected: [{ code: 'DISPATCH_PROHIBITED_POST', field: 'dispatch.postCategory', article: '晋人社厅发〔2022〕45号' }],
    },
    {
      name: '晋人社厅发〔2022〕45号: dispatch is banned underground, found in the job title',
      base: dispatch,
      change: (x) => (x.jobTitle = '煤矿井下采煤工'),
      expected: [{ code: 'DISPATCH_PROHIBITED_POST', field: 'jobTitle' }],
    },
    {
      name: '晋人社厅发〔2022〕45号: dispatch is banned for high-risk mining posts',
      base: dispatch,
      change: (x) => (x.dispatch!.postCategory = '露天矿爆破作业'),
      expected: [{ code: 'DISPATCH_PROHIBITED_POST', field: 'dispatch.postCategory' }],
    },
    {
      name: '晋人社厅发〔2022〕45号: a fire-equipment maintenance helper is not a firefighter',
      base: dispatch,
      change: (x) => (x.dispatch!.postCategory = '消防设施维保辅助'),
      expected: [],
    },
    {
      name: 'GB 32100: the agency and host USCCs are checked',
      base: dispatch,
      change: (x) => {
        x.dispatch!.agencyUscc = withUsccCheck('91140802MA0K23456').slice(0, 17) + 'I';
        x.dispatch!.hostEmployerUscc = '';
      },
      expected: [
        { code: 'DISPATCH_AGENCY_USCC_INVALID', field: 'dispatch.agencyUscc' },
        { code: 'DISPATCH_HOST_USCC_INVALID', field: 'dispatch.hostEmployerUscc' },
      ],
    },
  ]);
});

t.test('劳动合同法 第六十八至七十二条: part-time work', async (t) => {
  const partTime = lawfulPartTimeContract;
  runCases(t, [
    { name: '劳动合同法 第六十八条: 4 h/day and 24 h/week pass', base: partTime, change: (x) => (x.hours = { system: 'standard', dailyHours: 4, weeklyHours: 24 }), expected: [] },
    {
      name: '劳动合同法 第六十八条: 4.5 h/day is refused',
      base: partTime,
      change: (x) => (x.hours!.dailyHours = 4.5),
      expected: [{ code: 'ART68_DAILY_HOURS_EXCEEDED', field: 'hours.dailyHours', article: '劳动合同法 第六十八条' }],
    },
    {
      name: '劳动合同法 第六十八条: 24.5 h/week is refused',
      base: partTime,
      change: (x) => (x.hours!.weeklyHours = 24.5),
      expected: [{ code: 'ART68_WEEKLY_HOURS_EXCEEDED', field: 'hours.weeklyHours' }],
    },
    {
      name: '劳动合同法 第六十八条: hours not stated is a warning',
      base: partTime,
      change: (x) => (x.hours = { system: 'standard' }),
      expected: [{ code: 'ART68_HOURS_UNSPECIFIED', field: 'hours', severity: 'warning' }],
    },
    {
      name: '劳动合同法 第七十条: part-time work allows no probation',
      base: partTime,
      change: (x) => (x.probation = probation('2026-09-15', '2026-09-30', 1000)),
      expected: [{ code: 'ART70_PART_TIME_PROBATION', field: 'probation', article: '劳动合同法 第七十条' }],
    },
    {
      name: '劳动合同法 第七十二条: hourly pay one fen under the 盐湖区 hourly minimum (20.20, tier 2) is refused',
      base: partTime,
      change: (x) => (x.wage!.hourly = 20.19),
      expected: [{ code: 'ART72_HOURLY_WAGE_BELOW_MINIMUM', field: 'wage.hourly', article: '劳动合同法 第七十二条' }],
    },
    {
      name: '劳动合同法 第七十二条: a workplace in 小店区 (tier 1) raises the hourly minimum to 21.3',
      base: partTime,
      change: (x) => {
        x.workplaceRegionCode = '140105';
        x.wage!.hourly = 21.29;
      },
      expected: [{ code: 'ART72_HOURLY_WAGE_BELOW_MINIMUM', field: 'wage.hourly' }],
    },
    {
      name: '劳动合同法 第七十二条: hourly pay missing',
      base: partTime,
      change: (x) => (x.wage = { paymentIntervalDays: 15 }),
      expected: [
        { code: 'ART72_HOURLY_WAGE_MISSING', field: 'wage.hourly', severity: 'warning' },
        { code: 'ART17_WAGE_MISSING', field: 'wage' },
      ],
    },
    {
      name: '劳动合同法 第七十二条: pay every 16 days is refused',
      base: partTime,
      change: (x) => (x.wage!.paymentIntervalDays = 16),
      expected: [{ code: 'ART72_PAY_INTERVAL_TOO_LONG', field: 'wage.paymentIntervalDays' }],
    },
    {
      name: '劳动合同法 第七十二条: pay interval not stated is a warning',
      base: partTime,
      change: (x) => delete x.wage!.paymentIntervalDays,
      expected: [{ code: 'ART72_PAY_INTERVAL_UNSPECIFIED', field: 'wage.paymentIntervalDays', severity: 'warning' }],
    },
  ]);
});

/** 内部退养 of a man born 1968-06-15: statutory retirement at 60 years 11 months, 2029-05-15. */
function internalRetirement(): ContractTerms {
  const base = lawfulContract();
  const { probation: _p, endDate: _e, wage: _w, ...rest } = base;
  return {
    ...rest,
    kind: 'internal_retirement',
    termType: 'open_ended',
    worker: { ...base.worker, idNumber: residentId('140802', '1968-06-15', 'male') },
    internalRetirement: { workerCategory: 'male', startDate: '2026-09-15', monthlyAllowance: 1504 },
  };
}

t.test('晋人社厅发〔2022〕45号: 内部退养', async (t) => {
  const IR = '晋人社厅发〔2022〕45号';
  runCases(t, [
    { name: `${IR}: allowance of exactly 80 % of the 盐湖区 minimum wage (1,504 of 1,880) passes`, base: internalRetirement, change: () => {}, expected: [] },
    {
      name: `${IR}: allowance under 80 % of the minimum wage is refused`,
      base: internalRetirement,
      change: (x) => (x.internalRetirement!.monthlyAllowance = 1503.99),
      expected: [{ code: 'INTERNAL_RETIREMENT_ALLOWANCE_TOO_LOW', field: 'internalRetirement.monthlyAllowance', article: IR }],
    },
    {
      name: `${IR}: a workplace in 小店区 (tier 1) raises the floor to 80 % of 1,980`,
      base: internalRetirement,
      change: (x) => {
        x.workplaceRegionCode = '140105';
        x.internalRetirement!.monthlyAllowance = 1583.99;
      },
      expected: [{ code: 'INTERNAL_RETIREMENT_ALLOWANCE_TOO_LOW', field: 'internalRetirement.monthlyAllowance' }],
    },
    {
      name: `${IR}: starting one day less than 5 years before retirement passes`,
      base: internalRetirement,
      change: (x) => (x.internalRetirement!.startDate = '2024-05-16'),
      expected: [],
    },
    {
      name: `${IR}: starting exactly 5 years before retirement is refused`,
      base: internalRetirement,
      change: (x) => (x.internalRetirement!.startDate = '2024-05-15'),
      expected: [{ code: 'INTERNAL_RETIREMENT_TOO_EARLY', field: 'internalRetirement.startDate', messageZh: /法定退休日期 2029-05-15，最早 2024-05-16/ }],
    },
    {
      name: `${IR}: the day before retirement still passes`,
      base: internalRetirement,
      change: (x) => (x.internalRetirement!.startDate = '2029-05-14'),
      expected: [],
    },
    {
      name: `${IR}: starting on the retirement date is refused`,
      base: internalRetirement,
      change: (x) => (x.internalRetirement!.startDate = '2029-05-15'),
      expected: [{ code: 'INTERNAL_RETIREMENT_AFTER_RETIREMENT_AGE', field: 'internalRetirement.startDate' }],
    },
    {
      name: `${IR}: a woman worker (50 → 55) born 1978-01-20 retires 2029-08-20; 2024-08-20 is too early`,
      base: internalRetirement,
      change: (x) => {
        x.worker.idNumber = residentId('140802', '1978-01-20', 'female');
        x.internalRetirement = { workerCategory: 'female_worker', startDate: '2024-08-20', monthlyAllowance: 1504 };
      },
      expected: [{ code: 'INTERNAL_RETIREMENT_TOO_EARLY', field: 'internalRetirement.startDate' }],
    },
    {
      name: `${IR}: the same woman as a cadre (55 → 58) is far from retirement`,
      base: internalRetirement,
      change: (x) => {
        x.worker.idNumber = residentId('140802', '1978-01-20', 'female');
        x.internalRetirement = { workerCategory: 'female_cadre', startDate: '2026-09-15', monthlyAllowance: 1504 };
      },
      expected: [{ code: 'INTERNAL_RETIREMENT_TOO_EARLY', field: 'internalRetirement.startDate' }],
    },
    {
      name: `${IR}: a category contradicting the sex in the ID is refused`,
      base: internalRetirement,
      change: (x) => (x.internalRetirement!.workerCategory = 'female_worker'),
      expected: [{ code: 'INTERNAL_RETIREMENT_CATEGORY_MISMATCH', field: 'internalRetirement.workerCategory' }],
    },
    {
      name: `${IR}: a stated birth date contradicting the ID is refused`,
      base: internalRetirement,
      change: (x) => (x.internalRetirement!.workerBirthDate = '1968-06-16'),
      expected: [{ code: 'INTERNAL_RETIREMENT_BIRTH_DATE_MISMATCH', field: 'internalRetirement.workerBirthDate' }],
    },
    {
      name: `${IR}: a stated birth date serves when there is no ID number (Art. 17 does not apply)`,
      base: internalRetirement,
      change: (x) => {
        x.worker.idNumber = '';
        x.internalRetirement!.workerBirthDate = '1968-06-15';
      },
      expected: [],
    },
    {
      name: `${IR}: without birth date or ID eligibility cannot be checked`,
      base: internalRetirement,
      change: (x) => (x.worker.idNumber = ''),
      expected: [{ code: 'INTERNAL_RETIREMENT_BIRTH_DATE_UNKNOWN', field: 'internalRetirement.workerBirthDate' }],
    },
    {
      name: `${IR}: the agreement details are required`,
      base: internalRetirement,
      change: (x) => delete x.internalRetirement,
      expected: [{ code: 'INTERNAL_RETIREMENT_DETAILS_MISSING', field: 'internalRetirement' }],
    },
  ]);
});

t.test('every violation is complete and bilingual', async (t) => {
  const broken = lawfulDispatchContract();
  broken.endDate = '2027-01-14';
  broken.probation = probation('2026-09-01', '2027-02-01', 100);
  broken.hours = { system: 'flexible' };
  broken.dispatch!.postNature = 'temporary';
  broken.dispatch!.assignmentEndDate = '2028-01-01';
  broken.dispatch!.idlePayMonthly = 0;
  broken.wage!.monthly = 100;
  const found = checkContract(broken, { priorProbationWithEmployer: true });
  t.ok(found.length >= 8, `${found.length} violations`);
  for (const v of found) {
    t.match(v, { code: /^[A-Z0-9_]+$/, article: /\S/, severity: /^(error|warning)$/, field: /^[a-zA-Z.]+$/, messageZh: /[\u4e00-\u9fff]/, messageEn: /^[\x20-\x7e]+$/ }, v.code);
  }
  t.ok(
    CONTRACT_RULES.every((rule) => rule.name.length > 0),
    'rules are named functions',
  );
});
