// A sender never reuses a counter, and a receiver that restored its counters refuses what it saw before a reboot.
import { Receiver, Sender, type Message, type Verdict } from '../src/index';

const key = new Uint8Array(32).fill(3);
const ack: Message = { type: 'Ack', body: { ackedCounter: 1, ackedType: 0x23 } };
const opts = { stationId: 4, direction: 'station-to-host' as const, keyId: 2, key };

function judge(rx: Receiver, wire: Uint8Array): Verdict[] {
  const out: Verdict[] = [];
  rx.push(wire, (v) => out.push(v));
  return out;
}

describe('Sender', () => {
  it('stamps 1, 2, 3… and every frame is accepted by the peer', () => {
    const tx = new Sender(opts);
    const rx = new Receiver({ keyring: (id) => (id === 2 ? key : undefined) });
    for (let i = 1; i <= 5; i++) {
      const f = tx.frame(ack);
      if (!f.ok) throw new Error(f.detail);
      const [v] = judge(rx, f.wire);
      expect(v).toMatchObject({ ok: true, header: { counter: i, stationId: 4, keyId: 2 } });
    }
    expect(tx.nextCounter).toBe(6);
  });

  it('does not spend a counter on a message it refused', () => {
    const tx = new Sender(opts);
    const bad = tx.frame({ type: 'Ack', body: { ackedCounter: -1, ackedType: 0 } });
    expect(bad).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    expect(tx.nextCounter).toBe(1);
  });

  it('skipTo jumps ahead but never back', () => {
    const tx = new Sender({ ...opts, nextCounter: 10 });
    tx.skipTo(5);
    expect(tx.nextCounter).toBe(10);
    tx.skipTo(40);
    expect(tx.nextCounter).toBe(40);
  });

  it('refuses to send past the last counter (COUNTER_EXHAUSTED)', () => {
    const tx = new Sender({ ...opts, nextCounter: 0xffffffff });
    expect(tx.frame(ack).ok).toBe(true);
    expect(tx.frame(ack)).toMatchObject({ ok: false, reason: 'COUNTER_EXHAUSTED' });
  });
});

describe('ReplayGuard.restore', () => {
  it('a receiver restored after a reboot refuses frames at or below the stored counter', () => {
    const tx = new Sender(opts);
    const frames = [1, 2, 3].map(() => {
      const f = tx.frame(ack);
      if (!f.ok) throw new Error(f.detail);
      return f.wire;
    });
    const rebooted = new Receiver({ keyring: () => key });
    rebooted.replay.restore(4, 'station-to-host', 2, 2);
    expect(judge(rebooted, frames[1]!)[0]).toMatchObject({ ok: false, reason: 'REPLAY' });
    expect(judge(rebooted, frames[2]!)[0]).toMatchObject({ ok: true });
  });
});
