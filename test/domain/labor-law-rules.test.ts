/** Table tests for the rules added in issue 22, one boundary per case, the provision in each name. */
import t from 'tap';
import type { ContractTerms } from '../../src/domain/contract-terms.ts';
import { checkContract, declaredCode, RULE_TABLE, type CheckContext, type Violation } from '../../src/domain/labor-law.ts';
import { AGENCY_USCC, lawfulContract, lawfulDispatchContract, lawfulPartTimeContract, residentId } from './samples.ts';

type Expected = { code: string; field: string } & Partial<Record<keyof Violation, string | RegExp>>;
interface Case {
  name: string;
  base?: () => ContractTerms;
  change: (terms: ContractTerms) => void;
  ctx?: Partial<CheckContext>;
  expected: Expected[];
}

const CTX: CheckContext = { priorProbationWithEmployer: false, today: '2026-09-15' };
const REFERENCE_WARNINGS = new Set(['MINIMUM_WAGE_UNVERIFIED', 'MINIMUM_WAGE_TIER_UNKNOWN']);
const key = (v: { code: string; field: string }) => `${v.code} @ ${v.field}`;
const seen = new Set<string>();

function runCases(test: Pick<typeof t, 'same' | 'match'>, cases: Case[]) {
  for (const c of cases) {
    const terms = (c.base ?? lawfulContract)();
    c.change(terms);
    const all = checkContract(terms, { ...CTX, ...c.ctx });
    for (const v of all) seen.add(v.code);
    const found = all.filter((v) => !REFERENCE_WARNINGS.has(v.code));
    test.same(found.map(key).sort(), c.expected.map(key).sort(), c.name);
    for (const expected of c.expected)
      test.match(
        found.find((v) => key(v) === key(expected)),
        expected,
        `${c.name}: ${expected.code}`,
      );
  }
}

const STANDARD = '劳动法 第三十六条、国务院关于职工工作时间的规定（国务院令第174号） 第三条';

t.test('劳动法 第三十六条 / 国务院令第174号: standard hours at most 8 a day and 40 a week', async (t) => {
  const hours = (dailyHours?: number, weeklyHours?: number) => (x: ContractTerms) => (x.hours = { system: 'standard', dailyHours, weeklyHours });
  runCases(t, [
    { name: '劳动法 第三十六条: exactly 8 h/day and 40 h/week pass', change: hours(8, 40), expected: [] },
    { name: '劳动法 第三十六条: 8.5 h/day is refused', change: hours(8.5, 40), expected: [{ code: 'HOURS_STANDARD_DAILY_EXCEEDED', field: 'hours.dailyHours', article: STANDARD, severity: 'error' }] },
    { name: '劳动法 第三十六条: 41 h/week is refused', change: hours(8, 41), expected: [{ code: 'HOURS_STANDARD_WEEKLY_EXCEEDED', field: 'hours.weeklyHours', article: STANDARD }] },
    {
      name: '劳动法 第三十六条: 10 h/day and 60 h/week are both refused',
      change: hours(10, 60),
      expected: [
        { code: 'HOURS_STANDARD_DAILY_EXCEEDED', field: 'hours.dailyHours' },
        { code: 'HOURS_STANDARD_WEEKLY_EXCEEDED', field: 'hours.weeklyHours' },
      ],
    },
    { name: '劳动法 第三十六条: no figures means the statutory hours', change: hours(), expected: [] },
    {
      name: '劳动法 第三十九条: comprehensive hours with an approval number may exceed 8 h on a day',
      change: (x) => (x.hours = { system: 'comprehensive', approvalNumber: '晋人社综审〔2026〕12号', dailyHours: 10 }),
      expected: [],
    },
    {
      name: '劳动法 第三十九条: flexible hours without an approval number are refused',
      change: (x) => (x.hours = { system: 'flexible' }),
      expected: [{ code: 'HOURS_APPROVAL_NUMBER_MISSING', field: 'hours.approvalNumber', article: '劳动法 第三十九条' }],
    },
  ]);
});

