// A journal sink that keeps collected records in memory: the simulator's MES. `stored()` is called at once, as
// if every write were durable the moment it was made.
import type { CollectedRecord, JournalSink } from './station-client';

export class MemorySink implements JournalSink {
  readonly records = new Map<number, CollectedRecord[]>();
  readonly gaps: { stationId: number; from: number; to: number }[] = [];
  private readonly nextSeq = new Map<number, number>();

  next(stationId: number): number {
    return this.nextSeq.get(stationId) ?? 1;
  }

  store(records: readonly CollectedRecord[], stored: () => void): void {
    for (const r of records) {
      const list = this.records.get(r.stationId) ?? [];
      list.push(r);
      this.records.set(r.stationId, list);
      this.nextSeq.set(r.stationId, r.seq + 1);
    }
    stored();
  }

  lost(stationId: number, from: number, to: number): void {
    this.gaps.push({ stationId, from, to });
    this.nextSeq.set(stationId, Math.max(this.next(stationId), to + 1));
  }
}
