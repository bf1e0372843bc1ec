/** RFC 3161 messages: TimeStampReq and TimeStampResp encoding/decoding, TSTInfo parsing. */
import { randomBytes } from 'node:crypto';
import { algorithmIdentifier, bool, encode, int, namedBits, octets, oid, parseDer, raw, seq, Tag, utf8, type Asn1, type DerElement } from '../asn1/der.ts';
import { hashNameOf, hashOidOf, type HashName } from '../asn1/oids.ts';
import { serialHex } from '../pki/certificate.ts';

export interface MessageImprint {
  hashAlgorithm: string;
  hashName?: HashName;
  hashedMessage: Uint8Array;
}

export interface TimestampRequest {
  messageImprint: MessageImprint;
  policy?: string;
  /** INTEGER DER of the nonce, echoed verbatim. */
  nonceDer?: Uint8Array;
  nonce?: bigint;
  certReq: boolean;
  hasExtensions: boolean;
}

export function buildTimestampRequest(options: { digest: Uint8Array; hash?: HashName; nonce?: Uint8Array | false; certReq?: boolean; policy?: string }): {
  der: Uint8Array;
  nonce?: Uint8Array;
} {
  // 8 random bytes, positive.
  const nonce = options.nonce === false ? undefined : (options.nonce ?? new Uint8Array(randomBytes(8)));
  const der = encode(
    seq(
      int(1),
      seq(algorithmIdentifier(hashOidOf(options.hash ?? 'sha256'), null), octets(options.digest)),
      options.policy ? oid(options.policy) : undefined,
      nonce ? int(nonce) : undefined,
      options.certReq === false ? undefined : bool(true),
    ),
  );
  return { der, nonce };
}

function readImprint(element: DerElement): MessageImprint {
  const hashAlgorithm = element.at(0).at(0).oid();
  return { hashAlgorithm, hashName: hashNameOf(hashAlgorithm), hashedMessage: element.at(1, Tag.octetString).content };
}

export function parseTimestampRequest(der: Uint8Array): TimestampRequest {
  const request = parseDer(der).expect(Tag.sequence);
  if (request.at(0, Tag.integer).number() !== 1) throw new Error('TSP: unsupported request version');
  const rest = request.children().slice(2);
  const policy = rest.find((e) => e.tag === Tag.oid)?.oid();
  const nonceElement = rest.find((e) => e.tag === Tag.integer);
  return {
    messageImprint: readImprint(request.at(1, Tag.sequence)),
    policy,
    nonceDer: nonceElement?.bytes,
    nonce: nonceElement ? BigInt('0x' + Buffer.from(nonceElement.content).toString('hex')) : undefined,
    certReq: rest.find((e) => e.tag === Tag.boolean)?.boolean() ?? false,
    hasExtensions: rest.some((e) => e.contextTag === 0),
  };
}

/** PKIFailureInfo bits used by the responder. */
export const FailureInfo = { badAlg: 0, badRequest: 2, badDataFormat: 5, unacceptedPolicy: 15, unacceptedExtension: 16, systemFailure: 25 } as const;
export type FailureReason = keyof typeof FailureInfo;

export function buildTimestampResponse(result: { token: Uint8Array } | { failure: FailureReason; text: string }): Uint8Array {
  if ('token' in result) return encode(seq(seq(int(0)), raw(result.token)));
  const statusInfo: Asn1 = seq(int(2), seq(utf8(result.text)), namedBits([FailureInfo[result.failure]]));
  return encode(seq(statusInfo));
}

export interface ParsedTimestampResponse {
  /** 0 granted, 1 grantedWithMods, 2 rejection, 3 waiting, 4 revocationWarning, 5 revocationNotification. */
  status: number;
  statusText?: string;
  failInfo: number[];
  token?: Uint8Array;
}

export function parseTimestampResponse(der: Uint8Array): ParsedTimestampResponse {
  const response = parseDer(der).expect(Tag.sequence);
  const statusInfo = response.at(0, Tag.sequence);
  const parts = statusInfo.children();
  const text = parts.find((p) => p.tag === Tag.sequence);
  const failInfo = parts.find((p) => p.tag === Tag.bitString);
  return {
    status: statusInfo.at(0, Tag.integer).number(),
    statusText: text
      ?.children()
      .map((t) => t.text())
      .join(' '),
    failInfo: failInfo?.namedBits() ?? [],
    token: response.children()[1]?.bytes,
  };
}

export interface TstInfo {
  policy: string;
  messageImprint: MessageImprint;
  serialHex: string;
  genTime: Date;
  /** Accuracy in milliseconds, when stated. */
  accuracyMs?: number;
  ordering: boolean;
  nonce?: bigint;
}

export function parseTstInfo(der: Uint8Array): TstInfo {
  const info = parseDer(der).expect(Tag.sequence);
  if (info.at(0, Tag.integer).number() !== 1) throw new Error('TSP: unsupported TSTInfo version');
  const rest = info.children().slice(5);
  let accuracyMs: number | undefined;
  const accuracy = rest.find((e) => e.tag === Tag.sequence);
  if (accuracy) {
    accuracyMs = 0;
    for (const part of accuracy.children()) {
      if (part.tag === Tag.integer) accuracyMs += part.number() * 1000;
      else if (part.contextTag === 0) accuracyMs += part.number();
      else if (part.contextTag === 1) accuracyMs += part.number() / 1000;
    }
  }
  const nonce = rest.find((e) => e.tag === Tag.integer);
  return {
    policy: info.at(1).oid(),
    messageImprint: readImprint(info.at(2, Tag.sequence)),
    serialHex: serialHex(info.at(3, Tag.integer).unsignedBytes()),
    genTime: info.at(4, Tag.generalizedTime).time(),
    accuracyMs,
    ordering: rest.find((e) => e.tag === Tag.boolean)?.boolean() ?? false,
    nonce: nonce ? BigInt('0x' + Buffer.from(nonce.content).toString('hex')) : undefined,
  };
}
