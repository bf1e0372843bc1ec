/**
 * Verification of a signed PDF, as a pure function over its bytes, in the order of the layers:
 * byte ranges and CMS (cms-signature.ts) → certification paths (pki/path-validation.ts) with
 * revocation from the document first (revocation.ts) → timestamps and the times they prove →
 * diff policy over later revisions (diff-policy.ts) → PAdES level (ltv.ts) → typed report
 * (report.ts).
 *
 * Times: a document timestamp is validated at the time the next valid document timestamp
 * proves it existed (the latest one at `now`); a signature timestamp at the time the first
 * later document timestamp proves; a signature at its signature timestamp's time. So a B-LTA
 * file still validates after its signer's certificate expired.
 */
import { createHash } from 'node:crypto';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { type ParsedCertificate } from '../pki/certificate.ts';
import { buildAndValidate, sameCertificate, type PathContext, type PathResult, type Purpose } from '../pki/path-validation.ts';
import { findSignatures, revisionEnds, revisionsAfter, text, compactSignatureContents, writesAfter, type SignatureEntry } from './byte-range.ts';
import { checkCrypto, type CryptoCheck } from './cms-signature.ts';
import { analyseChanges, docMdpOf, type DiffResult } from './diff-policy.ts';
import { emptyDss, readDss, type DssMaterial } from './dss.ts';
import { padesLevel, type LtvTarget } from './ltv.ts';
import { indicationOf, overallIndication, summaryZh, type RevocationStatus, type SignatureReport, type VerificationReport } from './report.ts';
import { documentRevocation, prefetchStatuses, type StatusLookup } from './revocation.ts';
import { certificateOf } from '../pki/memo.ts';

export type { PadesLevel, RevocationStatus, SignatureReport, VerificationReport, Indication, SubIndication } from './report.ts';
export type { ModificationLevel, DiffResult, ObjectChange } from './diff-policy.ts';

export interface VerifyOptions {
  trustAnchors: Uint8Array[];
  /** Revocation status from the issuing platform's records (by serial and issuer key id), a fallback after the document's /DSS. */
  statusLookup?: StatusLookup;
  /** The current time; injectable so tests can validate years ahead. */
  now?: Date;
}

/** The bytes are not a PDF this verifier can read. */
export class UnreadablePdfError extends Error {}

const load = (bytes: Uint8Array) => PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: false });

function unique(certificates: ParsedCertificate[]): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (const c of certificates) if (!out.some((o) => sameCertificate(o, c))) out.push(c);
  return out;
}

interface Validated {
  entry: SignatureEntry;
  check: CryptoCheck;
  path?: PathResult;
  validationTime: Date;
  proven: boolean;
  /** The signature timestamp, for signatures. */
  timestamp?: {
    time?: Date;
    valid: boolean;
    /** Valid but for revocation data nobody could supply: enough for the level, not for the verdict. */
    validButRevocation: boolean;
    problems: string[];
    poe: Date;
    tsa?: ParsedCertificate;
  };
}

