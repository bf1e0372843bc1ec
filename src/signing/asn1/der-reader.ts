/**
 * DER reading: a small offset-keeping reader, so signed structures are hashed exactly as
 * received instead of as re-encoded by a parser. node-forge decodes OIDs and times.
 */
import forge from 'node-forge';
import { toBinary } from './bytes.ts';

export const Tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  enumerated: 0x0a,
  utf8String: 0x0c,
  printableString: 0x13,
  t61String: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
} as const;

/** One TLV inside a buffer, with offsets so the exact bytes can be hashed or embedded. */
export class DerElement {
  constructor(
    readonly source: Uint8Array,
    readonly tag: number,
    readonly start: number,
    readonly contentStart: number,
    readonly end: number,
  ) {}

  get constructed(): boolean {
    return (this.tag & 0x20) !== 0;
  }
  /** Tag number of a context-specific element ([n]), or -1. */
  get contextTag(): number {
    return (this.tag & 0xc0) === 0x80 ? this.tag & 0x1f : -1;
  }
  /** The whole TLV. */
  get bytes(): Uint8Array {
    return this.source.subarray(this.start, this.end);
  }
  get content(): Uint8Array {
    return this.source.subarray(this.contentStart, this.end);
  }

  private cachedChildren: DerElement[] | undefined;
  children(): DerElement[] {
    if (!this.constructed) throw new Error(`DER: element 0x${this.tag.toString(16)} is not constructed`);
    if (!this.cachedChildren) {
      const list: DerElement[] = [];
      let offset = this.contentStart;
      while (offset < this.end) {
        const child = readDer(this.source, offset, this.end);
        list.push(child);
        offset = child.end;
      }
      this.cachedChildren = list;
    }
    return this.cachedChildren;
  }

  /** The i-th child; throws a descriptive error when absent. */
  at(index: number, expectTag?: number): DerElement {
    const child = this.children()[index];
    if (!child) throw new Error(`DER: missing element #${index}`);
    if (expectTag !== undefined) child.expect(expectTag);
    return child;
  }

  /** The child with context tag [n], if present. */
  tagged(n: number): DerElement | undefined {
    return this.children().find((c) => c.contextTag === n);
  }

  expect(tag: number): this {
    if (this.tag !== tag) throw new Error(`DER: expected tag 0x${tag.toString(16)}, found 0x${this.tag.toString(16)}`);
    return this;
  }

  /** Content of an explicit [n] wrapper or an OCTET STRING read as one inner element. */
  inner(): DerElement {
    if (this.constructed) return this.at(0);
    return readDer(this.source, this.contentStart, this.end);
  }

  oid(): string {
    this.expect(Tag.oid);
    return forge.asn1.derToOid(toBinary(this.content));
  }

  /** Non-negative INTEGER/ENUMERATED as bigint. */
  bigint(): bigint {
    if (this.tag !== Tag.integer && this.tag !== Tag.enumerated && (this.tag & 0xc0) !== 0x80) {
      throw new Error(`DER: expected INTEGER, found 0x${this.tag.toString(16)}`);
    }
    const content = this.content;
    if (content.length === 0) throw new Error('DER: empty INTEGER');
    if (content[0]! & 0x80) throw new Error('DER: negative INTEGER');
    return BigInt('0x' + Buffer.from(content).toString('hex'));
  }
  number(): number {
    return Number(this.bigint());
  }

  /** INTEGER magnitude bytes without the sign octet. */
  unsignedBytes(): Uint8Array {
    const content = this.content;
    return content.length > 1 && content[0] === 0 ? content.subarray(1) : content;
  }

  boolean(): boolean {
    return this.expect(Tag.boolean).content[0] !== 0;
  }

  /** BIT STRING payload (no unused bits expected for keys and signatures). */
  bitStringBytes(): Uint8Array {
    this.expect(Tag.bitString);
    return this.content.subarray(1);
  }

  /** Named bits that are set (keyUsage). */
  namedBits(): number[] {
    const payload = this.bitStringBytes();
    const set: number[] = [];
    payload.forEach((byte, i) => {
      for (let b = 0; b < 8; b++) if (byte & (0x80 >> b)) set.push(i * 8 + b);
    });
    return set;
  }

  text(): string {
    const content = Buffer.from(this.content);
    switch (this.tag) {
      case Tag.utf8String:
        return content.toString('utf8');
      case Tag.bmpString:
        return content.swap16().toString('utf16le');
      default:
        return content.toString('latin1');
    }
  }

  time(): Date {
    const text = Buffer.from(this.content).toString('latin1');
    if (this.tag === Tag.utcTime) return forge.asn1.utcTimeToDate(text);
    if (this.tag === Tag.generalizedTime) return parseGeneralizedTime(text);
    throw new Error(`DER: expected a time, found 0x${this.tag.toString(16)}`);
  }
}

function parseGeneralizedTime(text: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d+))?Z$/.exec(text);
  if (!m) return forge.asn1.generalizedTimeToDate(text);
  const [, y, mo, d, h, mi, s, frac] = m;
  const millis = frac ? Math.round(Number('0.' + frac) * 1000) : 0;
  return new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, millis));
}

/** Reads the element at `offset` (definite lengths only: DER, not streaming BER). */
export function readDer(source: Uint8Array, offset = 0, limit = source.length): DerElement {
  if (offset + 2 > limit) throw new Error('DER: truncated');
  const tag = source[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: high tag numbers are not supported');
  let cursor = offset + 1;
  const first = source[cursor++]!;
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0) throw new Error('DER: indefinite length (BER) is not supported');
    if (count > 4) throw new Error('DER: length too large');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + source[cursor++]!;
  }
  const end = cursor + length;
  if (end > limit) throw new Error('DER: element runs past its container');
  return new DerElement(source, tag, offset, cursor, end);
}

/** Parses a complete DER buffer, refusing trailing bytes. */
export function parseDer(bytes: Uint8Array): DerElement {
  const element = readDer(bytes);
  if (element.end !== bytes.length) throw new Error('DER: trailing bytes');
  return element;
}