t.test('劳动合同法 第六十八、七十二条: part-time boundaries', async (t) => {
  const partTime = lawfulPartTimeContract;
  runCases(t, [
    { name: '劳动合同法 第六十八条: exactly 4 h/day and 24 h/week pass', base: partTime, change: (x) => (x.hours = { system: 'standard', dailyHours: 4, weeklyHours: 24 }), expected: [] },
    {
      name: '劳动合同法 第六十八条: 4.5 h/day is refused',
      base: partTime,
      change: (x) => (x.hours = { system: 'standard', dailyHours: 4.5, weeklyHours: 24 }),
      expected: [{ code: 'ART68_DAILY_HOURS_EXCEEDED', field: 'hours.dailyHours' }],
    },
    {
      name: '劳动合同法 第六十八条: 25 h/week is refused',
      base: partTime,
      change: (x) => (x.hours = { system: 'standard', dailyHours: 4, weeklyHours: 25 }),
      expected: [{ code: 'ART68_WEEKLY_HOURS_EXCEEDED', field: 'hours.weeklyHours' }],
    },
    { name: '劳动合同法 第七十二条: pay every 15 days passes', base: partTime, change: (x) => (x.wage!.paymentIntervalDays = 15), expected: [] },
    {
      name: '劳动合同法 第七十二条: pay every 16 days is refused',
      base: partTime,
      change: (x) => (x.wage!.paymentIntervalDays = 16),
      expected: [{ code: 'ART72_PAY_INTERVAL_TOO_LONG', field: 'wage.paymentIntervalDays' }],
    },
    { name: '劳动合同法 第七十二条: exactly the 盐湖区 hourly minimum (20.20) passes', base: partTime, change: (x) => (x.wage!.hourly = 20.2), expected: [] },
  ]);
});

const hiredOn = (employmentStartDate: string) => (x: ContractTerms) => (x.employmentStartDate = employmentStartDate);
const WRITTEN = '劳动合同法 第十条、第八十二条';

t.test('劳动合同法 第十条、第八十二条 and 第十四条第三款: the written contract after 用工之日 (made 2026-09-15)', async (t) => {
  runCases(t, [
    { name: '劳动合同法 第十条: written on 用工之日 passes', change: hiredOn('2026-09-15'), expected: [] },
    {
      name: '劳动合同法 第十条: written exactly one month after 用工之日 (2026-08-16…2026-09-15) passes',
      change: (x) => {
        hiredOn('2026-08-16')(x);
        x.startDate = '2026-08-16';
        x.probation = { startDate: '2026-08-16', endDate: '2027-02-15', monthlyWage: 4000 };
      },
      expected: [],
    },
    {
      name: '劳动合同法 第八十二条: written one day after the first month owes double wages',
      change: (x) => {
        hiredOn('2026-08-15')(x);
        x.startDate = '2026-08-15';
        x.probation = { startDate: '2026-08-15', endDate: '2027-02-14', monthlyWage: 4000 };
      },
      expected: [{ code: 'ART82_LATE_WRITTEN_CONTRACT', field: 'employmentStartDate', article: WRITTEN, severity: 'warning', messageZh: /应自 2026-09-15 起至订立前一日（2026-09-14）/ }],
    },
    {
      name: '劳动合同法 第十条: a term starting after 用工之日 is a warning',
      change: hiredOn('2026-09-01'),
      expected: [{ code: 'ART10_TERM_STARTS_AFTER_EMPLOYMENT', field: 'startDate', severity: 'warning' }],
    },
    {
      name: '劳动合同法 第十四条第三款: one day short of a year is still only double wages',
      change: (x) => {
        hiredOn('2025-09-16')(x);
        x.startDate = '2025-09-16';
        x.endDate = '2028-09-15';
        x.probation = undefined;
      },
      expected: [{ code: 'ART82_LATE_WRITTEN_CONTRACT', field: 'employmentStartDate' }],
    },
    {
      name: '劳动合同法 第十四条第三款 / 实施条例 第七条: a full year without a written contract: deemed open-ended, a fixed term is refused',
      change: (x) => {
        hiredOn('2025-09-15')(x);
        x.startDate = '2025-09-15';
        x.endDate = '2028-09-14';
        x.probation = undefined;
      },
      expected: [{ code: 'ART14_DEEMED_OPEN_ENDED', field: 'termType', severity: 'error', messageZh: /自 2026-09-15 起视为已订立无固定期限劳动合同/ }],
    },
    {
      name: '劳动合同法 第十四条第三款: the same year, written as open-ended, is a warning about the double wages',
      change: (x) => {
        hiredOn('2025-09-15')(x);
        x.startDate = '2025-09-15';
        x.termType = 'open_ended';
        delete x.endDate;
        x.probation = undefined;
      },
      expected: [{ code: 'ART14_DEEMED_OPEN_ENDED', field: 'employmentStartDate', severity: 'warning' }],
    },
  ]);
});

