/**
 * OCSP (RFC 6960): a responder answering from the certificate status store, and the client
 * side (request builder, response parser and verifier) for verification and B-LT.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  algorithmIdentifier,
  bits,
  bytesEqual,
  encode,
  enumerated,
  explicit,
  generalizedTime,
  implicitConstructed,
  implicitPrimitive,
  int,
  octets,
  oid,
  parseDer,
  raw,
  seq,
  Tag,
  type Asn1,
  type DerElement,
} from '../asn1/der.ts';
import { hashNameOf, hashOidOf, oids, type HashName } from '../asn1/oids.ts';
import type { OcspResponderIdentity } from '../pki/authority.ts';
import { isIssuedBy, isValidAt, keyIdHex, serialBytes, serialHex, type ParsedCertificate } from '../pki/certificate.ts';
import { algorithmOfKey, signatureAlgorithmIdentifier, signWithKey, verifyWithKey } from '../pki/keys.ts';
import { reasonFromCode, RevocationReasonCode, type CertificateStatusStore, type RevocationReason } from '../pki/status-store.ts';
import { certificateOf } from '../pki/memo.ts';

export interface CertId {
  hashAlgorithm: string;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  serialHex: string;
}

const subjectPublicKeyBits = (certificate: ParsedCertificate) => parseDer(certificate.spki).at(1).bitStringBytes();

export function certIdFor(certificateSerialHex: string, issuer: ParsedCertificate, hash: HashName = 'sha1'): CertId {
  return {
    hashAlgorithm: hashOidOf(hash),
    issuerNameHash: new Uint8Array(createHash(hash).update(issuer.subject).digest()),
    issuerKeyHash: new Uint8Array(createHash(hash).update(subjectPublicKeyBits(issuer)).digest()),
    serialHex: certificateSerialHex,
  };
}

const encodeCertId = (id: CertId): Asn1 => seq(algorithmIdentifier(id.hashAlgorithm, null), octets(id.issuerNameHash), octets(id.issuerKeyHash), int(serialBytes(id.serialHex)));

function readCertId(element: DerElement): CertId {
  return {
    hashAlgorithm: element.at(0).at(0).oid(),
    issuerNameHash: element.at(1, Tag.octetString).content,
    issuerKeyHash: element.at(2, Tag.octetString).content,
    serialHex: serialHex(element.at(3, Tag.integer).unsignedBytes()),
  };
}

function certIdMatchesIssuer(id: CertId, issuer: ParsedCertificate): boolean {
  const hash = hashNameOf(id.hashAlgorithm);
  if (!hash) return false;
  const expected = certIdFor(id.serialHex, issuer, hash);
  return bytesEqual(expected.issuerNameHash, id.issuerNameHash) && bytesEqual(expected.issuerKeyHash, id.issuerKeyHash);
}

function extension(extnId: string, value: Uint8Array): Asn1 {
  return seq(oid(extnId), octets(value));
}

// ---------------------------------------------------------------------------------------
// Requests

export function buildOcspRequest(options: { certificate: ParsedCertificate; issuer: ParsedCertificate; hash?: HashName; nonce?: boolean }): {
  der: Uint8Array;
  nonce?: Uint8Array;
  certId: CertId;
} {
  const certId = certIdFor(options.certificate.serialHex, options.issuer, options.hash ?? 'sha1');
  const nonce = options.nonce === false ? undefined : new Uint8Array(randomBytes(16));
  const requestExtensions = nonce ? explicit(2, seq(extension(oids.ocspNonce, encode(octets(nonce))))) : undefined;
  const der = encode(seq(seq(seq(seq(encodeCertId(certId))), requestExtensions)));
  return { der, nonce, certId };
}

export interface ParsedOcspRequest {
  certIds: CertId[];
  /** extnValue of the nonce extension, echoed verbatim. */
  nonceValue?: Uint8Array;
}

export function parseOcspRequest(der: Uint8Array): ParsedOcspRequest {
  const tbsRequest = parseDer(der).expect(Tag.sequence).at(0, Tag.sequence);
  const requestList = tbsRequest.children().find((c) => c.tag === Tag.sequence);
  if (!requestList) throw new Error('OCSP: request list missing');
  const certIds = requestList.children().map((request) => readCertId(request.at(0, Tag.sequence)));
  let nonceValue: Uint8Array | undefined;
  for (const ext of tbsRequest.tagged(2)?.inner().children() ?? []) {
    if (ext.at(0).oid() === oids.ocspNonce) nonceValue = ext.children().at(-1)!.content;
  }
  return { certIds, nonceValue };
}

// ---------------------------------------------------------------------------------------
// Responder

export const OcspResponseStatus = { successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 } as const;