export async function verifyPdf(pdf: Uint8Array, options: VerifyOptions): Promise<VerificationReport> {
  // A file must end with its last revision's %%EOF (as strict readers require): a cut file is damaged.
  if (
    !Buffer.from(pdf.subarray(Math.max(0, pdf.length - 1024)))
      .toString('latin1')
      .includes('%%EOF')
  ) {
    throw new UnreadablePdfError('not a readable PDF: no %%EOF at its end (truncated?)');
  }
  const compact = compactSignatureContents(pdf);
  const readable = compact.bytes;
  const doc = await load(readable).catch((error: unknown) => {
    throw new UnreadablePdfError(`not a readable PDF: ${(error as Error).message}`);
  });
  // pdf-lib, told to be lenient, loads a file without a usable trailer as a document with no catalog.
  if (!(doc.context.lookup(doc.context.trailerInfo.Root) instanceof PDFDict)) throw new UnreadablePdfError('not a readable PDF: no document catalog');
  const source = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const now = options.now ?? new Date();
  const anchors = options.trustAnchors.map((der) => certificateOf(der));
  const dss = readDss(doc);
  const entries = findSignatures(doc);
  const checks = entries.map((entry) => checkCrypto(source, entry));
  const pool = unique([...dss.certs, ...checks.flatMap((c) => [...c.certificates, ...(c.signatureTimestamp?.certificates ?? [])])]);
  const statuses = await prefetchStatuses(unique([...pool, ...checks.flatMap((c) => (c.signer ? [c.signer] : []))]), options.statusLookup);
  const base: Omit<PathContext, 'time'> = { anchors, pool, revocation: documentRevocation(dss, statuses) };
  const validate = (certificate: ParsedCertificate, purpose: Purpose, time: Date, revocationTime: Date) => buildAndValidate(certificate, purpose, { ...base, time, revocationTime });

  // Document timestamps, latest first: each proves the revisions it covers existed at its time.
  const proofs: { end: number; time: Date }[] = [];
  const proofAfter = (offset: number) => proofs.filter((p) => p.end > offset).reduce<Date | undefined>((min, p) => (!min || p.time < min ? p.time : min), undefined);
  const validated = new Map<number, Validated>();
  for (let i = entries.length - 1; i >= 0; i--) {
    const [entry, check] = [entries[i]!, checks[i]!];
    if (check.kind !== 'document-timestamp') continue;
    const poe = proofAfter(entry.revisionEnd) ?? now;
    const path = check.signer && check.genTime ? validate(check.signer, 'timestamping', poe, check.genTime) : undefined;
    validated.set(i, { entry, check, path, validationTime: poe, proven: poe !== now });
    if (check.coversRevision && check.digestValid && check.signatureValid && path?.ok && check.genTime) proofs.push({ end: entry.revisionEnd, time: check.genTime });
  }
  for (const [i, entry] of entries.entries()) {
    const check = checks[i]!;
    if (check.kind !== 'signature') continue;
    let timestamp: Validated['timestamp'];
    const token = check.signatureTimestamp;
    if (token) {
      const poe = proofAfter(entry.revisionEnd) ?? now;
      const tsa = token.check.tsaCertificate;
      const path = tsa && token.check.genTime ? validate(tsa, 'timestamping', poe, token.check.genTime) : undefined;
      const crypto = token.check.imprintMatches === true && token.check.signatureVerifies === true;
      const valid = crypto && path?.ok === true;
      const validButRevocation = crypto && (path?.ok === true || path?.failure === 'TRY_LATER');
      timestamp = { time: token.check.genTime, valid, validButRevocation, poe, tsa, problems: [...token.check.problems, ...(path && !path.ok ? [`TSA: ${path.problem}`] : [])] };
    }
    // The signature's time: proven by its timestamp (also while the TSA's revocation is unknown,
    // which the timestamp's own verdict reports).
    const proven = timestamp?.validButRevocation === true && timestamp.time !== undefined;
    const time = proven ? timestamp!.time! : now;
    const path = check.signer ? validate(check.signer, 'signer', time, time) : undefined;
    validated.set(i, { entry, check, path, validationTime: time, proven, timestamp });
  }

  const revisions = new Map<number, Promise<PDFDocument | undefined>>();
  const revisionAt = (end: number) => {
    let found = revisions.get(end);
    if (!found) revisions.set(end, (found = end >= pdf.length ? Promise.resolve(doc) : load(readable.subarray(0, compact.at(end))).catch(() => undefined)));
    return found;
  };
  const dssAt = async (end: number): Promise<DssMaterial> => {
    const revision = await revisionAt(end);
    return revision ? readDss(revision) : emptyDss;
  };
  const ends = revisionEnds(source);

  const reports: SignatureReport[] = [];
  for (const [i, entry] of entries.entries()) {
    const v = validated.get(i)!;
    const modification = await diffAfter(source, entry, doc, revisionAt);
    reports.push(await reportFor(v, modification, { pdf, pool, source, ends, anchors, dss, proofs, dssAt }));
  }
  const indication = overallIndication(reports);
  return { valid: indication === 'TOTAL-PASSED', indication, sha256: createHash('sha256').update(pdf).digest('hex'), revisions: ends.length, signatures: reports };
}

async function diffAfter(source: Buffer, entry: SignatureEntry, doc: PDFDocument, revisionAt: (end: number) => Promise<PDFDocument | undefined>): Promise<DiffResult> {
  const docMdp = docMdpOf(doc, entry.dict, entry.field);
  if (entry.revisionEnd >= source.length) return { level: 'NONE', ...(docMdp ? { docMdp } : {}), allowed: true, changes: [] };
  const before = await revisionAt(entry.revisionEnd);
  if (!before) return { level: 'OTHER', allowed: false, changes: [{ object: 0, what: 'the signed revision cannot be read', level: 'OTHER', rule: 'not allowed' }] };
  return analyseChanges(before, doc, writesAfter(source, entry.revisionEnd), docMdp);
}

interface ReportInputs {
  pdf: Uint8Array;
  pool: ParsedCertificate[];
  source: Buffer;
  ends: number[];
  anchors: ParsedCertificate[];
  dss: DssMaterial;
  proofs: { end: number; time: Date }[];
  dssAt: (end: number) => Promise<DssMaterial>;
}

const signerIs = (certificate: ParsedCertificate | undefined, signer: ParsedCertificate | undefined) => !!certificate && !!signer && sameCertificate(certificate, signer);

