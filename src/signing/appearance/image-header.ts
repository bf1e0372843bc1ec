/**
 * What a PNG or JPEG claims before anything decodes it: a 233-byte PNG may claim 100000×100000
 * pixels, and the decoder (pdf-lib's UPNG / JPEG embedding) would then allocate for all of them
 * at every seal. Images are refused here, from their headers, before they are stored or drawn.
 */
import { inflateSync } from 'node:zlib';

export const IMAGE_LIMITS = {
  /** Pixels on a side. A seal or a handwritten signature is drawn a few centimetres wide. */
  maxSide: 2048,
} as const;

export interface ImageRefusal {
  rule: 'image_type' | 'image_header' | 'image_dimensions' | 'image_data';
  message: string;
  messageZh: string;
}

export type ImageCheck = { ok: true; type: 'png' | 'jpeg'; width: number; height: number } | ({ ok: false } & ImageRefusal);

const refuse = (rule: ImageRefusal['rule'], message: string, messageZh: string): ImageCheck => ({ ok: false, rule, message, messageZh });
const unreadable = () => refuse('image_header', 'the image header cannot be read', '无法读取该图片');

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function png(bytes: Buffer): ImageCheck {
  if (bytes.length < 33 || bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') return unreadable();
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const sized = sizeCheck(width, height);
  if (!sized.ok) return sized;
  // The pixel data, inflated with a budget of what those dimensions can need (16-bit RGBA and a filter byte a row).
  const data: Buffer[] = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > bytes.length) return unreadable();
    if (type === 'IDAT') data.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  try {
    inflateSync(Buffer.concat(data), { maxOutputLength: Math.max(1, height * (1 + width * 8)) });
  } catch {
    return refuse('image_data', 'the pixel data is corrupt or larger than the dimensions allow', '图片数据已损坏或与尺寸不符');
  }
  return { ok: true, type: 'png', width, height };
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic), not DHT/JPG/DAC. */
const startOfFrame = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpeg(bytes: Buffer): ImageCheck {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return unreadable();
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > bytes.length) return unreadable();
    if (startOfFrame.has(marker)) {
      if (length < 7) return unreadable();
      const checked = sizeCheck(bytes.readUInt16BE(at + 7), bytes.readUInt16BE(at + 5));
      return checked.ok ? { ...checked, type: 'jpeg' } : checked;
    }
    if (marker === 0xda || marker === 0xd9) return unreadable();
    at += 2 + length;
  }
  return unreadable();
}

function sizeCheck(width: number, height: number): ImageCheck {
  if (width === 0 || height === 0) return unreadable();
  if (width > IMAGE_LIMITS.maxSide || height > IMAGE_LIMITS.maxSide) {
    return refuse(
      'image_dimensions',
      `the image is ${width}×${height} pixels; at most ${IMAGE_LIMITS.maxSide}×${IMAGE_LIMITS.maxSide} is accepted`,
      `图片尺寸为 ${width}×${height} 像素，不能超过 ${IMAGE_LIMITS.maxSide}×${IMAGE_LIMITS.maxSide} 像素`,
    );
  }
  return { ok: true, type: 'png', width, height };
}

/** A PNG or JPEG within IMAGE_LIMITS, judged from its header (and, for PNG, a bounded inflate). */
export function checkImage(image: Uint8Array): ImageCheck {
  const bytes = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  if (bytes.subarray(0, 8).equals(pngSignature)) return png(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpeg(bytes);
  return refuse('image_type', 'the image must be a PNG or JPEG', '图片应为 PNG 或 JPEG 格式');
}
