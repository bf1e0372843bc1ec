/** zod building blocks shared by request schemas (they also feed the OpenAPI document). */
import { z } from 'zod';

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
    const problem = usccProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { rule: 'uscc_check_character' } });
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

// TEMP until src/domain/identity.ts lands
function usccProblem(value: string): string | undefined {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(value)) return 'must be an 18-character 统一社会信用代码';
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...value.slice(0, 17)].reduce((acc, ch, i) => acc + alphabet.indexOf(ch) * weights[i]!, 0);
  return alphabet[(31 - (sum % 31)) % 31] === value[17] ? undefined : 'check character does not match (GB 32100)';
}
