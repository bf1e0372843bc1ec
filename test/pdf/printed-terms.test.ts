/**
 * The PDF prints what the data says (issue 22): agreed hours instead of the statutory text, the
 * employment form, part-time pay, 服务期 and 竞业限制 clauses, and the worker's own request for
 * a fixed term. Each case renders a template with changed fields and reads the text back.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ContractPdfRenderer } from '../../src/pdf/contract-renderer.ts';
import { TemplateCatalog } from '../../src/templates/catalog.ts';
import { needs, run } from '../helpers/tools.ts';

const catalog = await TemplateCatalog.load();
const renderer = new ContractPdfRenderer();
const work = mkdtempSync(path.join(tmpdir(), 'laborsign-printed-'));
const squash = (text: string) => text.replace(/\s+/g, '');

async function printed(templateId: string, change: (fields: Record<string, unknown>) => Record<string, unknown>): Promise<string> {
  const template = catalog.get(templateId)!;
  const fields = template.fieldsSchema.parse(change(structuredClone(template.example))) as Record<string, unknown>;
  const { pdf } = await renderer.renderTemplate({ template, fields, documentNumber: 'LS20260901PRINTED1', createdAt: new Date('2026-09-01T02:00:00Z') });
  const file = path.join(work, `${templateId}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return squash(run('pdftotext', [file, '-']).stdout);
}

t.test('劳动法 第三十六条: standard hours print the agreed figures, not the statutory text', needs('pdftotext'), async (t) => {
  for (const id of ['labor-contract-general', 'labor-contract-dispatch']) {
    const text = await printed(id, (f) => ({ ...f, hours: { system: 'standard', dailyHours: 7, weeklyHours: 35 } }));
    t.ok(text.includes('每日工作时间不超过7小时，每周工作时间不超过35小时'), `${id}: 7 h / 35 h printed`);
    t.notOk(text.includes('不超过八小时'), `${id}: no statutory 8 h text beside them`);
    const statutory = await printed(id, (f) => ({ ...f, hours: { system: 'standard' } }));
    t.ok(statutory.includes('每日工作时间不超过8小时，每周工作时间不超过40小时'), `${id}: without figures, the statutory limits`);
  }
});

t.test('劳动合同法 第六十八至七十二条: the same request shape prints a part-time contract', needs('pdftotext'), async (t) => {
  const text = await printed('labor-contract-general', (f) => {
    delete f.probation;
    return { ...f, employmentForm: 'part_time', hours: { system: 'standard', dailyHours: 4, weeklyHours: 20 }, wage: { hourly: 25, paymentIntervalDays: 15 } };
  });
  t.ok(text.includes('用工形式为非全日制用工'), 'employment form');
  t.ok(text.includes('小时工资为25.00元'), 'hourly wage');
  t.ok(text.includes('结算支付周期为15日'), 'pay period');
  t.ok(text.includes('本合同不约定试用期'), 'no probation');
  t.notOk(text.includes('乙方月工资为'), 'no monthly wage sentence');
  const own = await printed('labor-contract-part-time', (f) => f);
  t.ok(own.includes('非全日制用工劳动合同') && own.includes('结算支付周期为15日'), 'the part-time template');
});

t.test('劳动合同法 第二十二至二十四条, 第十四条: agreed clauses are printed', needs('pdftotext'), async (t) => {
  const text = await printed('labor-contract-general', (f) => ({
    ...f,
    nonCompete: { role: 'senior_technical', months: 24, monthlyCompensation: 3000, averageMonthlyWage: 10000 },
    serviceAgreement: { trainingCost: 20000, startDate: '2026-10-01', endDate: '2029-09-30', penalty: 20000 },
    employmentStartDate: '2026-09-10',
  }));
  t.ok(text.includes('乙方属于高级技术人员，竞业限制期限为本合同解除或者终止后24个月'), 'non-compete');
  t.ok(text.includes('每月向乙方支付经济补偿3,000.00元') || text.includes('经济补偿3000.00元'), 'compensation');
  t.ok(text.includes('专项培训费用20,000.00元') || text.includes('专项培训费用20000.00元'), 'service period');
  t.ok(text.includes('乙方自2026年9月10日起实际为甲方提供劳动'), '用工之日');
  const renewal = await printed('contract-renewal', (f) => ({ ...f, priorFixedTermContracts: 2, workerRequestsFixedTerm: true }));
  t.ok(renewal.includes('本次续订固定期限劳动合同系乙方本人提出'), "the worker's request for a fixed term, for the worker to confirm");
});
