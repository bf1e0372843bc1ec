import t from 'tap';
import { commonText } from '../../src/services/batches.ts';

const row = (name: string, extra: Record<string, unknown> = {}) => ({
  employer: { name: '太原钢铁集团有限公司', address: '太原市尖草坪区' },
  position: '炉前工',
  worker: { name, address: '小店区' },
  hours: 40,
  ...extra,
});

t.test('commonText: the characters of the text values every row shares, sorted, each once', async (t) => {
  const cases: { name: string; rows: Record<string, unknown>[]; expected: string }[] = [
    { name: 'no rows', rows: [], expected: '' },
    { name: 'one row shares nothing with another', rows: [row('张三')], expected: '' },
    {
      name: 'shared employer, position and address; names differ; numbers are not text',
      rows: [row('张三'), row('李四')],
      expected: [...new Set('太原钢铁集团有限公司太原市尖草坪区炉前工小店区')].sort().join(''),
    },
    { name: 'a value one row lacks is not common', rows: [row('张三', { note: '夜班' }), row('李四')], expected: [...new Set('太原钢铁集团有限公司太原市尖草坪区炉前工小店区')].sort().join('') },
    { name: 'the same text at different paths is not the same value', rows: [{ a: '甲' }, { b: '甲' }], expected: '' },
    { name: 'nested values compare by their whole path', rows: [{ w: { n: '甲乙' } }, { w: { n: '甲乙' } }, { w: { n: '甲乙' } }], expected: '乙甲' },
  ];
  for (const { name, rows, expected } of cases) t.equal(commonText(rows), expected, name);
});
