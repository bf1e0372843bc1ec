import { z } from 'zod';
import { defineTemplate } from '../../../src/templates/define.ts';
import { dispatchDetails, employmentFields } from '../../../src/templates/fields.ts';

export default defineTemplate({
  id: 'labor-contract-dispatch',
  version: '1',
  title: '劳动合同（劳务派遣）',
  kind: 'dispatch',
  source: '按人力资源社会保障部2019年发布的劳动合同示范文本的章节结构起草，劳务派遣条款依据《中华人民共和国劳动合同法》第五十七条至第六十七条和《劳务派遣暂行规定》（人力资源社会保障部令第22号）撰写',
  fields: z.object({
    ...employmentFields,
    // The employer party is the dispatch agency (劳务派遣单位).
    dispatch: dispatchDetails,
  }),
  example: {
    employer: {
      name: '山西并州人力资源服务有限公司',
      uscc: '91140105MA0L2Q7N5R',
      legalRepresentative: '郭建平',
      address: '山西省太原市小店区亲贤北街66号',
      regionCode: '140105',
      phone: '0351-7000200',
    },
    worker: {
      name: '赵磊',
      idNumber: '140105199506080036',
      address: '山西省太原市小店区许坦西街12号1单元301室',
      phone: '13800000011',
    },
    termType: 'fixed',
    startDate: '2026-10-01',
    endDate: '2028-09-30',
    probation: { startDate: '2026-10-01', endDate: '2026-11-30', monthlyWage: 3800 },
    jobTitle: '仓储理货员',
    jobDescription: '负责用工单位配送中心商品的入库验收、分拣、上架和出库复核',
    workplace: '山西省太原市万柏林区长风西街9号用工单位配送中心',
    hours: { system: 'standard', dailyHours: 8, weeklyHours: 40 },
    wage: { monthly: 4200, payDay: 15, structure: '月工资由基本工资3600元和岗位津贴600元构成，加班费和绩效奖金由用工单位按月核定后随工资发放' },
    socialInsurance: true,
    laborProtection: '用工单位提供防砸劳保鞋、防护手套和反光背心，叉车等设备由持证人员操作，仓库配备消防器材和防暑降温设施',
    dispatch: {
      agencyName: '山西并州人力资源服务有限公司',
      agencyUscc: '91140105MA0L2Q7N5R',
      licenceNumber: '14010520230018',
      hostEmployerName: '太原汾河商贸有限公司',
      hostEmployerUscc: '91140109MA0N3C5D8E',
      postNature: 'auxiliary',
      postCategory: '仓储物流辅助岗位',
      assignmentStartDate: '2026-10-01',
      assignmentEndDate: '2027-09-30',
      idlePayMonthly: 1980,
    },
  },
});
