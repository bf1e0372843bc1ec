/**
 * The template markup (docs/TEMPLATES.md) parsed into a tree the renderer walks. Parsing is
 * strict: an unknown directive or an unclosed block is an error with its line number, so a
 * broken template fails its tests instead of rendering half a contract.
 */

export type Condition = { path: string; op: 'truthy' | 'falsy' | 'eq' | 'ne'; value?: string };

export type Inline = { kind: 'text'; text: string } | { kind: 'field'; path: string; format?: string; argument?: string } | { kind: 'box'; condition: Condition };

export type Align = 'indent' | 'left' | 'center' | 'right';

export interface SignatureParty {
  mode: 'seal' | 'sign';
  role: string;
  label: Inline[];
}

export interface TableCell {
  header: boolean;
  content: Inline[];
}

export type Block =
  | { kind: 'title'; content: Inline[] }
  | { kind: 'chapter'; content: Inline[] }
  | { kind: 'heading'; content: Inline[] }
  | { kind: 'article'; content: Inline[] }
  | { kind: 'paragraph'; align: Align; content: Inline[] }
  | { kind: 'table'; widths: number[]; rows: TableCell[][] }
  | { kind: 'pagebreak' }
  | { kind: 'if'; condition: Condition; then: Block[]; otherwise: Block[] }
  /** The body once per element of a list field; inside it `$item.x` and `$index` (from 1). */
  | { kind: 'each'; path: string; body: Block[] }
  | { kind: 'signatures'; parties: SignatureParty[] };

export class TemplateSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export const signatureRoles = ['employer', 'worker', 'agency', 'host', 'platform'] as const;
const pathPattern = /^\$?[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/;

export function parseCondition(source: string, line: number): Condition {
  const text = source.trim();
  const match = /^(!?)([^=!]+?)\s*(?:(!?=)\s*(.+))?$/.exec(text);
  if (!match || !pathPattern.test(match[2]!.trim())) throw new TemplateSyntaxError(line, `bad condition "${source}"`);
  const [, negated, path, operator, value] = match as unknown as [string, string, string, string | undefined, string | undefined];
  if (operator && negated) throw new TemplateSyntaxError(line, `bad condition "${source}": use path!=value`);
  if (operator === '=') return { path: path.trim(), op: 'eq', value: value!.trim() };
  if (operator === '!=') return { path: path.trim(), op: 'ne', value: value!.trim() };
  return { path: path.trim(), op: negated ? 'falsy' : 'truthy' };
}

const inlinePattern = /\{\{\s*([^}|]+?)\s*(?:\|\s*([a-z]+)(?::([^}]*))?)?\s*\}\}|\[\?\s*([^\]]+)\]/g;
const formats = new Set(['date', 'money', 'rmb', 'or', 'enum']);

