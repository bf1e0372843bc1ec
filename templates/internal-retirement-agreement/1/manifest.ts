import { z } from 'zod';
import { defineTemplate } from '../../../src/templates/define.ts';
import { employerParty, internalRetirementDetails, isoDate, priorContract, text, workerParty, exampleEmployer } from '../../../src/templates/fields.ts';

export default defineTemplate({
  id: 'internal-retirement-agreement',
  version: '1',
  title: '内部退养协议',
  kind: 'internal_retirement',
  source:
    '依据《国有企业富余职工安置规定》（国务院令第111号）第九条关于职工距退休年龄不到五年可以退出工作岗位休养的规定、山西省关于内部退养生活费不低于当地最低工资标准百分之八十的规定以及《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》起草',
  fields: z.object({
    employer: employerParty,
    worker: workerParty,
    priorContract: priorContract.optional().describe('双方现行的劳动合同；内部退养期间继续履行'),
    jobTitle: text(100).optional().describe('退养前的工作岗位'),
    applicationDate: isoDate.describe('乙方书面申请内部退养的日期'),
    internalRetirement: internalRetirementDetails,
    allowancePayDay: z.number().int().min(1).max(31).describe('每月支付生活费的日期'),
    housingFund: z.boolean().default(true).describe('内部退养期间继续缴存住房公积金'),
    otherTerms: text(2000).optional().describe('双方约定的其他事项'),
  }),
  example: {
    employer: exampleEmployer,
    worker: {
      name: '刘志刚',
      idNumber: '140105196703120814',
      address: '山西省太原市小店区坞城路26号5单元102室',
      phone: '13800000031',
    },
    priorContract: { number: 'JY-2008-0315', startDate: '2008-07-01' },
    jobTitle: '设备管理员',
    applicationDate: '2026-08-20',
    internalRetirement: {
      workerBirthDate: '1967-03-12',
      workerCategory: 'male',
      startDate: '2026-10-01',
      monthlyAllowance: 3200,
    },
    allowancePayDay: 10,
    housingFund: true,
  },
});
