/**
 * Hard limits on an uploaded batch sheet, so that a small hostile file cannot exhaust the
 * process (docs/BATCHES.md, "Limits"). Sized from a measurement: the largest sheet these allow
 * (40 MiB of XML, 500,000 cells) peaks at about 320 MB RSS while exceljs reads it.
 */
import { Problem } from '../problem.ts';

const MiB = 1024 * 1024;

export const SHEET_LIMITS = {
  /** Bytes of an XLSX upload as sent (compressed). */
  xlsxBytes: 10 * MiB,
  /** Bytes of all an XLSX's entries together once inflated, counted while inflating. */
  xlsxUncompressedBytes: 40 * MiB,
  /** Entries (files and folders) in an XLSX. */
  xlsxEntries: 200,
  /** Bytes of a CSV upload. */
  csvBytes: 20 * MiB,
  /** Data rows (the header row not counted); the JSON batch allows as many. */
  rows: 20_000,
  /** Columns of the sheet. */
  columns: 100,
  /** Cells of the first worksheet, empty ones written in the file included. */
  cells: 500_000,
  /** Characters in one cell (the longest template field takes 1,000). */
  cellChars: 4_096,
} as const;

export type SheetLimit = keyof typeof SHEET_LIMITS;

const described: Record<SheetLimit, { en: string; zh: string }> = {
  xlsxBytes: { en: `an XLSX file may have at most ${SHEET_LIMITS.xlsxBytes / MiB} MiB`, zh: `Excel 文件不能超过 ${SHEET_LIMITS.xlsxBytes / MiB} MiB` },
  xlsxUncompressedBytes: {
    en: `an XLSX file may hold at most ${SHEET_LIMITS.xlsxUncompressedBytes / MiB} MiB once uncompressed`,
    zh: `Excel 文件解压后的内容不能超过 ${SHEET_LIMITS.xlsxUncompressedBytes / MiB} MiB`,
  },
  xlsxEntries: { en: `an XLSX file may hold at most ${SHEET_LIMITS.xlsxEntries} entries`, zh: `Excel 文件内部的文件数不能超过 ${SHEET_LIMITS.xlsxEntries} 个` },
  csvBytes: { en: `a CSV file may have at most ${SHEET_LIMITS.csvBytes / MiB} MiB`, zh: `CSV 文件不能超过 ${SHEET_LIMITS.csvBytes / MiB} MiB` },
  rows: { en: `a sheet may have at most ${SHEET_LIMITS.rows} data rows`, zh: `表格的数据行不能超过 ${SHEET_LIMITS.rows} 行` },
  columns: { en: `a sheet may have at most ${SHEET_LIMITS.columns} columns`, zh: `表格的列数不能超过 ${SHEET_LIMITS.columns} 列` },
  cells: { en: `a sheet may have at most ${SHEET_LIMITS.cells} cells`, zh: `表格的单元格总数不能超过 ${SHEET_LIMITS.cells} 个` },
  cellChars: { en: `a cell may hold at most ${SHEET_LIMITS.cellChars} characters`, zh: `单个单元格的内容不能超过 ${SHEET_LIMITS.cellChars} 个字符` },
};

const sizeLimits: SheetLimit[] = ['xlsxBytes', 'xlsxUncompressedBytes', 'csvBytes'];

/** The sheet went over a limit: 413 for a size, 422 for its structure; the rule is `sheet_max_<limit>`. */
export function sheetLimitProblem(limit: SheetLimit, where?: string): Problem {
  const { en, zh } = described[limit];
  const size = sizeLimits.includes(limit);
  const at = where ? ` (${where})` : '';
  return new Problem(
    size ? 413 : 422,
    size ? 'sheet-too-large' : 'sheet-over-limit',
    size ? 'Sheet too large' : 'Sheet over a limit',
    `The sheet was refused: ${en}${at}.`,
    [{ field: 'body', in: 'body', rule: `sheet_max_${limit.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`, message: en + at, messageZh: zh }],
    { messageZh: zh, limit: SHEET_LIMITS[limit] },
  );
}

/** A sheet whose XML declares a DOCTYPE or entities (entity expansion), or is otherwise unsafe to parse. */
export function sheetStructureProblem(rule: string, message: string, messageZh: string): Problem {
  return new Problem(422, 'sheet-refused', 'Sheet refused', `The sheet was refused: ${message}.`, [{ field: 'body', in: 'body', rule, message, messageZh }], { messageZh });
}
