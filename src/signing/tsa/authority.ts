/**
 * An RFC 3161 time-stamping authority in process: TSTInfo tokens signed by the TSA
 * certificate (ESSCertIDv2), nonce echoed, unique serials, stated accuracy and policy.
 */
import { createHash, randomBytes } from 'node:crypto';
import { algorithmIdentifier, encode, generalizedTime, implicitPrimitive, int, integerBytes, octets, oid, raw, seq } from '../asn1/der.ts';
import { hashOidOf, oids, type HashName } from '../asn1/oids.ts';
import { assembleSignedData, buildSignedAttributes } from '../cms/signed-data.ts';
import type { KeyHolder } from '../pki/authority.ts';
import { isTimestampingCertificate } from '../pki/certificate.ts';
import { algorithmOfKey, signWithKey } from '../pki/keys.ts';
import { buildTimestampResponse, parseTimestampRequest, type TimestampRequest } from './protocol.ts';

export interface TimestampAuthorityOptions {
  /** TSA policy OID (default: the platform's private-arc policy). */
  policy?: string;
  /** Stated accuracy in milliseconds (default 1000). */
  accuracyMs?: number;
  now?: () => Date;
}

export interface StampOptions {
  hash?: HashName;
  /** INTEGER DER of the nonce to echo. */
  nonceDer?: Uint8Array;
  /** Include the TSA certificate chain in the token (RFC 3161 certReq). Default true. */
  certReq?: boolean;
}

const acceptedHashes: ReadonlySet<HashName> = new Set(['sha256', 'sha384', 'sha512']);
const digestLength: Record<HashName, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

export class TimestampAuthority {
  readonly policy: string;
  private readonly accuracyMs: number;
  private readonly now: () => Date;
  private counter = 0;

  constructor(
    private readonly tsa: KeyHolder,
    options: TimestampAuthorityOptions = {},
  ) {
    if (!isTimestampingCertificate(tsa.certificate)) throw new Error('TSA certificate needs a critical extendedKeyUsage of timeStamping only');
    this.policy = options.policy ?? oids.laborSignTsaPolicy;
    this.accuracyMs = options.accuracyMs ?? 1000;
    this.now = options.now ?? (() => new Date());
  }

  /** Milliseconds, a per-process counter and randomness: unique across restarts and instances. */
  private nextSerial(): Uint8Array {
    this.counter = (this.counter + 1) & 0xffff;
    const serial = Buffer.alloc(16);
    serial.writeBigUInt64BE(BigInt(this.now().getTime()), 0);
    serial.writeUInt16BE(this.counter, 8);
    randomBytes(6).copy(serial, 10);
    return new Uint8Array(serial);
  }

  private accuracy() {
    const seconds = Math.floor(this.accuracyMs / 1000);
    const millis = this.accuracyMs % 1000;
    return seq(seconds ? int(seconds) : undefined, millis ? implicitPrimitive(0, integerBytes(millis)) : undefined);
  }

  /** A TimeStampToken (ContentInfo DER) over a digest. */
  stampDigest(digest: Uint8Array, options: StampOptions = {}): Uint8Array {
    const hash = options.hash ?? 'sha256';
    if (!acceptedHashes.has(hash) || digest.length !== digestLength[hash]) throw new Error(`TSA: unsupported imprint ${hash}/${digest.length}`);
    const tstInfo = encode(
      seq(
        int(1),
        oid(this.policy),
        seq(algorithmIdentifier(hashOidOf(hash), null), octets(digest)),
        int(this.nextSerial()),
        generalizedTime(this.now(), true),
        this.accuracy(),
        options.nonceDer ? raw(options.nonceDer) : undefined,
      ),
    );
    const signedAttributes = buildSignedAttributes({
      documentDigest: createHash('sha256').update(tstInfo).digest(),
      signerCertificate: this.tsa.certificate.der,
      contentType: oids.tstInfo,
    });
    return assembleSignedData({
      signedAttributes,
      signatureValue: signWithKey(this.tsa.privateKey, signedAttributes),
      algorithm: algorithmOfKey(this.tsa.privateKey),
      chain: this.tsa.chain.length ? this.tsa.chain : [this.tsa.certificate.der],
      encapsulated: { contentType: oids.tstInfo, content: tstInfo },
      omitCertificates: options.certReq === false,
    });
  }

  /** Answers a DER TimeStampReq with a DER TimeStampResp: a malformed or unacceptable request gets a rejection. */
  respond(requestDer: Uint8Array): Uint8Array {
    let request: TimestampRequest;
    try {
      request = parseTimestampRequest(requestDer);
    } catch {
      // The parser's own words stay inside: the client learns only that the request is malformed.
      return buildTimestampResponse({ failure: 'badDataFormat', text: 'the request is not a DER TimeStampReq' });
    }
    const { hashName, hashedMessage } = request.messageImprint;
    if (!hashName || !acceptedHashes.has(hashName)) return buildTimestampResponse({ failure: 'badAlg', text: 'unsupported hash algorithm' });
    if (hashedMessage.length !== digestLength[hashName]) return buildTimestampResponse({ failure: 'badDataFormat', text: 'imprint length does not match its algorithm' });
    if (request.policy && request.policy !== this.policy) return buildTimestampResponse({ failure: 'unacceptedPolicy', text: 'policy not supported' });
    if (request.hasExtensions) return buildTimestampResponse({ failure: 'unacceptedExtension', text: 'extensions not supported' });
    // A failure to stamp a well-formed request is this service's fault: it throws (500, logged), not a rejection.
    return buildTimestampResponse({ token: this.stampDigest(hashedMessage, { hash: hashName, nonceDer: request.nonceDer, certReq: request.certReq }) });
  }
}
