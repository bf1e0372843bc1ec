/**
 * 劳务派遣 at the host employer: the 10 % share of 用工总量 (劳务派遣暂行规定 第四条) and
 * prohibited posts (晋人社厅发〔2022〕45号), plus the dispatch contract terms themselves.
 */
import { dispatchProhibitedPost } from '../labor-law.ts';
import type { ContractTerms } from '../contract-terms.ts';
import { alert, alertFromViolation, ARTICLE, uniqueAlerts } from './alerts.ts';
import { blankTerms, dispatchContractsLawful } from './contract-checks.ts';
import { headcountOn, isActiveOn } from './roster.ts';
import type { Alert, EmployerSnapshot, RosterRecord, SupervisionContext } from './types.ts';

export const MAX_DISPATCH_SHARE_PERCENT = 10;

export interface DispatchShare {
  dispatched: number;
  contracted: number;
  /** 用工总量 = contracted + dispatched. */
  total: number;
  /** Most dispatched workers the current contracted staff allows: d ≤ (c + d) / 10 ⇔ d ≤ c / 9. */
  maxDispatched: number;
  overLimit: boolean;
}

/** Share on one day; part-time staff are outside 用工总量 as the platform counts it (contracted = full-time labor contracts). */
export function dispatchShare(roster: readonly RosterRecord[], employer: EmployerSnapshot, date: string): DispatchShare {
  const { dispatchedIn: dispatched, contracted } = headcountOn(roster, employer, date);
  const total = dispatched + contracted;
  return {
    dispatched,
    contracted,
    total,
    maxDispatched: Math.floor((contracted * MAX_DISPATCH_SHARE_PERCENT) / (100 - MAX_DISPATCH_SHARE_PERCENT)),
    // Integers only: exactly 10 % is lawful.
    overLimit: dispatched * 100 > total * MAX_DISPATCH_SHARE_PERCENT,
  };
}

export function dispatchShareWithinLimit(context: SupervisionContext): Alert[] {
  const share = dispatchShare(context.roster, context.employer, context.asOf);
  if (!share.overLimit) return [];
  const percent = Math.round((share.dispatched * 10_000) / share.total) / 100;
  return [
    alert(
      'DISPATCH_SHARE_OVER_10_PERCENT',
      ARTICLE.dispatchShare,
      'error',
      {},
      `使用被派遣劳动者 ${share.dispatched} 人，占用工总量 ${share.total} 人的 ${percent}%，超过百分之十（现有 ${share.contracted} 名合同制职工时最多 ${share.maxDispatched} 人）`,
      `${share.dispatched} dispatched workers are ${percent} % of the ${share.total} total workforce, over 10 % (at most ${share.maxDispatched} with ${share.contracted} contracted staff)`,
      { ...share, sharePercent: percent, excess: share.dispatched - share.maxDispatched, asOf: context.asOf },
    ),
  ];
}

/** Terms carrying only a roster line's post, so labor-law's prohibited-post rule can judge it. */
function postTerms(record: RosterRecord, employer: EmployerSnapshot): ContractTerms {
  return {
    ...blankTerms(employer),
    kind: 'dispatch',
    employmentForm: 'dispatch',
    jobTitle: record.post,
    dispatch: {
      agencyName: '',
      agencyUscc: record.agencyUscc ?? '',
      licenceNumber: '',
      hostEmployerName: '',
      hostEmployerUscc: employer.uscc,
      postNature: 'auxiliary',
      assignmentStartDate: record.hireDate,
      assignmentEndDate: record.hireDate,
      idlePayMonthly: 0,
      postCategory: record.postCategory,
    },
  };
}

function rosterPostsAllowed(context: SupervisionContext): Alert[] {
  return context.roster
    .filter((record) => record.employmentForm === 'dispatch' && isActiveOn(record, context.asOf))
    .flatMap((record) =>
      dispatchProhibitedPost({
        terms: postTerms(record, context.employer),
        ctx: { priorProbationWithEmployer: false, today: context.asOf },
        referenceDate: context.asOf,
        minimumWage: () => undefined,
      }).map((violation) => alertFromViolation(violation, { workerKey: record.workerKey })),
    );
}

/** Prohibited posts on the roster and in dispatch contracts, term ≥ 2 years, temporary posts ≤ 6 months; one alert per worker and code. */
export function dispatchPostsAndTerms(context: SupervisionContext): Alert[] {
  return uniqueAlerts([...rosterPostsAllowed(context), ...dispatchContractsLawful(context)], (a) => `${a.code}|${a.workerKey ?? ''}`);
}
