/**
 * One HTTP POST of a webhook to an address resolved and checked beforehand: the connection
 * goes to that address whatever DNS answers now (Host and TLS SNI still carry the name).
 * Redirects are not followed; the answer's body is read up to 64 KB and dropped.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './address-guard.ts';

export interface SendResult {
  statusCode?: number;
  error?: string;
  durationMs: number;
}

export function postTo(url: URL, target: ResolvedTarget, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup,
        timeout: timeoutMs,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'LaborSign-Webhooks/1' },
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 65_536) response.destroy();
        });
        const done = () => resolve({ statusCode: response.statusCode ?? 0, durationMs: elapsed() });
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: (error.code ? `${error.code}: ` : '') + error.message, durationMs: elapsed() }));
    request.end(body);
  });
}
