/**
 * Test-side identifier builders, written independently of src/domain/identity.ts (different
 * formulation of the same standards) and checked in identity.test.ts against numbers known to
 * be valid, so tests do not validate the implementation with its own output.
 */
import type { ContractTerms } from '../../src/domain/contract-terms.ts';

/** Known-valid 居民身份证号码 samples. */
export const KNOWN_VALID_IDS = ['11010519491231002X', '110101199003074477', '11010119900307803X'];
/** Known-valid 统一社会信用代码 samples. */
export const KNOWN_VALID_USCCS = ['91350100M000100Y43', '9144030071526726XG', '91330100716105852F', '91440300708461136T'];

/** GB 11643: weight of position i (from the left) is 2^(17-i) mod 11; check = (12 - sum mod 11) mod 11. */
export function withIdCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const check = (12 - (sum % 11)) % 11;
  return first17 + (check === 10 ? 'X' : String(check));
}

/** A resident ID for a region, birth date (YYYY-MM-DD) and sex. */
export function residentId(region: string, birthDate: string, sex: 'male' | 'female', serial = '12'): string {
  return withIdCheck(`${region}${birthDate.replaceAll('-', '')}${serial}${sex === 'male' ? 1 : 2}`);
}

/** GB 32100: weight of position i is 3^i mod 31; check = 31 - sum mod 31 (31 → 0). */
export function withUsccCheck(first17: string): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += alphabet.indexOf(first17[i]!) * (3 ** i % 31);
  return first17 + alphabet[(31 - (sum % 31)) % 31];
}

export const YUNCHENG_EMPLOYER_USCC = withUsccCheck('91140802MA0K12345');
export const AGENCY_USCC = withUsccCheck('91140802MA0K23456');
export const HOST_USCC = withUsccCheck('91140802MA0K34567');
export const WORKER_ID = residentId('140802', '1990-03-07', 'male');

/** A lawful 36-month contract in 运城 (Shanxi lowest tier 1,630/month) with a 6-month probation. */
export function lawfulContract(): ContractTerms {
  return {
    kind: 'labor_contract',
    employer: {
      name: '运城测试实业有限公司',
      uscc: YUNCHENG_EMPLOYER_USCC,
      legalRepresentative: '张三',
      address: '山西省运城市盐湖区测试路1号',
      regionCode: '140802',
    },
    worker: { name: '李四', idNumber: WORKER_ID, address: '山西省运城市盐湖区示例街2号', phone: '13800000000' },
    employmentForm: 'labor_contract',
    termType: 'fixed',
    startDate: '2026-09-15',
    endDate: '2029-09-14',
    probation: { startDate: '2026-09-15', endDate: '2027-03-14', monthlyWage: 4000 },
    jobTitle: '机械维修工',
    workplace: '山西省运城市盐湖区',
    hours: { system: 'standard' },
    wage: { monthly: 5000, payDay: 15 },
    socialInsurance: true,
    laborProtection: '按国家规定提供劳动防护用品',
  };
}

/** A lawful two-year dispatch contract for an auxiliary post. */
export function lawfulDispatchContract(): ContractTerms {
  const base = lawfulContract();
  return {
    ...base,
    kind: 'dispatch',
    employmentForm: 'dispatch',
    employer: { ...base.employer, name: '运城测试劳务派遣有限公司', uscc: AGENCY_USCC },
    startDate: '2026-09-15',
    endDate: '2028-09-14',
    probation: { startDate: '2026-09-15', endDate: '2026-11-14', monthlyWage: 4000 },
    jobTitle: '仓库搬运',
    dispatch: {
      agencyName: '运城测试劳务派遣有限公司',
      agencyUscc: AGENCY_USCC,
      licenceNumber: '140800202600001',
      hostEmployerName: '运城测试制造有限公司',
      hostEmployerUscc: HOST_USCC,
      postNature: 'auxiliary',
      assignmentStartDate: '2026-09-15',
      assignmentEndDate: '2027-09-14',
      idlePayMonthly: 1880,
      postCategory: '仓储辅助',
    },
  };
}

/** A lawful part-time contract: 4 h/day, 20 h/week, hourly pay at the Shanxi lowest tier. */
export function lawfulPartTimeContract(): ContractTerms {
  const base = lawfulContract();
  const { probation: _none, endDate: _open, ...rest } = base;
  return {
    ...rest,
    employmentForm: 'part_time',
    termType: 'open_ended',
    hours: { system: 'standard', dailyHours: 4, weeklyHours: 20 },
    wage: { hourly: 20.2, paymentIntervalDays: 15 },
  };
}
