/**
 * 就业补贴 seed policies and their eligibility rules over roster hires (免申即享: the contract
 * data finds the hires that qualify, no application needed). Pure: the caller loads each hire
 * with the employer's contract in force; every rule says which condition failed and why.
 *
 * The policies are dated configuration. Document numbers and dates marked `verify: true` were
 * not confirmed against the official text (docs/GOVERNMENT.md lists what to check); a new
 * year's notice is a new entry here, never an edit of an old one, so past hires keep the rules
 * of their year.
 */
import { ageOn, isIsoDate, wholeMonthsCovered } from './calendar.ts';
import { isEffective, type ContractState } from './contract-lifecycle.ts';
import type { EmploymentForm, TermType } from './contract-terms.ts';

export interface PolicySource {
  /** Issuing body and title, with the document number when known. */
  document: string;
  /** Date of issue or publication, ISO `YYYY-MM-DD` (or `YYYY-MM` / `YYYY` when only that is known). */
  date: string;
  /** True when the number or the date was not confirmed against the official text. */
  verify?: boolean;
}

export interface EmploymentPolicy {
  id: string;
  titleZh: string;
  titleEn: string;
  sources: readonly PolicySource[];
  /** Maximum subsidy per hire, yuan; absent when the policy sets no fixed amount. */
  subsidyYuan?: number;
  /** Hires whose 用工之日 falls in this inclusive window; `to` absent: until further notice. */
  hireWindow: { from: string; to?: string };
  /** 高校毕业生 of these graduation years only (毕业年度). */
  graduationYears?: readonly number[];
  /** Whole years of age on the hire date, both bounds inclusive. */
  ageAtHire?: { min?: number; max?: number };
  /** 用工形式 the policy accepts, on the roster line and on the contract. */
  employmentForms: readonly EmploymentForm[];
  /** The contract must provide for social insurance including unemployment insurance. */
  unemploymentInsurance: boolean;
  /** Fixed-term contracts must cover at least this many whole months (open-ended ones always do). */
  minContractMonths?: number;
  /** What the platform cannot see and the employment office confirms elsewhere (Chinese). */
  externalChecksZh: readonly string[];
  noteZh?: string;
}

/** A contract of the hiring employer, as the rules read it. */
export interface PolicyContract {
  status: ContractState;
  /** Template kind: 'labor_contract', 'dispatch', 'platform_work', … */
  kind: string;
  employmentForm: EmploymentForm;
  termType: TermType;
  startDate?: string;
  endDate?: string;
  /** The contract's social-insurance clause (依法参加社会保险). */
  socialInsurance: boolean;
  /** Explicit unemployment-insurance term, when the template has one; else derived (see unemploymentInsuranceAgreed). */
  unemploymentInsurance?: boolean;
}

/** One roster hire with what the rules need. */
export interface PolicyHire {
  /** 用工之日, ISO date. */
  hireDate: string;
  employmentForm: EmploymentForm;
  /** Year the worker graduated, as recorded on the roster hire. */
  graduationYear?: number;
  /** From the ID number. */
  birthDate?: string;
  /** The employer's contract with the worker that is best for the hire (see pickPolicyContract). */
  contract?: PolicyContract;
}

export const POLICY_CONDITIONS = ['hire_date_window', 'graduate_of_year', 'age_at_hire', 'employment_form', 'signed_contract', 'unemployment_insurance', 'contract_term'] as const;
export type PolicyCondition = (typeof POLICY_CONDITIONS)[number];

export interface PolicyFailure {
  condition: PolicyCondition;
  messageZh: string;
  messageEn: string;
}

export interface PolicyEvaluation {
  policyId: string;
  qualifies: boolean;
  /**
   * Every condition the hire fails, in POLICY_CONDITIONS order; empty when it qualifies. Without
   * a contract in force the contract's own terms (insurance, term) are not reported separately.
   */
  failures: PolicyFailure[];
}

export interface HireEligibility {
  /** Ids of the policies the hire qualifies for. */
  qualifies: string[];
  /** For each other policy, the conditions it fails. */
  fails: { policyId: string; failures: PolicyFailure[] }[];
}

