/**
 * XLSX through exceljs: the first worksheet read as a header row plus records, and simple
 * workbooks written (example sheets, error reports). Cells come back as the types a person
 * typed: text, numbers, dates, booleans.
 */
import ExcelJS from 'exceljs';
import { Problem } from '../problem.ts';
import type { CellValue } from './batch-sheet.ts';
import { SHEET_LIMITS, sheetLimitProblem } from './limits.ts';
import { checkXlsx } from './zip-guard.ts';

function plain(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return plain(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return undefined;
  }
  return String(value);
}

export const xlsxMediaType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Data rows of the first worksheet as records under their header names, with the sheet row
 * number. The file is checked against SHEET_LIMITS before exceljs reads it (zip-guard.ts).
 */
export async function readXlsx(data: Uint8Array): Promise<{ header: string[]; records: { row: number; values: Record<string, CellValue> }[] }> {
  checkXlsx(data);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw Problem.badRequest([{ field: 'body', in: 'body', rule: 'xlsx', message: 'is not a readable XLSX workbook', messageZh: '无法读取该 Excel（.xlsx）文件' }]);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { header: [], records: [] };
  if (sheet.columnCount > SHEET_LIMITS.columns) throw sheetLimitProblem('columns');
  const cell = (value: ExcelJS.CellValue, row: number, column: number) => {
    const text = plain(value);
    if (typeof text === 'string' && text.length > SHEET_LIMITS.cellChars) throw sheetLimitProblem('cellChars', `row ${row}, column ${column}`);
    return text;
  };
  const header: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (c, column) => (header[column - 1] = String(cell(c.value, 1, column) ?? '').trim()));
  const records: { row: number; values: Record<string, CellValue> }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (number === 1) return;
    const values: Record<string, CellValue> = {};
    header.forEach((name, i) => name && (values[name] = cell(row.getCell(i + 1).value, number, i + 1)));
    if (Object.values(values).some((v) => v !== undefined && String(v).trim() !== '')) records.push({ row: number, values });
  });
  return { header, records };
}

export interface SheetSpec {
  name: string;
  rows: (string | number)[][];
  /** Columns (0-based) kept as text so Excel does not turn ID numbers into 1.4E+17. */
  textColumns?: number[];
  widths?: number[];
}

export async function writeXlsx(sheets: SheetSpec[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'LaborSign';
  // A fixed date keeps the same sheet byte-identical between downloads.
  workbook.created = workbook.modified = new Date('2026-01-01T00:00:00Z');
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    for (const column of spec.textColumns ?? []) sheet.getColumn(column + 1).numFmt = '@';
    spec.widths?.forEach((width, i) => (sheet.getColumn(i + 1).width = width));
    for (const row of spec.rows) sheet.addRow(row);
    sheet.getRow(1).font = { bold: true };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
