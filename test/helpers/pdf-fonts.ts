import { inflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';

export interface EmbeddedFontReport {
  baseFont: string;
  glyphs: number;
  /** CIDs whose ToUnicode text is visible but whose embedded glyph has no outline. */
  blank: { cid: number; text: string }[];
}

const streamBytes = (stream: PDFRawStream) => {
  const filter = stream.dict.get(PDFName.of('Filter'));
  return filter ? inflateSync(stream.contents) : Buffer.from(stream.contents);
};

/**
 * Checks every embedded CID font of a PDF on its own, without any system font: each glyph
 * the ToUnicode map names must have outlines in the embedded font file.
 */
export async function embeddedFontReport(pdf: Uint8Array): Promise<EmbeddedFontReport[]> {
  const document = await PDFDocument.load(pdf, { updateMetadata: false });
  const reports: EmbeddedFontReport[] = [];
  for (const [, object] of document.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('Subtype')) !== PDFName.of('Type0')) continue;
    const descendant = document.context.lookup((object.get(PDFName.of('DescendantFonts')) as PDFArray).get(0), PDFDict);
    const descriptor = document.context.lookup(descendant.get(PDFName.of('FontDescriptor')), PDFDict);
    const file = document.context.lookup(descriptor.get(PDFName.of('FontFile2')) as PDFRef) as PDFRawStream;
    const toUnicode = streamBytes(document.context.lookup(object.get(PDFName.of('ToUnicode')) as PDFRef) as PDFRawStream).toString('latin1');
    const font = fontkit.create(streamBytes(file)) as unknown as { numGlyphs: number; getGlyph(id: number): { path: { commands: unknown[] } } };
    const blank: { cid: number; text: string }[] = [];
    for (const match of toUnicode.matchAll(/<([0-9A-F]{4})> <([0-9A-F]+)>/g)) {
      const cid = parseInt(match[1]!, 16);
      const text = Buffer.from(match[2]!, 'hex').swap16().toString('utf16le');
      if (text.trim() === '' || text === '\u3000') continue;
      if (cid >= font.numGlyphs || font.getGlyph(cid).path.commands.length === 0) blank.push({ cid, text });
    }
    reports.push({ baseFont: (object.get(PDFName.of('BaseFont')) as PDFName).decodeText(), glyphs: font.numGlyphs, blank });
  }
  return reports;
}
