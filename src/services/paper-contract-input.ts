/**
 * 存量合同备案 input: one registration as the JSON API takes it, and the sheet's Chinese columns
 * mapped onto the same schema, so a sheet row and a JSON body are checked by one set of rules.
 */
import { z } from 'zod';
import { isIsoDate } from '../domain/calendar.ts';
import { parseResidentId } from '../domain/identity.ts';
import { paperContractKinds } from '../domain/paper-contracts.ts';
import type { CellValue } from '../sheets/batch-sheet.ts';
import { text } from '../support/text.ts';

const own = (rule: string, messageZh: string) => ({ params: { rule, messageZh } });

/** A real calendar date YYYY-MM-DD (2026-02-30 is refused, never rolled over). */
const calendarDate = (labelZh: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD', ...own('date_format', `${labelZh}格式应为 YYYY-MM-DD`) });
      else if (!isIsoDate(value)) ctx.addIssue({ code: 'custom', message: `${value} is not a calendar date`, ...own('calendar_date', `${labelZh}不是有效日期（${value} 不存在）`) });
    })
    .meta({ format: 'date' });

/** The registered contract's data, without its scan (the JSON body adds it, a sheet names a file). */
export const paperContractFields = z.strictObject({
  worker: z.strictObject({
    name: text(50).min(1, { message: 'must not be empty', ...own('required', '姓名不能为空') }),
    idNumber: text(18)
      .toUpperCase()
      .refine((id) => parseResidentId(id).ok, { message: 'is not a valid 居民身份证号码 (GB 11643 check character)', ...own('resident_id', '身份证号码无效（校验码不符或格式错误）') }),
    phone: z
      .string()
      .regex(/^1\d{10}$/, { message: 'must be 11 digits', ...own('phone', '手机号码应为11位') })
      .optional(),
  }),
  kind: z.enum(paperContractKinds).default('labor_contract').describe('labor_contract (劳动合同) or internal_retirement (内部退养协议: recorded, never counted as the labor contract)'),
  employmentForm: z.enum(['labor_contract', 'dispatch', 'part_time']),
  termType: z.enum(['fixed', 'open_ended', 'task_based']).describe('劳动合同法 第十二条'),
  startDate: calendarDate('合同起始日期'),
  endDate: calendarDate('合同终止日期').optional(),
  signedOn: calendarDate('签订日期').describe('day both parties signed the paper'),
  post: text(100).optional(),
  monthlyWage: z
    .number()
    .positive({ message: 'must be positive', ...own('positive', '月工资应为正数') })
    .max(10_000_000)
    .optional(),
  paperNumber: text(60).optional().describe('the number printed on the paper contract'),
});
export type PaperContractFields = z.output<typeof paperContractFields>;

/** Scans are PDFs of at most this size; a larger scan should be compressed before upload. */
export const MAX_SCAN_BYTES = 10 * 1024 * 1024;

/** A PDF by its header; its contents are kept as they are (a scan is evidence, never rewritten). */
export function scanProblem(bytes: Uint8Array): { rule: string; message: string; messageZh: string } | undefined {
  if (bytes.length > MAX_SCAN_BYTES)
    return { rule: 'scan_max_bytes', message: `a scan may have at most ${MAX_SCAN_BYTES / 1024 / 1024} MiB`, messageZh: `扫描件不能超过 ${MAX_SCAN_BYTES / 1024 / 1024} MiB` };
  if (bytes.length < 8 || Buffer.from(bytes.subarray(0, 5)).toString('latin1') !== '%PDF-') return { rule: 'pdf', message: 'the scan must be a PDF file', messageZh: '扫描件应为 PDF 文件' };
  return undefined;
}

/** Column headers of the registration sheet, in order, with the field each fills. */
export const paperSheetColumns = {
  姓名: 'worker.name',
  身份证号码: 'worker.idNumber',
  手机号码: 'worker.phone',
  合同类型: 'kind',
  用工形式: 'employmentForm',
  合同期限类型: 'termType',
  合同起始日期: 'startDate',
  合同终止日期: 'endDate',
  签订日期: 'signedOn',
  岗位: 'post',
  月工资: 'monthlyWage',
  纸质合同编号: 'paperNumber',
  扫描件文件名: 'scan',
} as const;
export const requiredPaperColumns = ['姓名', '身份证号码', '用工形式', '合同期限类型', '合同起始日期', '签订日期', '扫描件文件名'] as const;

const choiceNames: Record<string, Record<string, string>> = {
  kind: { 劳动合同: 'labor_contract', 内部退养协议: 'internal_retirement' },
  employmentForm: { 劳动合同: 'labor_contract', 劳务派遣: 'dispatch', 非全日制: 'part_time' },
  termType: { 固定期限: 'fixed', 无固定期限: 'open_ended', 以完成一定工作任务为期限: 'task_based' },
};
export const choiceMessagesZh: Record<string, string> = {
  kind: '取值应为：劳动合同、内部退养协议',
  employmentForm: '取值应为：劳动合同、劳务派遣、非全日制',
  termType: '取值应为：固定期限、无固定期限、以完成一定工作任务为期限',
};

/** A cell as text: a date cell (XLSX) as its calendar day, a number as written. */
function cellText(value: CellValue): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** One sheet row as the JSON shape (before validation) and the scan's file name. */
export function paperRowInput(values: Record<string, CellValue>): { input: Record<string, unknown>; scan: string | undefined } {
  const cell = (column: keyof typeof paperSheetColumns) => cellText(values[column]);
  const choice = (field: string, column: keyof typeof paperSheetColumns) => {
    const given = cell(column);
    return given === undefined ? undefined : (choiceNames[field]![given] ?? given);
  };
  const wage = cell('月工资');
  return {
    input: {
      worker: { name: cell('姓名'), idNumber: cell('身份证号码'), ...(cell('手机号码') ? { phone: cell('手机号码') } : {}) },
      ...(cell('合同类型') ? { kind: choice('kind', '合同类型') } : {}),
      employmentForm: choice('employmentForm', '用工形式'),
      termType: choice('termType', '合同期限类型'),
      startDate: cell('合同起始日期'),
      endDate: cell('合同终止日期'),
      signedOn: cell('签订日期'),
      post: cell('岗位'),
      monthlyWage: wage === undefined ? undefined : /^\d+(\.\d{1,2})?$/.test(wage) ? Number(wage) : wage,
      paperNumber: cell('纸质合同编号'),
    },
    scan: cell('扫描件文件名'),
  };
}

/** The column a field path came from, for row errors. */
export function columnOf(path: string): string {
  return Object.entries(paperSheetColumns).find(([, field]) => field === path)?.[0] ?? path;
}

/** The example sheet: headers and two rows (a long-serving worker's open-ended contract, a fixed term). */
export const paperSheetExample: string[][] = [
  Object.keys(paperSheetColumns),
  ['王建国', '140802197503154212', '', '劳动合同', '劳动合同', '无固定期限', '2012-07-01', '', '2012-07-01', '检修工', '5200', 'YC-2012-0173', '王建国.pdf'],
  ['李秀兰', '140802198811201521', '13800000002', '劳动合同', '劳动合同', '固定期限', '2024-03-01', '2029-02-28', '2024-03-01', '会计', '4800', 'YC-2024-0042', '李秀兰.pdf'],
];
