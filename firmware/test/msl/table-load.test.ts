// A host loads floor-life tables into a station over the wire (MslTableLoad), one (class, level) block per
// message: the station must end up rating conditions exactly as the table says, and refuse a bad block whole.
import fc from 'fast-check';
import { decodePayload, encodePayload } from '../../../protocol/src/frame';
import { MESSAGES, MSD_LEVELS } from '../../../protocol/src/messages';
import {
  applyTableBlock,
  floorLife,
  SHIPPED_TABLES,
  TABLE_RHS,
  TABLE_TEMPS,
  tableBlocks,
  THICK_TABLE,
  type TableBlock,
  type TableSet,
} from '../../core/msl';

const example = require('../../../protocol/vectors/ok/MslTableLoad.json') as { decoded: { body: TableBlock } };

/** The thick table relabelled as a medium-class table: a stand-in for a licensed table the host would send. */
function asMedium(version = 'licensed-rev-D'): TableBlock[] {
  return tableBlocks({ ...THICK_TABLE, thicknessClass: 'medium' }, version);
}

function loadAll(tables: TableSet, blocks: readonly TableBlock[]): TableSet {
  let t = tables;
  for (const b of blocks) {
    const r = applyTableBlock(t, b);
    if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
    t = r.tables;
  }
  return t;
}

/** Every block survives the wire: encoded as the protocol message and decoded again, unchanged. */
function overTheWire(b: TableBlock): TableBlock {
  const enc = encodePayload({ type: 'MslTableLoad', body: b });
  if (!enc.ok) throw new Error(enc.reason);
  const dec = decodePayload(MESSAGES.MslTableLoad.type, enc.payload);
  if (!dec.ok || dec.message.type !== 'MslTableLoad') throw new Error('decode');
  return dec.message.body;
}

describe('loading floor-life tables from the host (MslTableLoad)', () => {
  it('the conformance vector block loads into a station', () => {
    const r = applyTableBlock({}, example.decoded.body);
    expect(r.ok).toBe(true);
  });

  it('a class without a table uses nominal life only; after the host loads one, every cell rates as the table says', () => {
    // Before: a medium MSL 3 reel at 20 °C/50 %RH gets no credit for cooler air.
    expect(floorLife({ level: '3', thicknessClass: 'medium' }, SHIPPED_TABLES, { tempC: 20, rhPct: 50 })).toMatchObject({ rated: true, hours: 168 });
    const tables = loadAll(SHIPPED_TABLES, asMedium().map(overTheWire));
    for (const row of THICK_TABLE.rows) {
      TABLE_RHS.forEach((rh, j) => {
        const got = floorLife({ level: row.level, thicknessClass: 'medium' }, tables, { tempC: row.tempC, rhPct: rh });
        const want = row.hours[j];
        expect(got).toMatchObject({ rated: true, hours: want, source: rh === 5 ? 'dry' : 'table' });
      });
    }
    expect(tables.medium?.version).toBe('licensed-rev-D');
  });

  it('blocks of one version accumulate; a block of a new version starts the class table afresh', () => {
    const [a, b] = asMedium('v1');
    let t = loadAll({}, [a!, b!]);
    expect(new Set(t.medium!.rows.map((r) => r.level)).size).toBe(2);
    t = loadAll(t, [{ ...a!, tableVersion: 'v2' }]);
    expect(t.medium!.rows.every((r) => r.level === a!.msdLevel)).toBe(true);
    expect(t.medium!.version).toBe('v2');
  });

  const bad: [string, (b: TableBlock) => TableBlock][] = [
    ['the unknown class', (b) => ({ ...b, thicknessClass: 'unknown' })],
    ['MSL 1', (b) => ({ ...b, msdLevel: '1' })],
    ['other RH columns', (b) => ({ ...b, rhColumns: b.rhColumns.slice(1) })],
    ['a missing temperature row', (b) => ({ ...b, rows: b.rows.slice(1) })],
    ['an unrated cell', (b) => ({ ...b, rows: b.rows.map((r, i) => (i === 0 ? { ...r, hours: [0, ...r.hours.slice(1)] } : r)) })],
    ['days sent as hours (30 °C/60 %RH is not the nominal life)', (b) => ({ ...b, rows: b.rows.map((r) => ({ ...r, hours: r.hours.map((h) => (h === 0xffff ? h : Math.max(1, Math.round(h / 24)))) })) })],
    ['life that grows with humidity', (b) => ({ ...b, rows: b.rows.map((r) => ({ ...r, hours: [...r.hours].reverse() })) })],
  ];
  it.each(bad)('refuses a block with %s, and the station keeps the table it had', (_name, spoil) => {
    const before = loadAll({}, asMedium());
    const block = asMedium().find((x) => x.msdLevel === '3')!;
    const r = applyTableBlock(before, spoil(block));
    expect(r).toMatchObject({ ok: false, reason: 'MSD_TABLE_INVALID' });
    expect(before.medium!.rows.length).toBe(THICK_TABLE.rows.length);
  });

  it('property: whatever block arrives, it is either refused with a reason or yields a table that validates', () => {
    const block = fc.record({
      thicknessClass: fc.constantFrom('unknown', 'thick', 'medium', 'thin'),
      msdLevel: fc.constantFrom(...MSD_LEVELS),
      tableVersion: fc.string({ maxLength: 8 }),
      provenance: fc.string({ maxLength: 8 }),
      rhColumns: fc.oneof(fc.constant([...TABLE_RHS]), fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 12 })),
      rows: fc.oneof(
        fc.constant(TABLE_TEMPS.map((tempC) => ({ tempC, hours: TABLE_RHS.map(() => 168) }))),
        fc.array(fc.record({ tempC: fc.integer({ min: -40, max: 60 }), hours: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 }) }), { maxLength: 8 }),
      ),
    }) as fc.Arbitrary<TableBlock>;
    fc.assert(
      fc.property(block, (b) => {
        const r = applyTableBlock(SHIPPED_TABLES, b);
        if (!r.ok) return r.reason === 'MSD_TABLE_INVALID' && r.detail.length > 0;
        return r.table.rows.length > 0 && r.tables.thick !== undefined;
      }),
    );
  });
});
