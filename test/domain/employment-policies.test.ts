/** The employment subsidy seed policies: every condition of every policy, passing and failing, with boundaries. */
import t from 'tap';
import {
  EMPLOYMENT_POLICIES,
  employmentPolicy,
  evaluateHire,
  evaluatePolicy,
  isGraduateOfYear,
  pickPolicyContract,
  POLICY_CONDITIONS,
  qualifyingHiresByPolicy,
  unemploymentInsuranceAgreed,
  type EmploymentPolicy,
  type PolicyCondition,
  type PolicyContract,
  type PolicyHire,
} from '../../src/domain/employment-policies.ts';

const contract = (extra: Partial<PolicyContract> = {}): PolicyContract => ({
  status: 'signed',
  kind: 'labor_contract',
  employmentForm: 'labor_contract',
  termType: 'fixed',
  startDate: '2023-07-10',
  endDate: '2026-07-09',
  socialInsurance: true,
  ...extra,
});

/** A hire that meets every condition of the policy: inside the window, the right graduation year and age, a signed labor contract with social insurance. */
function qualifyingHire(policy: EmploymentPolicy, extra: Partial<PolicyHire> = {}): PolicyHire {
  const hireDate = policy.hireWindow.from.slice(0, 4) + '-07-10';
  const age = policy.ageAtHire ? (policy.ageAtHire.min ?? 0) + 1 : 30;
  return {
    hireDate,
    employmentForm: 'labor_contract',
    ...(policy.graduationYears ? { graduationYear: policy.graduationYears[0]! } : {}),
    birthDate: `${Number(hireDate.slice(0, 4)) - age}-03-01`,
    contract: contract({ startDate: hireDate }),
    ...extra,
  };
}

const failed = (policy: EmploymentPolicy, hire: PolicyHire): PolicyCondition[] => evaluatePolicy(policy, hire).failures.map((f) => f.condition);