export interface OcspResponderOptions {
  responders: OcspResponderIdentity[];
  statusStore: CertificateStatusStore;
  /** nextUpdate distance (default 1 hour). */
  validityMinutes?: number;
  now?: () => Date;
}

export type OcspResponder = (requestDer: Uint8Array) => Promise<Uint8Array>;

const errorResponse = (status: number) => encode(seq(enumerated(status)));

/**
 * Answers OCSP requests: good / revoked (with reason) / unknown, signed by the responder
 * for the issuer named in the first request; echoes the nonce. Requests for issuers it does
 * not serve get `unauthorized`.
 */
export function createOcspResponder(options: OcspResponderOptions): OcspResponder {
  const validityMs = (options.validityMinutes ?? 60) * 60_000;
  const now = options.now ?? (() => new Date());
  return async (requestDer) => {
    let request: ParsedOcspRequest;
    try {
      request = parseOcspRequest(requestDer);
    } catch {
      return errorResponse(OcspResponseStatus.malformedRequest);
    }
    const [firstId] = request.certIds;
    if (!firstId) return errorResponse(OcspResponseStatus.malformedRequest);
    const responder = options.responders.find((r) => certIdMatchesIssuer(firstId, r.issuer));
    if (!responder) return errorResponse(OcspResponseStatus.unauthorized);
    const issuerKeyId = keyIdHex(responder.issuer);
    const at = now();

    const singleResponses: Asn1[] = [];
    for (const id of request.certIds) {
      const ours = certIdMatchesIssuer(id, responder.issuer);
      const status = ours ? await options.statusStore.status(id.serialHex, issuerKeyId) : { status: 'unknown' as const };
      let certStatus: Asn1;
      if (status.status === 'good') certStatus = implicitPrimitive(0, '');
      else if (status.status === 'revoked') {
        const reason = status.reason === 'unspecified' ? undefined : explicit(0, enumerated(RevocationReasonCode[status.reason]));
        certStatus = implicitConstructed(1, [generalizedTime(status.revokedAt), ...(reason ? [reason] : [])]);
      } else certStatus = implicitPrimitive(2, '');
      singleResponses.push(seq(encodeCertId(id), certStatus, generalizedTime(at), explicit(0, generalizedTime(new Date(at.getTime() + validityMs)))));
    }

    const responderKeyHash = createHash('sha1').update(subjectPublicKeyBits(responder.certificate)).digest();
    const tbsResponseData = encode(
      seq(explicit(2, octets(responderKeyHash)), generalizedTime(at), seq(...singleResponses), request.nonceValue ? explicit(1, seq(extension(oids.ocspNonce, request.nonceValue))) : undefined),
    );
    const signatureAlgorithm = signatureAlgorithmIdentifier(algorithmOfKey(responder.privateKey));
    const delegated = !bytesEqual(responder.certificate.der, responder.issuer.der);
    const basic = encode(
      seq(raw(tbsResponseData), signatureAlgorithm, bits(signWithKey(responder.privateKey, tbsResponseData)), delegated ? explicit(0, seq(raw(responder.certificate.der))) : undefined),
    );
    return encode(seq(enumerated(OcspResponseStatus.successful), explicit(0, seq(oid(oids.ocspBasic), octets(basic)))));
  };
}

// ---------------------------------------------------------------------------------------
// Client side

export interface SingleOcspResponse {
  certId: CertId;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  reason?: RevocationReason;
  thisUpdate: Date;
  nextUpdate?: Date;
}

export interface ParsedOcspResponse {
  der: Uint8Array;
  responseStatus: number;
  basic?: {
    der: Uint8Array;
    tbs: Uint8Array;
    responderId: { name: Uint8Array } | { keyHash: Uint8Array };
    producedAt: Date;
    responses: SingleOcspResponse[];
    nonceValue?: Uint8Array;
    signatureAlgorithm: string;
    signature: Uint8Array;
    certificates: Uint8Array[];
  };
}

function readSingleResponse(element: DerElement): SingleOcspResponse {
  const status = element.at(1);
  const rest = element.children().slice(3);
  const single: SingleOcspResponse = {
    certId: readCertId(element.at(0, Tag.sequence)),
    status: status.contextTag === 0 ? 'good' : status.contextTag === 1 ? 'revoked' : 'unknown',
    thisUpdate: element.at(2, Tag.generalizedTime).time(),
    nextUpdate: rest
      .find((e) => e.contextTag === 0)
      ?.inner()
      .time(),
  };
  if (status.contextTag === 1) {
    single.revokedAt = status.at(0).time();
    const reason = status.tagged(0);
    single.reason = reason ? reasonFromCode(reason.inner().number()) : 'unspecified';
  }
  return single;
}

