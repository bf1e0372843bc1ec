/** The supervision report (src/domain/supervision) as the API answers it: the employer's own view and an inspector's. */
import { z } from 'zod';

export const signingRateView = z.object({
  required: z.number().int().describe('active roster lines owed a written contract'),
  signed: z.number().int().describe('of those, the ones with a contract binding on the day'),
  rate: z.number().optional().describe('signed / required; absent when nobody is owed a contract'),
  unsignedWorkerKeys: z.array(z.string()),
});

export const supervisionReportView = z.object({
  asOf: z.iso.date(),
  employerUscc: z.string(),
  headcount: z.object({ active: z.number().int(), contracted: z.number().int(), dispatchedIn: z.number().int(), partTime: z.number().int() }),
  signing: signingRateView,
  alerts: z.array(
    z.object({
      code: z.string().describe('e.g. ART10_NO_WRITTEN_CONTRACT'),
      article: z.string().describe('the legal basis, e.g. 劳动合同法 第十条、第八十二条'),
      severity: z.string(),
      workerKey: z.string().optional(),
      contractId: z.string().optional(),
      messageZh: z.string(),
      messageEn: z.string(),
      details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string()).readonly()])),
    }),
  ),
  summary: z.object({ total: z.number().int(), errors: z.number().int(), warnings: z.number().int(), byCode: z.record(z.string(), z.number().int()) }),
});
