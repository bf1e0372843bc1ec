/**
 * Delivery of SMS (and later WeChat/e-mail) messages. Messages are first written to the outbox
 * table inside the transaction of the step that causes them, then handed to a gateway, so a
 * message is never sent for a step that rolled back and never lost for one that committed.
 */
export interface OutgoingMessage {
  channel: 'sms';
  to: string;
  text: string;
  kind: string;
}

export interface NotificationGateway {
  readonly name: string;
  deliver(message: OutgoingMessage): Promise<void>;
}

/** Development: messages stay in the outbox table, readable at GET /api/v1/dev/outbox. */
export class DevOutboxGateway implements NotificationGateway {
  readonly name = 'dev-outbox';
  async deliver(): Promise<void> {}
}

/**
 * A generic HTTP SMS provider: POSTs `{ to, text, kind }` as JSON with a bearer token.
 * Provider-specific adapters (阿里云短信, 腾讯云短信) implement the same interface.
 */
export class HttpSmsGateway implements NotificationGateway {
  readonly name = 'http';
  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly timeoutMs = 5000,
  ) {}

  async deliver(message: OutgoingMessage): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ to: message.to, text: message.text, kind: message.kind }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`SMS provider answered ${response.status}`);
  }
}
