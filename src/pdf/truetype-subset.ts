/**
 * A TrueType subsetter that copies glyph programs byte for byte. fontkit's subsetter decodes
 * every glyph through its generic structure encoder and costs a millisecond or more even for
 * the three glyphs of a name; a batch renders one per contract, so this one reads the raw
 * tables instead. It writes the tables a PDF viewer needs of an embedded TrueType program
 * (ISO 32000 9.9: head, hhea, loca, maxp, cvt, prep, glyf, hmtx, fpgm) and keeps hinting
 * programs as they are.
 */

interface TableRecord {
  offset: number;
  length: number;
}

/** The parts of a font file a subset needs, read once per font. */
export class TrueTypeFile {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly tables = new Map<string, TableRecord>();
  private readonly longLoca: boolean;
  private readonly horizontalMetricCount: number;

  constructor(file: Uint8Array) {
    // A plain Uint8Array view: a Buffer's slice() would alias the file instead of copying.
    const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tableCount = this.view.getUint16(4);
    for (let i = 0; i < tableCount; i++) {
      const at = 12 + i * 16;
      const tag = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
      this.tables.set(tag, { offset: this.view.getUint32(at + 8), length: this.view.getUint32(at + 12) });
    }
    for (const required of ['head', 'hhea', 'maxp', 'hmtx', 'loca', 'glyf']) {
      if (!this.tables.has(required)) throw new Error(`not a TrueType-outline font: no ${required} table`);
    }
    this.longLoca = this.view.getInt16(this.table('head').offset + 50) === 1;
    this.horizontalMetricCount = this.view.getUint16(this.table('hhea').offset + 34);
  }

  private table(tag: string): TableRecord {
    return this.tables.get(tag)!;
  }

  /** A table's bytes as stored (a view into the file), undefined when absent. */
  tableBytes(tag: string): Uint8Array | undefined {
    const record = this.tables.get(tag);
    return record && this.bytes.subarray(record.offset, record.offset + record.length);
  }

  /** The glyph program of a glyph id (empty for a glyph without outline). */
  glyphData(gid: number): Uint8Array {
    const loca = this.table('loca').offset;
    const [start, end] = this.longLoca
      ? [this.view.getUint32(loca + gid * 4), this.view.getUint32(loca + gid * 4 + 4)]
      : [this.view.getUint16(loca + gid * 2) * 2, this.view.getUint16(loca + gid * 2 + 2) * 2];
    const glyf = this.table('glyf').offset;
    return this.bytes.subarray(glyf + start, glyf + end);
  }

  /** Advance width and left side bearing, in font units. */
  metrics(gid: number): { advance: number; leftSideBearing: number } {
    const hmtx = this.table('hmtx').offset;
    const last = this.horizontalMetricCount - 1;
    if (gid <= last) return { advance: this.view.getUint16(hmtx + gid * 4), leftSideBearing: this.view.getInt16(hmtx + gid * 4 + 2) };
    return { advance: this.view.getUint16(hmtx + last * 4), leftSideBearing: this.view.getInt16(hmtx + this.horizontalMetricCount * 4 + (gid - this.horizontalMetricCount) * 2) };
  }

