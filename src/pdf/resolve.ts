/**
 * Template tree + field values → the styled flow the layout engine sets: conditions decided,
 * placeholders formatted, chapters and articles numbered. Pure; no fonts, no PDF.
 */
import type { Block, Condition, Inline } from '../templates/markup.ts';
import { amountInCapitals, chineseDate, chineseNumeral, money } from '../templates/format.ts';
import type { FaceName } from './fonts.ts';

export interface Span {
  text: string;
  face: FaceName;
  /** A filled-in value: underlined, and the source field for error messages. */
  field?: string;
  /** A choose-one box; ticked or not. */
  box?: { ticked: boolean };
}

export type FlowItem =
  | { kind: 'text'; role: 'title' | 'chapter' | 'heading' | 'body'; align: 'indent' | 'left' | 'center' | 'right'; option: boolean; spans: Span[] }
  | { kind: 'table'; widths: number[]; rows: { header: boolean; spans: Span[] }[][] }
  | { kind: 'pagebreak' }
  | { kind: 'signatures'; parties: { mode: 'seal' | 'sign'; role: string; label: Span[] }[] };

export interface ResolveContext {
  fields: Record<string, unknown>;
  documentNumber: string;
  /** ISO date of the document ($date). */
  documentDate: string;
  /** Inside ::: each: the current element ($item) and its 1-based position ($index). */
  item?: unknown;
  index?: number;
}

export function valueAt(context: ResolveContext, path: string): unknown {
  if (path === '$number') return context.documentNumber;
  if (path === '$date') return context.documentDate;
  if (path === '$index') return context.index;
  const [root, keys] = path === '$item' || path.startsWith('$item.') ? [context.item, path.split('.').slice(1)] : [context.fields, path.split('.')];
  let value: unknown = root;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const isPresent = (value: unknown) => value !== undefined && value !== null && value !== false && value !== '';

export function holds(condition: Condition, context: ResolveContext): boolean {
  const value = valueAt(context, condition.path);
  switch (condition.op) {
    case 'truthy':
      return isPresent(value);
    case 'falsy':
      return !isPresent(value);
    case 'eq':
      return isPresent(value) && String(value) === condition.value;
    case 'ne':
      return !isPresent(value) || String(value) !== condition.value;
  }
}

export function enumLabels(argument: string): Map<string, string> {
  return new Map(
    argument.split(',').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()] as [string, string];
    }),
  );
}

/** A field written the way the template asks. */
export function formatValue(value: unknown, format: string | undefined, argument: string | undefined): string {
  const empty = !isPresent(value) && value !== false;
  if (format === 'or') return empty ? (argument ?? '/') : formatValue(value, undefined, undefined);
  if (empty) return '/';
  switch (format) {
    case 'date':
      return chineseDate(String(value));
    case 'money':
      return typeof value === 'number' ? money(value) : String(value);
    case 'rmb':
      return typeof value === 'number' ? amountInCapitals(value) : String(value);
    case 'enum':
      return enumLabels(argument ?? '').get(String(value)) ?? String(value);
    default:
      if (typeof value === 'boolean') return value ? '是' : '否';
      return String(value);
  }
}

function spans(content: Inline[], face: FaceName, context: ResolveContext): Span[] {
  return content.map((inline): Span => {
    switch (inline.kind) {
      case 'text':
        return { text: inline.text, face };
      case 'field':
        return { text: formatValue(valueAt(context, inline.path), inline.format, inline.argument), face: 'song', field: inline.path };
      case 'box':
        return { text: '□', face: 'song', box: { ticked: holds(inline.condition, context) } };
    }
  });
}

export function resolve(blocks: Block[], rootContext: ResolveContext): FlowItem[] {
  const flow: FlowItem[] = [];
  let chapter = 0;
  let article = 0;
  const walk = (list: Block[], context: ResolveContext) => {
    for (const block of list) {
      switch (block.kind) {
        case 'title':
          flow.push({ kind: 'text', role: 'title', align: 'center', option: false, spans: spans(block.content, 'hei', context) });
          break;
        case 'chapter':
          chapter += 1;
          flow.push({ kind: 'text', role: 'chapter', align: 'center', option: false, spans: [{ text: `第${chineseNumeral(chapter)}章　`, face: 'hei' }, ...spans(block.content, 'hei', context)] });
          break;
        case 'heading':
          flow.push({ kind: 'text', role: 'heading', align: 'left', option: false, spans: spans(block.content, 'hei', context) });
          break;
        case 'article':
          article += 1;
          flow.push({ kind: 'text', role: 'body', align: 'indent', option: false, spans: [{ text: `第${chineseNumeral(article)}条　`, face: 'hei' }, ...spans(block.content, 'song', context)] });
          break;
        case 'paragraph':
          flow.push({ kind: 'text', role: 'body', align: block.align, option: block.content[0]?.kind === 'box', spans: spans(block.content, 'song', context) });
          break;
        case 'table':
          flow.push({
            kind: 'table',
            widths: block.widths,
            rows: block.rows.map((row) => row.map((cell) => ({ header: cell.header, spans: spans(cell.content, cell.header ? 'hei' : 'song', context) }))),
          });
          break;
        case 'pagebreak':
          flow.push({ kind: 'pagebreak' });
          break;
        case 'if':
          walk(holds(block.condition, context) ? block.then : block.otherwise, context);
          break;
        case 'each': {
          const items = valueAt(context, block.path);
          if (Array.isArray(items)) items.forEach((item, i) => walk(block.body, { ...context, item, index: i + 1 }));
          break;
        }
        case 'signatures':
          flow.push({ kind: 'signatures', parties: block.parties.map((party) => ({ mode: party.mode, role: party.role, label: spans(party.label, 'hei', context) })) });
          break;
      }
    }
  };
  walk(blocks, rootContext);
  return flow;
}

/** The characters of a template's own text, per face: what every document of it uses. */
export function templateCharacters(blocks: Block[]): Record<FaceName, Set<string>> {
  const result: Record<FaceName, Set<string>> = { song: new Set(), hei: new Set() };
  const add = (face: FaceName, text: string) => {
    for (const character of text) result[face].add(character);
  };
  const inlines = (content: Inline[], face: FaceName) => {
    for (const inline of content) {
      if (inline.kind === 'text') add(face, inline.text);
      if (inline.kind === 'field' && inline.format === 'enum') for (const label of enumLabels(inline.argument ?? '').values()) add('song', label);
      if (inline.kind === 'field' && inline.format === 'or') add('song', inline.argument ?? '');
    }
  };
  const walk = (list: Block[]) => {
    for (const block of list) {
      if (block.kind === 'title' || block.kind === 'chapter' || block.kind === 'heading') inlines(block.content, 'hei');
      if (block.kind === 'article' || block.kind === 'paragraph') inlines(block.content, 'song');
      if (block.kind === 'table') block.rows.flat().forEach((cell) => inlines(cell.content, cell.header ? 'hei' : 'song'));
      if (block.kind === 'signatures') block.parties.forEach((party) => inlines(party.label, 'hei'));
      if (block.kind === 'if') {
        walk(block.then);
        walk(block.otherwise);
      }
      if (block.kind === 'each') walk(block.body);
    }
  };
  walk(blocks);
  add('hei', '第章条一二三四五六七八九十〇　');
  // Digits, Latin letters and the characters of dates, amounts and the footer.
  add('song', ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~');
  add('song', '年月日第页共合同报告编号：零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整是否□√/预览');
  return result;
}
