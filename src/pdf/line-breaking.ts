/**
 * Greedy line breaking for Chinese text with the 避头尾 (kinsoku) rules of GB/T 15834 usage:
 * closing punctuation never starts a line and opening punctuation never ends one; when the
 * break would violate that, the previous character moves down with it. Latin words and
 * numbers (contract numbers, amounts, codes) stay whole unless wider than the line.
 */

/** Characters that must not begin a line. */
export const noLineStart = new Set([...'，。、；：？！）》」』】〕〗〉…—～·％‰’”.,;:?!)]}']);
/** Characters that must not end a line. */
export const noLineEnd = new Set([...'（《「『【〔〖〈‘“([{']);

export interface Atom<Glyph> {
  glyphs: Glyph[];
  width: number;
  /** Text of the atom, for the kinsoku rules. */
  text: string;
  space: boolean;
}

export interface BrokenLine<Glyph> {
  atoms: Atom<Glyph>[];
  width: number;
  /** False for the paragraph's last line, which is not justified. */
  justify: boolean;
}

const wordPattern = /[\p{Script=Latin}\p{Nd}_@#&*+=<>$\-/\\'"]/u;
const wordCharacters = new Map<string, boolean>();
/** Whether a character belongs to a Latin word or number (cached: asked once per character). */
function isWordCharacter(character: string): boolean {
  let found = wordCharacters.get(character);
  if (found === undefined) wordCharacters.set(character, (found = wordPattern.test(character)));
  return found;
}

/** Groups measured characters into atoms: one per CJK character, one per Latin word or space. */
export function atomize<Glyph>(items: { text: string; width: number; glyph: Glyph }[]): Atom<Glyph>[] {
  const atoms: Atom<Glyph>[] = [];
  let word: Atom<Glyph> | undefined;
  for (const item of items) {
    const isSpace = item.text === ' ';
    if (!isSpace && word && isWordCharacter(item.text)) {
      word.glyphs.push(item.glyph);
      word.width += item.width;
      word.text += item.text;
      continue;
    }
    const atom = { glyphs: [item.glyph], width: item.width, text: item.text, space: isSpace };
    atoms.push(atom);
    word = !isSpace && isWordCharacter(item.text) ? atom : undefined;
  }
  return atoms;
}

function splitWide<Glyph>(atom: Atom<Glyph>, widths: number[], maxWidth: number): Atom<Glyph>[] {
  if (atom.width <= maxWidth || atom.glyphs.length < 2) return [atom];
  const chars = [...atom.text];
  return atom.glyphs.map((glyph, i) => ({ glyphs: [glyph], width: widths[i]!, text: chars[i]!, space: false }));
}

function trimSpaces<Glyph>(atoms: Atom<Glyph>[]): Atom<Glyph>[] {
  let end = atoms.length;
  while (end > 0 && atoms[end - 1]!.space) end--;
  let start = 0;
  while (start < end && atoms[start]!.space) start++;
  return atoms.slice(start, end);
}

const sum = <Glyph>(atoms: Atom<Glyph>[]) => atoms.reduce((total, atom) => total + atom.width, 0);
const firstChar = (atom: Atom<unknown>) => [...atom.text][0]!;
const lastChar = (atom: Atom<unknown>) => [...atom.text].at(-1)!;

/**
 * Breaks atoms into lines; lineWidth(i) is the room on line i (first-line and hanging indents).
 * glyphWidths lets an over-long word be split per character.
 */
export function breakLines<Glyph>(atoms: Atom<Glyph>[], lineWidth: (line: number) => number, glyphWidth: (glyph: Glyph) => number): BrokenLine<Glyph>[] {
  const lines: BrokenLine<Glyph>[] = [];
  let current: Atom<Glyph>[] = [];
  let width = 0;
  const queue = [...atoms];
  while (queue.length > 0) {
    const room = lineWidth(lines.length);
    const atom = queue.shift()!;
    if (atom.space && current.length === 0) continue;
    if (atom.width > room && atom.glyphs.length > 1) {
      queue.unshift(...splitWide(atom, atom.glyphs.map(glyphWidth), room));
      continue;
    }
    if (width + atom.width <= room + 0.001 || current.length === 0) {
      current.push(atom);
      width += atom.width;
      continue;
    }
    // Break before `atom`, moving characters down so no line starts or ends badly.
    const carried: Atom<Glyph>[] = [atom];
    while (current.length > 1 && !atom.space && noLineStart.has(firstChar(carried[0]!))) carried.unshift(current.pop()!);
    while (current.length > 1 && noLineEnd.has(lastChar(current.at(-1)!))) carried.unshift(current.pop()!);
    const kept = trimSpaces(current);
    lines.push({ atoms: kept, width: sum(kept), justify: true });
    queue.unshift(...carried);
    current = [];
    width = 0;
  }
  const last = trimSpaces(current);
  if (last.length > 0 || lines.length === 0) lines.push({ atoms: last, width: sum(last), justify: false });
  return lines;
}
