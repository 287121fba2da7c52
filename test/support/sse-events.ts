/** One server-sent event: `id: 4\nretry: 1000\ndata: \n\n` is { id: '4', retry: 1000, data: '' }. */
export interface SseEvent {
  id?: string;
  retry?: number;
  event?: string;
  data: string;
}

/**
 * Reads the events of a `text/event-stream` body one at a time, as the wire has them (so a test can see
 * the priming event's `id:` and `retry:`). Comment frames such as `: keepalive` are skipped.
 */
export class SseReader {
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<string>;

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next event, or undefined when the stream ends. */
  async next(): Promise<SseEvent | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const event = parseBlock(block);
        if (event !== undefined) return event;
        continue;
      }
      const { value, done } = await this.reader.read();
      if (done) return undefined;
      this.buffer += value;
    }
  }

  /** The first event whose data is a JSON-RPC message with this id (a response), or undefined at the end. */
  async response(id: number): Promise<{ event: SseEvent; message: Record<string, unknown> } | undefined> {
    for (let event = await this.next(); event !== undefined; event = await this.next()) {
      if (event.data === '') continue;
      const message = JSON.parse(event.data) as Record<string, unknown>;
      if (message.id === id) return { event, message };
    }
    return undefined;
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

function parseBlock(block: string): SseEvent | undefined {
  const event: SseEvent = { data: '' };
  const data: string[] = [];
  let fields = 0;
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields += 1;
    if (field === 'id') event.id = value;
    else if (field === 'retry') event.retry = Number(value);
    else if (field === 'event') event.event = value;
    else if (field === 'data') data.push(value);
  }
  if (fields === 0) return undefined;
  event.data = data.join('\n');
  return event;
}
