// The MSL engine's view is what setup verification asks about a moisture-sensitive reel: an expired reel must
// be refused at the slot, a fresh one approved, with no adapter in between that could drop a reason.
import { evaluate, HOUR, type MslEvent, type MslView } from '../../core/msl';
import type { MsdStatus, SetupEnv } from '../../core/setup';
import { pair, started, T0, ti } from '../setup/helpers';

function viewAfter(openedHoursAgo: number, extra: MslEvent[] = []): MslView {
  const at = T0 - openedHoursAgo * HOUR;
  const r = evaluate(
    {
      level: '3',
      thicknessClass: 'thick',
      events: [{ type: 'open', at, hic10: 'blue', hic60: 'blue' }, { type: 'ambient', at, tempC: 25, rhPct: 50 }, ...extra],
    },
    T0,
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const gate = (view: MsdStatus): SetupEnv => ({ msdStatus: () => view });

describe('setup verification asks the MSL engine', () => {
  it('a thick MSL 3 reel 10 h out of its bag at 25 °C/50 %RH is approved for its MSD slot', () => {
    const view = viewAfter(10);
    expect(view.state).toBe('exposed');
    expect(pair(started(), 'B1.F.4', ti, T0, gate(view)).verdict).toMatchObject({ ok: true });
  });

  it('the same reel after 217 h (floor life 216 h at 25 °C/50 %RH) is refused with MSD_NOT_READY', () => {
    const view = viewAfter(217);
    expect(view.state).toBe('expired');
    expect(pair(started(), 'B1.F.4', ti, T0, gate(view)).verdict).toMatchObject({ ok: false, reason: 'MSD_NOT_READY' });
  });

  it('a reel blocked by unrated conditions (36 °C) is refused until a supervisor decides', () => {
    const view = viewAfter(10, [{ type: 'ambient', at: T0 - 2 * HOUR, tempC: 36, rhPct: 50 }]);
    expect(view.state).toBe('blocked-unrated');
    expect(pair(started(), 'B1.F.4', ti, T0, gate(view)).verdict).toMatchObject({ ok: false, reason: 'MSD_NOT_READY' });
  });
});
