/**
 * Verification of a signed PDF, as a pure function over its bytes: for every signature the
 * byte-range coverage, digest, CMS signature, certificate chain to the trust anchors,
 * signature timestamp, revocation status, and what later revisions changed (only new
 * signature fields, their appearances, form entries and validation data are allowed), and
 * the PAdES level reached.
 */
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFObject, PDFRef, PDFString } from 'pdf-lib';
import { readDer } from '../asn1/der.ts';
import { parseSignedData, verifyCmsSignature } from '../cms/parse.ts';
import { isIssuedBy, parseCertificate, type ParsedCertificate } from '../pki/certificate.ts';
import { oids } from '../asn1/oids.ts';
import { parseCrl, type ParsedCrl } from '../pki/crl.ts';
import { verifyCrl } from '../revocation/crl.ts';
import { parseOcspResponse, verifyOcspResponse, type ParsedOcspResponse } from '../revocation/ocsp.ts';
import { parseTimestampToken, verifyTimestampToken } from '../tsa/token.ts';

export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
export type RevocationStatus = {
  status: 'good' | 'revoked' | 'unknown';
  source: 'dss' | 'lookup' | 'none';
  revokedAt?: Date;
  /** Revoked, but after a trusted signature timestamp proved the signature existed: it stands. */
  afterSignature?: boolean;
};

export interface SignatureReport {
  fieldName: string;
  kind: 'signature' | 'document-timestamp';
  subFilter: string;
  signer?: { name: string; subject: string; serialHex: string; issuer: string };
  signingTime?: string;
  byteRange: number[];
  /** The ranges cover the whole revision except exactly the /Contents hex string. */
  coversRevision: boolean;
  /** The signed revision is the whole file (nothing appended after it). */
  coversWholeFile: boolean;
  digestValid: boolean;
  signatureValid: boolean;
  chainTrusted: boolean;
  chain: string[];
  timestamp?: { time: string; valid: boolean; problems: string[] };
  revocation: RevocationStatus;
  disallowedChanges: string[];
  level?: PadesLevel;
  valid: boolean;
  problems: string[];
}

export interface VerificationReport {
  valid: boolean;
  sha256: string;
  signatures: SignatureReport[];
}

export interface VerifyOptions {
  trustAnchors: Uint8Array[];
  /** Revocation status from the issuing platform's records, when it is the verifier. */
  statusLookup?: (serialHex: string) => Promise<{ status: 'good' | 'revoked' | 'unknown'; revokedAt?: Date }>;
}

const name = (key: string) => PDFName.of(key);

function text(value: PDFObject | undefined): string | undefined {
  if (value instanceof PDFString || value instanceof PDFHexString) return value.decodeText();
  return undefined;
}

/** The DER element at the start of a zero-padded /Contents value; empty when there is none (reported as unparsable). */
function trimDer(bytes: Uint8Array): Uint8Array {
  try {
    return bytes.subarray(0, readDer(bytes).end);
  } catch {
    return new Uint8Array();
  }
}

interface SignatureEntry {
  fieldName: string;
  dict: PDFDict;
}

/**
 * The dictionary an object is or refers to, else undefined. pdf-lib's lookupMaybe throws when a
 * damaged file has something else there; a verifier reports such a file, it does not fail on it.
 */
function dictAt(doc: PDFDocument, object: PDFObject | undefined): PDFDict | undefined {
  const found = object instanceof PDFRef ? doc.context.lookup(object) : object;
  return found instanceof PDFDict ? found : undefined;
}

function findSignatures(doc: PDFDocument): SignatureEntry[] {
  const entries: SignatureEntry[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(name('FT')) !== name('Sig')) continue;
    const value = object.get(name('V'));
    const dict = dictAt(doc, value);
    if (dict) entries.push({ fieldName: text(object.get(name('T'))) ?? '(unnamed)', dict });
  }
  return entries;
}

function numbers(array: PDFObject | undefined): number[] {
  return array instanceof PDFArray ? array.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : NaN)) : [];
}

