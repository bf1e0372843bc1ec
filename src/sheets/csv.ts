/**
 * CSV as spreadsheets export it (RFC 4180: quoted fields, doubled quotes, CRLF or LF; a UTF-8
 * byte-order mark is dropped, as Excel writes one). Rows become records keyed by the header.
 */
import { SHEET_LIMITS, sheetLimitProblem } from './limits.ts';

export function parseCsv(text: string): string[][] {
  return parseCsvNumbered(text).map((record) => record.cells);
}

/**
 * The non-blank records with their 1-based position among all records, blank ones included:
 * the row number a person sees in the spreadsheet (a quoted field may span several lines).
 * SHEET_LIMITS apply while reading: a cell, row or column over its limit stops the parse at
 * once (fields are cut out by position, never grown a character at a time).
 */
export function parseCsvNumbered(text: string): { row: number; cells: string[] }[] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: { row: number; cells: string[] }[] = [];
  let row: string[] = [];
  let parts: string[] = [];
  let length = 0;
  let records = 0;
  let cells = 0;
  const take = (piece: string) => {
    length += piece.length;
    if (length > SHEET_LIMITS.cellChars) throw sheetLimitProblem('cellChars', `row ${records + 1}, column ${row.length + 1}`);
    parts.push(piece);
  };
  const endField = () => {
    row.push(parts.length === 1 ? parts[0]! : parts.join(''));
    parts = [];
    length = 0;
    if (row.length > SHEET_LIMITS.columns) throw sheetLimitProblem('columns', `row ${records + 1}`);
    if (++cells > SHEET_LIMITS.cells) throw sheetLimitProblem('cells');
  };
  const endRecord = () => {
    endField();
    records++;
    if (row.some((cell) => cell.trim() !== '')) {
      rows.push({ row: records, cells: row });
      if (rows.length > SHEET_LIMITS.rows + 1) throw sheetLimitProblem('rows');
    } else if (records > 2 * (SHEET_LIMITS.rows + 1)) throw sheetLimitProblem('rows');
    row = [];
  };
  const delimiter = /[",\r\n]/g;
  let i = 0;
  let fieldStarted = false;
  while (i < input.length) {
    if (input[i] === '"' && !fieldStarted) {
      // Quoted: up to the next lone quote; a doubled quote is one quote.
      let from = i + 1;
      for (;;) {
        const quote = input.indexOf('"', from);
        if (quote === -1) {
          take(input.slice(from));
          i = input.length;
          break;
        }
        take(input.slice(from, quote));
        if (input[quote + 1] === '"') {
          take('"');
          from = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fieldStarted = true;
      continue;
    }
    delimiter.lastIndex = i;
    const found = delimiter.exec(input);
    const end = found ? found.index : input.length;
    // A quote inside an unquoted field is an ordinary character.
    const stop = found && found[0] === '"' ? end + 1 : end;
    if (stop > i) take(input.slice(i, stop));
    i = stop;
    if (!found || found[0] === '"') {
      fieldStarted = true;
      continue;
    }
    if (found[0] === ',') {
      endField();
      fieldStarted = false;
      i = end + 1;
    } else {
      endRecord();
      fieldStarted = false;
      i = end + (found[0] === '\r' && input[end + 1] === '\n' ? 2 : 1);
    }
  }
  if (fieldStarted || parts.length > 0 || row.length > 0) endRecord();
  return rows;
}

/** Data rows as records under their (trimmed) header names, with the sheet row number (blank rows count). */
export function csvRecords(text: string): { header: string[]; records: { row: number; values: Record<string, string> }[] } {
  const [header = { row: 1, cells: [] }, ...rows] = parseCsvNumbered(text);
  const names = header.cells.map((name) => name.trim());
  return { header: names, records: rows.map(({ row, cells }) => ({ row, values: Object.fromEntries(names.map((name, c) => [name, (cells[c] ?? '').trim()])) })) };
}

export function toCsv(rows: string[][]): string {
  const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  return `\uFEFF${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}
