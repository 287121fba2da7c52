import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../../src/engine/clock.js';

export interface WebhookBody {
  business_id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { payload_type: string };
}

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: WebhookBody;
  /** The engine clock's instant when the request arrived (the test clock's "when"). */
  at: number;
  /** performance.now() at arrival, for ordering against other receivers. */
  arrivedMs: number;
}

/** What the receiver answers to the n-th request (0-based): a status code, or 'hang' (never answers). */
export type Responder = (n: number, request: Received) => number | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1 that verifies every delivery with standardwebhooks' Webhook.verify:
 * each secret in `verifyWith` must verify it and each in `mustNotVerify` must not. Any breach is kept in
 * `problems` (and answered 400), so a test fails on a bad signature by asserting `problems` is empty.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  readonly problems: string[] = [];
  verifyWith: string[] = [];
  mustNotVerify: string[] = [];
  private readonly hanging = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(clock: Clock, respond: Responder = () => 200): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (!receiver) return;
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = (name: string) => String(req.headers[name] ?? '');
        const request: Received = {
          id: header('webhook-id'),
          timestamp: header('webhook-timestamp'),
          signature: header('webhook-signature'),
          headers: req.headers,
          raw,
          body: JSON.parse(raw) as WebhookBody,
          at: clock.now(),
          arrivedMs: performance.now(),
        };
        const n = receiver.received.length;
        receiver.received.push(request);
        const bad = receiver.check(request);
        if (bad) {
          res.writeHead(400).end(bad);
          return;
        }
        const answer = respond(n, request);
        if (answer === 'hang') {
          receiver.hanging.add(() => res.destroy());
          return;
        }
        res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/hooks`);
    return receiver;
  }

  private check(request: Received): string | null {
    const headers = { 'webhook-id': request.id, 'webhook-timestamp': request.timestamp, 'webhook-signature': request.signature };
    for (const secret of this.verifyWith) {
      try {
        new Webhook(secret).verify(request.raw, headers);
      } catch (error) {
        const problem = `${request.id}: does not verify with ${secret.slice(0, 12)}…: ${error instanceof Error ? error.message : String(error)}`;
        this.problems.push(problem);
        return problem;
      }
    }
    for (const secret of this.mustNotVerify) {
      let verified = true;
      try {
        new Webhook(secret).verify(request.raw, headers);
      } catch {
        verified = false;
      }
      if (verified) {
        const problem = `${request.id}: still verifies with the retired secret ${secret.slice(0, 12)}…`;
        this.problems.push(problem);
        return problem;
      }
    }
    return null;
  }

  /**
   * What arrived, in event order: by webhook-id, since the test engine's ids are sequential and the fan-out
   * gives them out in outbox order. Arrival order is not guaranteed (SPEC §4: sends run concurrently).
   */
  inEventOrder(): Received[] {
    return [...this.received].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Event types received, in event order (see inEventOrder). */
  types(): string[] {
    return this.inEventOrder().map((r) => r.body.type);
  }

  async close(): Promise<void> {
    for (const destroy of this.hanging) destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
