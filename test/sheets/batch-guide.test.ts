/**
 * The example XLSX's 填写说明 sheet is read by HR staff: every note is Chinese. Only a date
 * format (YYYY-MM-DD) and the field paths of the 字段 column (for the API) are Latin.
 */
import ExcelJS from 'exceljs';
import t from 'tap';
import { BatchSheets } from '../../src/services/batches/sheets.ts';
import { TemplateCatalog } from '../../src/templates/catalog.ts';

t.test('the 填写说明 sheet of every batch template has Chinese notes', async (t) => {
  const templates = await TemplateCatalog.load();
  const sheets = new BatchSheets({ templates });
  let checked = 0;
  for (const template of templates.list()) {
    try {
      sheets.template(template.id);
    } catch {
      continue; // not a batch template
    }
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await sheets.exampleSheet(template.id, 'xlsx')) as unknown as ArrayBuffer);
    const guide = workbook.getWorksheet('填写说明');
    t.ok(guide, `${template.id}: has a 填写说明 sheet`);
    const english: string[] = [];
    guide!.eachRow((row, number) => {
      if (number === 1) return;
      // Columns: 列名, 字段 (the API path), 类型, 必填, 可填的值, 说明.
      for (const column of [1, 3, 4, 5, 6]) {
        const text = String(row.getCell(column).value ?? '').replaceAll('YYYY-MM-DD', '');
        if (/[A-Za-z]{2,}/.test(text)) english.push(`${row.getCell(1).value}: ${text}`);
      }
      checked += 1;
    });
    t.same(english, [], `${template.id}: no English in the notes`);
  }
  t.ok(checked > 20, `${checked} rows checked`);
});
