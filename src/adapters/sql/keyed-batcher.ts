/**
 * Calls of one hot counting write on PostgreSQL, where each statement is a round trip: the
 * calls that arrive while one batch is being written go together in the next, one row per key,
 * so under a flood one round trip serves many logins. An idle batcher starts its write when the
 * current event-loop turn ends (setImmediate, not a timer): the logins whose previous step
 * answered in the same turn continue together, where writing the first at once split them into
 * a lone statement and the rest a round trip later. The write gets each key's calls in call
 * order and returns one result per key; `answer` turns it into each call's own answer (e.g. the
 * k-th of n hits on a key whose count is now `total` is number total − n + k, as one call at a
 * time would have got). A key the write returns nothing for is answered with `undefined`. A
 * failed write fails every call of its batch.
 *
 * One statement now locks several rows, where one call locked one: two such statements (two
 * instances, or two batchers on the same table) could each hold a row the other waits for. The
 * keys go to the write sorted, so statements of one kind lock in one order, and a write that
 * failed as a deadlock or serialization failure (`retryWhen`) is tried again: PostgreSQL rolled
 * the whole statement back, so nothing of it was counted.
 */
export class KeyedBatcher<Call extends { key: string }, Result, Answer> {
  private queue: { call: Call; resolve: (answer: Answer) => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly options: {
      write: (calls: Map<string, Call[]>) => Promise<Map<string, Result>>;
      answer: (result: Result | undefined, index: number, count: number, call: Call) => Answer;
      /** Whether a call may share the batch that `first` opened (else it waits for the next). Default: any. */
      joins?: (first: Call, call: Call) => boolean;
      /** Most keys in one statement. */
      maxKeys?: number;
      /** A failed write worth trying again (at most twice more): one that PostgreSQL rolled back as a deadlock. */
      retryWhen?: (error: unknown) => boolean;
      /** At most one call per key in a batch (a key's next call waits for the next batch), for writes that cannot add up. */
      onePerKey?: boolean;
    },
  ) {}

  run(call: Call): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.queue.push({ call, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      const byKey = new Map<string, Call[]>();
      for (const { call } of [...batch].sort((a, b) => (a.call.key < b.call.key ? -1 : a.call.key > b.call.key ? 1 : 0))) {
        const calls = byKey.get(call.key);
        if (calls) calls.push(call);
        else byKey.set(call.key, [call]);
      }
      try {
        const results = await this.written(byKey);
        const seen = new Map<string, number>();
        for (const { call, resolve } of batch) {
          const index = seen.get(call.key) ?? 0;
          seen.set(call.key, index + 1);
          resolve(this.options.answer(results.get(call.key), index, byKey.get(call.key)!.length, call));
        }
      } catch (error) {
        for (const { reject } of batch) reject(error);
      }
    }
    this.writing = false;
  }

  private async written(calls: Map<string, Call[]>, attempt = 1): Promise<Map<string, Result>> {
    try {
      return await this.options.write(calls);
    } catch (error) {
      if (attempt < 3 && this.options.retryWhen?.(error)) return this.written(calls, attempt + 1);
      throw error;
    }
  }

  /** Every waiting call that joins the oldest one's batch, up to `maxKeys` keys; the others stay, in order. */
  private takeBatch(): typeof this.queue {
    const first = this.queue[0]!.call;
    const maxKeys = this.options.maxKeys ?? 500;
    const keys = new Set<string>();
    const batch: typeof this.queue = [];
    const rest: typeof this.queue = [];
    for (const entry of this.queue) {
      const known = keys.has(entry.call.key);
      const joins = (this.options.joins?.(first, entry.call) ?? true) && (known ? !this.options.onePerKey : keys.size < maxKeys);
      if (joins) keys.add(entry.call.key);
      (joins ? batch : rest).push(entry);
    }
    this.queue = rest;
    return batch;
  }
}

/**
 * The batch's only call, if it has one: its write can be the one-row statement. PostgreSQL keeps
 * planning an `unnest` statement afresh for each run (its custom plan for the actual arrays looks
 * cheaper than the generic one), which costs a lone login more than the batching saves.
 */
export function loneCall<Call>(calls: Map<string, Call[]>): Call | undefined {
  const [only] = calls.values();
  return calls.size === 1 && only?.length === 1 ? only[0] : undefined;
}

/** The earliest moment among calls: a batch is judged as of its first call (see the users). */
export function earliestAt(calls: readonly { at: Date }[]): Date {
  let first = calls[0]!.at.getTime();
  for (const call of calls) first = Math.min(first, call.at.getTime());
  return new Date(first);
}
