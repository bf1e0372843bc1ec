import { isIP } from 'node:net';
/**
 * Configuration from the environment, validated once at start-up. With nothing set the service
 * runs on embedded defaults under DATA_DIR; production sets DATABASE_URL, MINIO_* and secrets.
 */
import path from 'node:path';
import { z } from 'zod';
import { parseUscc } from '../domain/identity.ts';

const port = z.coerce.number().int().min(1).max(65535);
const optionalUrl = z.url().optional();

/** A 32-byte key given as base64 or hex. */
const key32 = z
  .string()
  .transform((value, ctx) => {
    const bytes = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
    if (bytes.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, as 64 hex digits or base64' });
      return z.NEVER;
    }
    return bytes;
  })
  .optional();

/**
 * Which proxies' X-Forwarded-For sets the client address (rate limits, audit IPs): none by
 * default, so no client can choose its own address; a hop count ("1"); or addresses/CIDRs.
 */
const trustProxy = z
  .string()
  .default('')
  .transform((value, ctx): false | number | string[] => {
    const text = value.trim();
    if (text === '' || text === 'none' || text === 'false') return false;
    if (/^\d+$/.test(text)) return Number(text);
    const entries = text
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const bad = entries.filter((entry) => {
      const [address, bits, extra] = entry.split('/');
      const family = isIP(address ?? '');
      return !family || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)));
    });
    if (bad.length) ctx.addIssue({ code: 'custom', message: `not an address or CIDR: ${bad.join(', ')} (use a hop count, or addresses/CIDRs such as 10.0.0.0/8)` });
    return entries;
  });

