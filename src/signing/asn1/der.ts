/**
 * DER building (a small encoder over byte arrays) and DER reading (a small offset-keeping reader,
 * so signed structures are hashed exactly as received instead of as re-encoded by a parser).
 * The builder writes each structure once into one buffer: a CMS embeds certificates of a
 * kilobyte or more, and carrying them as binary strings through node-forge's ASN.1 layer cost
 * more than signing. The reader is der-reader.ts and the byte helpers bytes.ts, both
 * re-exported here so callers keep one import.
 */
import { readDer } from './der-reader.ts';

export { bytesEqual, concatBytes, fromBinary, pemDecodeAll, pemEncode, toBinary, toHex } from './bytes.ts';
export { DerElement, parseDer, readDer, Tag } from './der-reader.ts';

/** A DER element being built: its identifier octet and its content octets or its elements, or a whole encoding taken as is. */
export interface Asn1 {
  readonly identifier: number;
  readonly content?: Uint8Array;
  readonly children?: readonly Asn1[];
  readonly der?: Uint8Array;
}

const lengthOctets = (length: number): number => (length < 0x80 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : length < 0x1000000 ? 4 : 5);

/** The encoded size of `node`; each constructed or primitive node's content length goes into `lengths`. */
function measure(node: Asn1, lengths: Map<Asn1, number>): number {
  if (node.der) return node.der.length;
  let length = 0;
  if (node.children) for (const child of node.children) length += measure(child, lengths);
  else length = node.content!.length;
  lengths.set(node, length);
  return 1 + lengthOctets(length) + length;
}

function write(node: Asn1, out: Uint8Array, at: number, lengths: Map<Asn1, number>): number {
  if (node.der) {
    out.set(node.der, at);
    return at + node.der.length;
  }
  const length = lengths.get(node)!;
  out[at++] = node.identifier;
  if (length < 0x80) out[at++] = length;
  else {
    const octets = lengthOctets(length) - 1;
    out[at++] = 0x80 | octets;
    for (let i = octets - 1; i >= 0; i--) out[at++] = Math.floor(length / 2 ** (8 * i)) & 0xff;
  }
  if (node.children) for (const child of node.children) at = write(child, out, at, lengths);
  else {
    out.set(node.content!, at);
    at += node.content!.length;
  }
  return at;
}

/** DER bytes of a built node. */
export function encode(node: Asn1): Uint8Array {
  const lengths = new Map<Asn1, number>();
  const out = new Uint8Array(measure(node, lengths));
  write(node, out, 0, lengths);
  return out;
}

// ---------------------------------------------------------------------------------------
// Builders

/** Universal tag numbers (X.680). */
const T = {
  BOOLEAN: 1,
  INTEGER: 2,
  BITSTRING: 3,
  OCTETSTRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  UTF8: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLESTRING: 19,
  IA5STRING: 22,
  UTCTIME: 23,
  GENERALIZEDTIME: 24,
} as const;
const constructedBit = 0x20;
const contextClass = 0x80;

const primitive = (identifier: number, content: Uint8Array): Asn1 => ({ identifier, content });
const latin1 = (text: string): Uint8Array => Buffer.from(text, 'latin1');

export const seq = (...children: (Asn1 | undefined)[]): Asn1 => ({ identifier: constructedBit | T.SEQUENCE, children: children.filter((c): c is Asn1 => c !== undefined) });

/** A SET OF with its elements in DER order (sorted by their encodings). */
export function setOf(...children: Asn1[]): Asn1 {
  const encoded = children.map(encode).sort(Buffer.compare);
  return { identifier: constructedBit | T.SET, children: encoded.map((der) => ({ identifier: der[0]!, der })) };
}

/** Embeds an already-encoded element verbatim (certificates, names, signed attributes). */
export function raw(der: Uint8Array): Asn1 {
  const element = readDer(der);
  if (element.end !== der.length) throw new Error('raw(): trailing bytes after DER element');
  return { identifier: der[0]!, der };
}

/** OID content octets, by dotted value: a process encodes the same few dozen OIDs over and over. */
const oidContents = new Map<string, Uint8Array>();

