import t from 'tap';
import { MINIMUM_WAGE_TABLE, minimumWageOn, type MinimumWageEntry } from '../../src/domain/reference/minimum-wage.ts';
import { statutoryRetirement, type RetirementCategory } from '../../src/domain/reference/retirement-age.ts';

t.test('最低工资: Hebei from 2023-01-01, by tier', async (t) => {
  const cases: [number | undefined, number, number, number, boolean][] = [
    [1, 1, 2200, 22, false],
    [2, 2, 2000, 20, false],
    [3, 3, 1800, 18, false],
    [undefined, 3, 1800, 18, true],
    [4, 3, 1800, 18, true],
    [0, 3, 1800, 18, true],
    [1.5, 3, 1800, 18, true],
  ];
  for (const [asked, tier, monthly, hourly, tierAssumed] of cases) {
    t.match(minimumWageOn('130102', '2026-09-15', asked), { provinceCode: '13', provinceName: '河北省', effectiveFrom: '2023-01-01', tier, monthly, hourly, tierAssumed, verify: false }, `tier ${asked}`);
  }
  t.match(minimumWageOn('130102', '2023-01-01'), { monthly: 1800 }, 'in force on its first day');
  t.equal(minimumWageOn('130102', '2022-12-31'), undefined, 'nothing known before the first entry');
});

t.test('最低工资: Shanxi from 2021-10-01 is marked verify; unknown tier uses the lowest and says so', async (t) => {
  const lowest = minimumWageOn('140802', '2026-09-15');
  t.match(lowest, { provinceName: '山西省', tier: 3, monthly: 1630, hourly: 18.5, tierAssumed: true, verify: true, effectiveFrom: '2021-10-01' });
  t.match(lowest?.note, /lowest tier \(3\)/);
  t.match(minimumWageOn('140802', '2026-09-15', 1), { monthly: 1880, hourly: 21.3, tierAssumed: false });
  t.match(minimumWageOn('140802', '2026-09-15', 2), { monthly: 1760, hourly: 19.8 });
  t.equal(minimumWageOn('140802', '2021-09-30'), undefined);
  t.equal(minimumWageOn('310101', '2026-09-15'), undefined, 'a province without data is unknown');
  for (const entry of MINIMUM_WAGE_TABLE) t.ok(entry.source.length > 0, `${entry.provinceName} names its source`);
});

t.test('最低工资: the entry in force on the date wins', async (t) => {
  const raised: MinimumWageEntry = { ...MINIMUM_WAGE_TABLE[1]!, effectiveFrom: '2027-01-01', tiers: [{ monthly: 2100, hourly: 23 }] };
  const table = [...MINIMUM_WAGE_TABLE, raised];
  t.match(minimumWageOn('140802', '2026-12-31', undefined, table), { monthly: 1630 });
  t.match(minimumWageOn('140802', '2027-01-01', undefined, table), { monthly: 2100, tier: 1, effectiveFrom: '2027-01-01' });
});

t.test('渐进式延迟法定退休年龄 (from 2025-01-01): age and date by birth month', async (t) => {
  const cases: [RetirementCategory, string, number, number, string][] = [
    // men 60 → 63, one month per 4 birth months from 1965-01
    ['male', '1964-12-15', 60, 0, '2024-12-15'],
    ['male', '1965-01-10', 60, 1, '2025-02-10'],
    ['male', '1965-04-30', 60, 1, '2025-05-30'],
    ['male', '1965-05-01', 60, 2, '2025-07-01'],
    ['male', '1976-08-20', 62, 11, '2039-07-20'],
    ['male', '1976-09-20', 63, 0, '2039-09-20'],
    ['male', '1990-03-07', 63, 0, '2053-03-07'],
    // women cadres 55 → 58, one month per 4 birth months from 1970-01
    ['female_cadre', '1969-12-31', 55, 0, '2024-12-31'],
    ['female_cadre', '1970-01-31', 55, 1, '2025-02-28'],
    ['female_cadre', '1981-08-01', 57, 11, '2039-07-01'],
    ['female_cadre', '1981-09-01', 58, 0, '2039-09-01'],
    // women workers 50 → 55, one month per 2 birth months from 1975-01
    ['female_worker', '1974-12-01', 50, 0, '2024-12-01'],
    ['female_worker', '1975-01-01', 50, 1, '2025-02-01'],
    ['female_worker', '1975-02-01', 50, 1, '2025-03-01'],
    ['female_worker', '1975-03-01', 50, 2, '2025-05-01'],
    ['female_worker', '1984-10-01', 54, 11, '2039-09-01'],
    ['female_worker', '1984-11-01', 55, 0, '2039-11-01'],
    ['female_worker', '1995-06-15', 55, 0, '2050-06-15'],
  ];
  for (const [category, birthDate, ageYears, ageMonths, retirementDate] of cases) {
    t.match(statutoryRetirement(birthDate, category), { ageYears, ageMonths, retirementDate, verify: true }, `${category} born ${birthDate}`);
  }
  t.throws(() => statutoryRetirement('1965-02-30', 'male'), RangeError);
});
