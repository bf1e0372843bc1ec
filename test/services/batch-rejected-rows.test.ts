/** Batch.rejected is a JSON column: read back through zod, never cast (issue 21). */
import t from 'tap';
import { ZodError } from 'zod';
import { rejectedRows } from '../../src/services/batches/rows.ts';

t.test('rejectedRows: the rows refused at submission, as the submission wrote them', async (t) => {
  const written = [
    { row: 2, field: '身份证号码', rule: 'id_number', message: 'invalid ID number', messageZh: '身份证号码校验位不正确' },
    { row: 5, field: 'fields.wage.monthly', rule: 'minimum_wage', message: 'below the minimum wage' },
  ];
  t.same(rejectedRows(JSON.parse(JSON.stringify(written))), written);
  t.same(rejectedRows([]), []);
});

t.test('rejectedRows: a malformed column is an error, not a guess', async (t) => {
  for (const [name, value] of [
    ['not an array', { row: 1 }],
    ['null', null],
    ['row as text', [{ row: '2', field: 'a', rule: 'b', message: 'c' }]],
    ['message missing', [{ row: 2, field: 'a', rule: 'b' }]],
  ] as const) {
    t.throws(() => rejectedRows(value), ZodError, name);
  }
});
