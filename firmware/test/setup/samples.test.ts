// Setup verification on the real sample labels: each payload's expected fields as a ReelLabel, and each raw
// payload through the label parser. Whatever the parser makes of a payload, a reel whose MPN is not approved
// for the slot is never approved.
import { MSD_LEVELS, type MsdLevel } from '../../../protocol/src/messages';
import { parseLabel } from '../../core/label';
import type { ReelLabel } from '../../core/label/types';
import { makerMatches, normMpn, permit } from '../../core/setup';
import { ok, order, pair, part, slot, started, T0 } from './helpers';

interface Sample {
  readonly id: string;
  readonly format: string;
  readonly raw: string;
  readonly expected: Readonly<Record<string, unknown>>;
}
const SAMPLES = require('../label/fixtures/reel-labels-sample.json') as Sample[];

// The AVL's own spelling of the makers the labels name: labels abbreviate, squash and upper-case them.
const AVL_MAKER: Readonly<Record<string, string>> = {
  STMicro: 'STMicroelectronics',
  'ROYAL.OHM': 'Royal Ohm',
  BOURNS: 'Bourns Inc.',
  NEXPERIA: 'Nexperia B.V.',
  MICROCHIPTECHNOLOGY: 'Microchip Technology Inc.',
  'Wurth Elektronik': 'Würth Elektronik eiSos GmbH & Co. KG',
  Keystone: 'Keystone Electronics Corp.',
};

// Makers the raw payload names though the fixture's expected fields leave them out (Mouser 1V).
const AVL_BY_SAMPLE: Readonly<Record<string, string>> = {
  'kintree-mouser-stripped-k-mpn': 'Diptronics Manufacturing Inc.',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The label the parser should produce for a sample, from its expected fields. */
function labelOf(s: Sample): ReelLabel {
  const e = s.expected;
  const msl = str(e['msl']);
  const fields: Record<string, unknown> = {
    format: s.format,
    mpn: str(e['mpn']),
    qty: typeof e['qty'] === 'number' ? e['qty'] : undefined,
    lot: str(e['lot']),
    dateCode: str(e['dateCode']),
    supplierPn: str(e['supplierPn']),
    customerPn: str(e['customerPn']),
    customerPo: str(e['customerPo']),
    salesOrder: str(e['salesOrder']),
    invoice: str(e['invoice']),
    countryOfOrigin: str(e['countryOfOrigin']),
    manufacturer: str(e['manufacturer']),
    msl: msl !== undefined && (MSD_LEVELS as readonly string[]).includes(msl) ? (msl as MsdLevel) : undefined,
    reelId: str(e['reelId']),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as unknown as ReelLabel;
}

const withMpn = SAMPLES.filter((s) => typeof s.expected['mpn'] === 'string');
// One slot per sample part, named after the sample, with the AVL maker where the label names one.
const wo = order(
  withMpn.map((s, i) => {
    const maker = str(s.expected['manufacturer']);
    const avl = AVL_BY_SAMPLE[s.id] ?? (maker === undefined ? 'Any Maker' : (AVL_MAKER[maker] ?? maker));
    return slot(`S${i + 1}`, [part(s.expected['mpn'] as string, avl)]);
  }),
);
const base = started({}, wo);

describe('sample labels (expected fields) against a work order of their parts', () => {
  it('the fixture holds the 36 samples', () => {
    expect(SAMPLES).toHaveLength(36);
    expect(withMpn.length).toBe(33);
  });

  it.each(withMpn.map((s, i) => [s.id, i] as const))('%s: verified on its own slot, WRONG_SLOT on the next', (_id, i) => {
    const label = labelOf(withMpn[i]!);
    const own = pair(base, `S${i + 1}`, label);
    expect(own.verdict).toMatchObject({ ok: true, outcome: 'verified', position: `S${i + 1}` });
    const other = (i + 1) % withMpn.length;
    const wrong = pair(base, `S${other + 1}`, label);
    expect(wrong.verdict).toMatchObject({ ok: false, reason: 'WRONG_SLOT', slots: [`S${i + 1}`] });
  });

  it('labels without an MPN (packing slip, 1D without PN, customer PN only) are never verified', () => {
    for (const s of SAMPLES.filter((x) => typeof x.expected['mpn'] !== 'string')) {
      expect(pair(base, 'S1', labelOf(s)).verdict).toMatchObject({ ok: false, reason: 'UNKNOWN_REEL' });
    }
  });

  it('all slots verified from the samples give the run permit', () => {
    let s = base;
    withMpn.forEach((x, i) => {
      s = pair(s, `S${i + 1}`, labelOf(x)).state;
    });
    expect(permit(s, T0)).toMatchObject({ ok: true, slotsVerified: withMpn.length });
  });
});

describe('raw sample payloads through the label parser', () => {
  it.each(SAMPLES.map((s) => [s.id, s] as const))('%s: approved only with the right MPN; a refused scan changes nothing', (_id, s) => {
    const expectedMpn = str(s.expected['mpn']);
    const i = expectedMpn === undefined ? 0 : withMpn.indexOf(s);
    const position = `S${i + 1}`;
    const approved = normMpn(wo.slots[i]!.approvedParts[0]!.manufacturerPartNumber);
    const parsed = parseLabel(s.raw);
    const first = pair(base, 'S1', ok({ format: 'x', mpn: 'PRIMER' })).state; // a slot state to prove no change
    const r = pair(first, position, parsed);
    if (!parsed.ok) {
      expect(r.verdict).toMatchObject({ ok: false, reason: parsed.reason });
      expect(r.state.slots).toBe(first.slots);
    } else if (parsed.label.mpn !== undefined && normMpn(parsed.label.mpn) === approved) {
      const maker = parsed.label.manufacturer;
      const avl = wo.slots[i]!.approvedParts[0]!.manufacturer;
      if (maker !== undefined && maker.trim() !== '' && !makerMatches(avl, maker)) {
        expect(r.verdict).toMatchObject({ ok: false, reason: 'MANUFACTURER_NOT_APPROVED' });
      } else {
        expect(r.verdict).toMatchObject({ ok: true, position });
      }
    } else {
      // A parse that lost or changed the MPN must not pass: the part checks refuse it.
      expect(['WRONG_PART', 'WRONG_SLOT', 'UNKNOWN_REEL']).toContain(r.verdict.reason);
    }
  });
});
