/**
 * Visible signature appearances as Form XObjects: a generated red round seal for an
 * organisation (公章 style), and an image (uploaded seal, or a handwritten signature drawn on
 * a phone) with a caption of the signer's name and the date.
 */
import { deflateSync } from 'node:zlib';
import { PDFName, PDFRawStream } from 'pdf-lib';
import { LruCache } from '../../support/lru-cache.ts';
import type { AppearanceBuilder } from '../pades/signature.ts';
import type { GlyphOutliner } from './outlines.ts';

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

function circle(cx: number, cy: number, r: number): string {
  const k = 0.5523 * r; // Bézier approximation of a quarter circle
  return [
    `${fmt(cx + r)} ${fmt(cy)} m`,
    `${fmt(cx + r)} ${fmt(cy + k)} ${fmt(cx + k)} ${fmt(cy + r)} ${fmt(cx)} ${fmt(cy + r)} c`,
    `${fmt(cx - k)} ${fmt(cy + r)} ${fmt(cx - r)} ${fmt(cy + k)} ${fmt(cx - r)} ${fmt(cy)} c`,
    `${fmt(cx - r)} ${fmt(cy - k)} ${fmt(cx - k)} ${fmt(cy - r)} ${fmt(cx)} ${fmt(cy - r)} c`,
    `${fmt(cx + k)} ${fmt(cy - r)} ${fmt(cx + r)} ${fmt(cy - k)} ${fmt(cx + r)} ${fmt(cy)} c`,
    'h',
  ].join('\n');
}

function star(cx: number, cy: number, outer: number): string {
  const inner = outer * 0.382;
  const points = Array.from({ length: 10 }, (_, i) => {
    const angle = Math.PI / 2 + (i * Math.PI) / 5;
    const r = i % 2 === 0 ? outer : inner;
    return [cx + r * Math.cos(angle), cy + r * Math.sin(angle)];
  });
  return `${points.map(([x, y], i) => `${fmt(x!)} ${fmt(y!)} ${i === 0 ? 'm' : 'l'}`).join('\n')}\nh`;
}

/** Drawn seals (compressed) by organisation and size: a batch seals thousands of contracts with one. */
const sealDrawings = new LruCache<string, Uint8Array>(256);

/** A red round seal: ring, five-pointed star, the organisation's name along the upper arc. */
export function roundSealAppearance(outliner: GlyphOutliner, organisationName: string, bottomText = '合同专用章'): AppearanceBuilder {
  return async (update, width, height) => {
    const key = `${organisationName}\u0000${bottomText}\u0000${fmt(width)}x${fmt(height)}`;
    const drawing = sealDrawings.getOrSet(key, () => new Uint8Array(deflateSync(drawRoundSeal(outliner, organisationName, bottomText, width, height))));
    const dict = update.context.obj({ Type: 'XObject', Subtype: 'Form', BBox: [0, 0, width, height], Filter: 'FlateDecode', Length: drawing.length });
    return update.add(PDFRawStream.of(dict, drawing));
  };
}

function drawRoundSeal(outliner: GlyphOutliner, organisationName: string, bottomText: string, width: number, height: number): string {
  const size = Math.min(width, height);
  const cx = width / 2;
  const cy = height / 2;
  const r = size / 2 - size * 0.03;
  const ops: string[] = ['q', '0.85 0.1 0.1 rg', '0.85 0.1 0.1 RG', `${fmt(size * 0.035)} w`, circle(cx, cy, r), 'S', star(cx, cy, r * 0.3), 'f'];

  const chars = [...organisationName];
  const glyphSize = Math.min(r * 0.28, (Math.PI * r * 1.2) / Math.max(chars.length, 1));
  const arcRadius = r - glyphSize * 0.95 - size * 0.03;
  const span = Math.min(Math.PI * 1.35, (chars.length * glyphSize * 1.1) / arcRadius);
  chars.forEach((char, i) => {
    const theta = Math.PI / 2 + span / 2 - (chars.length === 1 ? span / 2 : (i * span) / (chars.length - 1));
    const x = cx + arcRadius * Math.cos(theta);
    const y = cy + arcRadius * Math.sin(theta);
    const rotation = theta - Math.PI / 2;
    const [cos, sin] = [Math.cos(rotation), Math.sin(rotation)];
    const w = outliner.width(char, glyphSize);
    ops.push('q', `${fmt(cos)} ${fmt(sin)} ${fmt(-sin)} ${fmt(cos)} ${fmt(x)} ${fmt(y)} cm`, outliner.path(char, glyphSize, -w / 2, 0), 'f', 'Q');
  });
  if (bottomText) {
    const bottomSize = r * 0.17;
    const w = outliner.width(bottomText, bottomSize);
    ops.push(outliner.path(bottomText, bottomSize, cx - w / 2, cy - r * 0.62), 'f');
  }
  ops.push('Q');
  return ops.join('\n');
}

/**
 * An image (PNG or JPEG) fitted into the box above a caption line (e.g. the signer's name and
 * the date), drawn in black outlines.
 */
export function imageAppearance(outliner: GlyphOutliner, image: Uint8Array, caption?: string): AppearanceBuilder {
  return async (update, width, height) => {
    const isPng = image[0] === 0x89 && image[1] === 0x50;
    const embedded = isPng ? await update.doc.embedPng(image) : await update.doc.embedJpg(image);
    await embedded.embed();
    const captionSize = caption ? Math.min(10, height * 0.16) : 0;
    const captionHeight = caption ? captionSize * 1.6 : 0;
    const boxHeight = height - captionHeight;
    const scale = Math.min(width / embedded.width, boxHeight / embedded.height);
    const [w, h] = [embedded.width * scale, embedded.height * scale];
    const ops = ['q', `${fmt(w)} 0 0 ${fmt(h)} ${fmt((width - w) / 2)} ${fmt(captionHeight + (boxHeight - h) / 2)} cm`, '/Img Do', 'Q'];
    if (caption) {
      const captionWidth = Math.min(outliner.width(caption, captionSize), width);
      ops.push('q', '0 0 0 rg', outliner.path(caption, captionSize, (width - captionWidth) / 2, captionSize * 0.4), 'f', 'Q');
    }
    const resources = update.context.obj({});
    resources.set(PDFName.of('XObject'), update.context.obj({ Img: embedded.ref }));
    return update.add(update.context.stream(ops.join('\n'), { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, width, height], Resources: resources }));
  };
}
