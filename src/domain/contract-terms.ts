/**
 * The normalised terms of a labor contract that the labor-law rules reason about.
 * Every template maps its own fields onto this shape (src/templates owns that mapping),
 * so one rule module serves every template. Dates are ISO `YYYY-MM-DD` strings (calendar
 * dates in China, no time zone); money is in yuan (CNY) as numbers with at most 2 decimals.
 */
export type TermType = 'fixed' | 'open_ended' | 'task_based';

/** 用工形式 as the roster and social insurance see it. */
export type EmploymentForm = 'labor_contract' | 'dispatch' | 'part_time';

/** Nature of a dispatched post (劳务派遣暂行规定 Art. 3). */
export type DispatchPostNature = 'temporary' | 'auxiliary' | 'substitute';

export type WorkingHoursSystem = 'standard' | 'comprehensive' | 'flexible';

/**
 * Work a minor (16–18) may not be given (劳动法 第六十四条, 未成年工特殊保护规定 第三条); also
 * the hook for special minimum wage rates by kind of work.
 */
export const jobCategories = [
  'office',
  'general',
  'underground_mining',
  'toxic_hazardous',
  'heavy_physical_level_4',
  'work_at_height',
  'high_temperature_or_cold',
  'radiation',
  'explosives',
  'pressure_vessel_or_diving',
] as const;
export type JobCategory = (typeof jobCategories)[number];

/** Who may be bound by a non-compete (劳动合同法 第二十四条). */
export type NonCompeteRole = 'senior_management' | 'senior_technical' | 'confidentiality_obligated';

export interface PartyEmployer {
  name: string;
  /** 统一社会信用代码 (18 characters, GB 32100). */
  uscc: string;
  legalRepresentative: string;
  /** 注册地 / 住所 */
  address: string;
  /** 行政区划代码 of the place of work, 6 digits; selects the minimum wage table. */
  regionCode: string;
}

export interface PartyWorker {
  name: string;
  /** 居民身份证号码 (18 characters, GB 11643). */
  idNumber: string;
  address: string;
  phone?: string;
}

export interface ContractTerms {
  kind: 'labor_contract' | 'dispatch' | 'platform_work' | 'internal_retirement' | 'renewal' | 'change';
  employer: PartyEmployer;
  worker: PartyWorker;
  employmentForm: EmploymentForm;
  termType: TermType;
  /** First day of the term (inclusive). */
  startDate?: string;
  /** Last day of the term (inclusive); required for fixed terms. */
  endDate?: string;
  /** For task-based terms: the task that ends the contract. */
  taskDescription?: string;
  probation?: { startDate: string; endDate: string; monthlyWage: number };
  jobTitle?: string;
  jobDescription?: string;
  /** Kind of work, for minors' prohibited work and special minimum wage rates. */
  jobCategory?: JobCategory;
  workplace?: string;
  /** 行政区划代码 of the workplace county when it differs from the employer's registered region. */
  workplaceRegionCode?: string;
  /** 用工之日: the day work actually began (may precede the written contract, Art. 10). */
  employmentStartDate?: string;
  /** Whole years of continuous service with this employer before this contract (Art. 14). */
  continuousServiceYears?: number;
  /** Fixed-term contracts concluded consecutively with this employer before this one (Art. 14 ¶2(3)). */
  priorFixedTermContracts?: number;
  /** The worker asks for a fixed term although an open-ended contract is owed (Art. 14: 劳动者提出订立固定期限). */
  workerRequestsFixedTerm?: boolean;
  /** 服务期 for special training paid by the employer (Art. 22). */
  serviceAgreement?: { trainingCost: number; startDate: string; endDate: string; penalty?: number };
  /** 竞业限制 after the contract ends (Art. 23–24). */
  nonCompete?: { role: NonCompeteRole; months: number; monthlyCompensation: number; averageMonthlyWage: number; penalty?: number };
  /** 双方约定的其他事项: free text, scanned for prohibited clauses. */
  otherTerms?: string;
  /** 变更书: the date the change applies and the changed figures. */
  change?: { effectiveDate: string; monthlyWage?: number; endDate?: string; hoursSystem?: WorkingHoursSystem };
  hours?: { system: WorkingHoursSystem; approvalNumber?: string; dailyHours?: number; weeklyHours?: number };
  wage?: { monthly?: number; hourly?: number; payDay?: number; paymentIntervalDays?: number };
  socialInsurance?: boolean;
  laborProtection?: string;
  /** A tier the employer declared (older templates): not used, the workplace county's tier is (a differing one is a warning). */
  minimumWageTier?: number;
  dispatch?: {
    agencyName: string;
    agencyUscc: string;
    licenceNumber: string;
    hostEmployerName: string;
    hostEmployerUscc: string;
    postNature: DispatchPostNature;
    /** 派遣期限 at the host employer. */
    assignmentStartDate: string;
    assignmentEndDate: string;
    /** Monthly pay while not assigned (无工作期间), ≥ local minimum wage. */
    idlePayMonthly: number;
    /** Post category, checked against the prohibited list (e.g. 专职消防员, underground mining). */
    postCategory?: string;
    /** The agency was set up by the host employer, its subordinate units or its shareholders (Art. 67). */
    agencyFoundedByHost?: boolean;
  };
  internalRetirement?: {
    workerBirthDate?: string;
    /** For women the statutory age differs for cadres (55) and workers (50). */
    workerCategory: 'male' | 'female_cadre' | 'female_worker';
    startDate: string;
    monthlyAllowance: number;
  };
}
