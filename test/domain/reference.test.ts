import t from 'tap';
import { MINIMUM_WAGE_TABLE, minimumWageChanges, minimumWageOn, type MinimumWageEntry } from '../../src/domain/reference/minimum-wage.ts';
import { allDivisions, checkRegionCode, regionLabel, regionName } from '../../src/domain/reference/divisions.ts';
import { statutoryRetirement, type RetirementCategory } from '../../src/domain/reference/retirement-age.ts';

t.test('最低工资: Hebei from 2023-01-01; no county tiers in the table, so the lowest is used and flagged', async (t) => {
  t.match(minimumWageOn('130102', '2026-09-15'), { provinceCode: '13', provinceName: '河北省', effectiveFrom: '2023-01-01', tier: 3, monthly: 1800, hourly: 18, tierAssumed: true, verify: true });
  t.match(minimumWageOn('130102', '2023-01-01'), { monthly: 1800 }, 'in force on its first day');
  t.equal(minimumWageOn('130102', '2022-12-31'), undefined, 'nothing known before the first entry');
});

t.test('最低工资: Shanxi, the tier comes from the workplace county and the standard from the date', async (t) => {
  // [county, date, tier, monthly, hourly, effectiveFrom]
  const cases: [string, string, number, number, number, string][] = [
    ['140105', '2023-01-01', 1, 1980, 21.3, '2023-01-01'], // 太原市小店区, first day of the 2023 standard
    ['140105', '2022-12-31', 1, 1880, 21.3, '2021-10-01'], // one day earlier: the 2021 standard
    ['140181', '2026-09-15', 2, 1880, 20.2, '2023-01-01'], // 古交市 (county-level city)
    ['140802', '2026-09-15', 2, 1880, 20.2, '2023-01-01'], // 运城市盐湖区
    ['140821', '2026-09-15', 3, 1780, 19.1, '2023-01-01'], // 临猗县
    ['141034', '2022-06-01', 3, 1630, 18.5, '2021-10-01'], // 汾西县 under the 2021 standard
    ['140882', '2021-10-01', 2, 1760, 19.8, '2021-10-01'], // 河津市, first day of the 2021 standard
  ];
  for (const [county, date, tier, monthly, hourly, effectiveFrom] of cases) {
    t.match(minimumWageOn(county, date), { provinceName: '山西省', tier, monthly, hourly, effectiveFrom, tierAssumed: false, verify: true }, `${county} on ${date}`);
  }
  t.equal(minimumWageOn('140802', '2021-09-30'), undefined, 'nothing known before the first entry');
  t.equal(minimumWageOn('310101', '2026-09-15'), undefined, 'a province without data is unknown');
  t.match(minimumWageOn('140800', '2026-09-15'), { tier: 3, tierAssumed: true }, 'a city code names no county: lowest tier, flagged');
  for (const entry of MINIMUM_WAGE_TABLE)
    t.ok(entry.source.length > 0 && (entry.verify || /〔\d{4}〕/.test(entry.source)), `${entry.provinceName} ${entry.effectiveFrom} names a document number or is marked verify`);
});

t.test('最低工资: standards coming into force during a term', async (t) => {
  t.match(minimumWageChanges('140802', '2021-10-01', '2024-12-31'), [{ effectiveFrom: '2023-01-01', monthly: 1880 }]);
  t.same(minimumWageChanges('140802', '2023-01-01', '2029-12-31'), [], 'the standard in force at the start is not a change');
  t.same(minimumWageChanges('140802', '2021-10-01', '2022-12-31'), [], 'one day before it applies');
});