const FORM_ZH: Record<EmploymentForm, string> = { labor_contract: '劳动合同', dispatch: '劳务派遣', part_time: '非全日制' };
/** Template kinds that are 劳动合同 (a platform-work agreement or an internal-retirement agreement is not). */
const LABOR_CONTRACT_KINDS = new Set(['labor_contract', 'dispatch']);

const kuogangExternalChecks = ['该人员本年度未以同一身份在其他企业享受一次性扩岗补助', '企业未就同一人员享受一次性吸纳就业补贴', '失业保险费已按月足额缴纳 1 个月以上（社保经办核对缴费记录）'];

/** The seed policies, oldest first. */
export const EMPLOYMENT_POLICIES: readonly EmploymentPolicy[] = [
  {
    id: 'kuogang-2022-graduates',
    titleZh: '一次性扩岗补助（招用 2022 届高校毕业生）',
    titleEn: 'One-off job-expansion subsidy for hiring 2022 university graduates',
    sources: [
      { document: '国务院办公厅《关于进一步做好高校毕业生等青年就业创业工作的通知》（国办发〔2022〕13号）', date: '2022-05', verify: true },
      { document: '人力资源社会保障部办公厅 教育部办公厅 财政部办公厅《关于加快落实一次性扩岗补助政策有关工作的通知》（人社厅发〔2022〕41号）', date: '2022-06', verify: true },
      { document: '中共山西省人力资源和社会保障厅党组 晋人社党组字〔2022〕19号（扩岗补助 1500 元/人）', date: '2022', verify: true },
    ],
    subsidyYuan: 1500,
    hireWindow: { from: '2022-01-01', to: '2022-12-31' },
    graduationYears: [2022],
    employmentForms: ['labor_contract'],
    unemploymentInsurance: true,
    externalChecksZh: [...kuogangExternalChecks, '毕业时间在 2022-01-01 至 2022-12-31 之间（学历证书）'],
    noteZh: '对招用毕业年度高校毕业生、签订劳动合同并参加失业保险的企业发放；政策执行至 2022-12-31。劳务派遣、非全日制用工不纳入（平台取舍，待核实）。',
  },
  {
    id: 'kuogang-2023-graduates',
    titleZh: '一次性扩岗补助（招用 2023 届高校毕业生）',
    titleEn: 'One-off job-expansion subsidy for hiring 2023 university graduates',
    sources: [{ document: '人力资源社会保障部 教育部 财政部《关于延续实施一次性扩岗补助政策有关工作的通知》（2023 年）', date: '2023-07-03', verify: true }],
    subsidyYuan: 1500,
    hireWindow: { from: '2023-01-01', to: '2023-12-31' },
    graduationYears: [2023],
    employmentForms: ['labor_contract'],
    unemploymentInsurance: true,
    externalChecksZh: [...kuogangExternalChecks, '工伤保险、职工养老保险费已缴纳 1 个月以上'],
    noteZh: '离校两年内未就业的 2021、2022 届毕业生同样适用，但“未就业”须由就业失业登记确认，平台不判断。政策执行至 2023-12-31。',
  },
  {
    id: 'kuogang-2023-youth',
    titleZh: '一次性扩岗补助（招用登记失业的 16—24 岁青年）',
    titleEn: 'One-off job-expansion subsidy for hiring registered unemployed youth aged 16–24',
    sources: [{ document: '人力资源社会保障部 教育部 财政部《关于延续实施一次性扩岗补助政策有关工作的通知》（2023 年）', date: '2023-07-03', verify: true }],
    subsidyYuan: 1500,
    hireWindow: { from: '2023-01-01', to: '2023-12-31' },
    ageAtHire: { min: 16, max: 24 },
    employmentForms: ['labor_contract'],
    unemploymentInsurance: true,
    externalChecksZh: [...kuogangExternalChecks, '招用前已办理失业登记（就业失业登记系统）'],
  },
  {
    id: 'shanxi-tuopin-social-insurance',
    titleZh: '脱贫劳动力社会保险补贴（签订一年以上劳动合同）',
    titleEn: 'Social-insurance subsidy for hiring people lifted out of poverty on contracts of a year or more',
    sources: [{ document: '中共山西省人力资源和社会保障厅党组 晋人社党组字〔2022〕19号', date: '2022', verify: true }],
    hireWindow: { from: '2022-01-01' },
    employmentForms: ['labor_contract'],
    unemploymentInsurance: true,
    minContractMonths: 12,
    externalChecksZh: ['劳动者为脱贫劳动力（乡村振兴部门认定）', '补贴标准和期限按当地规定（待核实）'],
  },
];

