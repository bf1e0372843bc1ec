/**
 * 劳动合同法 第四十一条 (经济性裁员): cutting 20 or more people, or fewer than 20 but at least 10 %
 * of the staff, needs 30 days' notice to the union or all staff and a report to the labor
 * bureau. The platform cannot see the report, so it flags every such window for verification.
 *
 * Window: any `layoffWindowDays` consecutive days, both ends inclusive (day d to d + 29).
 * Staff: the employer's own workers active on the window's first day (those laid off are still
 * employed then, their separation date being their last day); workers dispatched in by an
 * agency are neither staff nor laid off by the host.
 */
import { addDays } from '../calendar.ts';
import { alert, ARTICLE } from './alerts.ts';
import { isActiveOn, isDispatchedIn } from './roster.ts';
import type { Alert, EmployerSnapshot, RosterRecord, SupervisionContext } from './types.ts';

export const MASS_LAYOFF_COUNT = 20;
export const MASS_LAYOFF_PERCENT = 10;
export const LAYOFF_NOTICE_DAYS = 30;

export interface LayoffWindow {
  from: string;
  to: string;
  layoffs: number;
  staff: number;
  workerKeys: string[];
  reason: 'twenty_or_more' | 'ten_percent_of_staff';
}

export function isMassLayoff(layoffs: number, staff: number): LayoffWindow['reason'] | undefined {
  if (layoffs >= MASS_LAYOFF_COUNT) return 'twenty_or_more';
  if (layoffs > 0 && layoffs * 100 >= staff * MASS_LAYOFF_PERCENT) return 'ten_percent_of_staff';
  return undefined;
}

function ownStaffOn(roster: readonly RosterRecord[], employer: EmployerSnapshot, date: string): number {
  return roster.filter((record) => !isDispatchedIn(record, employer) && isActiveOn(record, date)).length;
}

/**
 * Windows that reach the threshold, each starting on a layoff day. Once a window is reported
 * the search resumes after its last layoff, so one wave of layoffs is reported once.
 */
export function massLayoffWindows(roster: readonly RosterRecord[], employer: EmployerSnapshot, windowDays: number): LayoffWindow[] {
  const layoffs = roster
    .filter((record): record is RosterRecord & { separationDate: string } => record.separationKind === 'layoff' && record.separationDate !== undefined && !isDispatchedIn(record, employer))
    .sort((a, b) => (a.separationDate < b.separationDate ? -1 : a.separationDate > b.separationDate ? 1 : 0));
  const windows: LayoffWindow[] = [];
  let first = 0;
  while (first < layoffs.length) {
    const from = layoffs[first]!.separationDate;
    const to = addDays(from, windowDays - 1);
    let next = first;
    while (next < layoffs.length && layoffs[next]!.separationDate <= to) next += 1;
    const inWindow = layoffs.slice(first, next);
    const staff = ownStaffOn(roster, employer, from);
    const reason = isMassLayoff(inWindow.length, staff);
    if (reason) {
      windows.push({ from, to, layoffs: inWindow.length, staff, workerKeys: inWindow.map((record) => record.workerKey), reason });
      first = next;
    } else {
      first += 1;
    }
  }
  return windows;
}

export function massLayoffReported(context: SupervisionContext): Alert[] {
  return massLayoffWindows(context.roster, context.employer, context.options.layoffWindowDays).map((window) => {
    const noticeBy = addDays(window.from, -LAYOFF_NOTICE_DAYS);
    const why =
      window.reason === 'twenty_or_more' ? { zh: '二十人以上', en: '20 or more people' } : { zh: `占职工总数 ${window.staff} 人的百分之十以上`, en: `at least 10 % of the ${window.staff} staff` };
    return alert(
      'ART41_MASS_LAYOFF_VERIFY_REPORT',
      ARTICLE.layoff,
      'warning',
      {},
      `${window.from} 至 ${window.to} 裁减人员 ${window.layoffs} 人（${why.zh}），须提前三十日（${noticeBy} 前）向工会或者全体职工说明情况并向劳动行政部门报告，请核查`,
      `${window.layoffs} layoffs between ${window.from} and ${window.to} (${why.en}): 30 days' notice (by ${noticeBy}) to the union or all staff and a report to the labor bureau are required; verify`,
      { windowFrom: window.from, windowTo: window.to, layoffs: window.layoffs, staff: window.staff, reason: window.reason, noticeBy, workerKeys: window.workerKeys },
    );
  });
}
