/**
 * PAdES signatures as incremental updates: a signature field merged with its widget, a
 * signature dictionary whose /Contents is a zero-filled placeholder, the byte range around it,
 * and afterwards the CMS (or RFC 3161 token) patched into the placeholder in place, so the
 * length of the file never changes. The first signature may certify the document (DocMDP P=2:
 * only form filling and further signatures allowed); it then also creates, empty, every
 * signature field later signers will fill, because strict validators (pyHanko's default diff
 * policy) reject a visible signature field created after a certification signature. A signer
 * whose field exists only fills it: /V and a new appearance on its widget, nothing else.
 */
import { createHash, type Hash } from 'node:crypto';
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFObject, PDFRef, PDFString } from 'pdf-lib';
import type { CmsProducer } from '../types.ts';
import { PdfUpdate, type WrittenPdf } from './incremental.ts';

/** Draws a widget appearance into the revision and returns its Form XObject. */
export type AppearanceBuilder = (update: PdfUpdate, width: number, height: number) => Promise<PDFRef>;

/** An empty signature field with its widget, created for a later signer. */
export interface EmptySignatureField {
  name: string;
  /** 0-based page index and widget rectangle in points. */
  page: number;
  rect: [number, number, number, number];
}

export interface SignatureOptions {
  /** The field signed: filled when the document already has it empty, else created. */
  fieldName: string;
  /** 0-based page index and widget rectangle in points of a created field; [0,0,0,0] for an invisible signature. A filled field keeps its own. */
  page?: number;
  rect?: [number, number, number, number];
  appearance?: AppearanceBuilder;
  reason?: string;
  location?: string;
  contactInfo?: string;
  name?: string;
  signingTime: Date;
  /** Certification signature with DocMDP P=2 (the first signature only). */
  certify?: boolean;
  /** Fields created empty in this revision for later signers (with `certify`: they must exist before it). */
  emptyFields?: EmptySignatureField[];
  subFilter?: 'ETSI.CAdES.detached' | 'ETSI.RFC3161';
  /** Bytes reserved for the CMS; defaults to a size that fits a chain, timestamp and margin. */
  placeholderBytes?: number;
  /** The document the PDF was just written from, to skip parsing it (PdfUpdate.open); used once. */
  written?: WrittenPdf;
}

export interface PreparedSignature {
  pdf: Uint8Array;
  byteRange: [number, number, number, number];
  /** Offset of the first hex digit of /Contents and the number of hex digits reserved. */
  contentsOffset: number;
  contentsHexLength: number;
  /** SHA-256 over the byte ranges: what the CMS messageDigest must equal. */
  digest: Uint8Array;
}

/** A signature prepared here (not restored from storage), with what hashing its ranges also gave. */
export interface HashedPreparedSignature extends PreparedSignature {
  /** SHA-256 (hex) of the PDF the signature was added to: the revisions before this one. */
  priorSha256: string;
  /** The SHA-256 state after the first byte range, from which the signed file's digest follows (signedFileSha256). */
  firstRangeHash: Hash;
}

/** A signed PDF with its SHA-256 and that of the PDF it was signed upon, from the hashing the signature needed anyway. */
export interface SignedPdf {
  pdf: Uint8Array;
  sha256: string;
  priorSha256: string;
}

const defaultPlaceholderBytes = 24 * 1024;
const byteRangePlaceholder = 9_999_999_999;

