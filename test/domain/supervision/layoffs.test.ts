import t from 'tap';
import { addDays } from '../../../src/domain/calendar.ts';
import { isMassLayoff, massLayoffWindows } from '../../../src/domain/supervision/index.ts';
import { massLayoffReported } from '../../../src/domain/supervision/layoffs.ts';
import type { RosterRecord } from '../../../src/domain/supervision/types.ts';
import { AGENCY_USCC, EMPLOYER, run, workers } from './fixtures.ts';

const HIRED = '2020-01-01';
const FIRST = '2026-03-01';

/** A company of `staff` people of whom `laidOff` leave as layoffs, spread from FIRST over `spanDays` days. */
function company(staff: number, laidOff: number, spanDays = 0, extra: Partial<RosterRecord> = {}): RosterRecord[] {
  const roster = workers('s', staff, HIRED, extra);
  for (let i = 0; i < laidOff; i++) {
    const day = laidOff === 1 ? 0 : Math.round((spanDays * i) / (laidOff - 1));
    roster[i] = { ...roster[i]!, separationDate: addDays(FIRST, day), separationKind: 'layoff' };
  }
  return roster;
}

const layoffAlerts = (roster: RosterRecord[]) => run(roster, [], '2026-06-01', { rules: [massLayoffReported] });

t.test('劳动合同法 第四十一条: twenty or more, or ten per cent of staff, within 30 days', async (t) => {
  const cases: { name: string; roster: RosterRecord[]; reason?: string }[] = [
    { name: '20 layoffs of 1,000 staff (2 %) reach the absolute threshold', roster: company(1000, 20, 29), reason: 'twenty_or_more' },
    { name: '19 layoffs of 1,000 staff (1.9 %) stay below both', roster: company(1000, 19, 29) },
    { name: '10 layoffs of 100 staff are exactly 10 %', roster: company(100, 10, 29), reason: 'ten_percent_of_staff' },
    { name: '9 layoffs of 100 staff are 9 %', roster: company(100, 9, 29) },
    { name: '10 layoffs of 100 over 31 days (day 1 and day 31) fall in no 30-day window', roster: company(100, 10, 30) },
    { name: 'resignations are not layoffs', roster: company(100, 10, 0).map((r) => (r.separationKind ? { ...r, separationKind: 'resignation' as const } : r)) },
  ];
  for (const c of cases) {
    const found = layoffAlerts(c.roster);
    if (!c.reason) {
      t.same(found, [], `劳动合同法 第四十一条: ${c.name}`);
      continue;
    }
    t.match(
      found,
      [{ code: 'ART41_MASS_LAYOFF_VERIFY_REPORT', article: '劳动合同法 第四十一条', severity: 'warning', details: { reason: c.reason, windowFrom: FIRST, windowTo: '2026-03-30' } }],
      `劳动合同法 第四十一条: ${c.name}`,
    );
  }
  const [alert] = layoffAlerts(company(100, 10, 29));
  t.match(alert?.details, { layoffs: 10, staff: 100, noticeBy: '2026-01-30' }, 'notice due 30 days before the first layoff');
  t.equal((alert?.details.workerKeys as string[]).length, 10);
});

t.test('劳动合同法 第四十一条: counting staff and windows', async (t) => {
  const dispatchedIn = workers('d', 50, HIRED, { employmentForm: 'dispatch', agencyUscc: AGENCY_USCC });
  t.match(layoffAlerts([...company(100, 10, 0), ...dispatchedIn]), [{ details: { staff: 100 } }], 'dispatched-in workers are not staff');
  const returned = dispatchedIn.slice(0, 20).map((r) => ({ ...r, separationDate: FIRST, separationKind: 'layoff' as const }));
  t.same(layoffAlerts([...workers('s', 1000, HIRED), ...returned]), [], "returning dispatched workers to the agency is not the host's layoff");
  const lateHires = workers('n', 10, '2026-03-05');
  t.match(layoffAlerts([...company(100, 10, 29), ...lateHires]), [{ details: { staff: 100 } }], 'staff is counted on the first day of the window');

  const twoWaves = [...company(1000, 20, 5), ...workers('x', 20, HIRED).map((r) => ({ ...r, separationDate: '2026-05-01', separationKind: 'layoff' as const }))];
  t.same(
    massLayoffWindows(twoWaves, EMPLOYER, 30).map((w) => [w.from, w.layoffs]),
    [
      [FIRST, 20],
      ['2026-05-01', 20],
    ],
    'two waves, two windows, each reported once',
  );
  t.same(massLayoffWindows(company(1000, 25, 10), EMPLOYER, 30).length, 1, 'one wave of 25 is one window, not six overlapping ones');
});

t.test('isMassLayoff thresholds', async (t) => {
  t.equal(isMassLayoff(20, 10_000), 'twenty_or_more');
  t.equal(isMassLayoff(19, 10_000), undefined);
  t.equal(isMassLayoff(10, 100), 'ten_percent_of_staff');
  t.equal(isMassLayoff(9, 100), undefined);
  t.equal(isMassLayoff(1, 10), 'ten_percent_of_staff', 'small employers: the letter of the law');
  t.equal(isMassLayoff(0, 0), undefined);
});