export function parseInline(source: string, line: number): Inline[] {
  const result: Inline[] = [];
  let last = 0;
  for (const match of source.matchAll(inlinePattern)) {
    if (match.index > last) result.push({ kind: 'text', text: source.slice(last, match.index) });
    last = match.index + match[0].length;
    const [, path, format, argument, condition] = match;
    if (condition !== undefined) {
      result.push({ kind: 'box', condition: parseCondition(condition, line) });
      continue;
    }
    if (!pathPattern.test(path!)) throw new TemplateSyntaxError(line, `bad field path "${path}"`);
    if (format !== undefined && !formats.has(format)) throw new TemplateSyntaxError(line, `unknown format "${format}" (date, money, rmb, or, enum)`);
    if (format === 'enum' && !argument) throw new TemplateSyntaxError(line, 'enum needs labels: {{path|enum:a=…,b=…}}');
    result.push({ kind: 'field', path: path!, ...(format ? { format } : {}), ...(argument !== undefined ? { argument } : {}) });
  }
  if (last < source.length) result.push({ kind: 'text', text: source.slice(last) });
  if (result.some((inline) => inline.kind === 'text' && /\{\{|\}\}|\[\?/.test(inline.text))) throw new TemplateSyntaxError(line, 'unterminated {{…}} or [? …]');
  return result;
}

function tableRow(source: string, line: number): string[] {
  const trimmed = source.trim();
  if (!trimmed.endsWith('|')) throw new TemplateSyntaxError(line, 'a table row ends with |');
  // Split on | outside {{…}}, where | introduces a format.
  const cells: string[] = [];
  let cell = '';
  let depth = 0;
  const inner = trimmed.slice(1, -1);
  for (let i = 0; i < inner.length; i++) {
    if (inner.startsWith('{{', i)) depth++;
    if (inner.startsWith('}}', i)) depth = Math.max(0, depth - 1);
    if (inner[i] === '|' && depth === 0) {
      cells.push(cell.trim());
      cell = '';
    } else cell += inner[i];
  }
  cells.push(cell.trim());
  return cells;
}

interface Frame {
  kind: 'root' | 'if' | 'each' | 'signatures';
  line: number;
  blocks: Block[];
  node?: Extract<Block, { kind: 'if' }>;
  inElse?: boolean;
  signatures?: Extract<Block, { kind: 'signatures' }>;
  each?: Extract<Block, { kind: 'each' }>;
}

export function parseMarkup(source: string): Block[] {
  const root: Frame = { kind: 'root', line: 0, blocks: [] };
  const stack: Frame[] = [root];
  let paragraph: { block: Extract<Block, { kind: 'paragraph' | 'article' }>; text: string; line: number } | undefined;
  let table: { widths?: number[]; rows: string[][]; line: number } | undefined;

  const frame = () => stack[stack.length - 1]!;
  const target = () => {
    const top = frame();
    if (top.each) return top.each.body;
    return top.node ? (top.inElse ? top.node.otherwise : top.node.then) : top.blocks;
  };
  const flush = () => {
    if (paragraph) {
      paragraph.block.content = parseInline(paragraph.text, paragraph.line);
      paragraph = undefined;
    }
    if (table) {
      const columns = table.widths?.length ?? table.rows[0]?.length ?? 0;
      if (table.rows.some((row) => row.length !== columns)) throw new TemplateSyntaxError(table.line, `every table row needs ${columns} cells`);
      const rows = table.rows.map((row) =>
        row.map((cell) => (cell.startsWith('!') ? { header: true, content: parseInline(cell.slice(1).trim(), table!.line) } : { header: false, content: parseInline(cell, table!.line) })),
      );
      target().push({ kind: 'table', widths: table.widths ?? Array.from({ length: columns }, () => 1), rows });
      table = undefined;
    }
  };
  const startParagraph = (block: Extract<Block, { kind: 'paragraph' | 'article' }>, text: string, line: number) => {
    flush();
    target().push(block);
    paragraph = { block, text, line };
  };

  source.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trimEnd();
    if (text.startsWith('% ') || text === '%') return;
    if (frame().kind === 'signatures' && !text.startsWith(':::')) {
      if (text.trim() === '') return;
      const match = /^(seal|sign)\s+(\S+)\s+(.+)$/.exec(text.trim());
      if (!match) throw new TemplateSyntaxError(line, 'a signature line is "seal|sign <role> <label>"');
      if (!(signatureRoles as readonly string[]).includes(match[2]!)) throw new TemplateSyntaxError(line, `unknown signature role "${match[2]}"`);
      frame().signatures!.parties.push({ mode: match[1] as 'seal' | 'sign', role: match[2]!, label: parseInline(match[3]!, line) });
      return;
    }
    if (text.trim() === '') return flush();
    if (text.startsWith('|')) {
      if (paragraph) flush();
      table ??= { rows: [], line };
      if (text.startsWith('|~')) {
        if (table.rows.length > 0 || table.widths) throw new TemplateSyntaxError(line, 'column widths come first in a table');
        table.widths = tableRow(text.replace('|~', '|'), line).map((w) => {
          const width = Number(w);
          if (!(width > 0)) throw new TemplateSyntaxError(line, `bad column width "${w}"`);
          return width;
        });
      } else table.rows.push(tableRow(text, line));
      return;
    }
    if (table) flush();
    if (text.startsWith(':::')) {
      flush();
      const directive = text.slice(3).trim();
      if (directive.startsWith('if ')) {
        const node: Extract<Block, { kind: 'if' }> = { kind: 'if', condition: parseCondition(directive.slice(3), line), then: [], otherwise: [] };
        target().push(node);
        stack.push({ kind: 'if', line, blocks: [], node });
      } else if (directive.startsWith('each ')) {
        const path = directive.slice(5).trim();
        if (!pathPattern.test(path) || path.startsWith('$')) throw new TemplateSyntaxError(line, `bad list path "${path}"`);
        const each: Extract<Block, { kind: 'each' }> = { kind: 'each', path, body: [] };
        target().push(each);
        stack.push({ kind: 'each', line, blocks: [], each });
      } else if (directive === 'else') {
        const top = frame();
        if (top.kind !== 'if' || top.inElse) throw new TemplateSyntaxError(line, '::: else without ::: if');
        top.inElse = true;
      } else if (directive === 'signatures') {
        const signatures: Extract<Block, { kind: 'signatures' }> = { kind: 'signatures', parties: [] };
        target().push(signatures);
        stack.push({ kind: 'signatures', line, blocks: [], signatures });
      } else if (directive === 'end') {
        if (stack.length === 1) throw new TemplateSyntaxError(line, '::: end without an open block');
        const closed = stack.pop()!;
        if (closed.signatures?.parties.length === 0) {
          throw new TemplateSyntaxError(closed.line, 'empty signature block');
        }
      } else throw new TemplateSyntaxError(line, `unknown block "::: ${directive}"`);
      return;
    }
    const heading = /^(#{1,3}) (.+)$/.exec(text);
    if (heading) {
      flush();
      const kind = (['title', 'chapter', 'heading'] as const)[heading[1]!.length - 1]!;
      target().push({ kind, content: parseInline(heading[2]!.trim(), line) });
      return;
    }
    if (text.startsWith('§ ')) return startParagraph({ kind: 'article', content: [] }, text.slice(2).trim(), line);
    if (text === '@pagebreak') {
      flush();
      target().push({ kind: 'pagebreak' });
      return;
    }
    const aligned = /^@(left|center|right) (.+)$/.exec(text);
    if (aligned) return startParagraph({ kind: 'paragraph', align: aligned[1] as Align, content: [] }, aligned[2]!.trim(), line);
    if (text.startsWith('@') || text.startsWith('#')) throw new TemplateSyntaxError(line, `unknown directive "${text.split(' ')[0]}"`);
    // Option lines are written one under another; each is its own paragraph.
    if (paragraph && !text.trimStart().startsWith('[?')) paragraph.text += text.trim();
    else startParagraph({ kind: 'paragraph', align: 'indent', content: [] }, text.trim(), line);
  });
  flush();
  if (stack.length > 1) throw new TemplateSyntaxError(frame().line, `::: ${frame().kind} is not closed`);
  return root.blocks;
}

/** Every field path a template body refers to (for checking it against the field schema). */
export function referencedPaths(blocks: Block[]): Set<string> {
  const paths = new Set<string>();
  const inlines = (content: Inline[]) => {
    for (const inline of content) {
      if (inline.kind === 'field') paths.add(inline.path);
      if (inline.kind === 'box') paths.add(inline.condition.path);
    }
  };
  const walk = (list: Block[]) => {
    for (const block of list) {
      if ('content' in block) inlines(block.content);
      if (block.kind === 'table') block.rows.flat().forEach((cell) => inlines(cell.content));
      if (block.kind === 'signatures') block.parties.forEach((party) => inlines(party.label));
      if (block.kind === 'if') {
        paths.add(block.condition.path);
        walk(block.then);
        walk(block.otherwise);
      }
      if (block.kind === 'each') {
        paths.add(block.path);
        walk(block.body);
      }
    }
  };
  walk(blocks);
  return paths;
}
