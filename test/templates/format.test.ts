import t from 'tap';
import { amountInCapitals, chineseDate, chineseNumeral } from '../../src/templates/format.ts';

t.test('amounts in capitals', async (t) => {
  const cases: [number, string][] = [
    [0, '零元整'],
    [5000, '伍仟元整'],
    [10005, '壹万零伍元整'],
    [100000, '壹拾万元整'],
    [100100, '壹拾万零壹佰元整'],
    [10000001, '壹仟万零壹元整'],
    [1234.5, '壹仟贰佰叁拾肆元伍角'],
    [100.05, '壹佰元零伍分'],
    [0.5, '伍角'],
    [2080, '贰仟零捌拾元整'],
    [120000000, '壹亿贰仟万元整'],
  ];
  for (const [amount, expected] of cases) t.equal(amountInCapitals(amount), expected, String(amount));
  t.throws(() => amountInCapitals(-1));
});

t.test('dates and numerals', async (t) => {
  t.equal(chineseDate('2026-09-05'), '2026年9月5日');
  t.same([1, 10, 12, 20, 25].map(chineseNumeral), ['一', '十', '十二', '二十', '二十五']);
});