/** Object numbers written by the revisions after `offset`, read from their xref tables. */
function objectsWrittenAfter(pdf: Uint8Array, offset: number): Set<number> {
  const written = new Set<number>();
  const source = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const tail = source.toString('latin1', offset);
  for (const section of tail.matchAll(/(?:^|\n)xref\s*\n([\s\S]*?)trailer/g)) {
    const lines = section[1]!.split(/\r?\n/);
    let current = 0;
    for (const line of lines) {
      const header = /^(\d+) (\d+)\s*$/.exec(line);
      if (header) {
        current = Number(header[1]);
        continue;
      }
      const entry = /^(\d{10}) (\d{5}) ([nf])/.exec(line);
      if (entry) {
        if (entry[3] === 'n') written.add(current);
        current++;
      }
    }
  }
  if (/\/Type\s*\/XRef/.test(tail)) written.add(-1); // xref streams: changes cannot be listed
  return written;
}

const allowedCatalogKeys = new Set(['AcroForm', 'DSS', 'Extensions']);
const allowedAcroFormKeys = new Set(['Fields', 'SigFlags', 'DA', 'DR']);

function serialized(value: PDFObject | undefined): string {
  return value === undefined ? '' : value.toString();
}

function isSignatureWidget(doc: PDFDocument, ref: PDFObject): boolean {
  const dict = dictAt(doc, ref);
  return dict?.get(name('FT')) === name('Sig');
}

function changedKeys(before: PDFDict, after: PDFDict): string[] {
  const keys = new Set([...before.keys(), ...after.keys()].map((k) => k.decodeText()));
  return [...keys].filter((key) => serialized(before.get(name(key))) !== serialized(after.get(name(key))));
}

/** Array elements added in `after` must all be signature widgets. */
function onlyNewSignatureWidgets(doc: PDFDocument, before: PDFObject | undefined, after: PDFObject | undefined, resolve: (o: PDFObject | undefined) => PDFObject | undefined): boolean {
  const old = new Set((resolve(before) instanceof PDFArray ? (resolve(before) as PDFArray).asArray() : []).map(serialized));
  const now = resolve(after) instanceof PDFArray ? (resolve(after) as PDFArray).asArray() : [];
  return now.filter((item) => !old.has(serialized(item))).every((item) => isSignatureWidget(doc, item));
}

/**
 * The object numbers of a document's pages, or undefined when its page tree is missing or broken
 * (pdf-lib throws while walking it): a verdict about the file, not a failure of the verifier.
 */
function pageRefs(doc: PDFDocument): number[] | undefined {
  if (!dictAt(doc, dictAt(doc, doc.context.trailerInfo.Root)?.get(name('Pages')))) return undefined;
  try {
    return doc.getPages().map((page) => page.ref.objectNumber);
  } catch {
    return undefined;
  }
}