function revocationOf(v: Validated): RevocationStatus {
  const path = v.path;
  if (path && !path.ok && path.failure === 'REVOKED' && path.failedCertificate && v.check.signer && sameCertificate(path.failedCertificate, v.check.signer)) {
    return { status: 'revoked', source: path.revocationSource === 'lookup' ? 'lookup' : 'dss', ...(path.revokedAt ? { revokedAt: path.revokedAt } : {}) };
  }
  const leaf = path?.ok ? path.revocation[0] : undefined;
  if (!leaf || leaf.status === 'unknown') return { status: 'unknown', source: 'none' };
  const status: RevocationStatus = { status: leaf.status, source: leaf.source === 'lookup' ? 'lookup' : 'dss', ...(leaf.revokedAt ? { revokedAt: leaf.revokedAt } : {}) };
  // Revoked, yet the path held: the revocation came after the time the signature is proven to exist.
  if (leaf.status === 'revoked') status.afterSignature = true;
  return status;
}

async function reportFor(v: Validated, modification: DiffResult, inputs: ReportInputs): Promise<SignatureReport> {
  const { entry, check, path } = v;
  const problems = [...check.problems];
  if (path && !path.ok) problems.push(path.problem);
  if (check.kind === 'signature' && !v.timestamp?.valid) problems.push(v.timestamp ? `signature timestamp is not valid: ${v.timestamp.problems.join('; ')}` : 'no signature timestamp');
  const disallowedChanges = modification.allowed ? [] : modification.changes.filter((c) => c.rule === 'not allowed').map((c) => `object ${c.object}: ${c.what}`);
  if (!modification.allowed && !disallowedChanges.length) disallowedChanges.push(`changes at level ${modification.level} exceed the DocMDP permission P=${modification.docMdp}`);
  problems.push(...disallowedChanges);
  const verdict = indicationOf({
    parsed: check.parsed,
    coversRevision: check.coversRevision,
    digestValid: check.digestValid,
    signatureValid: check.signatureValid,
    signerFound: !!check.signer,
    pathFailure: path?.ok === false ? path.failure : check.signer ? undefined : 'NO_CERTIFICATE_CHAIN_FOUND',
    failureAtSigner: !!(path && !path.ok && signerIs(path.failedCertificate, check.signer)),
    proven: v.proven,
    timestampMissing: check.kind === 'signature' && !v.timestamp?.valid,
    // A timestamp proves its revision existed; what came later does not undo that.
    modificationAllowed: check.kind === 'document-timestamp' || modification.allowed,
  });
  const signer = check.signer;
  const chain = path?.ok ? [...path.path, ...(path.path.some((c) => sameCertificate(c, path.anchor)) ? [] : [path.anchor])] : (path?.path ?? []);
  const report: SignatureReport = {
    fieldName: entry.fieldName,
    kind: check.kind,
    subFilter: check.subFilter,
    ...(signer
      ? {
          signer: {
            name: /CN=([^,]+)/.exec(signer.subjectText)?.[1] ?? signer.subjectText,
            subject: signer.subjectText,
            serialHex: signer.serialHex,
            issuer: chain[1]?.subjectText ?? signer.issuerText,
          },
        }
      : {}),
    signingTime: text(entry.dict.get(PDFName.of('M'))),
    byteRange: entry.byteRange,
    coversRevision: check.coversRevision,
    coversWholeFile: entry.revisionEnd === inputs.pdf.length,
    revisionsAfter: revisionsAfter(inputs.ends, entry.revisionEnd),
    digestValid: check.digestValid,
    signatureValid: check.signatureValid,
    chainTrusted: path?.ok === true,
    chain: chain.map((c) => c.subjectText),
    validationTime: v.validationTime.toISOString(),
    ...(check.kind === 'document-timestamp'
      ? { timestamp: { time: check.genTime?.toISOString() ?? '', valid: verdict.indication === 'TOTAL-PASSED', problems: check.problems } }
      : v.timestamp
        ? { timestamp: { time: v.timestamp.time?.toISOString() ?? '', valid: v.timestamp.valid, problems: v.timestamp.problems } }
        : {}),
    revocation: revocationOf(v),
    modification,
    disallowedChanges,
    ...verdict,
    summaryZh: summaryZh(verdict.indication, verdict.subIndication),
    valid: verdict.indication === 'TOTAL-PASSED',
    problems,
  };
  if (check.kind === 'signature' && check.signatureValid && signer) {
    const targets: LtvTarget[] = [{ certificate: signer, purpose: 'signer', time: v.validationTime, revocationTime: v.validationTime }];
    const ts = v.timestamp;
    if (ts?.tsa && ts.time) targets.push({ certificate: ts.tsa, purpose: 'timestamping', time: ts.poe, revocationTime: ts.time });
    const { level, gaps } = await padesLevel({
      pool: inputs.pool,
      timestampValid: ts?.validButRevocation === true,
      targets,
      dss: inputs.dss,
      anchors: inputs.anchors,
      archived: () => Promise.all(inputs.proofs.filter((p) => p.end > entry.revisionEnd).map((p) => inputs.dssAt(p.end))),
    });
    report.level = level;
    report.problems.push(...gaps);
  }
  return report;
}