/** Webhook targets allowed despite resolving to private ranges (on-premise systems): CIDRs, addresses or host names. */
const webhookAllowlist = z
  .string()
  .default('')
  .transform((value, ctx): string[] => {
    const entries = value
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean);
    const bad = entries.filter((entry) => {
      const [address, bits, extra] = entry.split('/');
      const family = isIP(address ?? '');
      if (family) return extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)));
      return bits !== undefined || !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(entry);
    });
    if (bad.length) ctx.addIssue({ code: 'custom', message: `not a CIDR, address or host name: ${bad.join(', ')} (e.g. 10.20.0.0/16,hr.internal)` });
    return entries;
  });

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: port.default(3000),
    PUBLIC_BASE_URL: optionalUrl.describe('URL the service is reached at (links, CRL and OCSP addresses)'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATA_DIR: z.string().default('.data'),
    WEB_FONT_CACHE_DIR: z.string().optional().describe("where the pages' font subset is kept between starts; unset = DATA_DIR/web-fonts"),
    DATABASE_URL: optionalUrl.describe('PostgreSQL URL; unset = embedded PostgreSQL under DATA_DIR'),
    EMBEDDED_PG_PORT: port.default(54329),
    MINIO_ENDPOINT: optionalUrl.describe('S3/MinIO URL, e.g. https://minio.internal:9000; unset = embedded S3 endpoint'),
    MINIO_ACCESS_KEY: z.string().optional(),
    MINIO_SECRET_KEY: z.string().optional(),
    MINIO_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)')
      .default('laborsign'),
    MINIO_REGION: z.string().default('us-east-1'),
    EMBEDDED_S3_PORT: port.default(9199),
    ARCHIVE_LOCK_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .max(36_500)
      .default(3650)
      .describe('default COMPLIANCE lock (days) of every archived object where MinIO object lock is on; termination extends it to the Art. 50 date'),
    ARCHIVE_SCRUB_PERIOD_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(30)
      .describe('the archive scrub re-hashes every archived object at least once in this many days (hourly runs, each a share)'),
    MASTER_KEY: key32.describe('encrypts personal data and CA keys at rest; unset = generated under DATA_DIR (development only)'),
    ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional().describe('bootstrap admin API key; unset = generated and printed once'),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
    RARE_GLYPHS_PER_MINUTE: z.coerce
      .number()
      .int()
      .positive()
      .default(60)
      .describe('requests per client address per minute for glyph subsets of rare characters (POST /assets/fonts/rare: each one builds fonts)'),
    TRUST_PROXY: trustProxy.describe('proxies whose X-Forwarded-For is believed: none (default), a hop count, or comma-separated addresses/CIDRs'),
    SMS_GATEWAY_URL: optionalUrl.describe('HTTP SMS provider endpoint; unset = development outbox (not in production)'),
    SMS_GATEWAY_TOKEN: z.string().optional(),
    TSA_URLS: z
      .string()
      .optional()
      .transform((value) =>
        value
          ? value
              .split(',')
              .map((url) => url.trim())
              .filter(Boolean)
          : [],
      )
      .pipe(z.array(z.url('each TSA URL must be a URL')))
      .describe('comma-separated RFC 3161 TSA URLs; unset = the embedded TSA'),
    TSA_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000).describe('per request to an external TSA'),
    TSA_RETRIES: z.coerce.number().int().min(0).max(5).default(1).describe('further attempts (each TSA URL in turn) before a signature fails'),
    VERIFY_TIME_LIMIT_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .max(600_000)
      .default(15_000)
      .describe('an uploaded PDF not verified within this time is answered 422 verification-limit (a damaged file can make the parser rescan it for minutes)'),
    VERIFY_MEMORY_MB: z.coerce.number().int().min(64).max(4096).default(192).describe('heap limit of each verification thread'),
    VERIFY_THREADS: z.coerce.number().int().min(1).max(32).default(2).describe('threads verifying uploaded PDFs at once (started on demand, stopped when idle)'),
    VERIFY_QUEUE_LIMIT: z.coerce.number().int().min(0).max(10_000).default(32).describe('uploads waiting for a verification thread beyond which the service answers 503'),
    SIGNING_LINK_TTL_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(72),
    PLATFORM_NAME: z.string().trim().min(2).max(100).default('LaborSign 电子劳动合同平台').describe('the operator named on evidence reports'),
    PLATFORM_USCC: z
      .string()
      .refine((code) => parseUscc(code).ok, 'must be a valid 统一社会信用代码 (GB 32100 check character)')
      .default('91140105MA0LB00017')
      .describe("the operator's 统一社会信用代码 (its evidence-report seal names it)"),
    PLATFORM_REGION_CODE: z
      .string()
      .regex(/^\d{6}$/)
      .default('140105'),
    PKI_SOURCE: z.enum(['builtin', 'pem', 'pkcs12']).default('builtin').describe('builtin: a CA generated under DATA_DIR; pem / pkcs12: CA and TSA material imported from PKI_DIR'),
    PKI_DIR: z.string().optional().describe('pem: root.pem, ca.pem, ca.key, tsa.pem, tsa.key [, ocsp.pem, ocsp.key]; pkcs12: root.pem, ca.p12, tsa.p12 [, ocsp.p12]'),
    PKI_PASSPHRASE: z.string().optional().describe('passphrase of encrypted PEM keys, or the PKCS#12 password'),
    BATCH_JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(3600).default(120).describe('a batch job not finished in this time (its worker died) is given to another worker'),
    BATCH_WORKERS: z.coerce.number().int().min(0).max(32).default(2).describe('batch jobs this process works on at once; 0 = leave them to `npm run worker` processes'),
    INSURANCE_FEED_SETTLE_SECONDS: z.coerce.number().int().min(0).max(600).default(5).describe('the insurance change feed holds back events younger than this (ids are assigned before commit)'),
    WEBHOOK_ALLOWLIST: webhookAllowlist.describe(
      'webhook endpoints allowed although they resolve to loopback/private/link-local ranges: comma-separated CIDRs, addresses or host names (on-premise systems)',
    ),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000).describe('per webhook delivery attempt'),
    WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(10).describe('attempts per webhook message before it is marked failed'),
    WEBHOOK_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30).describe('wait before the first webhook retry; each later one about twice as long'),
    WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(10_000).default(20).describe('an endpoint is disabled after this many failed attempts in a row …'),
    WEBHOOK_DISABLE_AFTER_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 30)
      .default(24)
      .describe('… spanning at least this many hours'),
    WEBHOOK_SECRET_GRACE_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 30)
      .default(24)
      .describe('after a secret rotation the previous secret also signs for this long'),
  })
  .superRefine((env, ctx) => {
    if (env.PKI_SOURCE !== 'builtin' && !env.PKI_DIR) ctx.addIssue({ code: 'custom', path: ['PKI_DIR'], message: `is required when PKI_SOURCE=${env.PKI_SOURCE}` });
    if (env.NODE_ENV !== 'production') return;
    // Production never falls back to embedded services or generated secrets.
    for (const name of ['DATABASE_URL', 'MINIO_ENDPOINT', 'MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY', 'MASTER_KEY', 'ADMIN_TOKEN', 'PUBLIC_BASE_URL', 'SMS_GATEWAY_URL'] as const) {
      if (env[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when NODE_ENV=production' });
    }
  })
  .transform((env) => ({
    ...env,
    DATA_DIR: path.resolve(env.DATA_DIR),
    PUBLIC_BASE_URL: env.PUBLIC_BASE_URL ?? `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`,
  }));

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment; throws ConfigError listing every bad variable with its rule. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = configSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
}
