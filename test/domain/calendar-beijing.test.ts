/** Days in Beijing time: the one helper that turns an instant into a calendar date, and ages. */
import t from 'tap';
import { ageOn, shanghaiDate, todayInShanghai } from '../../src/domain/calendar.ts';
import { writtenContractWithinOneMonth } from '../../src/domain/supervision/written-contract.ts';
import { contract, run, worker } from './supervision/fixtures.ts';

t.test('shanghaiDate: the calendar date in Asia/Shanghai (UTC+8, no daylight saving)', async (t) => {
  const cases: [string, string, string][] = [
    ['01:30 Beijing is the previous evening in UTC', '2026-03-01T01:30:00+08:00', '2026-03-01'],
    ['00:00 Beijing starts the day', '2026-03-01T00:00:00+08:00', '2026-03-01'],
    ['23:59:59 Beijing is still the day', '2026-02-28T23:59:59+08:00', '2026-02-28'],
    ['16:00 UTC is midnight in Beijing', '2026-12-31T16:00:00Z', '2027-01-01'],
    ['15:59:59 UTC is the same day', '2026-12-31T15:59:59Z', '2026-12-31'],
    ['a leap day', '2028-02-28T16:00:00Z', '2028-02-29'],
    ['mid-summer (no DST shift)', '2026-07-01T16:30:00Z', '2026-07-02'],
  ];
  for (const [name, instant, date] of cases) t.equal(shanghaiDate(new Date(instant)), date, name);
  t.equal(shanghaiDate(Date.parse('2026-03-01T01:30:00+08:00')), '2026-03-01', 'epoch milliseconds too');
  t.equal(todayInShanghai(new Date('2026-05-31T20:00:00Z')), '2026-06-01', 'today at 04:00 Beijing');
  t.throws(() => shanghaiDate(new Date('not a date')), RangeError);
});

t.test('劳动合同法 第十条: a signature at 2026-03-01T01:30+08:00 counts on 03-01 (day 31), not on 02-28', async (t) => {
  // Hired 2026-01-30: the one-month period ends 2026-02-28 (day 30); 03-01 is day 31.
  const signedAt = shanghaiDate(new Date('2026-03-01T01:30:00+08:00'));
  t.equal(signedAt, '2026-03-01');
  const late = run([worker('w1', '2026-01-30')], [contract('w1', '2026-01-30', { signedAt })], '2026-03-10', { rules: [writtenContractWithinOneMonth] });
  t.same(
    late.map((a) => a.code),
    ['ART82_DOUBLE_WAGE_LATE_SIGNING'],
    'signed on day 31: late',
  );
  t.equal(late[0]!.details.signedAt, '2026-03-01');
  const utcDay = new Date('2026-03-01T01:30:00+08:00').toISOString().slice(0, 10);
  t.equal(utcDay, '2026-02-28', 'the UTC date would be the day before');
  t.same(run([worker('w1', '2026-01-30')], [contract('w1', '2026-01-30', { signedAt: utcDay })], '2026-03-10', { rules: [writtenContractWithinOneMonth] }), [], 'and would hide the late signing');
});

t.test('ageOn: whole years, the birthday itself counts', async (t) => {
  t.equal(ageOn('2001-07-10', '2023-07-09'), 21);
  t.equal(ageOn('2001-07-10', '2023-07-10'), 22);
  t.equal(ageOn('2004-02-29', '2023-02-28'), 18, 'a leap-day birthday: not yet in a common year on 02-28');
  t.equal(ageOn('2004-02-29', '2023-03-01'), 19);
  t.equal(ageOn('2004-02-29', '2024-02-29'), 20);
  t.throws(() => ageOn('2001-02-30', '2023-01-01'), RangeError);
});
