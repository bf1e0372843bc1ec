import { z } from 'zod';
import { defineTemplate } from '../../../src/templates/define.ts';
import { employerParty, hours, isoDate, priorContract, workerParty, yuan, exampleEmployer, text } from '../../../src/templates/fields.ts';

const textChange = z.object({ before: text(200).min(1), after: text(200).min(1) });

/** Each changeable item as before/after; items left out stay as the prior contract says. */
const changes = z
  .object({
    jobTitle: textChange.optional().describe('工作岗位'),
    workplace: textChange.optional().describe('工作地点'),
    hoursSystem: z.object({ before: hours.shape.system, after: hours.shape.system }).optional().describe('工时制度'),
    monthlyWage: z.object({ before: yuan, after: yuan }).optional().describe('月工资'),
    endDate: z.object({ before: isoDate, after: isoDate }).optional().describe('劳动合同终止日期'),
    other: z
      .object({ item: text(100).min(1), before: text(500).min(1), after: text(500).min(1) })
      .optional()
      .describe('其他变更事项'),
  })
  .refine((items) => Object.values(items).some((item) => item !== undefined), '至少应当列明一项变更事项');

export default defineTemplate({
  id: 'contract-change',
  version: '1',
  title: '劳动合同变更书',
  kind: 'change',
  source: '按人力资源社会保障部2019年《劳动合同（通用）》示范文本所附劳动合同变更书的内容起草，依据《中华人民共和国劳动合同法》第三十五条采用书面形式列明变更事项',
  fields: z.object({
    employer: employerParty,
    worker: workerParty,
    priorContract,
    changes,
    reason: text(500).optional().describe('变更原因'),
    effectiveDate: isoDate.describe('变更内容开始执行的日期'),
  }),
  example: {
    employer: exampleEmployer,
    worker: {
      name: '张伟',
      idNumber: '140105198811186051',
      address: '山西省太原市小店区体育路55号2单元401室',
      phone: '13800000051',
    },
    priorContract: { number: 'HT-2025-0607', signedDate: '2025-06-01', startDate: '2025-06-09', endDate: '2028-06-08' },
    changes: {
      jobTitle: { before: '行政专员', after: '行政主管' },
      monthlyWage: { before: 5500, after: 6800 },
    },
    reason: '乙方经甲方内部竞聘晋升为行政主管',
    effectiveDate: '2026-10-01',
  },
});