/** Per policy, one hire per condition that fails only that condition (when the policy has the condition). */
function failingCases(policy: EmploymentPolicy): { condition: PolicyCondition; name: string; hire: PolicyHire }[] {
  const base = qualifyingHire(policy);
  const cases: { condition: PolicyCondition; name: string; hire: PolicyHire }[] = [
    {
      condition: 'hire_date_window',
      name: 'hired the day before the window opens',
      hire: { ...base, hireDate: '2021-12-31', birthDate: base.birthDate!.replace(/^\d{4}/, (y) => String(Number(y) - 2)) },
    },
    { condition: 'employment_form', name: 'dispatched on the roster', hire: { ...base, employmentForm: 'dispatch' } },
    { condition: 'employment_form', name: 'contract is part-time', hire: { ...base, contract: contract({ startDate: base.hireDate, employmentForm: 'part_time', unemploymentInsurance: true }) } },
    { condition: 'signed_contract', name: 'contract only sealed, not signed', hire: { ...base, contract: contract({ status: 'sealed', startDate: base.hireDate }) } },
    {
      condition: 'signed_contract',
      name: 'a platform-work agreement is not a labor contract',
      hire: { ...base, contract: contract({ kind: 'platform_work', startDate: base.hireDate, unemploymentInsurance: true }) },
    },
    { condition: 'unemployment_insurance', name: 'no social-insurance clause', hire: { ...base, contract: contract({ socialInsurance: false, startDate: base.hireDate }) } },
    { condition: 'unemployment_insurance', name: 'explicitly without unemployment insurance', hire: { ...base, contract: contract({ unemploymentInsurance: false, startDate: base.hireDate }) } },
  ];
  if (policy.hireWindow.to) cases.push({ condition: 'hire_date_window', name: 'hired the day after the window closes', hire: { ...base, hireDate: nextDay(policy.hireWindow.to) } });
  if (policy.graduationYears) {
    cases.push({ condition: 'graduate_of_year', name: 'graduated the year before', hire: { ...base, graduationYear: policy.graduationYears[0]! - 1 } });
    const { graduationYear: _omit, ...noYear } = base;
    cases.push({ condition: 'graduate_of_year', name: 'no graduation year recorded', hire: noYear });
  }
  if (policy.ageAtHire?.max !== undefined) {
    const year = Number(base.hireDate.slice(0, 4)) - policy.ageAtHire.max - 1;
    cases.push({ condition: 'age_at_hire', name: `${policy.ageAtHire.max + 1} on the hire date (birthday that day)`, hire: { ...base, birthDate: `${year}${base.hireDate.slice(4)}` } });
  }
  if (policy.ageAtHire?.min !== undefined) {
    const year = Number(base.hireDate.slice(0, 4)) - policy.ageAtHire.min;
    cases.push({ condition: 'age_at_hire', name: `${policy.ageAtHire.min - 1} on the hire date (birthday the next day)`, hire: { ...base, birthDate: `${year}${nextDay(base.hireDate).slice(4)}` } });
  }
  if (policy.ageAtHire) {
    const { birthDate: _omit, ...noBirth } = base;
    cases.push({ condition: 'age_at_hire', name: 'birth date unknown', hire: noBirth });
  }
  if (policy.minContractMonths !== undefined) {
    cases.push({
      condition: 'contract_term',
      name: `fixed term one day short of ${policy.minContractMonths} months`,
      hire: { ...base, contract: contract({ startDate: '2023-07-10', endDate: '2024-07-08' }) },
    });
    cases.push({ condition: 'contract_term', name: 'task-based term', hire: { ...base, contract: contract({ termType: 'task_based', endDate: undefined }) } });
  }
  return cases;
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

t.test('every seed policy is dated, sourced, titled in Chinese and unique', async (t) => {
  t.ok(EMPLOYMENT_POLICIES.length >= 3);
  t.equal(new Set(EMPLOYMENT_POLICIES.map((p) => p.id)).size, EMPLOYMENT_POLICIES.length, 'ids are unique');
  for (const policy of EMPLOYMENT_POLICIES) {
    t.match(policy.titleZh, /[\u4e00-\u9fff]/, `${policy.id}: Chinese title`);
    t.ok(policy.sources.length > 0, `${policy.id}: at least one source`);
    for (const source of policy.sources) t.match(source.date, /^\d{4}(-\d{2}(-\d{2})?)?$/, `${policy.id}: source dated`);
    t.match(policy.hireWindow.from, /^\d{4}-\d{2}-\d{2}$/, `${policy.id}: window start`);
    t.equal(employmentPolicy(policy.id), policy);
  }
  t.equal(employmentPolicy('no-such-policy'), undefined);
});

for (const policy of EMPLOYMENT_POLICIES) {
  t.test(`${policy.id}: a hire meeting every condition qualifies`, async (t) => {
    t.same(failed(policy, qualifyingHire(policy)), []);
    t.equal(evaluatePolicy(policy, qualifyingHire(policy)).qualifies, true);
    t.same(
      failed(policy, qualifyingHire(policy, { hireDate: policy.hireWindow.from, ...(policy.graduationYears ? { graduationYear: Number(policy.hireWindow.from.slice(0, 4)) } : {}) })),
      [],
      'first day of the window',
    );
    if (policy.hireWindow.to) t.same(failed(policy, qualifyingHire(policy, { hireDate: policy.hireWindow.to })), [], 'last day of the window');
  });
  for (const { condition, name, hire } of failingCases(policy)) {
    t.test(`${policy.id}: ${condition} fails — ${name}`, async (t) => {
      const evaluation = evaluatePolicy(policy, hire);
      t.equal(evaluation.qualifies, false);
      t.same(
        evaluation.failures.map((f) => f.condition),
        [condition],
        'only that condition fails',
      );
      t.match(evaluation.failures[0]!.messageZh, /[\u4e00-\u9fff]/, 'explained in Chinese');
    });
  }
}

t.test('kuogang-2023-youth: age_at_hire boundaries, 16 and 24 inclusive', async (t) => {
  const policy = employmentPolicy('kuogang-2023-youth')!;
  const at = (birthDate: string) => failed(policy, qualifyingHire(policy, { hireDate: '2023-07-10', birthDate }));
  t.same(at('1998-07-11'), [], '24 the day before turning 25');
  t.same(at('1998-07-10'), ['age_at_hire'], '25 on the hire date');
  t.same(at('2007-07-10'), [], '16 on the hire date');
  t.same(at('2007-07-11'), ['age_at_hire'], '15 until the next day');
});

t.test('shanxi-tuopin-social-insurance: contract_term boundary, 12 whole months', async (t) => {
  const policy = employmentPolicy('shanxi-tuopin-social-insurance')!;
  const term = (endDate: string) => failed(policy, qualifyingHire(policy, { contract: contract({ startDate: '2023-07-10', endDate }) }));
  t.same(term('2024-07-09'), [], 'exactly 12 months');
  t.same(term('2024-07-08'), ['contract_term'], 'a day short');
  t.same(failed(policy, qualifyingHire(policy, { contract: contract({ termType: 'open_ended', endDate: undefined }) })), [], 'open-ended always long enough');
});

t.test('every failed condition is reported, in condition order', async (t) => {
  const policy = employmentPolicy('kuogang-2023-graduates')!;
  const hire: PolicyHire = { hireDate: '2024-01-05', employmentForm: 'part_time', graduationYear: 2020 };
  t.same(failed(policy, hire), ['hire_date_window', 'graduate_of_year', 'employment_form', 'signed_contract'], 'without a contract its terms are not reported twice');
  t.same(
    failed(policy, { ...hire, contract: contract({ employmentForm: 'part_time' }) }),
    ['hire_date_window', 'graduate_of_year', 'employment_form', 'unemployment_insurance'],
    'a part-time contract: form and insurance',
  );
  t.same(
    POLICY_CONDITIONS.filter((c) => failed(policy, hire).includes(c)),
    failed(policy, hire),
    'order follows POLICY_CONDITIONS',
  );
});

t.test('evaluateHire names the qualifying policies and the failures of the others', async (t) => {
  const graduate: PolicyHire = { hireDate: '2023-07-10', employmentForm: 'labor_contract', graduationYear: 2023, birthDate: '2001-05-01', contract: contract() };
  const result = evaluateHire(graduate);
  t.same(result.qualifies.sort(), ['kuogang-2023-graduates', 'kuogang-2023-youth', 'shanxi-tuopin-social-insurance'], '22-year-old 2023 graduate with a 3-year contract');
  t.same(
    result.fails.map((f) => f.policyId),
    ['kuogang-2022-graduates'],
  );
  t.same(
    result.fails[0]!.failures.map((f) => f.condition),
    ['hire_date_window', 'graduate_of_year'],
  );
  const older = evaluateHire({ ...graduate, birthDate: '1990-05-01' });
  t.notOk(older.qualifies.includes('kuogang-2023-youth'), 'a 33-year-old is not youth');
  t.ok(older.qualifies.includes('kuogang-2023-graduates'), 'but still a graduate of the year');
});

t.test('qualifyingHiresByPolicy lists hires per policy', async (t) => {
  const a: PolicyHire & { id: string } = { id: 'a', hireDate: '2023-07-10', employmentForm: 'labor_contract', graduationYear: 2023, birthDate: '1990-01-01', contract: contract() };
  const b: PolicyHire & { id: string } = { id: 'b', hireDate: '2023-07-10', employmentForm: 'labor_contract', birthDate: '2003-01-01', contract: contract() };
  const c: PolicyHire & { id: string } = { id: 'c', hireDate: '2023-07-10', employmentForm: 'labor_contract', graduationYear: 2023, birthDate: '2001-01-01' };
  const byPolicy = Object.fromEntries(qualifyingHiresByPolicy([a, b, c]).map(({ policy, hires }) => [policy.id, hires.map((h) => h.id)]));
  t.same(byPolicy, { 'kuogang-2022-graduates': [], 'kuogang-2023-graduates': ['a'], 'kuogang-2023-youth': ['b'], 'shanxi-tuopin-social-insurance': ['a', 'b'] });
});

t.test('unemployment insurance: explicit term wins, else a full-time labor contract with social insurance', async (t) => {
  t.equal(unemploymentInsuranceAgreed(contract()), true);
  t.equal(unemploymentInsuranceAgreed(contract({ kind: 'dispatch', employmentForm: 'dispatch' })), true, 'dispatch labor contract');
  t.equal(unemploymentInsuranceAgreed(contract({ socialInsurance: false })), false);
  t.equal(unemploymentInsuranceAgreed(contract({ employmentForm: 'part_time' })), false, 'part-time: only work-injury insurance is compulsory');
  t.equal(unemploymentInsuranceAgreed(contract({ kind: 'platform_work' })), false, 'platform work agreement');
  t.equal(unemploymentInsuranceAgreed(contract({ socialInsurance: false, unemploymentInsurance: true })), true, 'explicit yes');
  t.equal(unemploymentInsuranceAgreed(contract({ unemploymentInsurance: false })), false, 'explicit no');
});

t.test('graduate of the year and the contract the policies look at', async (t) => {
  t.equal(isGraduateOfYear(2023, '2023-12-31'), true);
  t.equal(isGraduateOfYear(2023, '2024-01-01'), false);
  t.equal(isGraduateOfYear(undefined, '2023-07-01'), false);
  t.equal(isGraduateOfYear(2023, '2023-02-30'), false, 'not a date');
  const platformWork = contract({ kind: 'platform_work' });
  const labor = contract();
  t.equal(pickPolicyContract([platformWork, labor]), labor, 'a labor contract in force first');
  t.equal(pickPolicyContract([contract({ status: 'terminated' }), platformWork]), platformWork, 'else any in force');
  t.equal(pickPolicyContract([contract({ status: 'draft' })]), undefined, 'nothing in force');
});
