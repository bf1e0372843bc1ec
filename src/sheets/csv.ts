/**
 * CSV as spreadsheets export it (RFC 4180: quoted fields, doubled quotes, CRLF or LF; a UTF-8
 * byte-order mark is dropped, as Excel writes one). Rows become records keyed by the header.
 */
export function parseCsv(text: string): string[][] {
  return parseCsvNumbered(text).map((record) => record.cells);
}

/**
 * The non-blank records with their 1-based position among all records, blank ones included:
 * the row number a person sees in the spreadsheet (a quoted field may span several lines).
 */
export function parseCsvNumbered(text: string): { row: number; cells: string[] }[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let i = 0; i < input.length; i++) {
    const char = input[i]!;
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && input[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.map((cells, i) => ({ row: i + 1, cells })).filter((r) => r.cells.some((cell) => cell.trim() !== ''));
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