const OPEN_ENDED = '劳动合同法 第十四条第二款';

t.test('劳动合同法 第十四条第二款: an open-ended contract is owed after 10 years or two consecutive fixed terms', async (t) => {
  runCases(t, [
    {
      name: '劳动合同法 第十四条: 9 years and one prior fixed term: a fixed term is lawful',
      change: (x) => {
        x.continuousServiceYears = 9;
        x.priorFixedTermContracts = 1;
        x.probation = undefined;
      },
      expected: [],
    },
    {
      name: '劳动合同法 第十四条: 10 years of service: a fixed term is refused',
      change: (x) => {
        x.continuousServiceYears = 10;
        x.probation = undefined;
      },
      expected: [{ code: 'ART14_OPEN_ENDED_REQUIRED', field: 'termType', article: OPEN_ENDED, severity: 'error' }],
    },
    {
      name: '劳动合同法 第十四条: two prior fixed terms: a third fixed term is refused',
      change: (x) => {
        x.priorFixedTermContracts = 2;
        x.probation = undefined;
      },
      expected: [{ code: 'ART14_OPEN_ENDED_REQUIRED', field: 'termType' }],
    },
    {
      name: '劳动合同法 第十四条: the worker asks for a fixed term: a warning that the worker confirms it',
      change: (x) => {
        x.priorFixedTermContracts = 2;
        x.workerRequestsFixedTerm = true;
        x.probation = undefined;
      },
      expected: [{ code: 'ART14_FIXED_TERM_AT_WORKERS_REQUEST', field: 'workerRequestsFixedTerm', severity: 'warning' }],
    },
    {
      name: '劳动合同法 第十四条: an open-ended contract after two fixed terms passes',
      change: (x) => {
        x.priorFixedTermContracts = 2;
        x.termType = 'open_ended';
        delete x.endDate;
        x.probation = undefined;
      },
      expected: [],
    },
  ]);
});

/** A 续订书 as contractTermsOf maps it. */
function renewal(): ContractTerms {
  const base = lawfulContract();
  return { kind: 'renewal', employer: base.employer, worker: base.worker, employmentForm: 'labor_contract', termType: 'fixed', startDate: '2026-09-15', endDate: '2029-09-14' };
}

