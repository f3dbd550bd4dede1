// `warden msl` as users and acceptance tests call it: through the bin, in a child process, JSON in and out.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Command } from 'commander';
import { REASONS } from '../../protocol/src/reasons';
import { CliError } from '../src/cli/errors';
import { evaluateJson, floorLifeJson, registerMsl, sampleJson, viewText } from '../src/cli/msl';

const ROOT = join(__dirname, '..', '..');

function warden(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), ...args], { input, encoding: 'utf8' });
  return { status: r.status, out: r.stdout.trim() === '' ? undefined : (JSON.parse(r.stdout) as Record<string, unknown>), stdout: r.stdout, stderr: r.stderr };
}

const floorLife = (...args: string[]) => warden(['msl', 'floor-life', ...args]);
const evaluate = (doc: unknown) => warden(['msl', 'evaluate'], typeof doc === 'string' ? doc : JSON.stringify(doc));

// Spawning the bin costs ~0.4 s, so the many table-driven cases call the command's own function in-process
// (what the action prints, or the {"error"} object it prints on failure); a few of each run through the real bin.
function inProcess(f: () => Record<string, unknown>): { status: number; out: Record<string, unknown> } {
  try {
    return { status: 0, out: f() };
  } catch (e) {
    if (e instanceof CliError) return { status: e.exitCode, out: { error: e.reason, message: e.message } };
    throw e;
  }
}
const opts = (args: string[]) => {
  const o: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) o[args[i]!.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = args[i + 1]!;
  return o;
};
const floorLifeIn = (...args: string[]) => inProcess(() => floorLifeJson(opts(args)));
const evaluateIn = (doc: unknown) => inProcess(() => evaluateJson(typeof doc === 'string' ? doc : JSON.stringify(doc)));

