/**
 * Group commit for an append-only table. Each `add` resolves once its row is committed, but
 * rows added while a write is under way wait for it and then go together in one multi-row
 * INSERT: under load, one commit (on PostgreSQL one WAL flush) serves many rows instead of
 * one each. An idle batcher writes when the current event-loop turn ends (setImmediate, not a
 * timer), so the rows of one turn go together. Rows are written in the order they were added,
 * one write at a time.
 */
export class InsertBatcher<Row> {
  private queue: { row: Row; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly write: (rows: Row[]) => Promise<void>,
    private readonly maxRows = 100,
  ) {}

  add(row: Row): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxRows);
      try {
        await this.write(batch.map((entry) => entry.row));
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.writing = false;
  }
}