/** Lists changes made after `revisionEnd` that a signature's integrity does not allow. */
async function disallowedChangesAfter(pdf: Uint8Array, revisionEnd: number, after: PDFDocument): Promise<string[]> {
  if (revisionEnd >= pdf.length) return [];
  const written = objectsWrittenAfter(pdf, revisionEnd);
  if (written.has(-1)) return ['a later revision uses a cross-reference stream; its changes could not be checked'];
  // A signature whose revision is not a PDF of its own is reported, not thrown: the file as a whole was readable.
  const before = await PDFDocument.load(pdf.subarray(0, revisionEnd), { updateMetadata: false, throwOnInvalidObject: false }).catch(() => undefined);
  if (!before || !(before.context.lookup(before.context.trailerInfo.Root) instanceof PDFDict)) return ['the signed revision is not a readable PDF; changes after it could not be checked'];
  const catalogRef = before.context.trailerInfo.Root as PDFRef;
  const [pagesBefore, pagesAfter] = [pageRefs(before), pageRefs(after)];
  if (!pagesBefore || !pagesAfter) return ['the page tree cannot be read; changes after the signature could not be checked'];
  const beforePages = new Set(pagesBefore);
  if (pagesAfter.length !== pagesBefore.length) return [`pages were added or removed (${pagesBefore.length} → ${pagesAfter.length})`];
  const resolveIn = (doc: PDFDocument) => (o: PDFObject | undefined) => (o instanceof PDFRef ? doc.context.lookup(o) : o);

  const problems: string[] = [];
  for (const number of written) {
    const ref = PDFRef.of(number, 0);
    const old = before.context.lookup(ref);
    const now = after.context.lookup(ref);
    if (old === undefined) continue; // a new object changes nothing unless an existing one points to it
    if (serialized(old) === serialized(now)) continue;
    if (!(old instanceof PDFDict) || !(now instanceof PDFDict)) {
      if (old instanceof PDFArray && now instanceof PDFArray && onlyNewSignatureWidgets(after, old, now, resolveIn(after))) continue;
      if (old instanceof PDFArray && now instanceof PDFArray && now.size() >= old.size() && old.asArray().every((item, i) => serialized(item) === serialized(now.get(i)))) {
        const added = now.asArray().slice(old.size());
        // DSS arrays grow with validation data streams, field arrays with signature widgets.
        if (added.every((item) => isSignatureWidget(after, item) || (item instanceof PDFRef && !(after.context.lookup(item) instanceof PDFDict)))) continue;
      }
      problems.push(`object ${number} was modified`);
      continue;
    }
    const keys = changedKeys(old, now);
    if (number === catalogRef.objectNumber) {
      const bad = keys.filter((k) => !allowedCatalogKeys.has(k));
      if (bad.length) problems.push(`document catalog changed: ${bad.join(', ')}`);
    } else if (beforePages.has(number)) {
      const bad = keys.filter((k) => k !== 'Annots');
      if (bad.length) problems.push(`page content or properties changed on page object ${number}: ${bad.join(', ')}`);
      else if (!onlyNewSignatureWidgets(after, resolveIn(before)(old.get(name('Annots'))), resolveIn(after)(now.get(name('Annots'))), (o) => o)) {
        problems.push(`annotations other than signature fields were added on page object ${number}`);
      }
    } else if (old.get(name('Fields')) !== undefined || old.get(name('SigFlags')) !== undefined) {
      const bad = keys.filter((k) => !allowedAcroFormKeys.has(k));
      if (bad.length || !onlyNewSignatureWidgets(after, resolveIn(before)(old.get(name('Fields'))), resolveIn(after)(now.get(name('Fields'))), (o) => o)) {
        problems.push(`form fields changed: ${bad.join(', ') || 'non-signature fields added'}`);
      }
    } else if (old.get(name('Type')) === name('DSS') || old.get(name('VRI')) !== undefined) {
      continue;
    } else {
      problems.push(`object ${number} (${serialized(old.get(name('Type'))) || 'untyped'}) was modified`);
    }
  }
  return problems;
}

function chainTo(leaf: ParsedCertificate, pool: ParsedCertificate[], anchors: ParsedCertificate[]): { trusted: boolean; chain: ParsedCertificate[] } {
  const chain = [leaf];
  let current = leaf;
  for (let depth = 0; depth < 8; depth++) {
    const anchor = anchors.find((a) => isIssuedBy(current, a));
    if (anchor) {
      if (!Buffer.from(anchor.der).equals(Buffer.from(current.der))) chain.push(anchor);
      return { trusted: true, chain };
    }
    if (anchors.some((a) => Buffer.from(a.der).equals(Buffer.from(current.der)))) return { trusted: true, chain };
    const issuer = pool.find((candidate) => candidate !== current && isIssuedBy(current, candidate));
    if (!issuer) return { trusted: false, chain };
    chain.push(issuer);
    current = issuer;
  }
  return { trusted: false, chain };
}

interface DssMaterial {
  certs: ParsedCertificate[];
  ocsps: ParsedOcspResponse[];
  crls: ParsedCrl[];
  present: boolean;
}

const emptyDss: DssMaterial = { certs: [], ocsps: [], crls: [], present: false };

/** The /DSS as parsed values; entries that do not parse are left out (and so cover nothing). */
function readDss(doc: PDFDocument): DssMaterial {
  const dss = dictAt(doc, dictAt(doc, doc.context.trailerInfo.Root)?.get(name('DSS')));
  if (!dss) return emptyDss;
  const streams = (key: string): Uint8Array[] => {
    const value = dss.get(name(key));
    const array = value instanceof PDFRef ? doc.context.lookup(value) : value;
    return (array instanceof PDFArray ? array.asArray() : []).flatMap((ref) => {
      const stream = doc.context.lookup(ref);
      if (!stream || !('getContents' in stream)) return [];
      try {
        return [decodeStream(stream as never)];
      } catch {
        return [];
      }
    });
  };
  const parsed = <T>(key: string, parse: (der: Uint8Array) => T): T[] =>
    streams(key).flatMap((der) => {
      try {
        return [parse(der)];
      } catch {
        return [];
      }
    });
  return { certs: parsed('Certs', parseCertificate), ocsps: parsed('OCSPs', parseOcspResponse), crls: parsed('CRLs', parseCrl), present: true };
}