describe('warden msl floor-life', () => {
  it.each<[string[], object]>([
    [['--msl', '3', '--class', 'thick', '--temp', '27', '--rh', '65'], { rated: true, hours: 120, cell: { tempC: 30, rhPct: 70 } }],
    [['--msl', '5a', '--class', 'thick', '--temp', '20', '--rh', '90'], { rated: true, hours: 48, cell: { tempC: 20, rhPct: 90 } }],
    [['--msl', '2a', '--class', 'thick', '--temp', '25', '--rh', '8'], { rated: true, unlimited: true, cell: { tempC: 25, rhPct: 10 } }],
    [['--msl', '3', '--class', 'medium', '--temp', '22', '--rh', '40'], { rated: true, hours: 168, cell: { tempC: 30, rhPct: 60 } }],
    [['--msl', '3', '--class', 'thin', '--temp', '25', '--rh', '70'], { rated: false, reason: 'MSD_CONDITIONS_UNRATED' }],
    [['--msl', '4', '--class', 'thick', '--temp', '35.5', '--rh', '40'], { rated: false, reason: 'MSD_CONDITIONS_UNRATED' }],
    [['--msl', '1', '--class', 'thin', '--temp', '30', '--rh', '85'], { rated: true, unlimited: true, cell: { tempC: 30, rhPct: 85 } }],
    [['--msl', '6', '--class', 'thick', '--temp', '25', '--rh', '50'], { rated: false, reason: 'MSD_TOL_UNKNOWN' }],
    [['--msl', '6', '--class', 'thick', '--temp', '25', '--rh', '50', '--tol-hours', '6'], { rated: true, hours: 6, cell: { tempC: 30, rhPct: 60 } }],
  ])('%j → %j', (args, expected) => {
    const r = floorLifeIn(...args);
    expect(r.status).toBe(0);
    expect(r.out).toEqual(expected);
  });

  it('through the bin: one JSON object per answer, exit 0 (rated, unlimited, unrated)', () => {
    expect(floorLife('--msl', '3', '--class', 'thick', '--temp', '27', '--rh', '65')).toMatchObject({ status: 0, stdout: '{"rated":true,"hours":120,"cell":{"tempC":30,"rhPct":70}}\n' });
    expect(floorLife('--msl', '2a', '--class', 'thick', '--temp', '25', '--rh', '8')).toMatchObject({ status: 0, out: { rated: true, unlimited: true, cell: { tempC: 25, rhPct: 10 } } });
    expect(floorLife('--msl', '3', '--class', 'thin', '--temp', '25', '--rh', '70')).toMatchObject({ status: 0, out: { rated: false, reason: 'MSD_CONDITIONS_UNRATED' } });
  });

  it.each<[string[], string]>([
    [['--class', 'thick', '--temp', '25', '--rh', '50'], '--msl is required'],
    [['--msl', '7', '--class', 'thick', '--temp', '25', '--rh', '50'], '--msl'],
    [['--msl', '3', '--class', 'huge', '--temp', '25', '--rh', '50'], '--class'],
    [['--msl', '3', '--class', 'thick', '--temp', 'warm', '--rh', '50'], '--temp'],
    [['--msl', '3', '--class', 'thick', '--temp', '25', '--rh', '101'], '--rh'],
    [['--msl', '3', '--class', 'thick', '--temp', '25', '--rh', '50', '--tol-hours', '0'], '--tol-hours'],
  ])('%j is {"error":"BAD_ARGUMENT"} naming %s, exit 2', (args, mention) => {
    const r = floorLifeIn(...args);
    expect(r.status).toBe(2);
    expect(r.out).toEqual({ error: 'BAD_ARGUMENT', message: expect.stringContaining(mention) });
  });

  it.each<[string[], string]>([
    [['--msl', '3', '--class', 'thick', '--temp', 'warm', '--rh', '50'], '--temp'],
    [['--msl', '3', '--class', 'thick', '--temp', '25', '--rh'], "'--rh"],
    [['--msl', '3', '--class', 'thick', '--temp', '25', '--rh', '50', '--bogus'], '--bogus'],
  ])('through the bin: %j prints {"error":"BAD_ARGUMENT"} naming %s and one stderr line, exit 2', (args, mention) => {
    const r = floorLife(...args);
    expect(r.status).toBe(2);
    expect(r.out).toEqual({ error: 'BAD_ARGUMENT', message: expect.stringContaining(mention) });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('warden msl evaluate', () => {
  const open = [
    { at: '2026-03-01T08:00:00Z', type: 'open', hic10: 'blue', hic60: 'blue' },
    { at: '2026-03-01T08:00:00Z', type: 'ambient', tempC: 30, rhPct: 60 },
  ];

  it('through the bin: reads the document on stdin, prints the state, consumed fraction, remaining hours, projected expiry and reasons', () => {
    const r = evaluate({ msl: '3', thicknessClass: 'thick', at: '2026-03-04T20:00:00Z', events: open });
    expect(r.status).toBe(0);
    expect(r.out).toEqual({ state: 'exposed', consumedFraction: 0.5, remainingHours: 84, expiresAt: '2026-03-08T08:00:00.000Z', reasons: [] });
  });

  it('rounds conservatively: consumed up to 6 decimals, remaining down to 0.001 h', () => {
    // 1 h at 20 °C/40 %RH (312 h): 0.00320512820… consumed, 310.99999… h left.
    const r = evaluateIn({ msl: '3', thicknessClass: 'thick', at: '2026-03-01T09:00:00Z', events: [open[0], { ...open[1], tempC: 20, rhPct: 40 }] });
    expect(r.out).toMatchObject({ consumedFraction: 0.003206, remainingHours: 311 });
    const r2 = evaluateIn({ msl: '3', thicknessClass: 'thick', at: '2026-03-01T08:20:00Z', events: [open[0], { ...open[1], tempC: 30, rhPct: 70 }] });
    // 20 min at 120 h: 0.00277…; remaining 119.6666… h → 119.666
    expect(r2.out).toMatchObject({ consumedFraction: 0.002778, remainingHours: 119.666 });
  });

  it('a document with no events is a reel still in its dry bag', () => {
    expect(evaluateIn({ msl: '5a', thicknessClass: 'thick', at: '2026-03-01T00:00:00Z', events: [] }).out).toEqual({
      state: 'sealed',
      consumedFraction: 0,
      remainingHours: 24,
      expiresAt: null,
      reasons: [],
    });
  });

  it('MSL 1 has no limit: remainingHours is null', () => {
    expect(evaluateIn({ msl: '1', thicknessClass: 'thin', at: '2026-04-01T00:00:00Z', events: open }).out).toMatchObject({ state: 'exposed', remainingHours: null, expiresAt: null });
  });

  it('bakes, dispositions and extra fields (body thickness, package, spec, carrier) go through', () => {
    const doc = {
      msl: '3',
      thicknessClass: 'thick',
      bodyThicknessMm: 2.5,
      packageType: 'bga',
      at: '2026-03-12T12:00:00Z',
      events: [
        ...open,
        { at: '2026-03-10T00:00:00Z', type: 'bake-start', tempC: 125, carrier: 'tray' },
        { at: '2026-03-12T00:00:00Z', type: 'bake-end' },
        { at: '2026-03-12T00:00:00Z', type: 'disposition', action: 'release', by: 'sup-7', spec: 'J-STD-033 125C 48h' },
      ],
    };
    expect(evaluateIn(doc).out).toEqual({ state: 'exposed', consumedFraction: 0.071429, remainingHours: 156, expiresAt: '2026-03-19T00:00:00.000Z', reasons: [] });
  });

  it('a release without `spec` is a valid document (exit 0), but a bake sign-off needs the specification named', () => {
    // Body 2.5 mm has no bake-table row, so the bake resets only on a release naming its specification.
    const doc = {
      msl: '3',
      thicknessClass: 'thick',
      bodyThicknessMm: 2.5,
      packageType: 'bga',
      at: '2026-03-12T12:00:00Z',
      events: [
        ...open,
        { at: '2026-03-10T00:00:00Z', type: 'bake-start', tempC: 125, carrier: 'tray' },
        { at: '2026-03-12T00:00:00Z', type: 'bake-end' },
        { at: '2026-03-12T00:00:00Z', type: 'disposition', action: 'release', by: 'sup-7' },
      ],
    };
    // The reel (expired 2026-03-08 08:00, before the bake) keeps waiting for the named sign-off.
    expect(evaluate(doc)).toMatchObject({ status: 0, out: { state: 'expired', remainingHours: 0, reasons: ['MSD_EXPIRED', 'MSD_BAKE_SIGNOFF'] } });
    const named = { ...doc, events: [...doc.events, { at: '2026-03-12T00:00:00Z', type: 'disposition', action: 'release', by: 'sup-7', spec: 'J-STD-033 125C 48h' }] };
    expect(evaluateIn(named).out).toEqual({ state: 'exposed', consumedFraction: 0.071429, remainingHours: 156, expiresAt: '2026-03-19T00:00:00.000Z', reasons: [] });
  });

  it('accepts null for optional fields, ISO times with microseconds, and a level written "2A"', () => {
    // Regression: each of these used to be BAD_DOCUMENT / MSD_LEVEL_UNKNOWN.
    const base = { msl: '3', thicknessClass: 'thick', at: '2026-03-04T20:00:00Z', events: open };
    const expected = { state: 'exposed', consumedFraction: 0.5, remainingHours: 84, expiresAt: '2026-03-08T08:00:00.000Z', reasons: [] };
    expect(evaluateIn({ ...base, bodyThicknessMm: null, floorLifeHours: null, sealedAt: null, config: null }).out).toEqual(expected);
    expect(evaluateIn({ ...base, at: '2026-03-04T20:00:00.000000Z', events: [{ ...open[0], hic60: null }, { ...open[1], at: '2026-03-01T08:00:00.000000+00:00' }] }).out).toEqual(expected);
    expect(evaluateIn({ ...base, msl: '2A', at: '2026-03-01T20:00:00Z' }).out).toMatchObject({ state: 'exposed', remainingHours: 660 });
    expect(floorLifeIn('--msl', '5A', '--class', 'thick', '--temp', '20', '--rh', '90').out).toEqual({ rated: true, hours: 48, cell: { tempC: 20, rhPct: 90 } });
    // A required field stays required: null is not a temperature.
    expect(evaluateIn({ ...base, events: [open[0], { ...open[1], tempC: null }] }).out).toEqual({ error: 'BAD_DOCUMENT', message: 'events[1].tempC: a number' });
  });

  it('MSL 3 at 25 °C/8 %RH on the floor (a no-limit cell) is paused, with the nominal life left', () => {
    const doc = { msl: '3', thicknessClass: 'thick', at: '2026-03-05T08:00:00Z', events: [open[0], { ...open[1], tempC: 25, rhPct: 8 }] };
    expect(evaluateIn(doc).out).toEqual({ state: 'paused', consumedFraction: 0, remainingHours: 168, expiresAt: null, reasons: [] });
  });

  it('scrap is final', () => {
    const doc = { msl: '4', thicknessClass: 'thick', at: '2026-03-02T00:00:00Z', events: [...open, { at: '2026-03-01T09:00:00Z', type: 'disposition', action: 'scrap', by: 'sup-7' }] };
    expect(evaluateIn(doc).out).toMatchObject({ state: 'expired', remainingHours: 0, reasons: ['MSD_SCRAPPED'] });
  });

  it.each<[string, unknown, string, string]>([
    ['not JSON', '{"msl": ', 'BAD_DOCUMENT', 'not JSON'],
    ['a missing msl', { thicknessClass: 'thick', at: '2026-03-01T00:00:00Z', events: [] }, 'BAD_DOCUMENT', 'msl'],
    ['an unknown level', { msl: '7', thicknessClass: 'thick', at: '2026-03-01T00:00:00Z', events: [] }, 'MSD_LEVEL_UNKNOWN', 'msl'],
    ['a bad class', { msl: '3', thicknessClass: 'fat', at: '2026-03-01T00:00:00Z', events: [] }, 'BAD_DOCUMENT', 'thicknessClass'],
    ['no evaluation time', { msl: '3', thicknessClass: 'thick', events: [] }, 'BAD_DOCUMENT', 'at'],
    ['a time without a zone', { msl: '3', thicknessClass: 'thick', at: '2026-03-01T00:00:00', events: [] }, 'BAD_DOCUMENT', 'at'],
    ['an unknown field', { msl: '3', thicknessClass: 'thick', at: '2026-03-01T00:00:00Z', events: [], colour: 'red' }, 'BAD_DOCUMENT', 'document.colour'],
    ['a non-numeric temperature', { msl: '3', thicknessClass: 'thick', at: '2026-03-02T00:00:00Z', events: [...open, { at: '2026-03-01T09:00:00Z', type: 'ambient', tempC: 'hot', rhPct: 50 }] }, 'BAD_DOCUMENT', 'events[2].tempC'],
    ['a misspelt HIC field', { msl: '3', thicknessClass: 'thick', at: '2026-03-02T00:00:00Z', events: [{ at: '2026-03-01T09:00:00Z', type: 'open', hic_10: 'pink' }] }, 'BAD_DOCUMENT', 'events[0].hic_10'],
    ['an unknown event type', { msl: '3', thicknessClass: 'thick', at: '2026-03-02T00:00:00Z', events: [...open, { at: '2026-03-01T09:00:00Z', type: 'teleport' }] }, 'BAD_DOCUMENT', 'events[2].type'],
    ['an oven above 400 °C', { msl: '3', thicknessClass: 'thick', at: '2026-03-02T00:00:00Z', events: [...open, { at: '2026-03-01T09:00:00Z', type: 'bake-start', tempC: 450 }] }, 'MSD_EVENT_INVALID', 'events[2].tempC'],
    ['an event out of order', { msl: '3', thicknessClass: 'thick', at: '2026-03-02T00:00:00Z', events: [...open, { at: '2026-03-01T07:00:00Z', type: 'seal' }] }, 'MSD_EVENT_ORDER', 'events[2].at'],
    ['open when already open', { msl: '3', thicknessClass: 'thick', at: '2026-03-02T00:00:00Z', events: [...open, { at: '2026-03-01T09:00:00Z', type: 'open' }] }, 'MSD_EVENT_UNEXPECTED', 'events[2]'],
    ['bake-end without bake-start', { msl: '3', thicknessClass: 'thick', at: '2026-03-02T00:00:00Z', events: [...open, { at: '2026-03-01T09:00:00Z', type: 'bake-end' }] }, 'MSD_EVENT_UNEXPECTED', 'events[2]'],
    ['evaluation before the last event', { msl: '3', thicknessClass: 'thick', at: '2026-02-01T00:00:00Z', events: open }, 'MSD_EVENT_ORDER', 'at'],
  ])('%s: {"error":%j} naming %s, exit 2', (_, doc, code, mention) => {
    const r = evaluateIn(doc);
    expect(r.status).toBe(2);
    expect(r.out).toEqual({ error: code, message: expect.stringContaining(mention) });
  });

  it('through the bin: a malformed document or event prints {"error"} naming the event, one stderr line, exit 2', () => {
    const bad = evaluate({ msl: '3', thicknessClass: 'thick', at: '2026-03-02T00:00:00Z', events: [...open, { at: '2026-03-01T09:00:00Z', type: 'ambient', tempC: 'hot', rhPct: 50 }] });
    expect(bad).toMatchObject({ status: 2, out: { error: 'BAD_DOCUMENT', message: 'events[2].tempC: a number' } });
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const order = evaluate({ msl: '3', thicknessClass: 'thick', at: '2026-03-02T00:00:00Z', events: [...open, { at: '2026-03-01T07:00:00Z', type: 'seal' }] });
    expect(order).toMatchObject({ status: 2, out: { error: 'MSD_EVENT_ORDER', message: expect.stringContaining('events[2].at') } });
  });
});

describe('warden msl evaluate: the safe-side rules through the document', () => {
  const base = { msl: '3', thicknessClass: 'thick', at: '2026-03-02T08:00:00Z' };
  const open = { at: '2026-03-01T08:00:00Z', type: 'open', hic10: 'blue', hic60: 'blue' };
  const air = { at: '2026-03-01T08:00:00Z', type: 'ambient', tempC: 25, rhPct: 50 };

  it.each<[string, unknown, string]>([
    ['the evaluation time', { ...base, at: '2026-02-30T08:00:00Z' }, 'at: 2026-02-30T08:00:00Z: February 2026 has no day 30'],
    ['an event time', { ...base, events: [{ ...open, at: '2026-04-31T08:00:00Z' }] }, 'events[0].at: 2026-04-31T08:00:00Z: April 2026 has no day 31'],
    ['the seal date', { ...base, sealedAt: '2025-02-29T00:00:00Z', events: [] }, 'sealedAt: 2025-02-29T00:00:00Z: February 2025 has no day 29'],
    ['hour 24', { ...base, at: '2026-03-02T24:00:00Z', events: [] }, 'hour 24'],
  ])('an impossible date in %s is refused with the field named, never shifted', (_, doc, message) => {
    expect(evaluateIn(doc)).toEqual({ status: 2, out: { error: 'BAD_DOCUMENT', message: expect.stringContaining(message) } });
  });

  it('a sensor fault code is no sample: 0 %RH does not pause the reel (MSD_SENSOR_IMPLAUSIBLE, then stale)', () => {
    const doc = { ...base, at: '2026-03-01T10:00:00Z', events: [open, air, { at: '2026-03-01T09:00:00Z', type: 'ambient', tempC: 25, rhPct: 0 }] };
    expect(evaluateIn(doc).out).toMatchObject({ state: 'exposed', reasons: ['MSD_SENSOR_STALE', 'MSD_SENSOR_IMPLAUSIBLE'] });
    // A physically impossible value from a sensor log is a fault too, not a malformed document.
    expect(evaluateIn({ ...doc, events: [open, air, { at: '2026-03-01T09:00:00Z', type: 'ambient', tempC: 20, rhPct: 120 }] })).toMatchObject({ status: 0 });
  });

  it('an unread card needs a bake (MSD_HIC_UNREAD)', () => {
    expect(evaluateIn({ ...base, events: [{ at: open.at, type: 'open' }, air] }).out).toMatchObject({ state: 'needs-bake', reasons: ['MSD_NEEDS_BAKE', 'MSD_HIC_UNREAD'] });
  });

  it('cabinet samples, a cabinet sensor loss and its own staleness setting', () => {
    const events = [open, air, { at: '2026-03-01T09:00:00Z', type: 'dry-in', rhPct: 3 }, { at: '2026-03-01T10:00:00Z', type: 'cabinet', rhPct: 2.5, tempC: 24 }, { at: '2026-03-01T11:00:00Z', type: 'sensor-lost', sensor: 'cabinet' }];
    const doc = { ...base, msl: '4', at: '2026-03-01T12:00:00Z', events };
    expect(evaluateIn(doc).out).toMatchObject({ state: 'exposed', reasons: ['MSD_CABINET_STALE'] });
    expect(evaluateIn({ ...doc, config: { cabinetStaleMinutes: 120 } }).out).toMatchObject({ state: 'paused', reasons: [] });
    expect(evaluateIn({ ...doc, events: [...events.slice(0, -1), { ...events[4], sensor: 'door' }] }).out).toMatchObject({ error: 'BAD_DOCUMENT', message: expect.stringContaining('events[4].sensor') });
  });

  it('packageType is read and checked against the class: a 1.2 mm body is thick only as a BGA', () => {
    const doc = { ...base, bodyThicknessMm: 1.2, events: [open, air] };
    expect(evaluateIn(doc).out).toMatchObject({ remainingHours: 144, reasons: ['MSD_CLASS_CONFLICT'] });
    expect(evaluateIn({ ...doc, packageType: 'BGA' }).out).toMatchObject({ remainingHours: 192, reasons: [] });
    expect(evaluateIn({ ...doc, packageType: 'qfn' }).out).toMatchObject({ error: 'BAD_DOCUMENT', message: expect.stringContaining('packageType') });
  });

  it('a bake with no oven temperature is accepted as a document and waits for a named sign-off', () => {
    const doc = {
      ...base,
      at: '2026-03-12T12:00:00Z',
      events: [open, air, { at: '2026-03-10T00:00:00Z', type: 'bake-start', carrier: 'tray' }, { at: '2026-03-11T00:00:00Z', type: 'bake-end' }],
    };
    expect(evaluateIn(doc).out).toMatchObject({ state: 'expired', reasons: ['MSD_EXPIRED', 'MSD_BAKE_SIGNOFF', 'MSD_BAKE_OFF_TABLE'] });
  });
});

describe('warden msl sample and floor-life --body-mm/--package', () => {
  it('sample: the station\'s plausibility verdict for one reading', () => {
    expect(inProcess(() => sampleJson({ temp: '22', rh: '45' })).out).toEqual({ ok: true });
    expect(inProcess(() => sampleJson({ temp: '-40', rh: '0' })).out).toEqual({ ok: false, reason: 'MSD_SENSOR_IMPLAUSIBLE', field: 'tempC', message: expect.stringContaining('-40') });
    expect(inProcess(() => sampleJson({ temp: 'x', rh: '0' }))).toMatchObject({ status: 2, out: { error: 'BAD_ARGUMENT' } });
    expect(warden(['msl', 'sample', '--temp', '25', '--rh', '0'])).toMatchObject({ status: 0, out: { ok: false, field: 'rhPct' } });
  });

  it('floor-life says when the class contradicts the body or package, and rates by the restrictive class', () => {
    expect(floorLifeIn('--msl', '3', '--class', 'thick', '--temp', '25', '--rh', '50', '--body-mm', '1.2').out).toEqual({ rated: true, hours: 168, cell: { tempC: 30, rhPct: 60 }, reasons: ['MSD_CLASS_CONFLICT'] });
    expect(floorLifeIn('--msl', '3', '--class', 'thick', '--temp', '25', '--rh', '50', '--body-mm', '1.2', '--package', 'bga').out).toEqual({ rated: true, hours: 216, cell: { tempC: 25, rhPct: 50 } });
    expect(floorLifeIn('--msl', '3', '--class', 'unknown', '--temp', '25', '--rh', '50', '--body-mm', '3.4').out).toEqual({ rated: true, hours: 216, cell: { tempC: 25, rhPct: 50 } });
    expect(floorLifeIn('--msl', '3', '--class', 'thick', '--temp', '25', '--rh', '50', '--package', 'lga')).toMatchObject({ status: 2, out: { error: 'BAD_ARGUMENT', message: expect.stringContaining('--package') } });
    expect(floorLifeIn('--msl', '3', '--class', 'thick', '--temp', '25', '--rh', '50', '--body-mm', '0')).toMatchObject({ status: 2, out: { error: 'BAD_ARGUMENT', message: expect.stringContaining('--body-mm') } });
  });
});

describe('on a terminal: a readable summary; --json or a pipe: the JSON contract', () => {
  function runWith(terminal: boolean, args: string[]): string {
    let out = '';
    const program = new Command().exitOverride();
    registerMsl(program, (s) => (out += s), () => terminal);
    program.parse(args, { from: 'user' });
    return out;
  }

  it('floor-life and sample print a sentence on a terminal, JSON with --json', () => {
    expect(runWith(true, ['msl', 'floor-life', '--msl', '3', '--class', 'thick', '--temp', '27', '--rh', '65'])).toBe('120 h floor life (5.0 days), from the 30 °C / 70 %RH cell\n');
    expect(runWith(true, ['msl', 'floor-life', '--msl', '3', '--class', 'thick', '--temp', '27', '--rh', '65', '--json'])).toBe('{"rated":true,"hours":120,"cell":{"tempC":30,"rhPct":70}}\n');
    expect(runWith(false, ['msl', 'floor-life', '--msl', '3', '--class', 'thick', '--temp', '27', '--rh', '65'])).toBe('{"rated":true,"hours":120,"cell":{"tempC":30,"rhPct":70}}\n');
    expect(runWith(true, ['msl', 'floor-life', '--msl', '3', '--class', 'thin', '--temp', '25', '--rh', '70'])).toMatch(/^not rated: MSD_CONDITIONS_UNRATED \(402\): /);
    expect(runWith(true, ['msl', 'sample', '--temp', '25', '--rh', '0'])).toMatch(/^implausible \(MSD_SENSOR_IMPLAUSIBLE\): rhPct: 0 %RH .*no valid sample\n$/);
  });

  it('evaluate\'s summary names the state, the life left, the expiry and every reason with its meaning', () => {
    const text = viewText({ state: 'exposed', consumedFraction: 0.194445, remainingHours: 58, expiresAt: '2026-03-06T00:00:00.000Z', reasons: ['MSD_SENSOR_STALE', 'MSD_REMAINING_LOW'] });
    expect(text.split('\n')).toEqual([
      'state      exposed',
      'remaining  58 h  (expires 2026-03-06 00:00:00 UTC)',
      'consumed   19.44 % of the floor life since the last reset',
      `reasons    MSD_SENSOR_STALE (403): ${REASONS.MSD_SENSOR_STALE.meaning}`,
      `           MSD_REMAINING_LOW (405): ${REASONS.MSD_REMAINING_LOW.meaning}`,
      '',
    ]);
    expect(viewText({ state: 'exposed', consumedFraction: 0, remainingHours: null, expiresAt: null, reasons: [] })).toContain('remaining  no limit\n');
  });
});

describe('MSD_BAKE_SIGNOFF says what is true in every case the engine raises it', () => {
  // A wet card on a bagged MSL 4 part, then one bake that cannot reset by itself.
  const bake = (body: Record<string, unknown>, start: Record<string, unknown>) => ({
    msl: '4',
    thicknessClass: 'thick',
    ...body,
    at: '2026-03-04T12:00:00Z',
    events: [
      { at: '2026-03-02T06:00:00Z', type: 'open', hic10: 'pink' },
      { at: '2026-03-02T06:00:00Z', type: 'ambient', tempC: 23, rhPct: 45 },
      { at: '2026-03-02T08:00:00Z', type: 'bake-start', ...start },
      { at: '2026-03-02T19:00:00Z', type: 'bake-end' },
    ],
  });
  const bga = { bodyThicknessMm: 1.2, packageType: 'bga' };
  const meaning = REASONS.MSD_BAKE_SIGNOFF.meaning;
  it.each([
    ['no table value for the body (3.5 mm)', bake({ bodyThicknessMm: 3.5 }, { tempC: 125, carrier: 'tray' }), undefined, /alone, the bake table has no value for this body and level/],
    ['a temperature between the columns (100 °C)', bake(bga, { tempC: 100, carrier: 'tray' }), 'MSD_BAKE_OFF_TABLE', /MSD_BAKE_OFF_TABLE: a temperature off Table 4-1 or not stated/],
    ['no temperature stated', bake(bga, { carrier: 'tray' }), 'MSD_BAKE_OFF_TABLE', /MSD_BAKE_OFF_TABLE: a temperature off Table 4-1 or not stated/],
    ['no carrier stated at 125 °C', bake(bga, { tempC: 125 }), 'MSD_BAKE_CARRIER', /MSD_BAKE_CARRIER: no carrier stated for a bake above 90 °C/],
  ])('%s', (_what, doc, beside, says) => {
    const r = evaluateIn(doc);
    expect(r.status).toBe(0);
    const reasons = r.out['reasons'] as string[];
    expect(reasons).toContain('MSD_BAKE_SIGNOFF');
    // The cause stands beside it, or none does (the table case): the text names both readings.
    expect(reasons.filter((x) => x === 'MSD_BAKE_OFF_TABLE' || x === 'MSD_BAKE_CARRIER')).toEqual(beside === undefined ? [] : [beside]);
    expect(meaning).toMatch(says);
    expect(meaning).toMatch(/a supervisor must release it naming its specification/);
  });
});
