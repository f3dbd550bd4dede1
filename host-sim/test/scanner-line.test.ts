// A simulated station takes its scans over its scanner's serial line, as a controller does: the operator's scanner
// sends the read's bytes and its line end on the sim platform's serial device, the firmware's own scanner code
// frames them, and the operator sees the station's reply to that read. A scanner set up to send LF or CR LF instead
// of the expected CR is read the same (as firmware/main/scanner.ts documents); a partial read dies with the power.
import fc from 'fast-check';
import type { Reply } from '../../firmware/core/station/types';
import { SimNet } from '../../firmware/platform/sim/net';
import { SimSerialLine } from '../../firmware/platform/sim/serial';
import type { StationEvent } from '../../firmware/runtime/station';
import { simulate } from '../run';
import { SimStation } from '../line/station';
import { Random } from '../line/random';
import { loadScenario } from '../scenarios';
import { LINE_ENDS, Scanner, type LineEnd } from '../world/scanner';

const START = Date.UTC(2026, 11, 1, 6);
const ENDS = Object.keys(LINE_ENDS) as LineEnd[];

function station() {
  const net = new SimNet();
  const heard: { input: string; reply: Reply }[] = [];
  const st = new SimStation({
    id: 1,
    name: 'S1',
    role: 'placement',
    config: { stationId: 1, role: 'placement', maxSlots: 8, journal: { kib: 64 }, store: { kib: 32 } },
    secret: new Uint8Array(32).fill(7),
    journalKib: 64,
    storeKib: 32,
    startEpochMs: START,
    seedFor: (what) => new Random(1).seedFor(what),
    hostListen: net.listen,
    hostPort: 4840,
    modbusListen: [{ listen: net.listen }],
    modbusPort: 502,
    now: () => 0,
    onEvent: (_s, e: StationEvent) => {
      if (e.kind === 'reply' && e.input.kind === 'scan') heard.push({ input: e.input.data, reply: e.reply });
    },
    onPowerLost: () => {},
    onBoot: () => {},
  });
  st.boot(0);
  return { st, heard };
}

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('a line station reads its scanner line', () => {
  it('a read and its line end give one reply, the one the station reported for that read', () => {
    const { st, heard } = station();
    const replies = st.scan(1000, new Scanner('CR').bytesOf('OP:4711'));
    expect(replies).toHaveLength(1);
    expect(heard).toEqual([{ input: 'OP:4711', reply: replies![0] }]);
    // No badge has been pushed by the host: the login is refused, with its reason.
    expect(replies![0]!.ok).toBe(false);
  });

  it('LF and CR LF end a read as CR does: the same reads, the same replies', () => {
    const answers = ENDS.map((end) => {
      const { st } = station();
      return ['CMD:UNLOAD', 'A1', 'OP:4711', 'CMD:CANCEL'].map((read) => st.scan(1000, new Scanner(end).bytesOf(read)));
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0]!.every((r) => r?.length === 1)).toBe(true);
  });

  it('bytes without a line end get no answer until the line end comes, in any chunking', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ENDS), fc.array(fc.nat({ max: 40 }), { maxLength: 4 }), (end, cuts) => {
        const { st, heard } = station();
        const all = new Scanner(end).bytesOf('CMD:UNLOAD');
        const at = [...new Set(cuts.map((c) => Math.min(c, all.length - end.length)))].sort((a, b) => a - b);
        let from = 0;
        for (const c of at) {
          expect(st.scan(1000, all.subarray(from, c))).toEqual([]);
          from = c;
        }
        expect(st.scan(1000, all.subarray(from))).toHaveLength(1);
        expect(heard.map((h) => h.input)).toEqual(['CMD:UNLOAD']);
      }),
      { numRuns: 30 },
    );
  });

  it('while off a scan reaches nothing; a read cut short by a power cut is not glued onto the first after the restart', () => {
    const { st, heard } = station();
    expect(st.scan(1000, bytes('CMD:UNL'))).toEqual([]);
    st.cutNow(2000);
    expect(st.scan(3000, bytes('OAD\r'))).toBeUndefined();
    st.restore(10_000, 'survives');
    expect(st.scan(11_000, bytes('OP:4711\r'))).toHaveLength(1);
    expect(heard.map((h) => h.input)).toEqual(['OP:4711']);
  });

});

describe('the scanners of a simulated line', () => {
  it('send each read as its bytes (one per character) and the line end they are set up with', () => {
    expect([...new Scanner('CR').bytesOf('Q1\u001d\u00e9')]).toEqual([0x51, 0x31, 0x1d, 0xe9, 0x0d]);
    expect([...new Scanner('LF').bytesOf('A')]).toEqual([0x41, 0x0a]);
    expect([...new Scanner('CRLF').bytesOf('A')]).toEqual([0x41, 0x0d, 0x0a]);
    // A keyboard wedge's rendering has no byte on a serial line: a simulator bug, refused loudly.
    expect(() => new Scanner('CR').bytesOf('[)>\u241e06')).toThrow(/U\+241E/);
  });

  it('are set up with CR, or with the scenario scan damage as chance, LF or CR LF', () => {
    const r = new Random(4);
    expect(Array.from({ length: 50 }, () => Scanner.setUp(r, 0).lineEnd).every((e) => e === 'CR')).toBe(true);
    const damaged = new Set(Array.from({ length: 50 }, () => Scanner.setUp(r, 1).lineEnd));
    expect([...damaged].sort()).toEqual(['CRLF', 'LF']);
  });

  it('garbage-scans with every read damaged and every scanner sending LF or CR LF: the same stops, every scan over a scanner line', async () => {
    const l = loadScenario('garbage-scans');
    if (!l.ok) throw new Error(l.detail);
    const scenario = { ...l.scenario, operators: { ...l.scenario.operators, scanDamage: 1 } };
    const receive = jest.spyOn(SimSerialLine.prototype, 'receive');
    try {
      const { line, summary } = await simulate({ scenario, seed: scenario.seed, replay: '' });
      expect(line.floors.map((f) => f.scanner.lineEnd).every((e) => e !== 'CR')).toBe(true);
      expect([summary.expectations?.met, summary.expectations?.missing, summary.expectations?.unexpected]).toEqual([true, [], []]);
      expect(summary.invariants.filter((i) => !i.ok)).toEqual([]);
      // Each scan the stations answered arrived as one write on a scanner line, and nothing else was written there.
      expect(summary.scans.total).toBeGreaterThan(100);
      expect(receive).toHaveBeenCalledTimes(summary.scans.total);
    } finally {
      receive.mockRestore();
    }
  }, 120_000);
});
