// The work-order document's validator: total on any JSON value (never throws), every problem named by its field,
// and a valid document is exactly what the station receives.
import fc from 'fast-check';
import { chunkWorkOrder } from '../../../protocol/src/workorder';
import { parseWorkOrderDoc, type WorkOrderDoc } from '../../../host-sim/host/work-order-doc';
import { smallLine } from './small-line';

const valid = (): WorkOrderDoc => JSON.parse(JSON.stringify(smallLine().run.stations[0]!.doc)) as WorkOrderDoc;
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function problems(mutate: (d: Loose) => void): string[] {
  const d = valid() as unknown as Loose;
  mutate(d);
  const r = parseWorkOrderDoc(d);
  return r.ok ? [] : r.problems.map((p) => `${p.field}: ${p.message}`);
}

describe('work-order document', () => {
  it('a valid document reads back equal, and its order transfers to a station as it is', () => {
    const d = valid();
    const r = parseWorkOrderDoc(d);
    expect(r).toEqual({ ok: true, doc: d });
    expect(chunkWorkOrder(d.workOrder, 1).ok).toBe(true);
  });

  it('names the field of every problem', () => {
    expect(problems((d) => (d['workOrder'].slots[2].position = 'POSITION-TOO-LONG-17'))).toEqual(['workOrder.slots[2].position: 20 bytes, at most 16']);
    expect(problems((d) => (d['workOrder'].slots[1].approvedParts[0].permission = 'maybe'))).toEqual(['workOrder.slots[1].approvedParts[0].permission: one of primary, alternate, alternate-with-approval']);
    expect(problems((d) => (d['terms'].maxBoards = 70000))).toEqual(['terms.maxBoards: an integer 0..65535']);
    expect(problems((d) => (d['bom'].lines[0].quantityPerBoard = 9))).toEqual([expect.stringMatching(/^bom\.lines\[0\]\.quantityPerBoard: 9, but \d reference designators are listed$/)]);
    expect(problems((d) => (d['workOrder'].slots[3].bomLine = 'nope'))).toEqual(['workOrder.slots[3].bomLine: "nope" is not a line of bom.lines']);
    expect(
      problems((d) => {
        d['bom'].lines[1].refdes.push(d['bom'].lines[0].refdes[0]);
        d['bom'].lines[1].quantityPerBoard++;
      }),
    ).toEqual([expect.stringMatching(/^bom\.lines\[1\]\.refdes\[\d\]: C1001 is also placed by line 1001$/)]);
    expect(problems((d) => (d['workOrder'].slots[4].position = d['workOrder'].slots[0].position.toLowerCase()))).toEqual([expect.stringMatching(/^workOrder\.slots\[4\]\.position: s1\.f\.1 is also slot 0's position$/)]);
    expect(problems((d) => (d['terms'].prototyp = true))).toEqual([expect.stringMatching(/^terms\.prototyp: not a field/)]);
    expect(problems((d) => (d['version'] = 2))).toEqual(['version: 1 (this reader knows no other)']);
    // A prototype order (quick assign) is 1 to 5 boards, as the station holds it; the problem carries the station's reason.
    expect(problems((d) => (d['terms'] = { prototype: true, plannedQuantity: 0, maxBoards: 0 }))).toEqual([expect.stringMatching(/^terms\.maxBoards: a prototype order is 1 to 5 boards, and this one has no board limit/)]);
    expect(problems((d) => (d['terms'] = { prototype: true, plannedQuantity: 40, maxBoards: 5 }))).toEqual([expect.stringMatching(/^terms\.plannedQuantity: a prototype order is 1 to 5 boards, and this one plans 40/)]);
    expect(problems((d) => (d['terms'] = { prototype: true, plannedQuantity: 5, maxBoards: 5 }))).toEqual([]);
    const r = parseWorkOrderDoc({ ...valid(), terms: { prototype: true, plannedQuantity: 0, maxBoards: 6 } });
    expect(r.ok ? [] : r.problems.map((p) => p.reason)).toEqual(['PROTOTYPE_QUANTITY_INVALID']);
  });

  it('is total: any JSON value gives a document or problems, never a throw', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    const nearly = json.map((noise) => {
      // Mostly-right documents with one field replaced by noise, which finds more than pure noise does.
      const d = valid() as unknown as Loose;
      const paths = [['terms'], ['bom', 'lines', 0], ['workOrder', 'slots', 1, 'approvedParts'], ['workOrder', 'header', 'lane'], ['stations'], ['workOrder', 'slots', 0, 'msd']] as const;
      const p = paths[JSON.stringify(noise).length % paths.length]!;
      let o: Loose = d;
      for (const k of p.slice(0, -1)) o = o[k as never];
      o[p[p.length - 1] as never] = noise as never;
      return d;
    });
    fc.assert(
      fc.property(fc.oneof(json, nearly), (v) => {
        const r = parseWorkOrderDoc(v);
        if (r.ok) expect(chunkWorkOrder(r.doc.workOrder, 1, { slotless: true }).ok).toBe(true);
        else {
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) expect(typeof p.field === 'string' && p.message.length > 0).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
