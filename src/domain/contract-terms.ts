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
  kind: 'labor_contract' | 'dispatch' | 'platform_work' | 'internal_retirement';
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
  workplace?: string;
  hours?: { system: WorkingHoursSystem; approvalNumber?: string; dailyHours?: number; weeklyHours?: number };
  wage?: { monthly?: number; hourly?: number; payDay?: number; paymentIntervalDays?: number };
  socialInsurance?: boolean;
  laborProtection?: string;
  /** Minimum wage tier (1 = highest) when the region's tier is known to the employer. */
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
  };
  internalRetirement?: {
    workerBirthDate?: string;
    /** For women the statutory age differs for cadres (55) and workers (50). */
    workerCategory: 'male' | 'female_cadre' | 'female_worker';
    startDate: string;
    monthlyAllowance: number;
  };
}
