/** The organisation profile as the API takes it (admin registration, the employer's own update). */
import { z } from 'zod';
import { INDUSTRY_SECTIONS, industrySections, OWNERSHIP, ownershipCodes, SIZE_CLASSES, sizeClasses } from '../domain/reference/organisation-profile.ts';

/** One code of a list, refused with a rule naming the list and a Chinese message listing it (null clears). */
const codeOf = <T extends string>(codes: readonly T[], rule: string, messageZh: string) =>
  z
    .string()
    .nullable()
    .superRefine((value, ctx) => {
      if (value !== null && !codes.includes(value as T)) ctx.addIssue({ code: 'custom', message: `must be one of ${codes.join(', ')}`, params: { rule, messageZh } });
    })
    .transform((value) => value as T | null);

export const profileFields = {
  ownership: codeOf(
    ownershipCodes,
    'ownership_code',
    `控股情况代码应为：${Object.entries(OWNERSHIP)
      .map(([code, name]) => `${code} ${name}`)
      .join('、')}`,
  )
    .optional()
    .describe('控股情况 (国统字〔2005〕79号): 1 国有控股, 2 集体控股, 3 私人控股, 4 港澳台商控股, 5 外商控股, 9 其他'),
  industry: codeOf(industrySections, 'gbt4754_section', `行业门类应为 GB/T 4754-2017 的 A–T 之一（如 C ${INDUSTRY_SECTIONS.C}）`).optional().describe('GB/T 4754-2017 门类 A–T'),
  sizeClass: codeOf(
    sizeClasses,
    'size_class',
    `企业规模应为：${Object.entries(SIZE_CLASSES)
      .map(([code, size]) => `${code}（${size.nameZh}）`)
      .join('、')}`,
  )
    .optional()
    .describe('by 从业人员: large ≥ 1000, medium 300–999, small 20–299, micro < 20 (统计上大中小微型企业划分办法 2017, 工业 thresholds)'),
};

export const profileBody = z.strictObject(profileFields);

const named = z.object({ code: z.string(), nameZh: z.string() }).nullable();
export const profileView = z.object({ ownership: named, industry: named, sizeClass: named });