function oidContent(value: string): Uint8Array {
  let content = oidContents.get(value);
  if (!content) {
    const arcs = value.split('.').map(Number);
    if (arcs.length < 2 || arcs.some((arc) => !Number.isSafeInteger(arc) || arc < 0)) throw new Error(`not an OID: ${value}`);
    const bytes: number[] = [];
    for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
      const base128: number[] = [arc % 128];
      for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) base128.unshift((rest % 128) | 0x80);
      bytes.push(...base128);
    }
    oidContents.set(value, (content = Uint8Array.from(bytes)));
  }
  return content;
}

export const oid = (value: string): Asn1 => primitive(T.OID, oidContent(value));
export const nullValue = (): Asn1 => primitive(T.NULL, new Uint8Array(0));
export const bool = (value: boolean): Asn1 => primitive(T.BOOLEAN, Uint8Array.of(value ? 0xff : 0x00));
export const octets = (bytes: Uint8Array): Asn1 => primitive(T.OCTETSTRING, bytes);
export const utf8 = (text: string): Asn1 => primitive(T.UTF8, Buffer.from(text, 'utf8'));
export const printable = (text: string): Asn1 => primitive(T.PRINTABLESTRING, latin1(text));
export const ia5 = (text: string): Asn1 => primitive(T.IA5STRING, latin1(text));

/** BIT STRING with no unused bits (keys, signatures). */
export const bits = (bytes: Uint8Array): Asn1 => {
  const content = new Uint8Array(bytes.length + 1);
  content.set(bytes, 1);
  return primitive(T.BITSTRING, content);
};

/** Named-bit BIT STRING (keyUsage, failInfo): DER drops trailing zero bits. */
export function namedBits(positions: number[]): Asn1 {
  if (positions.length === 0) return primitive(T.BITSTRING, Uint8Array.of(0));
  const highest = Math.max(...positions);
  const content = new Uint8Array(Math.floor(highest / 8) + 2);
  for (const p of positions) content[1 + (p >> 3)]! |= 0x80 >> (p & 7);
  content[0] = 7 - (highest & 7); // unused bits
  return primitive(T.BITSTRING, content);
}

/** INTEGER from a non-negative value (bigint/number) or from big-endian magnitude bytes. */
export function int(value: bigint | number | Uint8Array): Asn1 {
  return primitive(T.INTEGER, integerBytes(value));
}

export const enumerated = (value: number): Asn1 => primitive(T.ENUMERATED, integerBytes(value));

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
  return primitive(T.GENERALIZEDTIME, latin1(text + 'Z'));
}

export function utcTime(date: Date): Asn1 {
  const text = date.toISOString().slice(2, 19).replace(/[-:T]/g, '');
  return primitive(T.UTCTIME, latin1(text + 'Z'));
}

/** X.509 Time: UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
export const x509Time = (date: Date): Asn1 => (date.getUTCFullYear() < 2050 ? utcTime(date) : generalizedTime(date));

/** [n] EXPLICIT wrapper. */
export const explicit = (tag: number, child: Asn1): Asn1 => ({ identifier: contextClass | constructedBit | tag, children: [child] });

/** [n] IMPLICIT primitive with the given content bytes (a string: one byte per character). */
export const implicitPrimitive = (tag: number, content: Uint8Array | string): Asn1 => primitive(contextClass | tag, typeof content === 'string' ? latin1(content) : content);

/** [n] IMPLICIT constructed (e.g. IMPLICIT SEQUENCE / SET OF). */
export const implicitConstructed = (tag: number, children: Asn1[]): Asn1 => ({ identifier: contextClass | constructedBit | tag, children });

/** Re-tags an encoded element's identifier octet (e.g. SET 0x31 ⇄ [0] IMPLICIT 0xA0). */
export function retag(der: Uint8Array, identifier: number): Uint8Array {
  const copy = new Uint8Array(der);
  copy[0] = identifier;
  return copy;
}

export function algorithmIdentifier(algorithm: string, parameters?: Asn1 | null): Asn1 {
  return parameters === undefined ? seq(oid(algorithm)) : seq(oid(algorithm), parameters ?? nullValue());
}
