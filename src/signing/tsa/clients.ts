/** `TimestampClient`s: the in-process authority, and RFC 3161 over HTTP with fail-over. */
import { createHash } from 'node:crypto';
import type { TimestampClient } from '../types.ts';
import type { TimestampAuthority } from './authority.ts';
import { buildTimestampRequest, parseTimestampResponse } from './protocol.ts';
import { verifyTimestampToken } from './token.ts';

export class EmbeddedTsaClient implements TimestampClient {
  constructor(private readonly authority: TimestampAuthority) {}

  async timestamp(data: Uint8Array): Promise<Uint8Array> {
    return this.authority.stampDigest(createHash('sha256').update(data).digest());
  }
}

export interface HttpTsaOptions {
  timeoutMs?: number;
  /** Further attempts per URL after the first. */
  retries?: number;
  /** Required TSA policy, if any. */
  policy?: string;
  fetch?: typeof fetch;
}

/**
 * RFC 3161 over HTTP (application/timestamp-query). Tries each URL in turn, each up to
 * 1 + retries times; every token is checked (status, imprint, nonce, signature) before use.
 * Throws one error naming every failure when no TSA answers properly.
 */
export class HttpTsaClient implements TimestampClient {
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(
    private readonly urls: string[],
    private readonly options: HttpTsaOptions = {},
  ) {
    if (!urls.length) throw new Error('HttpTsaClient needs at least one TSA URL');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 1;
  }

  async timestamp(data: Uint8Array): Promise<Uint8Array> {
    const digest = createHash('sha256').update(data).digest();
    const failures: string[] = [];
    for (const url of this.urls) {
      for (let attempt = 0; attempt <= this.retries; attempt++) {
        try {
          return await this.request(url, digest);
        } catch (error) {
          failures.push(`${url}: ${(error as Error).message}`);
        }
      }
    }
    throw new Error(`no time-stamping authority answered: ${failures.join('; ')}`);
  }

  private async request(url: string, digest: Uint8Array): Promise<Uint8Array> {
    const request = buildTimestampRequest({ digest, certReq: true, policy: this.options.policy });
    const response = await (this.options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: Buffer.from(request.der),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const reply = parseTimestampResponse(new Uint8Array(await response.arrayBuffer()));
    if (reply.status > 1 || !reply.token) throw new Error(`TSA refused (status ${reply.status}${reply.statusText ? `: ${reply.statusText}` : ''})`);
    const nonce = request.nonce ? BigInt('0x' + Buffer.from(request.nonce).toString('hex')) : undefined;
    const check = verifyTimestampToken(reply.token, { digest }, { nonce });
    if (!check.valid) throw new Error(`invalid token: ${check.problems.join(', ')}`);
    if (this.options.policy && check.tstInfo?.policy !== this.options.policy) throw new Error('token policy differs from the required one');
    return reply.token;
  }
}
