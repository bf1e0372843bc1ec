/** A batch's sheet columns and the example sheet to fill, from the template's field schema. */
import { Problem } from '../../problem.ts';
import { cellText, sheetColumns, valueAt, type SheetColumn } from '../../sheets/batch-sheet.ts';
import { toCsv } from '../../sheets/csv.ts';
import { writeXlsx } from '../../sheets/xlsx.ts';
import type { TemplateCatalog } from '../../templates/catalog.ts';

export class BatchSheets {
  constructor(private readonly deps: { templates: TemplateCatalog }) {}

  /** The template a batch may use: a public one that makes contracts (a 400 naming templateId otherwise). */
  template(templateId: string) {
    const template = this.deps.templates.get(templateId);
    if (!template || template.internal)
      throw Problem.badRequest([{ field: 'templateId', in: 'query', rule: 'template_exists', message: `no template ${templateId}`, messageZh: `没有模板 ${templateId}` }]);
    // 续订/变更/证明书 belong to one existing contract each; a batch creates new contracts.
    if (!template.toContractTerms(template.example))
      throw Problem.badRequest([
        { field: 'templateId', in: 'query', rule: 'contract_template', message: 'a batch creates contracts; this template is issued by its own workflow', messageZh: '批量签署只适用于劳动合同类模板' },
      ]);
    return template;
  }

  /** A template's batch columns (Chinese headers, types, choices). */
  columns(templateId: string): SheetColumn[] {
    return sheetColumns(this.template(templateId).fieldsSchema);
  }

  /** A sheet to fill: the headers, the template's example as the first row, and (XLSX) a sheet explaining each column. */
  async exampleSheet(templateId: string, format: 'csv' | 'xlsx'): Promise<Uint8Array> {
    const template = this.template(templateId);
    const columns = sheetColumns(template.fieldsSchema);
    const header = columns.map((c) => c.header);
    const example = columns.map((c) => cellText(c, valueAt(template.example, c.path)));
    if (format === 'csv') return Buffer.from(toCsv([header, example]), 'utf8');
    const typeNames = { text: '文本', number: '数字', integer: '整数', boolean: '是/否', date: '日期 YYYY-MM-DD', choice: '选项' };
    const guide = [
      ['列名', '字段', '类型', '必填', '可填的值', '说明'],
      ...columns.map((c) => [c.header, c.path, typeNames[c.type], c.required ? '是' : '否', c.choices?.map((o) => o.label).join('、') ?? '', c.description ?? '']),
    ];
    return writeXlsx([
      {
        name: template.title,
        rows: [header, example],
        textColumns: columns.flatMap((c, i) => (c.type === 'text' || c.type === 'date' ? [i] : [])),
        widths: columns.map((c) => Math.max(12, c.header.length * 2 + 2)),
      },
      { name: '填写说明', rows: guide, widths: [22, 28, 16, 18, 40, 60] },
    ]);
  }
}
