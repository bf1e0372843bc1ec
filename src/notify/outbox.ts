/**
 * The transactional outbox: a message and its delivery job are enqueued inside the business
 * transaction; the job queue delivers it after commit.
 */
import { insertRows, uuidv7, type ColumnSpec } from '../db/bulk-insert.ts';
import { sqlExecutorOf, type Db, type DbTx } from '../db/client.ts';
import type { JobSender } from '../support/jobs.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import type { NotificationGateway, OutgoingMessage } from './gateway.ts';

const outboxTable: ColumnSpec = {
  id: 'uuid',
  channel: 'text',
  kind: 'text',
  recipientCipher: 'bytea',
  recipientIndex: 'text',
  bodyCipher: 'bytea',
  nextAttemptAt: 'timestamp',
  createdAt: 'timestamp',
};

const columns = { recipient: 'OutboxMessage.recipient', body: 'OutboxMessage.body' } as const;

/** Attempts before a message is marked failed; the queue waits longer before each retry. */
export const deliveryAttempts = 5;
export const outboxQueueName = 'outbox-delivery';
/** The delivery queue's policy: retries beyond the five attempts cover a process dying mid-delivery. */
export const outboxQueuePolicy = { retryLimit: deliveryAttempts + 2, retryDelay: 5, expireInSeconds: 60 };

export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly crypto: FieldCrypto,
    private readonly gateway: NotificationGateway,
    private readonly queue: JobSender,
  ) {}

  recipientIndex(phone: string): string {
    return this.crypto.blindIndex(phone.replace(/\D/g, ''), columns.recipient);
  }

  private record(message: OutgoingMessage) {
    return {
      channel: message.channel,
      kind: message.kind,
      recipientCipher: this.crypto.encrypt(message.to, columns.recipient),
      recipientIndex: this.recipientIndex(message.to),
      bodyCipher: this.crypto.encrypt(message.text, columns.body),
    };
  }

  /** The message and its delivery job commit with the caller's transaction. */
  async enqueue(tx: DbTx, message: OutgoingMessage): Promise<string> {
    const row = await tx.outboxMessage.create({ data: this.record(message), select: { id: true } });
    await this.queue.sendMany(outboxQueueName, [{ data: { id: row.id } }], sqlExecutorOf(tx));
    return row.id;
  }

  /** Many messages in one statement (a batch's signing links), and their jobs in another. */
  async enqueueMany(tx: DbTx, messages: OutgoingMessage[]): Promise<void> {
    const now = new Date();
    const rows = messages.map((m) => ({ id: uuidv7(), ...this.record(m), nextAttemptAt: now, createdAt: now }));
    await insertRows(tx, 'OutboxMessage', outboxTable, rows);
    await this.queue.sendMany(
      outboxQueueName,
      rows.map((r) => ({ data: { id: r.id } })),
      sqlExecutorOf(tx),
    );
  }

  /**
   * One attempt at delivering one message (the delivery queue's job). The row is locked while
   * the gateway is called, so a second job for it waits and then finds it sent: each message is
   * sent once whatever the number of processes. A gateway failure is recorded and thrown, and the
   * queue retries with a growing wait; the fifth failed attempt marks the message failed.
   */
  async deliver(id: string): Promise<'sent' | 'failed' | 'skipped'> {
    let failure: Error | undefined;
    const outcome = await this.db.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRaw<{ kind: string; recipientCipher: Uint8Array; bodyCipher: Uint8Array; attempts: number }[]>`
          select kind, "recipientCipher", "bodyCipher", attempts from "OutboxMessage" where id = ${id}::uuid and status = 'pending' for update`;
        if (!row) return 'skipped' as const;
        try {
          await this.gateway.deliver({ channel: 'sms', kind: row.kind, ...this.read(row) });
        } catch (error) {
          failure = error as Error;
          const attempts = row.attempts + 1;
          const failed = attempts >= deliveryAttempts;
          await tx.outboxMessage.update({ where: { id }, data: { attempts, lastError: failure.message.slice(0, 500), status: failed ? 'failed' : 'pending' } });
          return failed ? ('failed' as const) : undefined;
        }
        await tx.outboxMessage.update({ where: { id }, data: { status: 'sent', sentAt: new Date(), attempts: { increment: 1 } } });
        return 'sent' as const;
      },
      { timeout: 15_000 },
    );
    if (!outcome) throw failure!;
    return outcome;
  }

  /**
   * Pending messages without a delivery job (queued before delivery moved onto the job queue)
   * get one; run when a process starts delivering. Usually there are none.
   */
  async queueUnqueued(): Promise<number> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      select m.id::text as id from "OutboxMessage" m where m.status = 'pending'
      and not exists (select 1 from pgboss.job j where j.name = ${outboxQueueName} and j.data->>'id' = m.id::text)`;
    if (rows.length)
      await this.queue.sendMany(
        outboxQueueName,
        rows.map((r) => ({ data: { id: r.id } })),
      );
    return rows.length;
  }

  /** The delivery queue's handler: each message on its own, failures retried by the queue. */
  async deliverJobs(jobs: { id: string; data: { id: string } }[]): Promise<{ failed: string[]; error?: Error }> {
    const failed: string[] = [];
    let error: Error | undefined;
    for (const job of jobs) {
      try {
        await this.deliver(job.data.id);
      } catch (e) {
        failed.push(job.id);
        error = e as Error;
      }
    }
    return { failed, ...(error ? { error } : {}) };
  }

  read(row: { recipientCipher: Uint8Array; bodyCipher: Uint8Array }): { to: string; text: string } {
    return { to: this.crypto.decrypt(row.recipientCipher, columns.recipient), text: this.crypto.decrypt(row.bodyCipher, columns.body) };
  }

  /** Development view of the outbox, newest first, optionally for one phone number. */
  async list(opts: { phone?: string; limit: number }) {
    const rows = await this.db.outboxMessage.findMany({
      where: opts.phone ? { recipientIndex: this.recipientIndex(opts.phone) } : {},
      orderBy: { createdAt: 'desc' },
      take: opts.limit,
    });
    return rows.map((row) => ({ id: row.id, kind: row.kind, status: row.status, createdAt: row.createdAt, ...this.read(row) }));
  }
}
