// Review findings: event sequences that must never put one reel on two slots.
import { step } from '../../core/setup';
import { READY, T0, cl21, ok, started } from './helpers';

describe('one physical reel, two spellings of its id', () => {
  it('a reel id read in another letter case (QR alphanumeric mode, scanner case) is still the same reel', () => {
    let s = started();
    const a = { ...cl21, reelId: 'rlc-2103a' };
    const b = { ...cl21, reelId: 'RLC-2103A' };
    s = step(s, { kind: 'scan-slot', position: 'B1.F.1' }, T0, READY).state;
    const first = step(s, { kind: 'scan-reel', scan: ok(a) }, T0 + 1000, READY);
    expect(first.verdict).toMatchObject({ ok: true, outcome: 'verified' });
    s = step(first.state, { kind: 'scan-slot', position: 'B1.F.6' }, T0 + 2000, READY).state;
    const second = step(s, { kind: 'scan-reel', scan: ok(b) }, T0 + 3000, READY);
    expect(second.verdict).toMatchObject({ ok: false, reason: 'DUPLICATE_REEL', slots: ['B1.F.1'] });
  });
});
