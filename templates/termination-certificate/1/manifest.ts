import { z } from 'zod';
import { defineTemplate } from '../../../src/templates/define.ts';
import { employerParty, isoDate, priorContract, termType, text, workerParty, exampleEmployer } from '../../../src/templates/fields.ts';

export default defineTemplate({
  id: 'termination-certificate',
  version: '1',
  title: '解除（终止）劳动合同证明书',
  kind: 'termination_certificate',
  source: '依据《中华人民共和国劳动合同法》第五十条和《中华人民共和国劳动合同法实施条例》第二十四条（证明应当写明劳动合同期限、解除或者终止劳动合同的日期、工作岗位、在本单位的工作年限）起草',
  fields: z.object({
    employer: employerParty,
    worker: workerParty,
    priorContract,
    priorTermType: termType.describe('原劳动合同的期限类型'),
    jobTitle: text(100).min(1).describe('解除或者终止前的工作岗位'),
    ending: z.enum(['rescission', 'termination']).describe('解除 / 终止'),
    endingDate: isoDate.describe('解除或者终止劳动合同的日期'),
    reason: text(500).min(1).describe('解除或者终止的原因及法律依据'),
    serviceStartDate: isoDate.describe('在本单位工作的起始日期'),
    serviceYears: z.number().int().nonnegative().describe('在本单位的工作年限：整年数'),
    serviceMonths: z.number().int().min(0).max(11).describe('在本单位的工作年限：不满一年的月数'),
  }),
  example: {
    employer: exampleEmployer,
    worker: {
      name: '周鹏',
      idNumber: '140121199305272015',
      address: '山西省太原市清徐县清源镇文源路18号',
      phone: '13800000061',
    },
    priorContract: { number: 'HT-2023-1009', signedDate: '2023-09-28', startDate: '2023-10-09', endDate: '2026-10-08' },
    priorTermType: 'fixed',
    jobTitle: '销售代表',
    ending: 'termination',
    endingDate: '2026-10-08',
    reason: '劳动合同期满，劳动者不同意续订，依据《中华人民共和国劳动合同法》第四十四条第一项终止',
    serviceStartDate: '2023-10-09',
    serviceYears: 3,
    serviceMonths: 0,
  },
});
