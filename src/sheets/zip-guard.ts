/**
 * Checks an XLSX upload before exceljs sees it: exceljs inflates every entry into memory and
 * expands cell ranges (merges, data validations, defined names) into one object per cell, so a
 * 1 MB file can claim gigabytes. Here every entry is inflated with a byte budget that counts
 * what actually comes out (sizes the zip states are never trusted), XML may not declare a
 * DOCTYPE or entities, and rows, cells, columns and expanded ranges are counted in the raw
 * worksheet XML against SHEET_LIMITS.
 */
import { inflateRawSync } from 'node:zlib';
import { Problem } from '../problem.ts';
import { SHEET_LIMITS, sheetLimitProblem, sheetStructureProblem } from './limits.ts';

const unreadable = () => Problem.badRequest([{ field: 'body', in: 'body', rule: 'xlsx', message: 'is not a readable XLSX workbook', messageZh: '无法读取该 Excel（.xlsx）文件' }]);

interface Entry {
  name: string;
  data: Buffer;
}

/** End of central directory: the last signature within the final 64 KiB + 22 bytes. */
function endOfCentralDirectory(zip: Buffer): number {
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === 0x06054b50) return at;
  }
  throw unreadable();
}

/** Every entry of the zip, inflated within the budget, in central directory order. */
function inflateEntries(zip: Buffer): Entry[] {
  const end = endOfCentralDirectory(zip);
  const count = zip.readUInt16LE(end + 10);
  const directoryOffset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw sheetStructureProblem('xlsx_zip64', 'ZIP64 archives are not accepted', '不接受 ZIP64 格式的 Excel 文件');
  if (count > SHEET_LIMITS.xlsxEntries) throw sheetLimitProblem('xlsxEntries');
  let budget = SHEET_LIMITS.xlsxUncompressedBytes;
  const entries: Entry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw unreadable();
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    if (next > zip.length) throw unreadable();
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at = next;
    if (flags & 1) throw sheetStructureProblem('xlsx_encrypted', 'encrypted entries are not accepted', '不接受加密的 Excel 文件，请取消密码后重新上传');
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== 0x04034b50) throw unreadable();
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    if (start + compressedSize > zip.length) throw unreadable();
    const stored = zip.subarray(start, start + compressedSize);
    let data: Buffer;
    if (method === 0) data = stored;
    else if (method === 8) {
      try {
        // Node stops inflating as soon as the output passes maxOutputLength.
        data = inflateRawSync(stored, { maxOutputLength: Math.max(1, budget) });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw sheetLimitProblem('xlsxUncompressedBytes', name);
        throw unreadable();
      }
    } else throw unreadable();
    if (data.length > budget) throw sheetLimitProblem('xlsxUncompressedBytes', name);
    budget -= data.length;
    entries.push({ name, data });
  }
  return entries;
}

/** `<!` opens only comments and CDATA in the parts of a workbook; a DOCTYPE or ENTITY is refused. */
function refuseDeclarations(entry: Entry): void {
  const { data } = entry;
  if ((data[0] === 0xfe && data[1] === 0xff) || (data[0] === 0xff && data[1] === 0xfe) || (data.length > 1 && (data[0] === 0 || data[1] === 0))) {
    throw sheetStructureProblem('xml_encoding', `${entry.name} is not UTF-8 XML`, 'Excel 文件内部的 XML 编码不受支持（应为 UTF-8）');
  }
  for (let at = data.indexOf('<!'); at !== -1; at = data.indexOf('<!', at + 2)) {
    const next = data.subarray(at + 2, at + 9).toString('latin1');
    if (next.startsWith('--') || next.startsWith('[CDATA[')) continue;
    throw sheetStructureProblem('xml_declaration', `${entry.name} declares a DOCTYPE or entities, which are not accepted`, 'Excel 文件中含有不允许的 XML 声明（DOCTYPE 或实体定义）');
  }
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const c of letters) n = n * 26 + (c.charCodeAt(0) - 64);
  return n;
}

const rangePattern = /\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?/g;

/** Cells a list of ranges covers (`A1:C3 E5`), as exceljs would create one object per cell. */
function rangeArea(text: string): number {
  let area = 0;
  for (const m of text.matchAll(rangePattern)) {
    const [left, top] = [columnNumber(m[1]!), Number(m[2])];
    const [right, bottom] = m[3] ? [columnNumber(m[3]), Number(m[4])] : [left, top];
    area += (Math.abs(right - left) + 1) * (Math.abs(bottom - top) + 1);
  }
  return area;
}

/** Rows, cells and columns of one worksheet's XML, and the cells its ranges expand to. */
function checkWorksheet(entry: Entry, expanded: { cells: number }): void {
  const xml = entry.data.toString('latin1');
  let rows = 0;
  for (const _ of xml.matchAll(/<row(?=[\s>/])/g)) if (++rows > SHEET_LIMITS.rows + 1) throw sheetLimitProblem('rows', entry.name);
  for (const m of xml.matchAll(/<c(?=[\s>/])[^>]*>/g)) {
    if (++expanded.cells > SHEET_LIMITS.cells) throw sheetLimitProblem('cells', entry.name);
    const reference = /\br="\$?([A-Z]+)/.exec(m[0]);
    if (reference && (reference[1]!.length > 3 || columnNumber(reference[1]!) > SHEET_LIMITS.columns)) throw sheetLimitProblem('columns', entry.name);
  }
  let columnSpan = 0;
  for (const m of xml.matchAll(/<col\s[^>]*>/g)) {
    const min = Number(/\bmin="(\d+)"/.exec(m[0])?.[1] ?? 1);
    const max = Number(/\bmax="(\d+)"/.exec(m[0])?.[1] ?? min);
    columnSpan += Math.max(0, max - min + 1);
    // Excel writes one <col> up to 16384 to hide unused columns; more is a way to make objects.
    if (max > 16_384 || columnSpan > 2 * 16_384) throw sheetLimitProblem('columns', entry.name);
  }
  for (const m of xml.matchAll(/<(?:mergeCell|dataValidation)\s[^>]*?\b(?:ref|sqref)="([^"]*)"/g)) {
    expanded.cells += rangeArea(m[1]!);
    if (expanded.cells > SHEET_LIMITS.cells) throw sheetLimitProblem('cells', entry.name);
  }
}

/**
 * Refuses an XLSX that goes over a limit (413 for bytes, 422 for structure) or is not a zip
 * (400), before anything parses its XML.
 */
export function checkXlsx(data: Uint8Array): void {
  if (data.length > SHEET_LIMITS.xlsxBytes) throw sheetLimitProblem('xlsxBytes');
  const zip = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (zip.length < 22) throw unreadable();
  const entries = inflateEntries(zip);
  const expanded = { cells: 0 };
  for (const entry of entries) {
    if (!/\.(xml|rels|vml)$/i.test(entry.name)) continue;
    refuseDeclarations(entry);
    if (/^xl\/worksheets\/[^/]+\.xml$/i.test(entry.name)) checkWorksheet(entry, expanded);
    // Defined names (print areas) are expanded cell by cell too.
    if (/^xl\/workbook\.xml$/i.test(entry.name)) {
      for (const m of entry.data.toString('utf8').matchAll(/<definedName\b[^>]*>([^<]*)<\/definedName>/g)) expanded.cells += rangeArea(m[1]!);
      if (expanded.cells > SHEET_LIMITS.cells) throw sheetLimitProblem('cells', entry.name);
    }
  }
}