/** PDF date string: D:YYYYMMDDHHmmSS+00'00' (UTC). */
export function pdfDate(date: Date): string {
  const iso = date.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}+00'00'`;
}

/** Text strings: PDFDocEncoding-safe ASCII as literal strings, anything else as UTF-16BE. */
function textString(text: string): PDFString | PDFHexString {
  return /^[\x20-\x7e]*$/.test(text) ? PDFString.of(text.replace(/[\\()]/g, (c) => `\\${c}`)) : PDFHexString.fromText(text);
}

function indexOf(haystack: Uint8Array, needle: string, from: number): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle, from, 'latin1');
}

/** The zero-filled `<00…0>` /Contents placeholder, written with one fill (pdf-lib copies hex strings a digit at a time). */
class ContentsPlaceholder extends PDFObject {
  constructor(private readonly digits: number) {
    super();
  }
  override clone(): ContentsPlaceholder {
    return new ContentsPlaceholder(this.digits);
  }
  override toString(): string {
    return `<${'0'.repeat(this.digits)}>`;
  }
  override sizeInBytes(): number {
    return this.digits + 2;
  }
  override copyBytesInto(buffer: Uint8Array, offset: number): number {
    buffer[offset] = 0x3c; // <
    buffer.fill(0x30, offset + 1, offset + 1 + this.digits);
    buffer[offset + 1 + this.digits] = 0x3e; // >
    return this.digits + 2;
  }
}

/** The top-level signature field named `name` in the AcroForm, if there is one. */
function findSignatureField(update: PdfUpdate, name: string): { ref: PDFRef; field: PDFDict } | undefined {
  const acroForm = update.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  const fields = acroForm?.lookupMaybe(PDFName.of('Fields'), PDFArray);
  if (!fields) return undefined;
  for (let i = 0; i < fields.size(); i++) {
    const ref = fields.get(i);
    if (!(ref instanceof PDFRef)) continue;
    const field = update.context.lookupMaybe(ref, PDFDict);
    const title = field?.get(PDFName.of('T'));
    if (field && (title instanceof PDFString || title instanceof PDFHexString) && title.decodeText() === name) return { ref, field };
  }
  return undefined;
}

/** Whether `pdf` has a signature field `name`, and whether it is signed. */
export async function signatureFieldState(pdf: Uint8Array, name: string): Promise<'absent' | 'empty' | 'signed'> {
  const found = findSignatureField(await PdfUpdate.open(pdf), name);
  return !found ? 'absent' : found.field.has(PDFName.of('V')) ? 'signed' : 'empty';
}

/** The bytes of the first revision of `pdf` (what an incremental update was appended to): up to its first %%EOF. */
export function firstRevision(pdf: Uint8Array): Uint8Array {
  const end = indexOf(pdf, '%%EOF', 0);
  if (end < 0) throw new Error('not a PDF: no %%EOF');
  return pdf.subarray(0, end + 5);
}

function rectOf(field: PDFDict): [number, number, number, number] {
  const rect = field.lookupMaybe(PDFName.of('Rect'), PDFArray);
  const numbers = rect?.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : 0)) ?? [];
  return numbers.length === 4 ? [numbers[0]!, numbers[1]!, numbers[2]!, numbers[3]!] : [0, 0, 0, 0];
}

/** An appearance for a widget of width × height: the builder's, or an empty form. */
async function appearanceFor(update: PdfUpdate, rect: [number, number, number, number], builder?: AppearanceBuilder): Promise<PDFRef> {
  const width = Math.max(0, rect[2] - rect[0]);
  const height = Math.max(0, rect[3] - rect[1]);
  if (builder && width > 0 && height > 0) return builder(update, width, height);
  return update.add(update.context.stream('', { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, width, height] }));
}

export async function prepareSignature(pdf: Uint8Array, options: SignatureOptions): Promise<HashedPreparedSignature> {
  const update = await PdfUpdate.open(pdf, options.written);
  const { context } = update;
  const placeholderBytes = options.placeholderBytes ?? defaultPlaceholderBytes;
  const isTimestamp = options.subFilter === 'ETSI.RFC3161';

  const signature = context.obj({
    Type: isTimestamp ? 'DocTimeStamp' : 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: options.subFilter ?? 'ETSI.CAdES.detached',
    ByteRange: [0, byteRangePlaceholder, byteRangePlaceholder, byteRangePlaceholder],
  });
  signature.set(PDFName.of('Contents'), new ContentsPlaceholder(placeholderBytes * 2));
  if (!isTimestamp) signature.set(PDFName.of('M'), PDFString.of(pdfDate(options.signingTime)));
  if (options.name) signature.set(PDFName.of('Name'), textString(options.name));
  if (options.reason) signature.set(PDFName.of('Reason'), textString(options.reason));
  if (options.location) signature.set(PDFName.of('Location'), textString(options.location));
  if (options.contactInfo) signature.set(PDFName.of('ContactInfo'), textString(options.contactInfo));
  if (options.certify) {
    const params = context.obj({ Type: 'TransformParams', P: 2, V: '1.2' });
    signature.set(PDFName.of('Reference'), context.obj([context.obj({ Type: 'SigRef', TransformMethod: 'DocMDP', TransformParams: params })]));
  }
  const signatureRef = update.add(signature);

  const existing = findSignatureField(update, options.fieldName);
  if (existing) {
    // Filling a field made before: only its value and its widget's appearance (a new stream) change.
    if (existing.field.has(PDFName.of('V'))) throw new Error(`signature field ${options.fieldName} is already signed`);
    if (options.certify || options.emptyFields?.length) throw new Error('a certification signature cannot fill an existing field');
    existing.field.set(PDFName.of('V'), signatureRef);
    existing.field.set(PDFName.of('AP'), context.obj({ N: await appearanceFor(update, rectOf(existing.field), options.appearance) }));
    update.touch(existing.ref);
  } else {
    const pages = update.doc.getPages();
    const widgetOn = async (name: string, pageIndex: number, rect: [number, number, number, number], appearance?: AppearanceBuilder) => {
      const page = pages[pageIndex];
      if (!page) throw new Error(`page ${pageIndex} does not exist`);
      const widget = context.obj({
        Type: 'Annot',
        Subtype: 'Widget',
        FT: 'Sig',
        F: 4 | (rect[2] - rect[0] <= 0 ? 2 : 0),
        Rect: rect,
        P: page.ref,
        AP: context.obj({ N: await appearanceFor(update, rect, appearance) }),
      });
      widget.set(PDFName.of('T'), textString(name));
      const widgetRef = update.add(widget);
      update.ownArray(page.node, page.ref, 'Annots').push(widgetRef);
      return { widget, widgetRef };
    };
    const { dict: acroForm } = update.ownDict(update.catalog, update.catalogRef, 'AcroForm');
    const fields = update.ownArray(acroForm, update.catalogRef, 'Fields');
    const { widget, widgetRef } = await widgetOn(options.fieldName, options.page ?? 0, options.rect ?? [0, 0, 0, 0], options.appearance);
    widget.set(PDFName.of('V'), signatureRef);
    fields.push(widgetRef);
    for (const empty of options.emptyFields ?? []) {
      if (empty.name === options.fieldName || findSignatureField(update, empty.name)) throw new Error(`signature field ${empty.name} exists twice`);
      fields.push((await widgetOn(empty.name, empty.page, empty.rect)).widgetRef);
    }
    acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(3));
    update.touch(update.catalogRef);
    if (options.certify) update.catalog.set(PDFName.of('Perms'), context.obj({ DocMDP: signatureRef }));
  }

  const bytes = update.serialize();
  return locatePlaceholder(bytes, pdf.length, placeholderBytes);
}

/** Finds the placeholder in the new revision, writes the real byte range and digests the ranges. */
function locatePlaceholder(bytes: Uint8Array, revisionStart: number, placeholderBytes: number): HashedPreparedSignature {
  const placeholder = String(byteRangePlaceholder);
  const rangeAt = indexOf(bytes, `0 ${placeholder} ${placeholder} ${placeholder}`, revisionStart);
  const contentsAt = indexOf(bytes, `<${'0'.repeat(64)}`, rangeAt);
  if (rangeAt < 0 || contentsAt < 0) throw new Error('signature placeholder not found');
  const contentsEnd = contentsAt + 2 + placeholderBytes * 2; // '<' hex '>'
  const byteRange: [number, number, number, number] = [0, contentsAt, contentsEnd, bytes.length - contentsEnd];

  const width = `0 ${placeholder} ${placeholder} ${placeholder}`.length;
  const actual = byteRange.join(' ');
  if (actual.length > width) throw new Error('document too large for the byte range placeholder');
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).write(actual.padEnd(width, ' '), rangeAt, 'latin1');

  // One pass over the bytes gives three digests: the prior revisions', the ranges' and (with the CMS in place) the file's.
  const firstRangeHash = createHash('sha256').update(bytes.subarray(0, revisionStart));
  const priorSha256 = firstRangeHash.copy().digest('hex');
  firstRangeHash.update(bytes.subarray(revisionStart, byteRange[1]));
  const digest = firstRangeHash.copy().update(bytes.subarray(byteRange[2])).digest();
  return { pdf: bytes, byteRange, contentsOffset: contentsAt + 1, contentsHexLength: placeholderBytes * 2, digest, priorSha256, firstRangeHash };
}

/** The SHA-256 (hex) of `signed`, the output of embedSignature(prepared, …): only /Contents and what follows it are hashed again. */
function signedFileSha256(prepared: HashedPreparedSignature, signed: Uint8Array): string {
  return prepared.firstRangeHash.copy().update(signed.subarray(prepared.byteRange[1])).digest('hex');
}

/** The signed bytes: everything but the /Contents hex string. */
export function signedBytes(prepared: PreparedSignature): Uint8Array {
  const [, a, b] = prepared.byteRange;
  return Buffer.concat([prepared.pdf.subarray(0, a), prepared.pdf.subarray(b)]);
}

/** Patches the CMS into the placeholder; the file length does not change. */
export function embedSignature(prepared: PreparedSignature, cms: Uint8Array): Uint8Array {
  const hex = Buffer.from(cms).toString('hex');
  if (hex.length > prepared.contentsHexLength) {
    throw new Error(`signature (${cms.length} bytes) is larger than its placeholder (${prepared.contentsHexLength / 2} bytes)`);
  }
  const out = Buffer.from(prepared.pdf);
  out.write(hex.padEnd(prepared.contentsHexLength, '0'), prepared.contentsOffset, 'latin1');
  return out;
}

/**
 * Prepares, obtains the CMS over the digest, and embeds it. A CMS larger than the reserved
 * space (a long chain, a TSA that embeds many certificates) is not an error: the revision is
 * prepared again with room for the actual size and signed once more.
 */
export async function signPdf(pdf: Uint8Array, options: SignatureOptions, produceCms: CmsProducer): Promise<Uint8Array> {
  return (await signPdfHashed(pdf, options, produceCms)).pdf;
}

/** signPdf, also giving the signed file's SHA-256 and the input's, at the cost of hashing the CMS again rather than the file twice. */
export async function signPdfHashed(pdf: Uint8Array, options: SignatureOptions, produceCms: CmsProducer): Promise<SignedPdf> {
  const signed = (prepared: HashedPreparedSignature, cms: Uint8Array): SignedPdf => {
    const out = embedSignature(prepared, cms);
    return { pdf: out, sha256: signedFileSha256(prepared, out), priorSha256: prepared.priorSha256 };
  };
  const prepared = await prepareSignature(pdf, options);
  const cms = await produceCms(prepared.digest);
  if (cms.length * 2 <= prepared.contentsHexLength) return signed(prepared, cms);
  // The first attempt added its objects to any written document: parse the bytes this time.
  const resized = await prepareSignature(pdf, { ...options, written: undefined, placeholderBytes: cms.length + 2048 });
  return signed(resized, await produceCms(resized.digest));
}
