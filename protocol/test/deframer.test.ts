// Stream offsets let an engineer find a bad frame in a capture; they must stay exact across flushes.
import { Deframer, type DeframeEvent } from '../src/deframer';
import { cobsEncode } from '../src/cobs';

function events(d: Deframer, ...chunks: (number[] | 'flush')[]): DeframeEvent[] {
  const out: DeframeEvent[] = [];
  for (const c of chunks) {
    if (c === 'flush') d.flush((e) => out.push(e));
    else d.push(new Uint8Array(c), (e) => out.push(e));
  }
  return out;
}

describe('deframer offsets', () => {
  it('a frame after a flushed partial frame reports its true stream offset', () => {
    // [5,5] flushed as one candidate at offset 0; then a delimiter at 2, a frame body at 3.
    const body = [...cobsEncode(new Uint8Array([9]))];
    const ev = events(new Deframer(), [5, 5], 'flush', [0, ...body, 0]);
    expect(ev.map((e) => e.offset)).toEqual([0, 3]);
  });

  it('flush without pending bytes emits nothing and does not shift offsets', () => {
    const body = [...cobsEncode(new Uint8Array([1, 2]))];
    const ev = events(new Deframer(), 'flush', [0, ...body, 0]);
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ kind: 'body', offset: 1 });
  });
});
