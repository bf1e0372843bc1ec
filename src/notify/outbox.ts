/** The transactional outbox: enqueue inside a business transaction, deliver after commit. */
import type { Db, DbTx } from '../db/client.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import type { NotificationGateway, OutgoingMessage } from './gateway.ts';

const columns = { recipient: 'OutboxMessage.recipient', body: 'OutboxMessage.body' } as const;

export class Outbox {
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

  async enqueueMany(tx: DbTx, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length) await tx.outboxMessage.createMany({ data: messages.map((m) => this.record(m)) });
  }

  /** Delivers pending messages (oldest first); failures stay pending with the error recorded. */
  async deliverPending(limit = 50): Promise<number> {
    const pending = await this.db.outboxMessage.findMany({ where: { status: 'pending', attempts: { lt: 5 } }, orderBy: { createdAt: 'asc' }, take: limit });
    let delivered = 0;
    for (const row of pending) {
      try {
        await this.gateway.deliver({ channel: 'sms', kind: row.kind, ...this.read(row) });
        await this.db.outboxMessage.update({ where: { id: row.id }, data: { status: 'sent', sentAt: new Date(), attempts: { increment: 1 } } });
        delivered++;
      } catch (error) {
        await this.db.outboxMessage.update({ where: { id: row.id }, data: { attempts: { increment: 1 }, lastError: (error as Error).message } });
      }
    }
    return delivered;
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