/** Revocation data may be issued this long before the time it speaks for (clock skew between TSA and responders). */
const revocationSkewMs = 5 * 60_000;

interface DssRevocation {
  status: 'good' | 'revoked';
  via: 'ocsp' | 'crl';
  revokedAt?: Date;
}

/**
 * What the DSS says about `certificate` (issued by `issuer`) at time `at`: a verified OCSP
 * response (signed by the issuer or a responder it delegated, CertID matching issuer name
 * hash, key hash and serial) or a CRL signed by the issuer, issued no earlier than `at` (less
 * clock skew) and not expired then. Responses that do not verify count for nothing.
 */
function dssRevocation(certificate: ParsedCertificate, issuer: ParsedCertificate, dss: DssMaterial, at: Date, depth = 0): DssRevocation | undefined {
  const fresh = (thisUpdate: Date) => thisUpdate.getTime() >= at.getTime() - revocationSkewMs;
  for (const response of dss.ocsps) {
    if (!response.basic?.responses.some((r) => r.certId.serialHex === certificate.serialHex)) continue;
    const check = verifyOcspResponse(response, { certificate, issuer, now: at });
    const single = check.response;
    if (!check.valid || !single || single.status === 'unknown' || !fresh(single.thisUpdate)) continue;
    const signer = check.signer;
    if (signer && Buffer.compare(signer.der, issuer.der) !== 0 && !signer.extensions.has(oids.ocspNoCheck)) {
      // A delegated responder without id-pkix-ocsp-nocheck must itself be shown unrevoked.
      const responderStatus = depth < 2 ? dssRevocation(signer, issuer, { ...dss, ocsps: [] }, at, depth + 1) : undefined;
      if (responderStatus?.status !== 'good') continue;
    }
    return { status: single.status, via: 'ocsp', revokedAt: single.revokedAt };
  }
  for (const crl of dss.crls) {
    if (Buffer.compare(crl.issuer, issuer.subject) !== 0) continue;
    const check = verifyCrl(crl, { issuer, certificate, now: at });
    if (!check.valid || !fresh(crl.thisUpdate)) continue;
    return check.entry ? { status: 'revoked', via: 'crl', revokedAt: check.entry.revokedAt } : { status: 'good', via: 'crl' };
  }
  return undefined;
}

const isAnchor = (certificate: ParsedCertificate, anchors: ParsedCertificate[]) => anchors.some((a) => Buffer.compare(a.der, certificate.der) === 0);

/**
 * What the DSS lacks for a chain (leaf first, ending at the trust anchor): every certificate
 * other than the anchor must be in /Certs and have revocation data at `at`.
 */
function dssGaps(chain: ParsedCertificate[], trusted: boolean, dss: DssMaterial, anchors: ParsedCertificate[], at: Date): string[] {
  if (!trusted) return ['chain does not lead to a trust anchor'];
  const gaps: string[] = [];
  chain.forEach((certificate, index) => {
    if (isAnchor(certificate, anchors)) return;
    if (!dss.certs.some((c) => Buffer.compare(c.der, certificate.der) === 0)) gaps.push(`${certificate.subjectText}: certificate not in the DSS`);
    const issuer = chain[index + 1];
    if (!issuer || !dssRevocation(certificate, issuer, dss, at)) gaps.push(`${certificate.subjectText}: no verified revocation data in the DSS`);
  });
  return gaps;
}

function decodeStream(stream: { getContents(): Uint8Array; dict: PDFDict }): Uint8Array {
  const contents = stream.getContents();
  return stream.dict.get(name('Filter')) === name('FlateDecode') ? new Uint8Array(inflateSync(contents)) : contents;
}

/** The bytes are not a PDF this verifier can read. */
export class UnreadablePdfError extends Error {}

