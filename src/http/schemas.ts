/** zod building blocks shared by request schemas (they also feed the OpenAPI document). Free text: `text` (src/support/text.ts). */
import { text } from '../support/text.ts';

export { text };
import { z } from 'zod';
import { isIsoDate, shanghaiDayEnd, shanghaiDayStart } from '../domain/calendar.ts';
import { parseResidentId, parseUscc } from '../domain/identity.ts';
import { checkRegionCode } from '../domain/reference/divisions.ts';

export const uuidParam = z.object({ id: z.uuid() });
export const regionCode = z.string().regex(/^\d{2}(\d{2}){0,2}$/, 'must be a 行政区划代码 of 2, 4 or 6 digits');
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.uuid().optional(),
});

/** A calendar date in an answer: `YYYY-MM-DD` (OpenAPI `format: date`). */
export const dayView = z.iso.date();

/**
 * A day kept as a Date at 00:00 UTC (PostgreSQL `date` columns, e.g. a contract's start and end),
 * answered as the calendar day it stands for: `YYYY-MM-DD`, the day of the contract in China.
 */
export const dayColumnView = z
  .codec(z.iso.date(), z.date(), { decode: (day) => new Date(`${day}T00:00:00Z`), encode: (date) => date.toISOString().slice(0, 10) })
  .meta({ type: 'string', format: 'date', description: 'a calendar day, YYYY-MM-DD' });

/**
 * A success answer sent as bytes (a PDF, ZIP, CSV, DER file…): its media types with a binary
 * string schema. Fastify sends the bytes as they are; the schema describes them for /openapi.json.
 */
export function rawAnswer(description: string, ...mediaTypes: string[]) {
  // Typed as the bytes handlers send; described as OpenAPI's binary string.
  const schema = z.custom<Buffer | string>((value) => Buffer.isBuffer(value) || typeof value === 'string').meta({ type: 'string', format: 'binary' });
  return { description, content: Object.fromEntries(mediaTypes.map((type) => [type, { schema }])) };
}

/**
 * An instant given as an RFC 3339 date-time with its offset, or as a calendar date read in Beijing
 * time: the day's first moment (`start`) or its last (`end`, so the whole day is included).
 */
export const beijingInstant = (edge: 'start' | 'end') =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })])
    .transform((value) => (isIsoDate(value) ? (edge === 'start' ? shanghaiDayStart(value) : shanghaiDayEnd(value)) : new Date(value)))
    .meta({ examples: [edge === 'start' ? '2026-12-05' : '2027-12-04', '2026-12-05T09:00:00+08:00'] });

/** A real calendar day (2026-02-30 is refused, not turned into an Invalid Date further in). */
export const calendarDate = z
  .string()
  .refine(isIsoDate, { message: 'must be a calendar date YYYY-MM-DD', params: { rule: 'calendar_date', messageZh: '日期应为有效的 YYYY-MM-DD' } })
  .meta({ format: 'date', examples: ['2026-09-15'] });

export const sixDigitRegionCode = z
  .string()
  .regex(/^\d{6}$/, 'must be a 6-digit 行政区划代码')
  .superRefine((value, ctx) => {
    // GB/T 2260: a code in force, not just six digits with a known province (src/domain/reference/divisions.ts).
    const checked = /^\d{6}$/.test(value) ? checkRegionCode(value) : { ok: true as const };
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.reason, params: { rule: 'region_code', messageZh: checked.reasonZh } });
  });

export const usccSchema = z
  .string()
  .trim()
  .toUpperCase()
  .superRefine((value, ctx) => {
    const checked = parseUscc(value);
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.reason, params: { rule: 'uscc' } });
  })
  .describe('统一社会信用代码 (18 characters, GB 32100 check character)');

export const organisationView = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  uscc: z.string(),
  legalRepresentative: z.string(),
  address: z.string(),
  regionCode: z.string(),
  phone: z.string().nullable(),
  dispatchLicence: z.string().nullable(),
  ownership: z.string().nullable(),
  industry: z.string().nullable(),
  sizeClass: z.string().nullable(),
  createdAt: z.date(),
});

/** One roster hire (用工备案), as the API body and as a row of an uploaded sheet. */
export const rosterHire = z.object({
  worker: z.object({
    name: text(50).min(1, '姓名不能为空'),
    idNumber: text(18)
      .toUpperCase()
      .refine((id) => parseResidentId(id).ok, '身份证号码无效（校验码不符或格式错误）'),
    phone: z
      .string()
      .regex(/^1\d{10}$/, '手机号码应为11位')
      .optional(),
  }),
  hireDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
    .describe('用工之日'),
  employmentForm: z.enum(['labor_contract', 'dispatch', 'part_time']),
  post: text(100).optional(),
  postCategory: text(100).optional(),
  agencyUscc: text(18, { min: 18 }).optional().describe('for dispatched workers: the 劳务派遣单位'),
});

/** Column headers of the roster sheet (Chinese, as employers' HR systems export them). */
export const rosterColumns = {
  姓名: 'worker.name',
  身份证号码: 'worker.idNumber',
  手机号码: 'worker.phone',
  用工起始日期: 'hireDate',
  用工形式: 'employmentForm',
  岗位: 'post',
  派遣单位统一社会信用代码: 'agencyUscc',
} as const;
export const employmentFormNames: Record<string, string> = { 劳动合同: 'labor_contract', 劳务派遣: 'dispatch', 非全日制: 'part_time' };
