// A sending counter is never reused, whatever power cuts and vault failures happen, and it reaches the vault
// only once per block.
import fc from 'fast-check';
import { COUNTER_BLOCK, MAX_COUNTER, MemoryCounterVault, SendCounter, type CounterStream, type CounterVault, type VaultResult } from '../src/counters';

const stream: CounterStream = { stationId: 7, keyId: 1, direction: 'station-to-host' };

/** A vault on "flash": writes may fail; a reboot keeps what was written. */
class FlakyVault implements CounterVault {
  stored = 0;
  writes = 0;
  failWrites = false;
  failReads = false;
  reserved(): VaultResult<number> {
    return this.failReads ? { ok: false, reason: 'STORE_CORRUPT', detail: 'key damaged' } : { ok: true, value: this.stored };
  }
  reserve(_s: CounterStream, upTo: number): VaultResult<number> {
    if (this.failWrites) return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'program did not verify' };
    expect(upTo).toBeGreaterThan(this.stored); // reservations only grow
    this.stored = upTo;
    this.writes++;
    return { ok: true, value: upTo };
  }
}

function use(c: SendCounter): number | string {
  const r = c.peek();
  if (!r.ok) return r.reason;
  c.spend();
  return r.counter;
}

describe('SendCounter', () => {
  it('starts at 1 and reserves a block before using it', () => {
    const v = new FlakyVault();
    const c = new SendCounter(v, stream);
    expect(use(c)).toBe(1);
    expect(v.stored).toBe(COUNTER_BLOCK);
    for (let i = 2; i <= COUNTER_BLOCK; i++) expect(use(c)).toBe(i);
    expect(v.writes).toBe(1);
    expect(use(c)).toBe(COUNTER_BLOCK + 1);
    expect(v.writes).toBe(2);
  });

  it('property: across any sequence of sends, power cuts and vault failures, no counter is ever used twice or goes back', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'send' as const }),
      fc.constant({ kind: 'reboot' as const }),
      fc.boolean().map((on) => ({ kind: 'fail-writes' as const, on })),
      fc.integer({ min: 0, max: 3000 }).map((last) => ({ kind: 'skip' as const, last })),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.integer({ min: 1, max: 64 }), (ops, block) => {
        const v = new FlakyVault();
        let c = new SendCounter(v, stream, block);
        let prev = 0;
        let sent = 0;
        let reboots = 0;
        for (const o of ops) {
          if (o.kind === 'reboot') {
            c = new SendCounter(v, stream, block); // RAM lost, flash kept
            reboots++;
          } else if (o.kind === 'fail-writes') v.failWrites = o.on;
          else if (o.kind === 'skip') c.skipPast(o.last);
          else {
            const r = use(c);
            if (typeof r === 'number') {
              expect(r).toBeGreaterThan(prev);
              expect(r).toBeLessThanOrEqual(v.stored); // never above what is on flash
              prev = r;
              sent++;
            } else expect(r).toBe('COUNTER_NOT_RESERVED');
          }
        }
        // One vault write per block, plus at most one per reboot and per skip (a fresh block each time).
        expect(v.writes).toBeLessThanOrEqual(Math.ceil(sent / block) + reboots + ops.filter((o) => o.kind === 'skip').length);
      }),
      { numRuns: 200 },
    );
  });

  it('a reboot resumes above the last reservation', () => {
    const v = new FlakyVault();
    const c = new SendCounter(v, stream, 10);
    for (let i = 0; i < 3; i++) use(c);
    expect(use(new SendCounter(v, stream, 10))).toBe(11);
  });

  it('a failed reservation sends nothing and spends nothing; an unreadable vault blocks sending', () => {
    const v = new FlakyVault();
    const c = new SendCounter(v, stream, 4);
    for (let i = 0; i < 4; i++) use(c);
    v.failWrites = true;
    expect(c.peek()).toMatchObject({ ok: false, reason: 'COUNTER_NOT_RESERVED' });
    v.failWrites = false;
    expect(use(c)).toBe(5);
    const broken = new FlakyVault();
    broken.failReads = true;
    expect(new SendCounter(broken, stream).peek()).toMatchObject({ ok: false, reason: 'COUNTER_NOT_RESERVED', detail: expect.stringContaining('STORE_CORRUPT') });
  });

  it('skipPast(L) makes the next counter L + 1 (which the peer accepts), never lower', () => {
    const c = new SendCounter(new MemoryCounterVault(), stream);
    c.skipPast(40);
    expect(use(c)).toBe(41);
    c.skipPast(10);
    expect(use(c)).toBe(42);
    c.skipPast(42);
    expect(use(c)).toBe(43);
  });

  it('refuses to go past 2^32 - 1 (COUNTER_EXHAUSTED)', () => {
    const v = new MemoryCounterVault();
    const c = new SendCounter(v, stream);
    c.skipPast(MAX_COUNTER - 1);
    expect(use(c)).toBe(MAX_COUNTER);
    expect(use(c)).toBe('COUNTER_EXHAUSTED');
    expect(v.reserved(stream)).toEqual({ ok: true, value: MAX_COUNTER });
  });
});
