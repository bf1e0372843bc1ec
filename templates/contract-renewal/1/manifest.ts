import { z } from 'zod';
import { defineTemplate } from '../../../src/templates/define.ts';
import { employerParty, employmentFields, priorContract, workerParty, exampleEmployer } from '../../../src/templates/fields.ts';

export default defineTemplate({
  id: 'contract-renewal',
  version: '1',
  title: '劳动合同续订书',
  kind: 'renewal',
  source: '按人力资源社会保障部2019年《劳动合同（通用）》示范文本所附劳动合同续订书的内容起草，并依据《中华人民共和国劳动合同法》第十四条、第十九条补充无固定期限劳动合同和不再约定试用期的条款',
  fields: z.object({
    employer: employerParty,
    worker: workerParty,
    priorContract,
    termType: employmentFields.termType,
    startDate: employmentFields.startDate.unwrap().describe('续订劳动合同的起始日期'),
    endDate: employmentFields.endDate,
    taskDescription: employmentFields.taskDescription,
    otherTerms: employmentFields.otherTerms,
  }),
  example: {
    employer: exampleEmployer,
    worker: {
      name: '陈静',
      idNumber: '140108199001044020',
      address: '山西省太原市尖草坪区和平北路30号4单元602室',
      phone: '13800000041',
    },
    priorContract: { number: 'HT-2023-0301', signedDate: '2023-02-20', startDate: '2023-03-01', endDate: '2026-02-28' },
    termType: 'fixed',
    startDate: '2026-03-01',
    endDate: '2029-02-28',
  },
});
