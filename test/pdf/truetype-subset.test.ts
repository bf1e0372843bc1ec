import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import t from 'tap';
import { fontDirectory, fontFace, type FaceName } from '../../src/pdf/fonts.ts';
import { TrueTypeFile } from '../../src/pdf/truetype-subset.ts';

interface ParsedGlyph {
  advanceWidth: number;
  path: { toSVG(): string };
}
interface ParsedFont {
  numGlyphs: number;
  getGlyph(id: number): ParsedGlyph;
  head: { indexToLocFormat: number };
}
const parse = (bytes: Uint8Array) => fontkit.create(Buffer.from(bytes)) as unknown as ParsedFont;

function wholeFileChecksum(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
  return sum;
}

const cases: [FaceName, string][] = [
  ['song', '张三丰，甲方'],
  // WenQuanYi builds many ideographs from components: 第 is a composite of two.
  ['hei', '第条劳动合同'],
];

for (const [name, text] of cases) {
  t.test(`a ${name} subset keeps every glyph's outline and advance, read back by fontkit`, async (t) => {
    const face = fontFace(name);
    const original = face.font as unknown as ParsedFont;
    const gids = [...new Set([...text].map((c) => face.glyph(c.codePointAt(0)!)!.gid))];
    const subset = parse(face.file.subset(gids));
    t.ok(subset.numGlyphs >= gids.length + 1, 'notdef, the glyphs, and any components');
    t.equal(subset.head.indexToLocFormat, 1, 'long loca offsets');
    for (const [index, gid] of gids.entries()) {
      const kept = subset.getGlyph(index + 1);
      t.equal(kept.path.toSVG(), original.getGlyph(gid).path.toSVG(), `glyph ${gid} has the same outline as CID ${index + 1}`);
      t.equal(kept.advanceWidth, original.getGlyph(gid).advanceWidth, `glyph ${gid} keeps its advance`);
    }
  });
}

t.test('composite glyphs bring their components along, renumbered', async (t) => {
  const face = fontFace('hei');
  const gid = face.glyph('第'.codePointAt(0)!)!.gid;
  const program = face.file.glyphData(gid);
  t.ok(new DataView(program.buffer, program.byteOffset).getInt16(0) < 0, '第 is a composite in this face');
  const subset = parse(face.file.subset([gid]));
  t.ok(subset.numGlyphs > 2, `components appended (${subset.numGlyphs} glyphs)`);
  t.ok(subset.getGlyph(1).path.toSVG().length > 20, 'the composite draws');
  t.equal(subset.getGlyph(1).path.toSVG(), (face.font as unknown as ParsedFont).getGlyph(gid).path.toSVG());
});

t.test('the file checksum adjustment makes the whole font sum to 0xB1B0AFBA (OpenType head table)', async (t) => {
  const face = fontFace('song');
  const bytes = face.file.subset([face.glyph('劳'.codePointAt(0)!)!.gid]);
  t.equal(bytes.length % 4, 0);
  t.equal(wholeFileChecksum(bytes), 0xb1b0afba);
});

t.test('subsetting never alters the font file it reads from (a Buffer slice would alias it)', async (t) => {
  const face = fontFace('hei');
  const gids = [...'第条'].map((c) => face.glyph(c.codePointAt(0)!)!.gid);
  const file = readFileSync(path.join(fontDirectory, 'wqy-microhei.ttf'));
  const before = createHash('sha256').update(file).digest('hex');
  const reader = new TrueTypeFile(file);
  const first = reader.subset(gids);
  t.equal(createHash('sha256').update(file).digest('hex'), before, 'the file is unchanged');
  t.same(Buffer.from(reader.subset(gids)), Buffer.from(first), 'same input, same bytes, twice');
});

t.test('a font without TrueType outlines is refused', async (t) => {
  const header = new Uint8Array(12);
  new DataView(header.buffer).setUint32(0, 0x4f54544f); // 'OTTO', no tables
  t.throws(() => new TrueTypeFile(header), /not a TrueType-outline font/);
});
