/**
 * A server-sent events reader for the batch CLI: bytes in, complete events out. Follows the
 * event-stream format (LF, CRLF or CR line ends, `field: value` or `field:value`, several
 * `data` lines joined by LF, `:` comments, a leading byte-order mark dropped), whatever way
 * the bytes are split into chunks.
 */
export interface SseEvent {
  event: string;
  data: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private started = false;
  private event = '';
  private data: string[] = [];

  /** Takes the next chunk; returns the events it completes. */
  push(chunk: Uint8Array | string): SseEvent[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (!this.started && this.buffer.length) {
      this.started = true;
      if (this.buffer.startsWith('\uFEFF')) this.buffer = this.buffer.slice(1);
    }
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const char = this.buffer[i];
      if (char !== '\n' && char !== '\r') continue;
      // A CR at the end of the chunk may be the first half of CRLF: wait for the next chunk.
      if (char === '\r' && i === this.buffer.length - 1) break;
      const event = this.line(this.buffer.slice(start, i));
      if (event) events.push(event);
      if (char === '\r' && this.buffer[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') {
      const event = this.data.length ? { event: this.event || 'message', data: this.data.join('\n') } : undefined;
      this.event = '';
      this.data = [];
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    return undefined;
  }
}