export function employmentPolicy(id: string): EmploymentPolicy | undefined {
  return EMPLOYMENT_POLICIES.find((policy) => policy.id === id);
}

/**
 * The contract provides for unemployment insurance: an explicit term wins; otherwise a 劳动合同
 * (full-time, or dispatch) with the social-insurance clause does, because 依法参加社会保险 covers
 * unemployment insurance (社会保险法 第四十四条). Part-time work does not (only 工伤保险 is
 * compulsory for it), nor a platform-work agreement.
 */
export function unemploymentInsuranceAgreed(contract: PolicyContract): boolean {
  if (contract.unemploymentInsurance !== undefined) return contract.unemploymentInsurance;
  return contract.socialInsurance && LABOR_CONTRACT_KINDS.has(contract.kind) && contract.employmentForm !== 'part_time';
}

/** 毕业年度: the worker graduated in the calendar year of the hire. */
export function isGraduateOfYear(graduationYear: number | undefined, hireDate: string): boolean {
  return graduationYear !== undefined && isIsoDate(hireDate) && Number(hireDate.slice(0, 4)) === graduationYear;
}

/** Of the employer's contracts with the worker, the one the policies look at: a 劳动合同 in force first, then any in force. */
export function pickPolicyContract<T extends Pick<PolicyContract, 'status' | 'kind'>>(contracts: readonly T[]): T | undefined {
  const inForce = contracts.filter((contract) => isEffective(contract.status));
  return inForce.find((contract) => LABOR_CONTRACT_KINDS.has(contract.kind)) ?? inForce[0];
}

type Check = (policy: EmploymentPolicy, hire: PolicyHire) => PolicyFailure | undefined;

const fail = (condition: PolicyCondition, messageZh: string, messageEn: string): PolicyFailure => ({ condition, messageZh, messageEn });

