/**
 * A template's fields as spreadsheet columns with Chinese headers, so an HR office can fill a
 * batch in Excel or WPS: one column per leaf field (worker.name → 姓名), choices written in
 * Chinese (固定期限), dates as dates, money as numbers. The template's zod schema decides which
 * columns exist and their types; this module only names them and converts cells.
 */
import { z } from 'zod';

export type CellValue = string | number | boolean | Date | null | undefined;

export interface SheetColumn {
  header: string;
  /** Dotted path into the template's fields. */
  path: string;
  type: 'text' | 'number' | 'integer' | 'boolean' | 'date' | 'choice';
  /** Required in every row (optional parts such as 试用期 are required only when given). */
  required: boolean;
  choices?: { value: string; label: string }[];
  description?: string;
}

export interface CellError {
  row: number;
  field: string;
  rule: string;
  message: string;
  messageZh: string;
}

/** Chinese headers of the fields the employment templates share (the rest come from their descriptions). */
const headers: Record<string, string> = {
  'worker.name': '姓名',
  'worker.idNumber': '身份证号码',
  'worker.address': '住址',
  'worker.phone': '手机号码',
  'worker.emergencyContact': '紧急联系人',
  termType: '合同期限类型',
  startDate: '合同起始日期',
  endDate: '合同终止日期',
  taskDescription: '工作任务',
  'probation.startDate': '试用期起始日期',
  'probation.endDate': '试用期终止日期',
  'probation.monthlyWage': '试用期月工资（元）',
  jobTitle: '工作岗位',
  jobDescription: '工作内容',
  workplace: '工作地点',
  'hours.system': '工时制度',
  'hours.approvalNumber': '工时审批文号',
  'hours.dailyHours': '每日工作小时数',
  'hours.weeklyHours': '每周工作小时数',
  'hours.cycle': '综合工时计算周期',
  'wage.monthly': '月工资（元）',
  'wage.hourly': '小时工资（元）',
  'wage.payDay': '每月发薪日',
  'wage.paymentIntervalDays': '工资支付周期（天）',
  'wage.structure': '工资构成',
  wageMethod: '工资分配方式',
  socialInsurance: '依法参加社会保险',
  laborProtection: '劳动保护和劳动条件',
  minimumWageTier: '最低工资档次',
  otherTerms: '其他约定事项',
  employmentForm: '用工形式',
  jobCategory: '岗位类别',
  'nonCompete.role': '竞业限制人员类别',
  'dispatch.agencyName': '劳务派遣单位名称',
  'dispatch.agencyUscc': '劳务派遣单位统一社会信用代码',
  'dispatch.licenceNumber': '劳务派遣经营许可证编号',
  'dispatch.hostEmployerName': '用工单位名称',
  'dispatch.hostEmployerUscc': '用工单位统一社会信用代码',
  'dispatch.postNature': '派遣岗位性质',
  'dispatch.postCategory': '派遣岗位类别',
  'dispatch.assignmentStartDate': '派遣期限起始日期',
  'dispatch.assignmentEndDate': '派遣期限终止日期',
  'dispatch.idlePayMonthly': '无工作期间月报酬（元）',
  'priorContract.number': '原劳动合同编号',
  'priorContract.signedDate': '原合同订立日期',
  'priorContract.startDate': '原合同起始日期',
  'priorContract.endDate': '原合同终止日期',
  'internalRetirement.workerBirthDate': '出生日期',
  'internalRetirement.workerCategory': '人员类别',
  'internalRetirement.startDate': '内部退养起始日期',
  'internalRetirement.monthlyAllowance': '退养期间月生活费（元）',
};

/** Chinese names of choice codes whose field description does not list them. */
const choiceNames: Record<string, string> = {
  week: '周',
  month: '月',
  quarter: '季度',
  year: '年',
  male: '男职工',
  female_cadre: '女干部',
  female_worker: '女工人',
  fixed: '固定期限',
  open_ended: '无固定期限',
  task_based: '以完成一定工作任务为期限',
};

/** Columns the platform fills itself (the employer is the registered organisation). */
const platformFilled = ['employer'];

const cjk = /^[\u3400-\u9fff]/;

function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean; description?: string } {
  let current = schema;
  let optional = false;
  let description = schema.description;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
    optional = true;
    current = current.unwrap() as z.ZodType;
    description ??= current.description;
  }
  return { inner: current, optional, description: description ?? current.description };
}

/** '固定期限 / 无固定期限 / …' in a description names an enum's options in order. */
function choiceLabels(options: string[], description: string | undefined): { value: string; label: string }[] {
  const list = description
    ?.replace(/^[^：]*：/, '')
    .split(' / ')
    .map((s) => s.trim());
  return options.map((value, i) => ({ value, label: list && list.length === options.length && cjk.test(list[i] ?? '') ? list[i]! : (choiceNames[value] ?? value) }));
}