/**
 * The PDF with each signature's /Contents hex string replaced by a same-length number: the
 * values (tens of KB of hex) are read natively from the file instead, and pdf-lib's
 * character-by-character hex parsing was most of the verification time. Offsets are unchanged.
 */
function withoutSignatureContents(pdf: Uint8Array): Uint8Array {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  let copy: Buffer | undefined;
  for (const match of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const [from, to] = [Number(match[2]), Number(match[3])];
    if (!(to - from > 2 && to <= pdf.length && pdf[from] === 0x3c && pdf[to - 1] === 0x3e)) continue;
    if (!/^[0-9a-fA-F\s]*$/.test(text.slice(from + 1, Math.min(to - 1, from + 65)))) continue;
    copy ??= Buffer.from(pdf);
    copy.fill(0x20, from, to);
    copy[from] = 0x30;
  }
  return copy ?? pdf;
}

/** The /Contents bytes of a signature, read from the file between its byte ranges. */
function contentsAt(source: Buffer, byteRange: number[]): Uint8Array {
  const [, length1 = 0, offset2 = 0] = byteRange;
  if (!(offset2 - length1 > 2 && source[length1] === 0x3c && source[offset2 - 1] === 0x3e)) return new Uint8Array();
  return new Uint8Array(Buffer.from(source.toString('latin1', length1 + 1, offset2 - 1).replace(/\s+/g, ''), 'hex'));
}

