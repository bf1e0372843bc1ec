/**
 * DER building (node-forge's ASN.1 layer) and DER reading (a small offset-keeping reader, so
 * signed structures are hashed exactly as received instead of as re-encoded by a parser).
 */
import forge from 'node-forge';

const asn1 = forge.asn1;
export type Asn1 = forge.asn1.Asn1;

export const toBinary = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
export const fromBinary = (binary: string): Uint8Array => new Uint8Array(Buffer.from(binary, 'latin1'));

/** DER bytes of a built node. */
export function encode(node: Asn1): Uint8Array {
  return fromBinary(asn1.toDer(node).getBytes());
}

// ---------------------------------------------------------------------------------------
// Builders

const universal = asn1.Class.UNIVERSAL;
const context = asn1.Class.CONTEXT_SPECIFIC;
const T = asn1.Type;

export const seq = (...children: (Asn1 | undefined)[]): Asn1 =>
  asn1.create(universal, T.SEQUENCE, true, children.filter((c): c is Asn1 => c !== undefined));

/** A SET OF with its elements in DER order (sorted by their encodings). */
export function setOf(...children: Asn1[]): Asn1 {
  const encoded = children.map(encode).sort(Buffer.compare);
  return asn1.create(universal, T.SET, true, encoded.map(raw));
}

/**
 * Embeds an already-encoded element verbatim (certificates, names, signed attributes). forge
 * writes `tagClass | type` as the identifier octet, so the whole identifier goes into `type`.
 */
export function raw(der: Uint8Array): Asn1 {
  const element = readDer(der);
  if (element.end !== der.length) throw new Error('raw(): trailing bytes after DER element');
  if (der[0] === 0x02) return asn1.create(universal, T.INTEGER, false, toBinary(element.content));
  return asn1.create(0 as forge.asn1.Class, der[0] as forge.asn1.Type, false, toBinary(element.content));
}

export const oid = (value: string): Asn1 => asn1.create(universal, T.OID, false, asn1.oidToDer(value).getBytes());
export const nullValue = (): Asn1 => asn1.create(universal, T.NULL, false, '');
export const bool = (value: boolean): Asn1 => asn1.create(universal, T.BOOLEAN, false, value ? '\xff' : '\x00');
export const octets = (bytes: Uint8Array): Asn1 => asn1.create(universal, T.OCTETSTRING, false, toBinary(bytes));
export const utf8 = (text: string): Asn1 => asn1.create(universal, T.UTF8, false, forge.util.encodeUtf8(text));
export const printable = (text: string): Asn1 => asn1.create(universal, T.PRINTABLESTRING, false, text);
export const ia5 = (text: string): Asn1 => asn1.create(universal, T.IA5STRING, false, text);

/** BIT STRING with no unused bits (keys, signatures). */
export const bits = (bytes: Uint8Array): Asn1 => asn1.create(universal, T.BITSTRING, false, '\x00' + toBinary(bytes));

/** Named-bit BIT STRING (keyUsage, failInfo): DER drops trailing zero bits. */
export function namedBits(positions: number[]): Asn1 {
  if (positions.length === 0) return asn1.create(universal, T.BITSTRING, false, '\x00');
  const highest = Math.max(...positions);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const p of positions) bytes[p >> 3]! |= 0x80 >> (p & 7);
  const unused = 7 - (highest & 7);
  return asn1.create(universal, T.BITSTRING, false, String.fromCharCode(unused) + toBinary(bytes));
}

/** INTEGER from a non-negative value (bigint/number) or from big-endian magnitude bytes. */
export function int(value: bigint | number | Uint8Array): Asn1 {
  return asn1.create(universal, T.INTEGER, false, toBinary(integerBytes(value)));
}

export const enumerated = (value: number): Asn1 =>
  asn1.create(universal, T.ENUMERATED, false, toBinary(integerBytes(value)));

/** INTEGER content octets (two's complement, minimal) of a non-negative value. */
export function integerBytes(value: bigint | number | Uint8Array): Uint8Array {
  let magnitude: Uint8Array;
  if (value instanceof Uint8Array) {
    magnitude = value;
  } else {
    const big = BigInt(value);
    if (big < 0n) throw new Error('negative integers are not used here');
    let hex = big.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    magnitude = Buffer.from(hex, 'hex');
  }
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  if (trimmed.length === 0) return new Uint8Array([0]);
  // A leading 1 bit would read as negative.
  return trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}

/** GeneralizedTime, UTC, milliseconds only when present (DER drops trailing zeros). */
export function generalizedTime(date: Date, withMillis = false): Asn1 {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  let text = iso.slice(0, 19).replace(/[-:T]/g, '');
  const millis = iso.slice(20, 23).replace(/0+$/, '');
  if (withMillis && millis) text += '.' + millis;
  return asn1.create(universal, T.GENERALIZEDTIME, false, text + 'Z');
}

export function utcTime(date: Date): Asn1 {
  const text = date.toISOString().slice(2, 19).replace(/[-:T]/g, '');
  return asn1.create(universal, T.UTCTIME, false, text + 'Z');
}

/** X.509 Time: UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
export const x509Time = (date: Date): Asn1 =>
  date.getUTCFullYear() < 2050 ? utcTime(date) : generalizedTime(date);

/** [n] EXPLICIT wrapper. */
export const explicit = (tag: number, child: Asn1): Asn1 => asn1.create(context, tag as forge.asn1.Type, true, [child]);

/** [n] IMPLICIT primitive with the given content bytes. */
export const implicitPrimitive = (tag: number, content: Uint8Array | string): Asn1 =>
  asn1.create(context, tag as forge.asn1.Type, false, typeof content === 'string' ? content : toBinary(content));

/** [n] IMPLICIT constructed (e.g. IMPLICIT SEQUENCE / SET OF). */
export const implicitConstructed = (tag: number, children: Asn1[]): Asn1 =>
  asn1.create(context, tag as forge.asn1.Type, true, children);

/** Re-tags an encoded element's identifier octet (e.g. SET 0x31 ⇄ [0] IMPLICIT 0xA0). */
export function retag(der: Uint8Array, identifier: number): Uint8Array {
  const copy = new Uint8Array(der);
  copy[0] = identifier;
  return copy;
}

export function algorithmIdentifier(algorithm: string, parameters?: Asn1 | null): Asn1 {
  return parameters === undefined ? seq(oid(algorithm)) : seq(oid(algorithm), parameters ?? nullValue());
}

// ---------------------------------------------------------------------------------------
// Reader

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

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export function pemEncode(der: Uint8Array, label: string): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** Every PEM block with the given label, as DER. */
export function pemDecodeAll(pem: string, label: string): Uint8Array[] {
  const pattern = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...pem.matchAll(pattern)].map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
}
