// Prototype orders (quick assign: reels taken without a host reel record) are 1 to 5 boards. The station refuses
// any other at activation and keeps what it had; one within the rule runs its boards and then holds.
import fc from 'fast-check';
import type { Message } from '../../../protocol/src/messages';
import { PROTOTYPE_MAX_BOARDS } from '../../../protocol/src/workorder';
import { NO_TERMS, type OrderTerms } from '../../core/station/types';
import { demoOrder } from '../setup/helpers';
import { connectHost } from './host';
import { host, must, recorded, rig, setUp, sync, wo, type Rig } from './rig';

const proto = (maxBoards: number, plannedQuantity = 0): OrderTerms => ({ prototype: true, plannedQuantity, maxBoards });

/** The demo order's reels all on, the program right: set up under `terms`. */
function setUpUnder(r: Rig, terms: OrderTerms): void {
  setUp(r, wo(demoOrder(), terms));
}

describe('prototype orders are 1 to 5 boards', () => {
  it('a prototype order without a board limit, above 5, or planning more than 5 is refused at activation: no order, no record', () => {
    for (const terms of [proto(0), proto(6), proto(500), proto(5, 500)]) {
      const r = rig();
      must(sync(r));
      const before = r.events.length;
      const reply = r.station.input(wo(demoOrder(), terms));
      expect(reply).toMatchObject({ ok: false, reason: 'PROTOTYPE_QUANTITY_INVALID' });
      expect(reply.detail).toMatch(/a prototype order is 1 to 5 boards/);
      expect(r.station.view().workOrder).toBeUndefined();
      expect(r.station.permitView().reasons).toContain('NO_WORK_ORDER');
      expect(r.events.slice(before).filter((e) => e.kind === 'record')).toEqual([]);
    }
  });

  it('a refused prototype order leaves the running order as it was: its slots, its permit, its board count', () => {
    const r = rig();
    setUpUnder(r, NO_TERMS);
    must(r.station.input({ kind: 'board', unitId: 'FO-1' }));
    must(r.station.input(host({ type: 'FirstOffResult', body: { at: 0, unitIdentifier: 'FO-1', passed: true, inspector: 'QA', reason: 'OK', comment: '' } })));
    expect(r.station.permitView().on).toBe(true);
    const state = r.station.state;
    const records = recorded(r).length;
    // The same work order again, now flagged prototype for its whole run: refused, the station carries on.
    expect(r.station.input(wo(demoOrder(), proto(0, 500)))).toMatchObject({ ok: false, reason: 'PROTOTYPE_QUANTITY_INVALID' });
    expect(r.station.state.order).toBe(state.order);
    expect(r.station.state.setup).toBe(state.setup);
    expect(recorded(r).length).toBe(records);
    expect(r.station.permitView().on).toBe(true);
    expect(r.relay.value).toBe(1);
  });

  it('through the host link: the commit of an oversized prototype order is Nacked with the reason; nothing changes', () => {
    const r = rig({ rtc: 'untrusted' });
    const h = connectHost(r);
    h.workOrder({ ...demoOrder(), terms: { prototype: true, plannedQuantity: 500, maxBoards: 0 } });
    const nack = h.messages().filter((m): m is Extract<Message, { type: 'Nack' }> => m.type === 'Nack');
    expect(nack.map((m) => m.body.reason)).toEqual(['PROTOTYPE_QUANTITY_INVALID']);
    expect(r.station.view().workOrder).toBeUndefined();
    h.workOrder({ ...demoOrder(), terms: { prototype: true, plannedQuantity: 3, maxBoards: 3 } });
    expect(r.station.view().workOrder?.identifier).toBe('WO-2026-11873');
    expect(r.station.state.order?.terms).toEqual({ prototype: true, plannedQuantity: 3, maxBoards: 3 });
  });

  it('a prototype order of 5 boards builds its first-off and four more, then holds with BOARD_LIMIT_REACHED', () => {
    const r = rig();
    setUpUnder(r, proto(PROTOTYPE_MAX_BOARDS, 5));
    must(r.station.input({ kind: 'board', unitId: 'P-1' }));
    must(r.station.input(host({ type: 'FirstOffResult', body: { at: 0, unitIdentifier: 'P-1', passed: true, inspector: 'QA', reason: 'OK', comment: '' } })));
    for (let i = 2; i <= 5; i++) {
      expect(r.station.permitView().on).toBe(true);
      must(r.station.input({ kind: 'board', unitId: `P-${i}` }));
    }
    expect(r.station.permitView()).toMatchObject({ on: false, reasons: ['BOARD_LIMIT_REACHED'] });
    expect(r.relay.value).toBe(0);
    // Not even a supervisor may override it: quick assign must never run on into a production run.
    must(r.station.input({ kind: 'scan', data: 'OP:3001' }));
    expect(r.station.input({ kind: 'override', reason: 'BOARD_LIMIT_REACHED', durationMs: 600_000, comment: 'five more' })).toMatchObject({ ok: false, reason: 'OVERRIDE_NOT_ALLOWED' });
    expect(r.station.permitView()).toMatchObject({ on: false, reasons: ['BOARD_LIMIT_REACHED'] });
  });

  it('property: any terms activate exactly when they are not a prototype or are one of 1 to 5 boards; a refusal changes nothing', () => {
    const r = rig();
    must(sync(r));
    fc.assert(
      fc.property(fc.boolean(), fc.nat({ max: 0xffff }), fc.oneof(fc.nat({ max: 8 }), fc.nat({ max: 0xffffffff })), fc.nat({ max: 8 }), (prototype, bigMax, planned, smallMax) => {
        const maxBoards = bigMax % 2 === 0 ? smallMax : bigMax;
        const terms: OrderTerms = { prototype, plannedQuantity: planned, maxBoards };
        const state = r.station.state;
        const records = recorded(r).length;
        const reply = r.station.input(wo(demoOrder(), terms));
        const allowed = !prototype || (maxBoards >= 1 && maxBoards <= 5 && planned <= 5);
        expect([terms, reply.ok]).toEqual([terms, allowed]);
        if (allowed) {
          expect(r.station.state.order?.terms).toEqual(terms);
        } else {
          expect(reply.reason).toBe('PROTOTYPE_QUANTITY_INVALID');
          expect(r.station.state.order).toBe(state.order);
          expect(r.station.state.setup).toBe(state.setup);
          expect(recorded(r).length).toBe(records);
        }
      }),
      { numRuns: 300 },
    );
  });
});
