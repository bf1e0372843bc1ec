/**
 * The load the issue describes, driven over HTTP against a running service: each virtual worker
 * has its own contract (created, sealed and sent by the employer beforehand) and its own client
 * address (X-Forwarded-For, the service trusting loopback as its proxy, as behind nginx). It
 * signs through its link (read, identity, code, prepare, WebCrypto signature, complete), logs in
 * to the portal with a texted code, then keeps listing and downloading its contracts with a
 * think time; employer clients read contracts, audit trails and templates meanwhile. Codes are
 * read from the development outbox (loopback only), which is not counted in the figures.
 * `npm run load` runs it with 200 workers for 60 s; `npm test` runs a few, seeded, for
 * correctness only. Latencies are wall times as the client sees them.
 */
import { createHash, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { benchWorker } from '../bench/batch.ts';
import { TemplateCatalog } from '../../src/templates/catalog.ts';

export interface LoadOptions {
  baseUrl: string;
  adminToken: string;
  workers: number;
  /** How long the measured traffic goes on (signing first, then portal reads until then). */
  durationMs: number;
  seed: number;
  /** Pause between a worker's portal requests (± half, from the seed). */
  thinkMs?: number;
  /** The service's pid, to read its peak RSS (VmHWM) at the end. */
  servicePid?: number;
  /**
   * Contracts set up this many at a time (setup is not measured). 1 by default: concurrent
   * `POST /contracts` by one employer answered 500 on 2026-12-06 (a service defect, reported).
   */
  setupConcurrency?: number;
  log?: (line: string) => void;
}

export interface LoadResult {
  requests: number;
  /** Every unexpected answer: method, path, status and the start of the body. */
  errors: string[];
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  signed: number;
  portalLogins: number;
  downloads: number;
  employerReads: number;
  seconds: number;
  peakRssMiB?: number;
}

/** mulberry32: the seed decides think times and which contract an employer reads. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const signaturePng = `data:image/png;base64,${Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000010000000080806000000f0767f970000001549444154789c63606060f80fc51483518386ac41001ad00ff112dbe1720000000049454e44ae426082',
  'hex',
).toString('base64')}`;
const phoneAgent = 'Mozilla/5.0 (Linux; Android 12; Redmi) Mobile';

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { baseUrl, workers } = options;
  const log = options.log ?? (() => undefined);
  const next = random(options.seed);
  const thinkMs = options.thinkMs ?? 2000;
  const latencies: number[] = [];
  const errors: string[] = [];
  let measuring = false;

  interface Answer {
    status: number;
    text: string;
    bytes: Buffer;
    headers: Headers;
  }
  const request = async (method: string, path: string, headers: Record<string, string>, body?: unknown, expect = [200]): Promise<Answer> => {
    const started = performance.now();
    const response = await fetch(baseUrl + path, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(120_000),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    if (measuring && !path.startsWith('/api/v1/dev/')) latencies.push(performance.now() - started);
    const answer = { status: response.status, text: bytes.toString('utf8'), bytes, headers: response.headers };
    if (!expect.includes(response.status)) {
      errors.push(`${method} ${path.replace(/signing\/[^/]+/, 'signing/…')}: ${response.status} ${answer.text.slice(0, 200)}`);
      throw new Error(errors.at(-1));
    }
    return answer;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the load script reads answers loosely; the tests check their shapes
  const json = (answer: Answer) => JSON.parse(answer.text) as Record<string, any>;

  // Setup (not measured): one employer, one sent contract per worker.
  const admin = { authorization: `Bearer ${options.adminToken}` };
  const employerKey = json(
    await request(
      'POST',
      '/api/v1/admin/employers',
      admin,
      { name: '山西示范能源集团有限公司', uscc: '91140105MA0KXH8T39', legalRepresentative: '李红梅', address: '山西省太原市小店区长治路100号', regionCode: '140105' },
      [201, 200],
    ),
  ).apiKey as string;
  const employer = { authorization: `Bearer ${employerKey}` };
  const example = (await TemplateCatalog.load()).get('labor-contract-general')!.example;
  const people = Array.from({ length: workers }, (_, i) => benchWorker(i));
  const contractIds: string[] = [];
  const outbox = async (phone: string, pattern: RegExp) => {
    const { items } = json(await request('GET', `/api/v1/dev/outbox?phone=${phone}&limit=1`, {})) as { items: { text: string }[] };
    const found = pattern.exec(items[0]?.text ?? '');
    if (!found) throw new Error(`no message for ${phone} matching ${pattern}`);
    return found[1]!;
  };
  const setupStarted = performance.now();
  for (let from = 0; from < workers; from += options.setupConcurrency ?? 1) {
    await Promise.all(
      people.slice(from, from + (options.setupConcurrency ?? 1)).map(async (worker, k) => {
        const id = json(await request('POST', '/api/v1/contracts', employer, { templateId: 'labor-contract-general', fields: { ...example, worker } }, [201])).id as string;
        await request('POST', `/api/v1/contracts/${id}/seal`, employer, undefined);
        await request('POST', `/api/v1/contracts/${id}/send`, employer, undefined);
        contractIds[from + k] = id;
      }),
    );
  }
  log(`setup: ${workers} contracts sealed and sent in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);

  let signed = 0;
  let portalLogins = 0;
  let downloads = 0;
  let employerReads = 0;
  const think = () => new Promise((resolve) => setTimeout(resolve, thinkMs * (0.5 + next())));
  measuring = true;
  const started = performance.now();
  let deadline = Infinity;

  const workerFlow = async (i: number) => {
    const worker = people[i]!;
    const phone = { 'user-agent': phoneAgent, 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` };
    const token = await outbox(worker.phone, /\/s\/([A-Za-z0-9_-]+)/);
    const link = (step = '') => `/api/v1/signing/${token}${step}`;
    await request('GET', link(), phone);
    await request('GET', link('/document.pdf'), phone);
    await request('POST', link('/read'), phone, {});
    await request('POST', link('/identity'), phone, { name: worker.name, idNumber: worker.idNumber });
    const code = await outbox(worker.phone, /验证码(\d{6})/);
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const publicKey = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey)).toString('base64');
    const prepared = json(await request('POST', link('/prepare'), phone, { code, publicKey, signatureImage: signaturePng, intent: true }));
    const signature = Buffer.from(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, Buffer.from(prepared.signedAttributes as string, 'base64')));
    const completed = json(await request('POST', link('/complete'), phone, { sessionId: prepared.sessionId, signature: signature.toString('base64') }));
    if (completed.status !== 'signed') errors.push(`worker ${i}: complete answered status ${completed.status}`);
    else signed++;

    await request('POST', '/api/v1/portal/code', phone, { phone: worker.phone }, [202]);
    const portalCode = await outbox(worker.phone, /登录.*验证码(\d{6})/);
    const session = { ...phone, 'x-portal-session': json(await request('POST', '/api/v1/portal/login', phone, { phone: worker.phone, code: portalCode })).token as string };
    portalLogins++;
    do {
      const { items } = json(await request('GET', '/api/v1/portal/contracts', session)) as { items: { id: string; status: string }[] };
      const mine = items.find((item) => item.id === contractIds[i]);
      if (mine?.status !== 'signed') errors.push(`worker ${i}: the portal lists ${mine ? `status ${mine.status}` : 'no contract'}`);
      const pdf = await request('GET', `/api/v1/portal/contracts/${contractIds[i]}/pdf`, session);
      const sha = createHash('sha256').update(pdf.bytes).digest('hex');
      if (sha !== pdf.headers.get('x-content-sha256')) errors.push(`worker ${i}: downloaded PDF does not match its x-content-sha256`);
      downloads++;
      await think();
    } while (performance.now() < deadline);
  };

  const employerFlow = async () => {
    do {
      const id = contractIds[Math.floor(next() * contractIds.length)]!;
      const choice = next();
      if (choice < 0.5) await request('GET', `/api/v1/contracts/${id}`, employer);
      else if (choice < 0.8) await request('GET', `/api/v1/contracts/${id}/audit`, employer);
      else await request('GET', '/api/v1/templates', employer);
      employerReads++;
      await think();
    } while (performance.now() < deadline);
  };

  const flows = people.map((_, i) => workerFlow(i).catch((error: Error) => void (errors.at(-1) === error.message || errors.push(`worker ${i}: ${error.message}`))));
  const employers = Array.from({ length: Math.max(1, Math.round(workers / 10)) }, () =>
    employerFlow().catch((error: Error) => void (errors.at(-1) === error.message || errors.push(`employer: ${error.message}`))),
  );
  deadline = started + options.durationMs;
  await Promise.all([...flows, ...employers]);
  const seconds = (performance.now() - started) / 1000;

  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
  const peakRssMiB = options.servicePid ? Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${options.servicePid}/status`, 'utf8'))?.[1] ?? 0) / 1024) : undefined;
  return {
    requests: sorted.length,
    errors,
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) },
    signed,
    portalLogins,
    downloads,
    employerReads,
    seconds,
    ...(peakRssMiB === undefined ? {} : { peakRssMiB }),
  };
}
