import type { DueKey, EndpointRow, SendableMessage } from './repo.js';

/** Rows an endpoint's lane reads at a time (the next chunk is read while the last half is sent). */
const LANE_CHUNK = 256;

/** What the lanes need from the dispatcher: reading and claiming a chunk, and sending one message. */
export interface LaneWork {
  /** Senders one endpoint runs at most (`perEndpointConcurrency`). */
  perEndpoint: number;
  /**
   * Reads the endpoint and claims `ids` of it in the database; returns the endpoint (undefined once deleted)
   * and the rows this engine now holds, in any order (an id left out is not to be sent by this engine).
   */
  claim(webhookId: string, ids: readonly string[]): Promise<{ endpoint: EndpointRow | undefined; rows: SendableMessage[] }>;
  /** The engine clock's now: a read row is sent only if it is still due. */
  now(): number;
  /** Sends one message; resolves when the lane may take its next. It settles the message once recorded. */
  deliver(endpoint: EndpointRow, message: SendableMessage): Promise<void>;
  isClosed(): boolean;
  onError(error: unknown): void;
}

/** One endpoint's queue: due message ids in order, rows read ahead a chunk at a time, and its senders. */
interface Lane {
  webhook_id: string;
  queue: string[];
  rows: SendableMessage[];
  endpoint: EndpointRow | undefined;
  loading: Promise<void> | null;
  workers: number;
}

/**
 * Per-endpoint lanes (SPEC §4: a slow or dead endpoint never blocks other endpoints). A sweep queues due
 * message ids on their endpoint's lane; each lane reads its rows a chunk at a time and runs up to
 * `perEndpoint` senders, so a hanging endpoint occupies only its own senders.
 *
 * State, all of this process's own work (every message is claimed in the database before it is sent):
 * - `tracked`: a message from the moment it is queued until `settle` (its attempt recorded, or found not to
 *   be sent); each is queued at most once at a time — queuing it again returns the same promise.
 * - `lanes`: a lane is in the map while it has a sender; a lane holding queued ids or read rows has at least
 *   one sender (unless the dispatcher is closed, when they are settled unsent), and never more than
 *   `perEndpoint`.
 */
export class EndpointLanes {
  private readonly tracked = new Map<string, Promise<void>>();
  private readonly settlers = new Map<string, () => void>();
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly work: LaneWork) {}

  /** Messages queued or in flight. */
  get size(): number {
    return this.tracked.size;
  }

  /** Promises of every message queued or in flight, each settled once its attempt is recorded. */
  pending(): Array<Promise<void>> {
    return [...this.tracked.values()];
  }

  /**
   * Queues due messages on their endpoints' lanes; returns one promise per message, settled when its attempt
   * is recorded. A message already queued or in flight is not queued twice: its promise is returned.
   */
  enqueue(keys: readonly DueKey[]): Array<Promise<void>> {
    const waits: Array<Promise<void>> = [];
    const touched = new Set<Lane>();
    for (const key of keys) {
      const existing = this.tracked.get(key.message_id);
      if (existing) {
        waits.push(existing);
        continue;
      }
      const settled = new Promise<void>((resolve) => this.settlers.set(key.message_id, resolve));
      this.tracked.set(key.message_id, settled);
      waits.push(settled);
      let lane = this.lanes.get(key.webhook_id);
      if (!lane) {
        lane = { webhook_id: key.webhook_id, queue: [], rows: [], endpoint: undefined, loading: null, workers: 0 };
        this.lanes.set(key.webhook_id, lane);
      }
      lane.queue.push(key.message_id);
      touched.add(lane);
    }
    for (const lane of touched) {
      // Counted before any sender starts: the first one takes up to a chunk of the queue into its read at once.
      const waiting = lane.queue.length + lane.rows.length;
      while (lane.workers < this.work.perEndpoint && lane.workers < waiting) {
        lane.workers += 1;
        void this.runLane(lane);
      }
    }
    return waits;
  }

  /** The message is done with (recorded, or not to be sent): its waiters go on. */
  settle(messageId: string): void {
    this.settlers.get(messageId)?.();
    this.settlers.delete(messageId);
    this.tracked.delete(messageId);
  }

  /** One sender of a lane: takes the lane's next message until none is left. */
  private async runLane(lane: Lane): Promise<void> {
    try {
      for (;;) {
        const message = await this.nextOf(lane);
        if (!message) return;
        const endpoint = lane.endpoint;
        if (!endpoint) {
          this.settle(message.message_id);
          continue;
        }
        try {
          await this.work.deliver(endpoint, message);
        } catch (error) {
          this.settle(message.message_id);
          if (!this.work.isClosed()) this.work.onError(error);
        }
      }
    } catch (error) {
      if (!this.work.isClosed()) this.work.onError(error);
      // The lane's reads failed: let go of what it holds, so waiters do not hang; the next sweep retries.
      for (const id of [...lane.queue.splice(0), ...lane.rows.splice(0).map((r) => r.message_id)]) this.settle(id);
    } finally {
      lane.workers -= 1;
      const left = lane.queue.length + lane.rows.length;
      if (left > 0 && !this.work.isClosed()) {
        // Queued after this sender found the lane empty, before it stopped: keep a sender on it.
        lane.workers += 1;
        void this.runLane(lane);
      } else {
        for (const id of [...lane.queue.splice(0), ...lane.rows.splice(0).map((r) => r.message_id)]) this.settle(id);
        if (lane.workers === 0) this.lanes.delete(lane.webhook_id);
      }
    }
  }

  /** The lane's next message that is still due, reading a chunk of rows (and the endpoint) when none is read. */
  private async nextOf(lane: Lane): Promise<SendableMessage | undefined> {
    for (;;) {
      const row = lane.rows.shift();
      // Read the next chunk while this one is being sent, so the lane's senders do not wait for the database.
      if (lane.rows.length < LANE_CHUNK / 2 && lane.queue.length > 0 && !lane.loading) this.loadNext(lane);
      if (row) {
        // Another sender may have made this attempt already, or the endpoint was disabled meanwhile.
        const due = row.status === 'pending' && row.next_attempt_at !== null && row.next_attempt_at <= this.work.now();
        if (due && lane.endpoint && lane.endpoint.disabled === 0 && !this.work.isClosed()) return row;
        this.settle(row.message_id);
        continue;
      }
      if (lane.loading) {
        await lane.loading;
        continue;
      }
      if (lane.queue.length === 0) return undefined;
      this.loadNext(lane);
    }
  }

  private loadNext(lane: Lane): void {
    const ids = lane.queue.splice(0, LANE_CHUNK);
    lane.loading = this.load(lane, ids).finally(() => {
      lane.loading = null;
    });
    // A failed read is reported to the senders awaiting it (runLane); none may be waiting yet.
    lane.loading.catch(() => undefined);
  }

  /** Reads and claims a chunk; ids not held by this engine (deleted, no longer due, claimed elsewhere) settle. */
  private async load(lane: Lane, ids: string[]): Promise<void> {
    const { endpoint, rows } = await this.work.claim(lane.webhook_id, ids);
    lane.endpoint = endpoint;
    const byId = new Map(rows.map((r) => [r.message_id, r]));
    for (const id of ids) {
      const row = byId.get(id);
      if (row) lane.rows.push(row);
      else this.settle(id);
    }
  }
}