  /**
   * A font holding .notdef and these glyphs, in this order (new glyph id = index + 1), then
   * any components composite glyphs refer to, renumbered. `extraTables` are written as given
   * (a web font adds cmap, OS/2, name and post, which a PDF's embedded program does not need).
   */
  subset(gids: readonly number[], extraTables: [string, Uint8Array][] = []): Uint8Array {
    const order = [0, ...gids];
    const newId = new Map(order.map((gid, index) => [gid, index]));
    const programs: Uint8Array[] = [];
    for (let i = 0; i < order.length; i++) {
      const data = this.glyphData(order[i]!);
      programs.push(data.length >= 10 && new DataView(data.buffer, data.byteOffset).getInt16(0) < 0 ? this.renumberComponents(data, order, newId) : data);
    }

    const glyfLength = programs.reduce((sum, p) => sum + align4(p.length), 0);
    const glyf = new Uint8Array(glyfLength);
    const loca = new DataView(new ArrayBuffer((order.length + 1) * 4));
    const hmtx = new DataView(new ArrayBuffer(order.length * 4));
    let offset = 0;
    for (let i = 0; i < order.length; i++) {
      loca.setUint32(i * 4, offset);
      glyf.set(programs[i]!, offset);
      offset += align4(programs[i]!.length);
      const { advance, leftSideBearing } = this.metrics(order[i]!);
      hmtx.setUint16(i * 4, advance);
      hmtx.setInt16(i * 4 + 2, leftSideBearing);
    }
    loca.setUint32(order.length * 4, offset);

    const head = this.tableBytes('head')!.slice();
    const headView = new DataView(head.buffer);
    headView.setUint32(8, 0); // checkSumAdjustment, set once the whole file is known
    headView.setInt16(50, 1); // long loca offsets
    const hhea = this.tableBytes('hhea')!.slice();
    new DataView(hhea.buffer).setUint16(34, order.length);
    const maxp = this.tableBytes('maxp')!.slice();
    new DataView(maxp.buffer).setUint16(4, order.length);

    const tables: [string, Uint8Array][] = [
      ['head', head],
      ['hhea', hhea],
      ['maxp', maxp],
      ['hmtx', new Uint8Array(hmtx.buffer)],
      ['loca', new Uint8Array(loca.buffer)],
      ['glyf', glyf],
    ];
    for (const tag of ['cvt ', 'fpgm', 'prep']) {
      const bytes = this.tableBytes(tag);
      if (bytes) tables.push([tag, bytes]);
    }
    return writeFont([...tables, ...extraTables]);
  }

  /** A composite glyph's program with its component ids renumbered (components are appended to the order). */
  private renumberComponents(data: Uint8Array, order: number[], newId: Map<number, number>): Uint8Array {
    const copy = data.slice();
    const view = new DataView(copy.buffer);
    let at = 10;
    for (;;) {
      const flags = view.getUint16(at);
      const component = view.getUint16(at + 2);
      let id = newId.get(component);
      if (id === undefined) {
        id = order.length;
        order.push(component);
        newId.set(component, id);
      }
      view.setUint16(at + 2, id);
      at += 4 + (flags & 0x0001 ? 4 : 2);
      if (flags & 0x0008) at += 2;
      else if (flags & 0x0040) at += 4;
      else if (flags & 0x0080) at += 8;
      if (!(flags & 0x0020)) return copy;
    }
  }
}

const align4 = (n: number) => (n + 3) & ~3;

function checksum(bytes: Uint8Array): number {
  const padded = bytes.length % 4 ? new Uint8Array(align4(bytes.length)) : bytes;
  if (padded !== bytes) padded.set(bytes);
  const view = new DataView(padded.buffer, padded.byteOffset, padded.byteLength);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
  return sum;
}

/** An sfnt file: offset table, table records sorted by tag, tables 4-byte aligned. */
function writeFont(tables: [string, Uint8Array][]): Uint8Array {
  tables.sort(([a], [b]) => (a < b ? -1 : 1));
  const headerLength = 12 + tables.length * 16;
  const total = headerLength + tables.reduce((sum, [, bytes]) => sum + align4(bytes.length), 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const power = 2 ** Math.floor(Math.log2(tables.length));
  view.setUint32(0, 0x00010000);
  view.setUint16(4, tables.length);
  view.setUint16(6, power * 16);
  view.setUint16(8, Math.log2(power));
  view.setUint16(10, tables.length * 16 - power * 16);
  let offset = headerLength;
  let headOffset = 0;
  for (const [i, [tag, bytes]] of tables.entries()) {
    const record = 12 + i * 16;
    for (let c = 0; c < 4; c++) out[record + c] = tag.charCodeAt(c);
    view.setUint32(record + 4, checksum(bytes));
    view.setUint32(record + 8, offset);
    view.setUint32(record + 12, bytes.length);
    out.set(bytes, offset);
    if (tag === 'head') headOffset = offset;
    offset += align4(bytes.length);
  }
  view.setUint32(headOffset + 8, (0xb1b0afba - checksum(out)) >>> 0);
  return out;
}
