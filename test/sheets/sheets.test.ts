/** Sheets: CSV rows keep their spreadsheet numbers; template fields become Chinese columns and back. */
import t from 'tap';
import { cellText, rowsFromSheet, sheetColumns, unknownHeaders } from '../../src/sheets/batch-sheet.ts';
import { csvRecords, parseCsv, toCsv } from '../../src/sheets/csv.ts';
import { TemplateCatalog } from '../../src/templates/catalog.ts';

t.test('CSV: quoted fields, BOM, CRLF; blank rows are skipped but still counted', async (t) => {
  const text = '\uFEFF姓名,备注\r\n张三,"说, ""好"""\r\n\r\n,\r\n李四,"两\n行"\r\n';
  t.same(parseCsv(text), [
    ['姓名', '备注'],
    ['张三', '说, "好"'],
    ['李四', '两\n行'],
  ]);
  const { header, records } = csvRecords(text);
  t.same(header, ['姓名', '备注']);
  t.same(
    records.map((r) => r.row),
    [2, 5],
    'the row after a blank line and a line of commas is sheet row 5',
  );
  t.same(
    parseCsv(
      toCsv([
        ['a,b', 'c"d'],
        ['e', ''],
      ]),
    ),
    [
      ['a,b', 'c"d'],
      ['e', ''],
    ],
    'toCsv round-trips',
  );
  t.same(
    csvRecords('姓名 , 手机号码\n张三,13800000001\n李四').records,
    [
      { row: 2, values: { 姓名: '张三', 手机号码: '13800000001' } },
      { row: 3, values: { 姓名: '李四', 手机号码: '' } },
    ],
    'headers trimmed, a short row gets empty cells',
  );
});

t.test('a template as columns: Chinese headers, choices, types; the employer is not a column', async (t) => {
  const template = (await TemplateCatalog.load()).get('labor-contract-general')!;
  const columns = sheetColumns(template.fieldsSchema);
  const byPath = Object.fromEntries(columns.map((c) => [c.path, c]));
  t.match(byPath['worker.name'], { header: '姓名', type: 'text', required: true });
  t.match(byPath['termType'], { header: '合同期限类型', type: 'choice', choices: [{ value: 'fixed', label: '固定期限' }, { value: 'open_ended', label: '无固定期限' }, { value: 'task_based' }] });
  t.match(byPath['probation.monthlyWage'], { type: 'number', required: false }, 'parts of an optional 试用期 are not required in every row');
  t.match(byPath['wage.payDay'], { type: 'integer' });
  t.match(byPath['socialInsurance'], { type: 'boolean' });
  t.match(byPath['startDate'], { type: 'date' });
  t.notOk(columns.some((c) => c.path.startsWith('employer')));
  t.equal(new Set(columns.map((c) => c.header)).size, columns.length, 'headers are unique');
  t.same(unknownHeaders(columns, ['姓名', 'worker.phone', '备注栏', '']), ['备注栏'], 'paths work as headers too; unknown ones are named');
  t.equal(cellText(byPath['termType']!, 'fixed'), '固定期限');
  t.equal(cellText(byPath['socialInsurance']!, true), '是');

  const { rows, errors } = rowsFromSheet(columns, [
    {
      row: 2,
      values: {
        姓名: ' 王五 ',
        合同期限类型: '固定期限',
        合同起始日期: '2026年9月1日',
        '月工资（元）': '6,000元',
        每月发薪日: '10',
        依法参加社会保险: '是',
        身份证号码: '140105199001011234',
        手机号码: 13800000001,
      },
    },
    { row: 3, values: { 合同期限类型: 'open_ended', 合同起始日期: new Date(Date.UTC(2026, 8, 1)), 工资构成: '' } },
    { row: 4, values: { 合同期限类型: '长期', 合同起始日期: '九月一日', 每月发薪日: '10.5', 依法参加社会保险: '也许' } },
    // eslint-disable-next-line no-loss-of-precision -- an ID typed as a number loses its last digits, as Excel does
    { row: 5, values: { 身份证号码: 140105199001011234 } },
  ]);
  t.same(rows, [
    {
      row: 2,
      values: {
        worker: { name: '王五', idNumber: '140105199001011234', phone: '13800000001' },
        termType: 'fixed',
        startDate: '2026-09-01',
        wage: { monthly: 6000, payDay: 10 },
        socialInsurance: true,
      },
    },
    { row: 3, values: { termType: 'open_ended', startDate: '2026-09-01' } },
  ]);
  t.same(
    errors.map((e) => [e.row, e.field, e.rule]),
    [
      [4, '合同期限类型', 'choice'],
      [4, '合同起始日期', 'date'],
      [4, '每月发薪日', 'integer'],
      [4, '依法参加社会保险', 'boolean'],
      [5, '身份证号码', 'stored_as_number'],
    ],
  );
  t.ok(
    errors.every((e) => /[\u4e00-\u9fff]/.test(e.messageZh)),
    'every cell problem explained in Chinese',
  );
});