export async function verifyPdf(pdf: Uint8Array, options: VerifyOptions): Promise<VerificationReport> {
  const readable = withoutSignatureContents(pdf);
  const doc = await PDFDocument.load(readable, { updateMetadata: false, throwOnInvalidObject: false }).catch((error: unknown) => {
    throw new UnreadablePdfError(`not a readable PDF: ${(error as Error).message}`);
  });
  // pdf-lib, told to be lenient, loads a file without a usable trailer as a document with no catalog.
  if (!(doc.context.lookup(doc.context.trailerInfo.Root) instanceof PDFDict)) throw new UnreadablePdfError('not a readable PDF: no document catalog');
  const anchors = options.trustAnchors.map(parseCertificate);
  const dss = readDss(doc);
  const source = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const reports: SignatureReport[] = [];
  const ltvInputs = new Map<SignatureReport, LtvInputs>();

  const entries = findSignatures(doc)
    .map((entry) => ({ ...entry, byteRange: numbers(entry.dict.get(name('ByteRange'))) }))
    .sort((a, b) => (a.byteRange[2] ?? 0) + (a.byteRange[3] ?? 0) - ((b.byteRange[2] ?? 0) + (b.byteRange[3] ?? 0)));

  for (const entry of entries) {
    const problems: string[] = [];
    const [start, length1, offset2, length2] = entry.byteRange as [number, number, number, number];
    const revisionEnd = offset2 + length2;
    const subFilter = serialized(entry.dict.get(name('SubFilter'))).replace(/^\//, '');
    const kind = subFilter === 'ETSI.RFC3161' ? 'document-timestamp' : 'signature';
    const contents = contentsAt(source, entry.byteRange);
    const coversRevision =
      entry.byteRange.length === 4 && start === 0 && source[length1] === 0x3c && source[offset2 - 1] === 0x3e && revisionEnd <= pdf.length &&
      /%%EOF\s*$/.test(source.toString('latin1', Math.max(0, revisionEnd - 16), revisionEnd)) &&
      contents.length > 0 && /^[0-9a-fA-F]*$/.test(source.toString('latin1', length1 + 1, offset2 - 1));
    if (!coversRevision) problems.push('byte range does not cover the signed revision exactly');
    const digest = createHash('sha256').update(source.subarray(0, length1)).update(source.subarray(offset2, revisionEnd)).digest();
    const der = contents.length ? trimDer(contents) : new Uint8Array();

    const report: SignatureReport = {
      fieldName: entry.fieldName,
      kind,
      subFilter,
      signingTime: text(entry.dict.get(name('M'))),
      byteRange: entry.byteRange,
      coversRevision,
      coversWholeFile: revisionEnd === pdf.length,
      digestValid: false,
      signatureValid: false,
      chainTrusted: false,
      chain: [],
      revocation: { status: 'unknown', source: 'none' },
      disallowedChanges: [],
      valid: false,
      problems,
    };

    const ltv: LtvInputs = {};
    ltvInputs.set(report, ltv);
    try {
      let signerCertificate: ParsedCertificate | undefined;
      let pool: ParsedCertificate[] = [];
      let referenceTime: Date | undefined;
      if (kind === 'document-timestamp') {
        const token = parseTimestampToken(der);
        const check = verifyTimestampToken(token, { digest });
        report.digestValid = !check.problems.some((p) => p.includes('imprint'));
        report.signatureValid = check.valid;
        problems.push(...check.problems);
        signerCertificate = check.tsaCertificate;
        pool = token.signed.certificates.map(parseCertificate);
        report.timestamp = { time: check.genTime?.toISOString() ?? '', valid: check.valid, problems: check.problems };
        referenceTime = check.genTime;
      } else {
        const parsed = parseSignedData(der);
        const check = verifyCmsSignature(parsed, digest, { requireSigningCertificate: subFilter !== 'adbe.pkcs7.detached' });
        report.digestValid = !check.problems.some((p) => p.includes('messageDigest'));
        report.signatureValid = check.valid;
        problems.push(...check.problems);
        signerCertificate = check.signerCertificate;
        pool = parsed.certificates.map(parseCertificate);
        if (parsed.timestampToken) {
          const ts = verifyTimestampToken(parsed.timestampToken, { data: parsed.signature });
          const tsChain = ts.tsaCertificate ? chainTo(ts.tsaCertificate, [...parseTimestampToken(parsed.timestampToken).signed.certificates.map(parseCertificate), ...dss.certs], anchors) : undefined;
          const valid = ts.valid && !!tsChain?.trusted;
          report.timestamp = { time: ts.genTime?.toISOString() ?? '', valid, problems: [...ts.problems, ...(tsChain && !tsChain.trusted ? ['TSA certificate is not trusted'] : [])] };
          if (valid && tsChain && ts.genTime) {
            referenceTime = ts.genTime;
            ltv.tsaChain = tsChain;
          }
        }
      }
      if (signerCertificate) {
        const { trusted, chain } = chainTo(signerCertificate, [...pool, ...dss.certs], anchors);
        report.chainTrusted = trusted;
        report.chain = chain.map((c) => c.subjectText);
        if (!trusted) problems.push('certificate chain does not lead to a trusted root');
        const cn = /CN=([^,]+)/.exec(signerCertificate.subjectText)?.[1] ?? signerCertificate.subjectText;
        report.signer = { name: cn, subject: signerCertificate.subjectText, serialHex: signerCertificate.serialHex, issuer: chain[1]?.subjectText ?? '' };
        const at = referenceTime ?? signingTimeOf(report) ?? new Date();
        ltv.signerChain = { trusted, chain };
        ltv.at = at;
        report.revocation = await revocationOf(signerCertificate, chain[1], dss, at, options);
        // A certificate revoked after a trusted timestamp proved the signature existed keeps
        // that signature valid (ETSI EN 319 102-1): revoking an employer's certificate later
        // must not undo the contracts it sealed before. Without that proof, revoked is fatal.
        if (report.revocation.status === 'revoked') {
          if (referenceTime !== undefined && report.revocation.revokedAt !== undefined && report.revocation.revokedAt > referenceTime) report.revocation.afterSignature = true;
          else problems.push('signer certificate is revoked');
        }
        for (const [index, ca] of chain.slice(1).entries()) {
          const issuer = chain[index + 2];
          if (issuer && !isAnchor(ca, anchors) && dssRevocation(ca, issuer, dss, at)?.status === 'revoked') problems.push(`${ca.subjectText} in the chain is revoked`);
        }
      }
    } catch (error) {
      problems.push(`signature could not be parsed: ${(error as Error).message}`);
    }

    report.disallowedChanges = await disallowedChangesAfter(readable, revisionEnd, doc);
    problems.push(...report.disallowedChanges);
    reports.push(report);
  }

  // Levels: B-T with a valid signature timestamp; B-LT when the /DSS holds the certificates
  // and verified revocation data of the signer's chain and of the signature timestamp's TSA
  // chain; B-LTA when a valid document timestamp after the signature covers such a DSS.
  const gapsIn = (material: DssMaterial, ltv: LtvInputs | undefined): string[] => {
    if (!ltv?.signerChain || !ltv.tsaChain || !ltv.at) return ['no trusted signer and TSA chains'];
    return [
      ...dssGaps(ltv.signerChain.chain, ltv.signerChain.trusted, material, anchors, ltv.at),
      ...dssGaps(ltv.tsaChain.chain, ltv.tsaChain.trusted, material, anchors, ltv.at),
    ];
  };
  const docTimestamps = reports.filter((r) => r.kind === 'document-timestamp' && r.coversRevision && r.digestValid && r.signatureValid && r.chainTrusted);
  const dssAtRevision = new Map<number, Promise<DssMaterial>>();
  const dssCoveredBy = (revisionEnd: number): Promise<DssMaterial> => {
    let material = dssAtRevision.get(revisionEnd);
    if (!material) {
      material = revisionEnd >= readable.length
        ? Promise.resolve(dss)
        : PDFDocument.load(readable.subarray(0, revisionEnd), { updateMetadata: false, throwOnInvalidObject: false }).then(readDss, () => emptyDss);
      dssAtRevision.set(revisionEnd, material);
    }
    return material;
  };
  for (const report of reports) {
    if (report.kind !== 'signature' || !report.signatureValid) continue;
    if (!report.timestamp?.valid) {
      report.level = 'B-B';
      continue;
    }
    const ltv = ltvInputs.get(report);
    const gaps = dss.present ? gapsIn(dss, ltv) : ['no /DSS'];
    if (gaps.length) {
      report.level = 'B-T';
      if (dss.present) report.problems.push(...gaps.map((gap) => `not B-LT: ${gap}`));
      continue;
    }
    const signatureEnd = (report.byteRange[2] ?? 0) + (report.byteRange[3] ?? 0);
    let archived = false;
    for (const stamp of docTimestamps) {
      const stampEnd = (stamp.byteRange[2] ?? 0) + (stamp.byteRange[3] ?? 0);
      if (stampEnd <= signatureEnd) continue;
      if (!gapsIn(await dssCoveredBy(stampEnd), ltv).length) {
        archived = true;
        break;
      }
    }
    report.level = archived ? 'B-LTA' : 'B-LT';
  }
  for (const report of reports) {
    report.valid = report.coversRevision && report.digestValid && report.signatureValid && report.chainTrusted && report.disallowedChanges.length === 0 &&
      (report.revocation.status !== 'revoked' || report.revocation.afterSignature === true) && (report.kind === 'document-timestamp' || report.timestamp?.valid === true);
  }
  return {
    valid: reports.length > 0 && reports.every((r) => r.valid),
    sha256: createHash('sha256').update(pdf).digest('hex'),
    signatures: reports,
  };
}

async function revocationOf(certificate: ParsedCertificate, issuer: ParsedCertificate | undefined, dss: DssMaterial, at: Date, options: VerifyOptions): Promise<RevocationStatus> {
  if (options.statusLookup) {
    const { status, revokedAt } = await options.statusLookup(certificate.serialHex);
    if (status !== 'unknown') return { status, source: 'lookup', ...(revokedAt ? { revokedAt } : {}) };
  }
  const fromDss = issuer ? dssRevocation(certificate, issuer, dss, at) : undefined;
  if (fromDss) return { status: fromDss.status, source: 'dss', revokedAt: fromDss.revokedAt };
  return { status: 'unknown', source: 'none' };
}

interface LtvInputs {
  signerChain?: { trusted: boolean; chain: ParsedCertificate[] };
  tsaChain?: { trusted: boolean; chain: ParsedCertificate[] };
  /** The time revocation data must speak for: the signature timestamp's genTime. */
  at?: Date;
}

/** The /M signing time of a signature dictionary (D:YYYYMMDDHHmmSS+HH'mm'), when readable. */
function signingTimeOf(report: SignatureReport): Date | undefined {
  const match = /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:([+-])(\d{2})'?(\d{2})?)?/.exec(report.signingTime ?? '');
  if (!match) return undefined;
  const [y, mo, d, h, mi, se] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offsetMinutes = match[7] ? (match[7] === '-' ? -1 : 1) * (Number(match[8]) * 60 + Number(match[9] ?? 0)) : 0;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se) - offsetMinutes * 60_000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