t.test('劳动合同法 第十二、十四、三十五条: renewal and change documents go through the same engine', async (t) => {
  runCases(t, [
    { name: '劳动合同法 第十二条: a renewal of three years passes', base: renewal, change: () => {}, expected: [] },
    {
      name: '劳动合同法 第十二条: a renewal ending the day before it starts is refused',
      base: renewal,
      change: (x) => (x.endDate = '2026-09-14'),
      expected: [{ code: 'ART12_TERM_END_BEFORE_START', field: 'endDate', article: '劳动合同法 第十二条' }],
    },
    { name: '劳动合同法 第十二条: a renewal ending the day it starts passes', base: renewal, change: (x) => (x.endDate = '2026-09-15'), expected: [] },
    {
      name: '劳动合同法 第十四条: a renewal after two fixed terms must be open-ended',
      base: renewal,
      change: (x) => (x.priorFixedTermContracts = 2),
      expected: [{ code: 'ART14_OPEN_ENDED_REQUIRED', field: 'termType' }],
    },
    {
      name: '劳动合同法 第十四条: unless the worker asks for a fixed term',
      base: renewal,
      change: (x) => {
        x.priorFixedTermContracts = 2;
        x.workerRequestsFixedTerm = true;
      },
      expected: [{ code: 'ART14_FIXED_TERM_AT_WORKERS_REQUEST', field: 'workerRequestsFixedTerm' }],
    },
    {
      name: '劳动合同法 第三十五条: a changed end date before the change applies is refused',
      base: () => ({ ...renewal(), kind: 'change', change: { effectiveDate: '2026-10-01', endDate: '2026-09-30' } }),
      change: () => {},
      expected: [{ code: 'ART35_CHANGED_END_BEFORE_EFFECTIVE', field: 'change.endDate' }],
    },
    {
      name: '劳动法 第四十八条: a changed wage under the minimum is refused',
      base: () => ({ ...renewal(), kind: 'change', change: { effectiveDate: '2026-10-01', monthlyWage: 1879.99 } }),
      change: () => {},
      expected: [{ code: 'WAGE_BELOW_MINIMUM', field: 'change.monthlyWage' }],
    },
  ]);
});

const NON_COMPETE = '劳动合同法 第二十三条、第二十四条';
const SPC36 = '最高人民法院关于审理劳动争议案件适用法律问题的解释（一） 第三十六条';
const nonCompete = (clause: Partial<NonNullable<ContractTerms['nonCompete']>>) => (x: ContractTerms) =>
  (x.nonCompete = { role: 'senior_technical', months: 24, monthlyCompensation: 3000, averageMonthlyWage: 10000, ...clause });

