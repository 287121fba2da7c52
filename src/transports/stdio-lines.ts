import { Transform, type TransformCallback } from 'node:stream';

/** How much of an oversized message is kept to find its JSON-RPC id (id comes near the start in practice). */
const HEAD_BYTES = 4096;

/**
 * stdin as whole newline-delimited messages of at most `maxBytes` each, for the SDK's stdio transport. The
 * SDK closes the whole session when its 10 MiB read buffer overflows (and the server then exited with code
 * 0, saying nothing); a message that long is dropped here instead, up to its newline, and `onOversized`
 * gets its first bytes and its size, so the server can say why and answer it. Every message that fits
 * passes through unchanged, so the session goes on.
 */
export class BoundedLines extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Set while an oversized message is being skipped: its first bytes, and how long it has been so far. */
  private skipping: { head: Buffer; bytes: number } | null = null;

  constructor(
    private readonly maxBytes: number,
    private readonly onOversized: (head: string, bytes: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let rest = chunk;
    for (let newline = rest.indexOf(0x0a); newline !== -1; newline = rest.indexOf(0x0a)) {
      this.acceptPiece(rest.subarray(0, newline + 1), true);
      rest = rest.subarray(newline + 1);
    }
    if (rest.length > 0) this.acceptPiece(rest, false);
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pendingBytes > 0) this.push(Buffer.concat(this.pending));
    done();
  }

  /** A piece of the current message; `ends` when it carries the message's newline. */
  private acceptPiece(piece: Buffer, ends: boolean): void {
    if (this.skipping === null && this.pendingBytes + piece.length > this.maxBytes) {
      this.skipping = { head: Buffer.concat([...this.pending, piece]).subarray(0, HEAD_BYTES), bytes: this.pendingBytes };
      this.pending = [];
      this.pendingBytes = 0;
    }
    if (this.skipping !== null) {
      this.skipping.bytes += piece.length;
      if (ends) {
        this.onOversized(this.skipping.head.toString('utf8'), this.skipping.bytes);
        this.skipping = null;
      }
      return;
    }
    this.pending.push(piece);
    this.pendingBytes += piece.length;
    if (!ends) return;
    this.push(this.pending.length === 1 ? piece : Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** The JSON-RPC id at the start of a message, when it can be read there: `{"jsonrpc":"2.0","id":7,…`. */
export function leadingRequestId(head: string): string | number | null {
  const match = /"id"\s*:\s*(-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*")/.exec(head);
  if (!match?.[1]) return null;
  const raw = match[1];
  return raw.startsWith('"') ? (JSON.parse(raw) as string) : Number(raw);
}
