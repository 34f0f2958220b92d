/**
 * A Server-Sent Events parser (the WHATWG "event stream interpretation"), for the streaming
 * responses of OpenAI-compatible servers. Small and dependency-free: no SSE parser is among the
 * project's dependencies, and the format is a page of spec, tested in `sse.test.ts`.
 *
 * - lines end with CRLF, LF or CR, and a CRLF split across two chunks is one line end;
 * - `field: value` (one leading space dropped), `field` alone (empty value), `: comment` ignored
 *   (keep-alives such as `: ping`); fields `data` (joined with `\n`), `event`, `id`, `retry`;
 * - a blank line dispatches the event (an event with no `data` is dropped);
 * - UTF-8 is decoded across chunk boundaries and a leading BOM is dropped.
 * At the end of the stream a pending event whose lines were all complete is still dispatched
 * (some servers omit the last blank line); a partial last line is dropped, as the spec says.
 */

export interface SSEEvent {
  /** `message` unless the server named it with `event:`. */
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

export class SSEParser {
  private buffer = '';
  private afterCR = false;
  private data: string[] | null = null;
  private eventName = '';
  private lastId: string | undefined;
  private retry: number | undefined;
  private readonly decoder = new TextDecoder('utf-8');
  private first = true;

  /** Feed raw bytes (or already-decoded text); returns the events completed by this chunk. */
  feed(chunk: Uint8Array | string): SSEEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: SSEEvent[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) {
        if (this.afterCR && i === 0 && this.buffer === '') {
          // the LF of a CRLF split across chunks
          this.afterCR = false;
          start = 1;
          continue;
        }
        this.line(this.buffer + text.slice(start, i), out);
        this.buffer = '';
        start = i + 1;
        this.afterCR = false;
      } else if (c === 13 /* \r */) {
        this.line(this.buffer + text.slice(start, i), out);
        this.buffer = '';
        if (text.charCodeAt(i + 1) === 10) i++;
        else if (i + 1 === text.length) this.afterCR = true;
        start = i + 1;
      } else if (this.afterCR) {
        this.afterCR = false;
      }
    }
    this.buffer += text.slice(start);
    return out;
  }

  /** End of stream: flush the decoder and dispatch a pending event whose lines were complete. */
  end(): SSEEvent[] {
    const out: SSEEvent[] = [];
    const rest = this.decoder.decode();
    if (rest) out.push(...this.feed(rest));
    this.buffer = '';
    this.dispatch(out);
    return out;
  }

  private line(line: string, out: SSEEvent[]): void {
    if (line === '') return this.dispatch(out);
    if (line.charCodeAt(0) === 58 /* : */) return; // comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        (this.data ??= []).push(value);
        break;
      case 'event':
        this.eventName = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
      // unknown fields are ignored
    }
  }

  private dispatch(out: SSEEvent[]): void {
    if (this.data !== null) {
      const event: SSEEvent = { event: this.eventName || 'message', data: this.data.join('\n') };
      if (this.lastId !== undefined) event.id = this.lastId;
      if (this.retry !== undefined) event.retry = this.retry;
      out.push(event);
    }
    this.data = null;
    this.eventName = '';
  }
}

/** The events of a byte stream (e.g. a fetch `Response.body`), in order. */
export async function* readSSE(body: AsyncIterable<Uint8Array>): AsyncGenerator<SSEEvent> {
  const parser = new SSEParser();
  for await (const chunk of body) yield* parser.feed(chunk);
  yield* parser.end();
}