t.test('劳动合同法 第二十二至二十五条: service period, non-compete and penalties', async (t) => {
  runCases(t, [
    { name: '劳动合同法 第二十四条: a two-year non-compete for senior technical staff at 30 % passes', change: nonCompete({}), expected: [] },
    { name: '劳动合同法 第二十四条: 25 months is refused', change: nonCompete({ months: 25 }), expected: [{ code: 'ART24_NON_COMPETE_TOO_LONG', field: 'nonCompete.months', article: NON_COMPETE }] },
    { name: '劳动合同法 第二十四条: a cleaner cannot be bound', change: nonCompete({ role: 'cleaner' as never }), expected: [{ code: 'ART24_NON_COMPETE_ROLE', field: 'nonCompete.role' }] },
    {
      name: `${SPC36}: one fen under 30 % of the average wage is refused`,
      change: nonCompete({ monthlyCompensation: 2999.99 }),
      expected: [{ code: 'NON_COMPETE_COMPENSATION_BELOW_30_PERCENT', field: 'nonCompete.monthlyCompensation', article: SPC36 }],
    },
    {
      name: `${SPC36}: 30 % of a low wage is still at least the minimum wage (1,880 in 盐湖区)`,
      change: nonCompete({ monthlyCompensation: 1879.99, averageMonthlyWage: 5000 }),
      expected: [{ code: 'NON_COMPETE_COMPENSATION_BELOW_MINIMUM', field: 'nonCompete.monthlyCompensation' }],
    },
    {
      name: '劳动合同法 第二十二条: a penalty equal to the training cost passes',
      change: (x) => (x.serviceAgreement = { trainingCost: 20000, startDate: '2026-10-01', endDate: '2029-09-30', penalty: 20000 }),
      expected: [],
    },
    {
      name: '劳动合同法 第二十二条: a penalty one fen above the training cost is refused',
      change: (x) => (x.serviceAgreement = { trainingCost: 20000, startDate: '2026-10-01', endDate: '2029-09-30', penalty: 20000.01 }),
      expected: [{ code: 'ART22_PENALTY_EXCEEDS_TRAINING_COST', field: 'serviceAgreement.penalty', article: '劳动合同法 第二十二条' }],
    },
    {
      name: '劳动合同法 第二十二条: no service period without training cost',
      change: (x) => (x.serviceAgreement = { trainingCost: 0, startDate: '2026-10-01', endDate: '2029-09-30' }),
      expected: [{ code: 'ART22_TRAINING_COST_MISSING', field: 'serviceAgreement.trainingCost' }],
    },
    {
      name: '劳动合同法 第九条: a deposit in the other terms is refused',
      change: (x) => (x.otherTerms = '乙方入职时缴纳押金500元'),
      expected: [{ code: 'ART9_DEPOSIT', field: 'otherTerms', article: '劳动合同法 第九条' }],
    },
    { name: '劳动合同法 第九条: holding the ID card is refused', change: (x) => (x.otherTerms = '甲方代为保管乙方身份证原件'), expected: [{ code: 'ART9_ID_DOCUMENTS_HELD', field: 'otherTerms' }] },
    { name: '劳动合同法 第二十六条: fines are refused', change: (x) => (x.otherTerms = '迟到一次罚款50元'), expected: [{ code: 'FINE_NOT_ALLOWED', field: 'otherTerms' }] },
    {
      name: '劳动合同法 第二十五条: a penalty for resigning is refused',
      change: (x) => (x.otherTerms = '乙方提前离职的，应支付违约金一万元'),
      expected: [{ code: 'ART25_PENALTY_NOT_ALLOWED', field: 'otherTerms', article: '劳动合同法 第二十五条' }],
    },
    {
      name: '劳动合同法 第二十四条: a three-year non-compete written as free text is refused and asked to be structured',
      change: (x) => (x.otherTerms = '乙方离职后三年内负有竞业限制义务，违反的支付违约金'),
      expected: [
        { code: 'ART24_NON_COMPETE_TOO_LONG', field: 'otherTerms' },
        { code: 'NON_COMPETE_UNSTRUCTURED', field: 'otherTerms', severity: 'warning' },
      ],
    },
    {
      name: '劳动合同法 第二十四条: a two-year non-compete in free text is only asked to be structured',
      change: (x) => (x.otherTerms = '乙方离职后2年内负有竞业限制义务'),
      expected: [{ code: 'NON_COMPETE_UNSTRUCTURED', field: 'otherTerms', severity: 'warning' }],
    },
    {
      name: '劳动合同法 第二十二条: a service period in free text is asked to be structured',
      change: (x) => (x.otherTerms = '甲方出资培训，乙方服务期五年'),
      expected: [{ code: 'SERVICE_PERIOD_UNSTRUCTURED', field: 'otherTerms', severity: 'warning' }],
    },
    { name: 'harmless other terms pass', change: (x) => (x.otherTerms = '甲方为乙方缴存住房公积金'), expected: [] },
  ]);
});

const MINORS = '劳动法 第六十四条、未成年工特殊保护规定 第三条';
const born = (birthDate: string) => (x: ContractTerms) => (x.worker.idNumber = residentId('140802', birthDate, 'male'));

