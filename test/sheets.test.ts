import t from 'tap';
import { csvRecords, parseCsv, toCsv } from '../src/sheets/csv.ts';

t.test('RFC 4180 CSV with Excel habits', async (t) => {
  t.same(parseCsv('\uFEFF姓名,备注\r\n张三,"含,逗号"\r\n李四,"含""引号"""\n\n'), [['姓名', '备注'], ['张三', '含,逗号'], ['李四', '含"引号"']]);
  t.same(parseCsv('a,b\n"多\n行",x'), [['a', 'b'], ['多\n行', 'x']]);
  const { records } = csvRecords('姓名 , 手机号码\n张三,13800000001\n李四');
  t.same(records, [{ row: 2, values: { 姓名: '张三', 手机号码: '13800000001' } }, { row: 3, values: { 姓名: '李四', 手机号码: '' } }]);
  t.same(parseCsv(toCsv([['a', 'b,c'], ['"q"', '']])), [['a', 'b,c'], ['"q"', '']], 'round trip');
});
