/** zod building blocks shared by request schemas (they also feed the OpenAPI document). */
import { z } from 'zod';
import { parseUscc } from '../domain/identity.ts';

export const uuidParam = z.object({ id: z.uuid() });
export const regionCode = z.string().regex(/^\d{2}(\d{2}){0,2}$/, 'must be a 行政区划代码 of 2, 4 or 6 digits');
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.uuid().optional(),
});

export const sixDigitRegionCode = z.string().regex(/^\d{6}$/, 'must be a 6-digit 行政区划代码');

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
  createdAt: z.date(),
});

