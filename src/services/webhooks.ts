/**
 * Webhook endpoints and their deliveries (docs/WEBHOOKS.md). Messages are created and their
 * delivery jobs queued inside the transaction that changed the contract (the audit log's event sink), and
 * delivered after commit by the queue: signed (Standard Webhooks), to the checked address,
 * retried with a growing wait, every attempt logged. An endpoint failing on and on is disabled.
 */
import { z } from 'zod';
import { sqlExecutorOf, type Db, type DbTx } from '../db/client.ts';
import { Problem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import type { JobSender } from '../support/jobs.ts';
import { AddressRefused, resolveTarget, systemResolver, type Allowlist, type Resolver } from '../webhooks/address-guard.ts';
import { payloadOf, webhookEventOf, webhookEventTypes, type AuditedEvent, type WebhookEventType } from '../webhooks/events.ts';
import { postTo } from '../webhooks/sender.ts';
import { newSecret, webhookHeaders } from '../webhooks/signature.ts';

export const webhookQueueName = 'webhook-delivery';
const secretColumn = 'WebhookEndpoint.secret';

export interface WebhookSettings {
  timeoutMs: number;
  attempts: number;
  retryDelaySeconds: number;
  disableAfterFailures: number;
  disableAfterHours: number;
  secretGraceHours: number;
}

/** The queue's policy: a throw is retried with pg-boss's exponential backoff. */
export function webhookQueuePolicy(settings: WebhookSettings) {
  return { retryLimit: settings.attempts - 1, retryDelay: settings.retryDelaySeconds, expireInSeconds: Math.ceil(settings.timeoutMs / 1000) + 60 };
}

export interface WebhookDeps {
  db: Db;
  crypto: FieldCrypto;
  queue: JobSender;
  allowlist: Allowlist;
  settings: WebhookSettings;
  resolver?: Resolver;
}

export interface EndpointInput {
  url: string;
  events: WebhookEventType[];
  description?: string | undefined;
}

interface JobData {
  id: string;
  manual?: boolean;
}

const jobData = z.object({ id: z.uuid(), manual: z.boolean().optional() });
const storedEvents = z.array(z.enum(webhookEventTypes));
const messageStatus = z.enum(['pending', 'delivered', 'failed']);

type EndpointRow = Awaited<ReturnType<Db['webhookEndpoint']['findFirstOrThrow']>>;

function view(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: storedEvents.parse(row.events),
    enabled: row.enabled,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    disabledReason: row.disabledReason,
    consecutiveFailures: row.consecutiveFailures,
    previousSecretValidUntil: row.previousSecretUntil && row.previousSecretUntil > new Date() ? row.previousSecretUntil.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
  };
}

export class WebhookService {
  constructor(private readonly deps: WebhookDeps) {}

  /** The URL's rules (scheme, no credentials, public address unless allowlisted) as a 422 naming `url`. */
  private async checkUrl(value: string): Promise<URL> {
    const refuse = (rule: string, message: string, messageZh: string) => new Problem(422, 'webhook-url', 'Webhook endpoint refused', message, [{ field: 'url', in: 'body', rule, message, messageZh }]);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw refuse('url', 'not a URL', '不是有效的网址');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('http_or_https', 'must be an http or https URL', '只接受 http 或 https 地址');
    if (url.username || url.password) throw refuse('no_credentials', 'must not carry credentials: verify the signature instead', '地址中不得包含用户名或密码');
    try {
      await resolveTarget(url, this.deps.allowlist, this.deps.resolver ?? systemResolver);
    } catch (error) {
      if (error instanceof AddressRefused) throw refuse(error.rule, error.message, error.rule === 'unresolvable' ? '域名无法解析' : '该地址属于本机、内网或保留网段，不能作为回调地址');
      throw error;
    }
    return url;
  }

  private async owned(organisationId: string, id: string): Promise<EndpointRow> {
    const row = await this.deps.db.webhookEndpoint.findFirst({ where: { id, organisationId } });
    if (!row) throw Problem.notFound('Webhook endpoint');
    return row;
  }

  /** Registers an endpoint; the secret is shown in this answer only. */
  async register(organisationId: string, input: EndpointInput) {
    const url = await this.checkUrl(input.url);
    const secret = newSecret();
    const row = await this.deps.db.webhookEndpoint.create({
      data: { organisationId, url: url.href, events: [...new Set(input.events)], description: input.description ?? null, secretCipher: this.deps.crypto.encrypt(secret, secretColumn) },
    });
    return { ...view(row), secret };
  }