const CHECKS: Record<PolicyCondition, Check> = {
  hire_date_window({ hireWindow }, { hireDate }) {
    const window = `${hireWindow.from} 至 ${hireWindow.to ?? '今'}`;
    if (!isIsoDate(hireDate)) return fail('hire_date_window', `用工之日无效（${hireDate}）`, `invalid hire date ${hireDate}`);
    if (hireDate < hireWindow.from || (hireWindow.to !== undefined && hireDate > hireWindow.to)) {
      return fail('hire_date_window', `用工之日 ${hireDate} 不在政策期限（${window}）内`, `hired on ${hireDate}, outside the policy window ${hireWindow.from}–${hireWindow.to ?? 'open'}`);
    }
    return undefined;
  },
  graduate_of_year({ graduationYears }, { graduationYear }) {
    if (!graduationYears) return undefined;
    const years = graduationYears.join('、');
    if (graduationYear === undefined) return fail('graduate_of_year', `未登记毕业年份，无法认定为 ${years} 届高校毕业生`, `no graduation year recorded; the policy is for graduates of ${years}`);
    if (!graduationYears.includes(graduationYear))
      return fail('graduate_of_year', `毕业年份 ${graduationYear} 不是政策规定的 ${years} 届`, `graduated in ${graduationYear}; the policy is for graduates of ${years}`);
    return undefined;
  },
  age_at_hire({ ageAtHire }, { birthDate, hireDate }) {
    if (!ageAtHire) return undefined;
    const range = `${ageAtHire.min ?? 0}—${ageAtHire.max ?? '∞'} 岁`;
    if (birthDate === undefined || !isIsoDate(birthDate) || !isIsoDate(hireDate))
      return fail('age_at_hire', `出生日期未知，无法确认用工之日年龄（应为 ${range}）`, `birth date unknown; the policy requires an age of ${ageAtHire.min ?? 0}–${ageAtHire.max ?? 'any'} at hire`);
    const age = ageOn(birthDate, hireDate);
    if ((ageAtHire.min !== undefined && age < ageAtHire.min) || (ageAtHire.max !== undefined && age > ageAtHire.max)) {
      return fail('age_at_hire', `用工之日年龄 ${age} 岁，不在 ${range} 范围内`, `aged ${age} at hire, outside ${ageAtHire.min ?? 0}–${ageAtHire.max ?? 'any'}`);
    }
    return undefined;
  },
  employment_form({ employmentForms }, { employmentForm, contract }) {
    const allowed = employmentForms.map((form) => FORM_ZH[form]).join('、');
    if (!employmentForms.includes(employmentForm))
      return fail(
        'employment_form',
        `用工形式为${FORM_ZH[employmentForm] ?? employmentForm}，政策仅适用于${allowed}`,
        `employment form ${employmentForm} is not covered (${employmentForms.join(', ')})`,
      );
    if (contract && isEffective(contract.status) && !employmentForms.includes(contract.employmentForm)) {
      return fail(
        'employment_form',
        `合同用工形式为${FORM_ZH[contract.employmentForm] ?? contract.employmentForm}，政策仅适用于${allowed}`,
        `the contract's employment form ${contract.employmentForm} is not covered`,
      );
    }
    return undefined;
  },
  signed_contract(_policy, { contract }) {
    if (!contract || !isEffective(contract.status)) return fail('signed_contract', '未与用人单位订立生效的书面劳动合同', 'no signed labor contract in force with the employer');
    if (!LABOR_CONTRACT_KINDS.has(contract.kind)) return fail('signed_contract', '生效的协议不是劳动合同（如平台用工协议）', `the agreement in force (${contract.kind}) is not a labor contract`);
    return undefined;
  },
  unemployment_insurance({ unemploymentInsurance }, { contract }) {
    if (!unemploymentInsurance) return undefined;
    // Without a contract in force only signed_contract is reported: it is the cause.
    if (!contract || !isEffective(contract.status)) return undefined;
    if (!unemploymentInsuranceAgreed(contract))
      return fail('unemployment_insurance', '劳动合同未约定参加社会保险（含失业保险）', 'the contract does not provide for social insurance including unemployment insurance');
    return undefined;
  },
  contract_term({ minContractMonths }, { contract }) {
    if (minContractMonths === undefined) return undefined;
    if (!contract || !isEffective(contract.status)) return undefined;
    if (contract.termType === 'open_ended') return undefined;
    const months =
      contract.termType === 'fixed' && contract.startDate && contract.endDate && isIsoDate(contract.startDate) && isIsoDate(contract.endDate)
        ? wholeMonthsCovered(contract.startDate, contract.endDate)
        : 0;
    if (months < minContractMonths)
      return fail('contract_term', `劳动合同期限 ${months} 个月，少于 ${minContractMonths} 个月`, `the contract covers ${months} whole months, less than ${minContractMonths}`);
    return undefined;
  },
};

/** Every condition of one policy for one hire. */
export function evaluatePolicy(policy: EmploymentPolicy, hire: PolicyHire): PolicyEvaluation {
  const failures = POLICY_CONDITIONS.map((condition) => CHECKS[condition](policy, hire)).filter((failure): failure is PolicyFailure => failure !== undefined);
  return { policyId: policy.id, qualifies: failures.length === 0, failures };
}

/** Which of the policies the hire qualifies for, and for the others which conditions fail. */
export function evaluateHire(hire: PolicyHire, policies: readonly EmploymentPolicy[] = EMPLOYMENT_POLICIES): HireEligibility {
  const evaluations = policies.map((policy) => evaluatePolicy(policy, hire));
  return {
    qualifies: evaluations.filter((e) => e.qualifies).map((e) => e.policyId),
    fails: evaluations.filter((e) => !e.qualifies).map(({ policyId, failures }) => ({ policyId, failures })),
  };
}

/** The hires that qualify, per policy (in the policies' order; hires keep their order). */
export function qualifyingHiresByPolicy<T extends PolicyHire>(hires: readonly T[], policies: readonly EmploymentPolicy[] = EMPLOYMENT_POLICIES): { policy: EmploymentPolicy; hires: T[] }[] {
  return policies.map((policy) => ({ policy, hires: hires.filter((hire) => evaluatePolicy(policy, hire).qualifies) }));
}
