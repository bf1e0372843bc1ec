/** Building alerts, and turning labor-law violations into alerts. */
import type { Severity, Violation } from '../labor-law.ts';
import type { Alert, AlertDetailValue } from './types.ts';

export const ARTICLE = {
  noContract: '劳动合同法 第十条、第八十二条；劳动合同法实施条例 第六条',
  lateSigning: '劳动合同法 第八十二条；劳动合同法实施条例 第六条',
  deemedOpenEnded: '劳动合同法 第十四条第三款；劳动合同法实施条例 第七条',
  openEndedOwed: '劳动合同法 第十四条第二款',
  openEndedRefused: '劳动合同法 第十四条第二款、第八十二条第二款',
  dispatchShare: '劳务派遣暂行规定 第四条',
  layoff: '劳动合同法 第四十一条',
  expiry: '劳动合同法 第四十四条、第四十六条',
  // Article number of the SPC interpretation quoted from memory (verify).
  termEndedStillEmployed: '劳动合同法 第十条；最高人民法院关于审理劳动争议案件适用法律问题的解释（一） 第三十四条',
  delivery: '电子劳动合同订立指引（人社厅发〔2021〕54号）',
  dataQuality: '劳动合同法实施条例 第八条',
} as const;

export interface AlertSubject {
  workerKey?: string;
  contractId?: string;
}

export function alert(code: string, article: string, severity: Severity, subject: AlertSubject, messageZh: string, messageEn: string, details: Record<string, AlertDetailValue> = {}): Alert {
  return { code, article, severity, ...definedOnly(subject), messageZh, messageEn, details };
}

/** A labor-law violation found on a contract, as a supervision alert. */
export function alertFromViolation(violation: Violation, subject: AlertSubject): Alert {
  const { code, article, severity, messageZh, messageEn, field } = violation;
  return alert(code, article, severity, subject, messageZh, messageEn, { field });
}

function definedOnly(subject: AlertSubject): AlertSubject {
  const result: AlertSubject = {};
  if (subject.workerKey !== undefined) result.workerKey = subject.workerKey;
  if (subject.contractId !== undefined) result.contractId = subject.contractId;
  return result;
}

/** Keeps the first alert for each code, worker and contract (rules may see one fact twice). */
export function uniqueAlerts(alerts: readonly Alert[], keyOf: (a: Alert) => string = (a) => `${a.code}|${a.workerKey ?? ''}|${a.contractId ?? ''}`): Alert[] {
  const seen = new Set<string>();
  return alerts.filter((a) => {
    const key = keyOf(a);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
