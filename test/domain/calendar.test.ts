import t from 'tap';
import { addDays, addMonths, addYears, compareIsoDates, daysBetween, daysInMonth, inclusiveDays, isIsoDate, monthPeriodEnd, parseIsoDate, wholeMonthsCovered } from '../../src/domain/calendar.ts';

t.test('parseIsoDate accepts only real YYYY-MM-DD calendar dates', async (t) => {
  t.same(parseIsoDate('2026-09-15'), { year: 2026, month: 9, day: 15 });
  t.same(parseIsoDate('2028-02-29'), { year: 2028, month: 2, day: 29 });
  t.same(parseIsoDate('2000-02-29'), { year: 2000, month: 2, day: 29 }, 'divisible by 400 is leap');
  for (const bad of ['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-9-15', '20260915', '2026-09-15T00:00', ' 2026-09-15', '']) {
    t.equal(parseIsoDate(bad), undefined, bad);
    t.equal(isIsoDate(bad), false, bad);
  }
  t.equal(isIsoDate(20260915), false, 'numbers are not dates');
  t.equal(daysInMonth(2026, 2), 28);
  t.equal(daysInMonth(2024, 2), 29);
  t.equal(daysInMonth(2026, 11), 30);
});

t.test('day arithmetic crosses months, years and leap days', async (t) => {
  t.equal(addDays('2026-12-31', 1), '2027-01-01');
  t.equal(addDays('2028-03-01', -1), '2028-02-29');
  t.equal(addDays('2026-09-15', 0), '2026-09-15');
  t.equal(daysBetween('2026-01-01', '2027-01-01'), 365);
  t.equal(daysBetween('2028-01-01', '2029-01-01'), 366);
  t.equal(inclusiveDays('2026-09-15', '2026-09-15'), 1);
  t.equal(inclusiveDays('2026-09-15', '2029-09-14'), 1096);
  t.equal(inclusiveDays('2026-09-15', '2026-09-14'), 0, 'end before start is empty');
  t.equal(compareIsoDates('2026-01-02', '2026-01-10'), -1);
  t.equal(compareIsoDates('2026-01-10', '2026-01-10'), 0);
  t.equal(compareIsoDates('2027-01-01', '2026-12-31'), 1);
  t.throws(() => addDays('2026-02-30', 1), RangeError);
});

t.test('addMonths keeps the day and clamps to the end of shorter months', async (t) => {
  const cases: [string, number, string][] = [
    ['2026-09-15', 36, '2029-09-15'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-08-31', 1, '2026-09-30'],
    ['2026-11-15', 2, '2027-01-15'],
    ['2026-01-15', -13, '2024-12-15'],
  ];
  for (const [date, months, expected] of cases) t.equal(addMonths(date, months), expected, `${date} + ${months} months`);
  t.equal(addYears('2028-02-29', 1), '2029-02-28');
  t.equal(addYears('2030-06-10', -5), '2025-06-10');
});

t.test('monthPeriodEnd gives the last day of an inclusive period of whole months', async (t) => {
  const cases: [string, number, string][] = [
    ['2026-09-15', 36, '2029-09-14'],
    ['2026-09-15', 3, '2026-12-14'],
    ['2026-09-15', 6, '2027-03-14'],
    ['2026-03-01', 1, '2026-03-31'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2026-01-29', 1, '2026-02-28'],
    ['2026-01-28', 1, '2026-02-27'],
    ['2026-01-31', 2, '2026-03-30'],
    ['2026-09-15', 0, '2026-09-14'],
  ];
  for (const [start, months, expected] of cases) t.equal(monthPeriodEnd(start, months), expected, `${start} for ${months} months`);
});

t.test('wholeMonthsCovered counts whole months of an inclusive range', async (t) => {
  const cases: [string, string, number][] = [
    ['2026-09-15', '2029-09-14', 36],
    ['2026-09-15', '2029-09-13', 35],
    ['2026-09-15', '2026-12-14', 3],
    ['2026-09-15', '2026-12-13', 2],
    ['2026-09-15', '2027-09-14', 12],
    ['2026-09-15', '2027-09-13', 11],
    ['2026-09-15', '2028-09-14', 24],
    ['2026-09-15', '2028-09-13', 23],
    ['2026-03-01', '2026-03-31', 1],
    ['2026-03-01', '2026-03-30', 0],
    ['2026-01-31', '2026-02-28', 1],
    ['2026-01-31', '2026-02-27', 0],
    ['2026-09-15', '2026-09-15', 0],
    ['2026-09-15', '2026-09-01', 0],
    ['2026-01-01', '2026-12-31', 12],
  ];
  for (const [start, end, months] of cases) t.equal(wholeMonthsCovered(start, end), months, `${start}…${end}`);
});