t.test('劳动法 第六十四条 and 未成年工特殊保护规定: minors (16–18 on the start date 2026-09-15)', async (t) => {
  runCases(t, [
    {
      name: '劳动法 第六十四条: a 17-year-old in office work passes',
      change: (x) => {
        born('2009-09-15')(x);
        x.jobTitle = '办公室文员';
        x.jobCategory = 'office';
      },
      expected: [],
    },
    {
      name: '劳动法 第六十四条: a 17-year-old underground (category) is refused',
      change: (x) => {
        born('2009-09-15')(x);
        x.jobCategory = 'underground_mining';
      },
      expected: [{ code: 'MINOR_PROHIBITED_WORK', field: 'jobCategory', article: MINORS }],
    },
    {
      name: '劳动法 第六十四条: a 17-year-old 井下 by job title is refused',
      change: (x) => {
        born('2009-09-15')(x);
        x.jobTitle = '井下采煤工';
      },
      expected: [{ code: 'MINOR_PROHIBITED_WORK', field: 'jobTitle' }],
    },
    {
      name: "劳动法 第六十四条: turning 18 on the start date, the same work is not a minor's",
      change: (x) => {
        born('2008-09-15')(x);
        x.jobCategory = 'underground_mining';
      },
      expected: [],
    },
    {
      name: '劳动法 第六十四条: 18 the day after the start date is still a minor',
      change: (x) => {
        born('2008-09-16')(x);
        x.jobCategory = 'work_at_height';
      },
      expected: [{ code: 'MINOR_PROHIBITED_WORK', field: 'jobCategory' }],
    },
    { name: '劳动法 第十五条: under 16 is refused whatever the work', change: born('2010-09-16'), expected: [{ code: 'WORKER_UNDER_16', field: 'worker.idNumber' }] },
    {
      name: 'GB 11643: an impossible birth date in the ID is an ID error, reported once',
      change: (x) => (x.worker.idNumber = '14080219900230121X'),
      expected: [{ code: 'WORKER_ID_INVALID', field: 'worker.idNumber', article: 'GB 11643-1999', messageZh: /出生日期 19900230 不是有效日期/ }],
    },
  ]);
});

t.test('劳动合同法 第六十七条: no dispatching to oneself', async (t) => {
  runCases(t, [
    {
      name: '劳动合同法 第六十七条: an agency dispatching to itself is refused',
      base: lawfulDispatchContract,
      change: (x) => (x.dispatch!.hostEmployerUscc = AGENCY_USCC),
      expected: [{ code: 'ART67_SELF_DISPATCH', field: 'dispatch.hostEmployerUscc', article: '劳动合同法 第六十七条、劳动合同法实施条例 第二十八条' }],
    },
    {
      name: '劳动合同法 第六十七条: an agency set up by the host is refused',
      base: lawfulDispatchContract,
      change: (x) => (x.dispatch!.agencyFoundedByHost = true),
      expected: [{ code: 'ART67_AGENCY_FOUNDED_BY_HOST', field: 'dispatch.agencyFoundedByHost' }],
    },
    { name: '劳动合同法 第六十七条: an independent agency passes', base: lawfulDispatchContract, change: (x) => (x.dispatch!.agencyFoundedByHost = false), expected: [] },
  ]);
});

/** Without a county in force no minimum wage is known: warnings beside the region error, never a guess. */
const WAGE_UNKNOWN = [
  { code: 'MINIMUM_WAGE_UNKNOWN', field: 'wage.monthly', severity: 'warning' },
  { code: 'MINIMUM_WAGE_UNKNOWN', field: 'probation.monthlyWage', severity: 'warning' },
] as const;

t.test('GB/T 2260: region codes must name a county in force', async (t) => {
  runCases(t, [
    {
      name: 'GB/T 2260: 140899 (a valid prefix, no county) is refused',
      change: (x) => (x.employer.regionCode = '140899'),
      expected: [{ code: 'REGION_CODE_INVALID', field: 'employer.regionCode', article: 'GB/T 2260' }, ...WAGE_UNKNOWN],
    },
    {
      name: 'GB/T 2260: a retired code (大同市城区 140202) is refused with its successor',
      change: (x) => (x.workplaceRegionCode = '140202'),
      expected: [{ code: 'REGION_CODE_INVALID', field: 'workplaceRegionCode', messageZh: /现为 山西省大同市平城区（140213）/ }, ...WAGE_UNKNOWN],
    },
    { name: 'GB/T 2260: a workplace county of its own passes', change: (x) => (x.workplaceRegionCode = '141182'), expected: [] },
  ]);
});

t.test('every code a rule reported is declared in the rule table', async (t) => {
  for (const code of seen) t.ok(declaredCode(code), code);
  t.equal(new Set(RULE_TABLE.map((r) => r.name)).size, RULE_TABLE.length, 'rule names are unique');
});