function headerOf(path: string, description: string | undefined): string {
  if (headers[path]) return headers[path];
  if (description && cjk.test(description) && !description.includes(' / ')) return description.split(/[：:，,；;（(/]/)[0]!.trim();
  return path;
}

/** The sheet columns of a template's fields, in declaration order. Arrays stay out (they go in shared values). */
export function sheetColumns(fields: z.ZodObject): SheetColumn[] {
  const columns: SheetColumn[] = [];
  const walk = (shape: Record<string, z.ZodType>, prefix: string, parentRequired: boolean) => {
    for (const [key, schema] of Object.entries(shape)) {
      const path = prefix + key;
      if (!prefix && platformFilled.includes(key)) continue;
      const { inner, optional, description } = unwrap(schema);
      const base = { path, required: parentRequired && !optional, header: headerOf(path, description), ...(description ? { description } : {}) };
      if (inner instanceof z.ZodObject) walk(inner.shape as Record<string, z.ZodType>, `${path}.`, parentRequired && !optional);
      else if (inner instanceof z.ZodEnum) columns.push({ ...base, type: 'choice', choices: choiceLabels(inner.options as string[], description) });
      else if (inner instanceof z.ZodBoolean) columns.push({ ...base, type: 'boolean' });
      else if (inner instanceof z.ZodNumber) columns.push({ ...base, type: inner.format === 'safeint' || inner.isInt ? 'integer' : 'number' });
      else if (inner instanceof z.ZodString) columns.push({ ...base, type: description?.startsWith('date') || /Date$/.test(key) ? 'date' : 'text' });
    }
  };
  walk(fields.shape as Record<string, z.ZodType>, '', true);
  // Two fields with the same Chinese name keep their paths as headers, so none is ambiguous.
  const counts = new Map<string, number>();
  for (const column of columns) counts.set(column.header, (counts.get(column.header) ?? 0) + 1);
  return columns.map((column) => ((counts.get(column.header) ?? 0) > 1 ? { ...column, header: column.path } : column));
}

/** Excel stores dates as days since 1899-12-30. */
function excelSerialToIso(serial: number): string {
  return new Date(Math.round((serial - 25569) * 86_400_000)).toISOString().slice(0, 10);
}

function convert(column: SheetColumn, cell: CellValue): { value?: unknown; error?: { rule: string; message: string; messageZh: string } } {
  // Spreadsheet dates arrive as Date objects at UTC midnight.
  if (cell instanceof Date) return { value: cell.toISOString().slice(0, 10) };
  const text = typeof cell === 'string' ? cell.trim() : String(cell);
  switch (column.type) {
    case 'number':
    case 'integer': {
      const number = typeof cell === 'number' ? cell : Number(text.replace(/[,，元\s]/g, ''));
      if (!Number.isFinite(number)) return { error: { rule: 'number', message: 'must be a number', messageZh: '应为数字' } };
      if (column.type === 'integer' && !Number.isInteger(number)) return { error: { rule: 'integer', message: 'must be a whole number', messageZh: '应为整数' } };
      return { value: number };
    }
    case 'boolean': {
      if (typeof cell === 'boolean') return { value: cell };
      if (['是', 'true', '1', 'Y', 'y', '√'].includes(text)) return { value: true };
      if (['否', 'false', '0', 'N', 'n', '×'].includes(text)) return { value: false };
      return { error: { rule: 'boolean', message: 'must be 是 or 否', messageZh: '应填“是”或“否”' } };
    }
    case 'date': {
      if (typeof cell === 'number') return { value: excelSerialToIso(cell) };
      const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text);
      if (!match) return { error: { rule: 'date', message: 'must be a date YYYY-MM-DD', messageZh: '日期格式应为 YYYY-MM-DD' } };
      return { value: `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}` };
    }
    case 'choice': {
      const choice = column.choices!.find((c) => c.label === text || c.value === text);
      if (!choice) {
        const allowed = column.choices!.map((c) => c.label).join('、');
        return { error: { rule: 'choice', message: `must be one of ${allowed}`, messageZh: `应为以下之一：${allowed}` } };
      }
      return { value: choice.value };
    }
    default:
      if (typeof cell === 'number') {
        // Spreadsheets turn digit strings into numbers; past 2^53 (an 18-digit ID number) digits are already lost.
        if (Number.isInteger(cell) && !Number.isSafeInteger(cell)) {
          return {
            error: {
              rule: 'stored_as_number',
              message: 'the spreadsheet stored this as a number and lost digits; format the column as text and enter it again',
              messageZh: '该单元格被表格软件存成了数字，位数已丢失；请将此列设为“文本”格式后重新填写',
            },
          };
        }
        return { value: Number.isInteger(cell) ? cell.toFixed(0) : text };
      }
      return { value: text };
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}

/** Header names the columns do not know (a typo would otherwise drop a column silently). */
export function unknownHeaders(columns: SheetColumn[], header: string[]): string[] {
  const known = new Set(columns.flatMap((c) => [c.header, c.path]));
  return header.filter((name) => name !== '' && !known.has(name));
}

/**
 * Sheet rows as field objects. An empty cell leaves its field out (the shared values or the
 * template default apply); a cell that does not convert is reported with its row and column.
 */
export function rowsFromSheet(columns: SheetColumn[], records: { row: number; values: Record<string, CellValue> }[]) {
  const byHeader = new Map(columns.flatMap((c) => [[c.header, c] as const, [c.path, c] as const]));
  const rows: { row: number; values: Record<string, unknown> }[] = [];
  const errors: CellError[] = [];
  for (const { row, values } of records) {
    const fields: Record<string, unknown> = {};
    let good = true;
    for (const [name, cell] of Object.entries(values)) {
      const column = byHeader.get(name);
      if (!column || cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '')) continue;
      const { value, error } = convert(column, cell);
      if (error) {
        good = false;
        errors.push({ row, field: column.header, ...error });
      } else setPath(fields, column.path, value);
    }
    if (good) rows.push({ row, values: fields });
  }
  return { rows, errors };
}

/** A field value as a person would type it in the column. */
export function cellText(column: SheetColumn, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (column.type === 'choice') return column.choices!.find((c) => c.value === value)?.label ?? String(value);
  if (column.type === 'boolean') return value ? '是' : '否';
  return String(value);
}

export function valueAt(fields: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), fields);
}