  async list(organisationId: string) {
    const rows = await this.deps.db.webhookEndpoint.findMany({ where: { organisationId }, orderBy: { createdAt: 'asc' } });
    return rows.map(view);
  }

  async get(organisationId: string, id: string) {
    return view(await this.owned(organisationId, id));
  }

  /** Changes URL, events or description; `enabled: true` revives a disabled endpoint (its failure count starts again). */
  async update(organisationId: string, id: string, change: Partial<EndpointInput> & { enabled?: boolean | undefined }) {
    await this.owned(organisationId, id);
    const url = change.url !== undefined ? (await this.checkUrl(change.url)).href : undefined;
    const row = await this.deps.db.webhookEndpoint.update({
      where: { id },
      data: {
        ...(url !== undefined ? { url } : {}),
        ...(change.events !== undefined ? { events: [...new Set(change.events)] } : {}),
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.enabled === true ? { enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0, failingSince: null } : {}),
        ...(change.enabled === false ? { enabled: false, disabledAt: new Date(), disabledReason: 'disabled by the employer' } : {}),
      },
    });
    return view(row);
  }

  /** A new secret; the previous one keeps signing (a second signature) for the grace period. */
  async rotateSecret(organisationId: string, id: string) {
    const row = await this.owned(organisationId, id);
    const secret = newSecret();
    const until = new Date(Date.now() + this.deps.settings.secretGraceHours * 3_600_000);
    const updated = await this.deps.db.webhookEndpoint.update({
      where: { id: row.id },
      data: { secretCipher: this.deps.crypto.encrypt(secret, secretColumn), previousSecretCipher: row.secretCipher, previousSecretUntil: until },
    });
    return { ...view(updated), secret };
  }

  /** The delivery log: messages newest first, each with its attempts. */
  async messages(organisationId: string, id: string, limit: number) {
    await this.owned(organisationId, id);
    const rows = await this.deps.db.webhookMessage.findMany({ where: { endpointId: id }, orderBy: { createdAt: 'desc' }, take: limit, include: { attempts: { orderBy: { at: 'asc' } } } });
    return rows.map((m) => ({
      id: `msg_${m.id}`,
      eventType: m.eventType,
      status: messageStatus.parse(m.status),
      createdAt: m.createdAt.toISOString(),
      deliveredAt: m.deliveredAt?.toISOString() ?? null,
      payload: m.payload,
      attempts: m.attempts.map((a) => ({ at: a.at.toISOString(), manual: a.manual, statusCode: a.statusCode, durationMs: a.durationMs, error: a.error })),
    }));
  }

  /** Sends a message again (same webhook-id) with a fresh round of retries. */
  async redeliver(organisationId: string, endpointId: string, messageId: string) {
    await this.owned(organisationId, endpointId);
    const id = messageId.replace(/^msg_/, '');
    const parsed = z.uuid().safeParse(id);
    const message = parsed.success ? await this.deps.db.webhookMessage.findFirst({ where: { id, endpointId } }) : null;
    if (!message) throw Problem.notFound('Webhook message');
    await this.deps.db.$transaction(async (tx) => {
      await tx.webhookMessage.update({ where: { id }, data: { status: 'pending' } });
      await this.deps.queue.sendMany(webhookQueueName, [{ data: { id, manual: true } satisfies JobData }], sqlExecutorOf(tx));
    });
    return { id: `msg_${id}`, status: 'pending' as const };
  }

  /**
   * The audit log's event sink (wired in runtime.ts): for each contract event some enabled endpoint of the employer listens to, a
   * message and its delivery job, in the caller's transaction (they commit with the change).
   */
  async enqueueFor(tx: DbTx, events: AuditedEvent[]): Promise<void> {
    const relevant = events.map((event) => ({ event, type: webhookEventOf(event) })).filter((e): e is { event: AuditedEvent; type: WebhookEventType } => e.type !== undefined);
    if (!relevant.length) return;
    const contractIds = [...new Set(relevant.map((e) => e.event.contractId!))];
    const targets = await tx.$queryRaw<{ endpointId: string; events: string[]; contractId: string; number: string; employerId: string }[]>`
      select e.id::text as "endpointId", e.events, c.id::text as "contractId", c.number, c."employerId"::text as "employerId"
      from "Contract" c join "WebhookEndpoint" e on e."organisationId" = c."employerId" and e.enabled
      where c.id = any(${contractIds}::uuid[])`;
    if (!targets.length) return;
    const messages: { endpointId: string; eventType: string; payload: string }[] = [];
    for (const { event, type } of relevant) {
      for (const target of targets) {
        if (target.contractId !== event.contractId || !target.events.includes(type)) continue;
        messages.push({ endpointId: target.endpointId, eventType: type, payload: payloadOf(type, event, { id: target.contractId, number: target.number, employerId: target.employerId }) });
      }
    }
    if (!messages.length) return;
    const created = await tx.webhookMessage.createManyAndReturn({ data: messages, select: { id: true } });
    await this.deps.queue.sendMany(
      webhookQueueName,
      created.map((m) => ({ data: { id: m.id } satisfies JobData })),
      sqlExecutorOf(tx),
    );
  }

  /**
   * One attempt (a queue job). The message row is locked meanwhile, so one message is never
   * in flight twice. A failure is logged and thrown for the queue to retry, unless it was the
   * last attempt (then the message is `failed`). The address is checked again at each attempt.
   */
  async deliver(job: JobData, attempt: { lastAttempt: boolean }): Promise<'delivered' | 'failed' | 'skipped' | 'retry'> {
    const { db, crypto, settings } = this.deps;
    const outcome = await db.$transaction(
      async (tx) => {
        const [locked] = await tx.$queryRaw<{ id: string }[]>`select id::text from "WebhookMessage" where id = ${job.id}::uuid and status = 'pending' for update`;
        if (!locked) return 'skipped' as const;
        const message = await tx.webhookMessage.findUniqueOrThrow({ where: { id: job.id }, include: { endpoint: true } });
        const endpoint = message.endpoint;
        if (!endpoint.enabled && !job.manual) {
          await tx.webhookMessage.update({ where: { id: message.id }, data: { status: 'failed' } });
          return 'failed' as const;
        }
        const now = new Date();
        const secrets = [crypto.decrypt(endpoint.secretCipher, secretColumn)];
        if (endpoint.previousSecretCipher && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now) secrets.push(crypto.decrypt(endpoint.previousSecretCipher, secretColumn));
        const url = new URL(endpoint.url);
        let result: { statusCode?: number; error?: string; durationMs: number };
        try {
          const target = await resolveTarget(url, this.deps.allowlist, this.deps.resolver ?? systemResolver);
          result = await postTo(url, target, webhookHeaders(secrets, `msg_${message.id}`, now, message.payload), message.payload, settings.timeoutMs);
        } catch (error) {
          if (!(error instanceof AddressRefused)) throw error;
          result = { error: `refused: ${error.message}`, durationMs: 0 };
        }
        const ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
        await tx.webhookAttempt.create({
          data: {
            messageId: message.id,
            manual: job.manual ?? false,
            statusCode: result.statusCode ?? null,
            durationMs: result.durationMs,
            error: ok ? null : (result.error ?? `HTTP ${result.statusCode}`).slice(0, 500),
          },
        });
        if (ok) {
          await tx.webhookMessage.update({ where: { id: message.id }, data: { status: 'delivered', deliveredAt: now } });
          await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { consecutiveFailures: 0, failingSince: null } });
          return 'delivered' as const;
        }
        const failures = endpoint.consecutiveFailures + 1;
        const since = endpoint.failingSince ?? now;
        const disable = endpoint.enabled && failures >= settings.disableAfterFailures && now.getTime() - since.getTime() >= settings.disableAfterHours * 3_600_000;
        await tx.webhookEndpoint.update({
          where: { id: endpoint.id },
          data: {
            consecutiveFailures: failures,
            failingSince: since,
            ...(disable ? { enabled: false, disabledAt: now, disabledReason: `${failures} failed attempts in a row since ${since.toISOString()}` } : {}),
          },
        });
        const final = attempt.lastAttempt || disable || !endpoint.enabled;
        if (final) await tx.webhookMessage.update({ where: { id: message.id }, data: { status: 'failed' } });
        return final ? ('failed' as const) : ('retry' as const);
      },
      { timeout: settings.timeoutMs + 15_000 },
    );
    if (outcome === 'retry') throw new Error(`webhook message ${job.id} not delivered; retried later`);
    return outcome;
  }

  /** The queue's handler. */
  async work(data: object, attempt: { lastAttempt: boolean }): Promise<void> {
    await this.deliver(jobData.parse(data), attempt);
  }
}