t.test('最低工资: the entry in force on the date wins', async (t) => {
  const raised: MinimumWageEntry = {
    ...MINIMUM_WAGE_TABLE[2]!,
    effectiveFrom: '2027-01-01',
    tiers: [
      { monthly: 2100, hourly: 23 },
      { monthly: 2000, hourly: 22 },
      { monthly: 1900, hourly: 21 },
    ],
  };
  const table = [...MINIMUM_WAGE_TABLE, raised];
  t.match(minimumWageOn('140821', '2026-12-31', table), { monthly: 1780 });
  t.match(minimumWageOn('140821', '2027-01-01', table), { monthly: 1900, tier: 3, effectiveFrom: '2027-01-01' });
});

t.test('最低工资: a special rate for a kind of work (the hook; none recorded yet) raises, never lowers, the figure', async (t) => {
  const shanxi = MINIMUM_WAGE_TABLE[2]!;
  const table = [
    {
      ...shanxi,
      specialRates: [
        { jobCategory: 'underground_mining', monthly: 2500, hourly: 26, source: '（测试用）', verify: true },
        { jobCategory: 'office', monthly: 1000, source: '（测试用）', verify: false },
      ],
    },
  ];
  t.match(minimumWageOn('140821', '2026-09-15', table, 'underground_mining'), { monthly: 2500, hourly: 26, source: /特殊标准/ });
  t.match(minimumWageOn('140821', '2026-09-15', table, 'general'), { monthly: 1780, hourly: 19.1 });
  t.match(minimumWageOn('140821', '2026-09-15', table, 'office'), { monthly: 1780 }, 'a lower special rate does not undercut the general one');
  t.ok(
    MINIMUM_WAGE_TABLE.every((entry) => !entry.specialRates?.length),
    'no special rate is recorded without a source',
  );
});

t.test('GB/T 2260: Shanxi has 11 cities and 117 county-level divisions, each named', async (t) => {
  const shanxi = allDivisions().filter((d) => d.code.startsWith('14'));
  t.equal(shanxi.filter((d) => d.level === 'city').length, 11);
  t.same(
    shanxi
      .filter((d) => d.level === 'city')
      .map((d) => d.code.slice(0, 4))
      .sort(),
    ['1401', '1402', '1403', '1404', '1405', '1406', '1407', '1408', '1409', '1410', '1411'],
  );
  t.equal(shanxi.filter((d) => d.level === 'county' && !d.until).length, 117);
  for (const d of shanxi) t.ok(d.name.length >= 2, `${d.code} ${d.name}`);
  t.equal(new Set(shanxi.map((d) => d.code)).size, shanxi.length, 'no code twice');
});

t.test('GB/T 2260: names and checks', async (t) => {
  t.equal(regionName('140802'), '山西省运城市盐湖区');
  t.equal(regionName('1408'), '山西省运城市');
  t.equal(regionName('14'), '山西省');
  t.equal(regionName('110105'), '北京市', 'a municipality prints no 市辖区');
  t.equal(regionName('990000'), undefined);
  t.equal(regionLabel('1408'), '山西省运城市（1408）');
  t.equal(regionLabel('99'), '99', 'unknown codes stay bare');
  const cases: [string, boolean, string?][] = [
    ['140802', true, 'county'],
    ['140800', true, 'city'],
    ['140899', false], // a six-digit code with a valid prefix that names no county
    ['140202', false], // 大同市城区, retired in the 2018 reorganisation
    ['141182', true, 'county'],
    ['141183', false],
    ['130102', true, 'city'], // Hebei is checked to the city
    ['139901', false],
    ['420101', true, 'province'], // Hubei: province level only
    ['990101', false],
    ['14080', false],
  ];
  for (const [code, ok, checkedTo] of cases) {
    const result = checkRegionCode(code);
    t.equal(result.ok, ok, `${code} ${ok ? 'passes' : 'is refused'}`);
    if (result.ok && checkedTo) t.equal(result.checkedTo, checkedTo);
  }
  const retired = checkRegionCode('140202');
  t.match(!retired.ok && retired.reasonZh, /已于 .* 撤销，现为 山西省大同市平城区（140213）/);
  t.equal(checkRegionCode('140202', '2017-12-31').ok, true, 'in force on an earlier date');
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