export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse {
  const response = parseDer(der).expect(Tag.sequence);
  const responseStatus = response.at(0, Tag.enumerated).number();
  const bytes = response.tagged(0)?.inner();
  if (!bytes) return { der, responseStatus };
  if (bytes.at(0).oid() !== oids.ocspBasic) throw new Error('OCSP: not a basic response');
  const basic = bytes.at(1, Tag.octetString).inner().expect(Tag.sequence);
  const tbs = basic.at(0, Tag.sequence);
  const fields = tbs.children().filter((f) => f.contextTag !== 0); // version [0] if present
  const responderId = fields[0]!;
  let nonceValue: Uint8Array | undefined;
  for (const ext of fields
    .find((f) => f.contextTag === 1)
    ?.inner()
    .children() ?? []) {
    if (ext.at(0).oid() === oids.ocspNonce) nonceValue = ext.children().at(-1)!.content;
  }
  return {
    der,
    responseStatus,
    basic: {
      der: basic.bytes,
      tbs: tbs.bytes,
      responderId: responderId.contextTag === 1 ? { name: responderId.inner().bytes } : { keyHash: responderId.inner().content },
      producedAt: fields[1]!.time(),
      responses: fields[2]!.children().map(readSingleResponse),
      nonceValue,
      signatureAlgorithm: basic.at(1).at(0).oid(),
      signature: basic.at(2).bitStringBytes(),
      certificates: (basic.tagged(0)?.inner().children() ?? []).map((c) => c.bytes),
    },
  };
}

export interface OcspVerification {
  valid: boolean;
  problems: string[];
  /** The entry for the certificate asked about. */
  response?: SingleOcspResponse;
  signer?: ParsedCertificate;
}

function responderMatches(id: { name: Uint8Array } | { keyHash: Uint8Array }, certificate: ParsedCertificate): boolean {
  if ('name' in id) return bytesEqual(id.name, certificate.subject);
  return bytesEqual(id.keyHash, createHash('sha1').update(subjectPublicKeyBits(certificate)).digest());
}

/**
 * Checks an OCSP response about `certificate` issued by `issuer`: signed by the issuer or by
 * a responder it delegated (EKU OCSPSigning, issued by it); the nonce echoed when given; the
 * response current at `now`.
 */
export function verifyOcspResponse(
  response: Uint8Array | ParsedOcspResponse,
  options: { certificate: ParsedCertificate; issuer: ParsedCertificate; nonce?: Uint8Array; now?: Date },
): OcspVerification {
  const problems: string[] = [];
  let parsed: ParsedOcspResponse;
  try {
    parsed = response instanceof Uint8Array ? parseOcspResponse(response) : response;
  } catch (error) {
    return { valid: false, problems: [(error as Error).message] };
  }
  const basic = parsed.basic;
  if (parsed.responseStatus !== 0 || !basic) return { valid: false, problems: [`OCSP response status ${parsed.responseStatus}`] };
  let candidates: ParsedCertificate[];
  try {
    candidates = [options.issuer, ...basic.certificates.map((der) => certificateOf(der))];
  } catch (error) {
    return { valid: false, problems: [`OCSP response certificates could not be parsed: ${(error as Error).message}`] };
  }
  const signer = candidates.find((c) => responderMatches(basic.responderId, c));
  if (!signer) problems.push('responder certificate not found');
  else {
    let verified: boolean;
    try {
      verified = verifyWithKey(signer.publicKey, basic.signatureAlgorithm, basic.tbs, basic.signature);
    } catch {
      verified = false;
    }
    if (!verified) problems.push('OCSP signature does not verify');
    if (signer !== options.issuer) {
      if (!isIssuedBy(signer, options.issuer)) problems.push('delegated responder is not issued by the certificate issuer');
      if (!signer.extendedKeyUsage?.purposes.includes(oids.kpOcspSigning)) problems.push('delegated responder lacks extendedKeyUsage OCSPSigning');
      if (!isValidAt(signer, basic.producedAt)) problems.push('responder certificate not valid when the response was produced');
    }
  }
  if (options.nonce) {
    const expected = encode(octets(options.nonce));
    if (!basic.nonceValue || !bytesEqual(basic.nonceValue, expected)) problems.push('nonce does not match the request');
  }
  const single = basic.responses.find((r) => r.certId.serialHex === options.certificate.serialHex && certIdMatchesIssuer(r.certId, options.issuer));
  if (!single) problems.push('no response for the certificate');
  const now = options.now ?? new Date();
  if (single?.nextUpdate && single.nextUpdate < now) problems.push('response is stale (nextUpdate passed)');
  return { valid: problems.length === 0, problems, response: single, signer };
}

/** POSTs an OCSP request (application/ocsp-request) and returns the DER response. */
export async function fetchOcsp(url: string, requestDer: Uint8Array, timeoutMs = 10_000): Promise<Uint8Array> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
    body: Buffer.from(requestDer),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`OCSP ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
