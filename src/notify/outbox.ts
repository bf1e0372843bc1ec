/** The transactional outbox: enqueue inside a business transaction, deliver after commit. */
import { insertRows, uuidv7, type ColumnSpec } from '../db/bulk-insert.ts';
import type { Db, DbTx } from '../db/client.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import type { NotificationGateway, OutgoingMessage } from './gateway.ts';

const outboxTable: ColumnSpec = { id: 'uuid', channel: 'text', kind: 'text', recipientCipher: 'bytea', recipientIndex: 'text', bodyCipher: 'bytea', nextAttemptAt: 'timestamp', createdAt: 'timestamp' };

const columns = { recipient: 'OutboxMessage.recipient', body: 'OutboxMessage.body' } as const;

/** Attempts before a message is marked failed, and the wait before attempt n + 1: 10 s, 40 s, 90 s, 160 s. */
const deliveryAttempts = 5;
export const retryDelayMs = (attempts: number) => 10_000 * attempts * attempts;

export class Outbox {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  /** Where background delivery reports a failure of the database (not of a message). */
  onError?: (error: unknown) => void;

  constructor(
    private readonly db: Db,
    private readonly crypto: FieldCrypto,
    private readonly gateway: NotificationGateway,
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

  async enqueue(tx: DbTx, message: OutgoingMessage): Promise<string> {
    const row = await tx.outboxMessage.create({ data: this.record(message), select: { id: true } });
    return row.id;
  }

  /** Many messages in one statement (a batch's signing links). */
  async enqueueMany(tx: DbTx, messages: OutgoingMessage[]): Promise<void> {
    const now = new Date();
    await insertRows(tx, 'OutboxMessage', outboxTable, messages.map((m) => ({ id: uuidv7(), ...this.record(m), nextAttemptAt: now, createdAt: now })));
  }

  /**
   * Delivers due messages, oldest first. Rows are claimed with FOR UPDATE SKIP LOCKED, so any
   * number of processes deliver side by side without sending a message twice; a process that
   * dies mid-way releases its claim with its transaction and another one sends the message.
   * A failed delivery is retried with a growing wait and marked failed after the last attempt.
   */
  async deliverPending(limit = 50): Promise<number> {
    return this.db.$transaction(
      async (tx) => {
        const due = await tx.$queryRaw<{ id: string; kind: string; recipientCipher: Uint8Array; bodyCipher: Uint8Array; attempts: number }[]>`
          select id, kind, "recipientCipher", "bodyCipher", attempts from "OutboxMessage"
          where status = 'pending' and "nextAttemptAt" <= now()
          order by "createdAt" limit ${limit} for update skip locked`;
        const sent: string[] = [];
        for (const row of due) {
          try {
            await this.gateway.deliver({ channel: 'sms', kind: row.kind, ...this.read(row) });
            sent.push(row.id);
          } catch (error) {
            const attempts = row.attempts + 1;
            await tx.outboxMessage.update({
              where: { id: row.id },
              data: { attempts, lastError: (error as Error).message.slice(0, 500), status: attempts >= deliveryAttempts ? 'failed' : 'pending', nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts)) },
            });
          }
        }
        // One statement for the round's successes: a batch of 10,000 queues as many messages.
        if (sent.length) await tx.outboxMessage.updateMany({ where: { id: { in: sent } }, data: { status: 'sent', sentAt: new Date(), attempts: { increment: 1 } } });
        return sent.length;
      },
      { timeout: limit * 6_000 + 5_000 },
    );
  }

  /** Delivers in the background: due messages every `intervalMs` until stopped. */
  startDelivery(intervalMs = 1000): void {
    if (this.timer) return;
    const tick = async () => {
      try {
        while ((await this.deliverPending()) > 0);
      } catch (error) {
        // While stopping, the database may already be going away; the messages stay pending.
        if (this.timer) this.onError?.(error);
      }
      if (this.timer) this.timer = setTimeout(() => (this.running = tick()), intervalMs);
    };
    this.timer = setTimeout(() => (this.running = tick()), 0);
  }

  /** Stops background delivery, after the round in progress (shutdown closes the database next). */
  async stopDelivery(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
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
