// The station's own reel-ID label: generator and validator agree, and misreads are caught.
import fc from 'fast-check';
import { makeReelIdLabel, parseLabel, reelIdCheck, REEL_ID_PREFIX } from '../../core/label';
import { REEL_ID_MAX } from '../../core/label/reelid';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const id = fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 1, maxLength: REEL_ID_MAX });

function print(i: string): string {
  const r = makeReelIdLabel(i);
  if (!r.ok) throw new Error(r.message);
  return r.text;
}

describe('station reel-ID label (WR1: + id + ISO 7064 MOD 37-2 check)', () => {
  it('every generated label parses back to its id', () => {
    fc.assert(fc.property(id, (i) => expect(parseLabel(print(i))).toEqual({ ok: true, label: { format: 'warden-reel', reelId: i } })));
  });

  it('survives scanner decoration and lower case', () => {
    expect(parseLabel(`]Q1${print('R000123').toLowerCase()}\r\n`)).toMatchObject({ ok: true, label: { reelId: 'R000123' } });
  });

  it('any single-character substitution is rejected', () => {
    fc.assert(
      fc.property(id, fc.nat(), fc.constantFrom(...ALPHABET, '*'), (i, at, c) => {
        const text = print(i);
        const pos = REEL_ID_PREFIX.length + (at % (text.length - REEL_ID_PREFIX.length));
        fc.pre(text[pos] !== c);
        expect(parseLabel(text.slice(0, pos) + c + text.slice(pos + 1))).toMatchObject({ ok: false, reason: 'REEL_ID_CHECK_FAILED' });
      }),
    );
  });

  it('any adjacent transposition of different characters is rejected', () => {
    fc.assert(
      fc.property(id, fc.nat(), (i, at) => {
        const text = print(i);
        const pos = REEL_ID_PREFIX.length + (at % (text.length - REEL_ID_PREFIX.length - 1));
        fc.pre(text[pos] !== text[pos + 1]);
        const swapped = text.slice(0, pos) + text[pos + 1]! + text[pos]! + text.slice(pos + 2);
        expect(parseLabel(swapped)).toMatchObject({ ok: false, reason: 'REEL_ID_CHECK_FAILED' });
      }),
    );
  });

  it('matches the ISO/IEC 7064 MOD 37-2 example (G123489654321 → Y)', () => {
    expect(reelIdCheck('G123489654321')).toBe('Y');
    expect(print('G123489654321')).toBe('WR1:G123489654321Y');
  });

  it('exhaustively, for every 2-character id: every substitution and adjacent transposition is caught', () => {
    const all = [...ALPHABET, '*'];
    const valid = (t: string) => /^[0-9A-Z]{2}$/.test(t.slice(0, 2)) && reelIdCheck(t.slice(0, 2)) === t[2];
    const missed: string[] = [];
    let checked = 0;
    for (const a of ALPHABET) {
      for (const b of ALPHABET) {
        const full = a + b + reelIdCheck(a + b)!;
        for (let i = 0; i < 3; i++) {
          for (const c of all) {
            const sub = full.slice(0, i) + c + full.slice(i + 1);
            if (c !== full[i] && valid(sub)) missed.push(`${full}→${sub}`);
          }
          const swapped = full.slice(0, i) + (full[i + 1] ?? '') + full[i]! + full.slice(i + 2);
          if (i < 2 && full[i] !== full[i + 1] && valid(swapped)) missed.push(`${full}→${swapped}`);
          checked++;
        }
      }
    }
    expect(missed).toEqual([]);
    expect(checked).toBe(36 * 36 * 3);
  });

  it.each(['WR1:', 'WR1:A', 'WR1:AB-C', `WR1:${'A'.repeat(REEL_ID_MAX + 1)}`])('rejects malformed %j', (s) => {
    expect(parseLabel(s)).toMatchObject({ ok: false, reason: 'REEL_ID_CHECK_FAILED' });
  });

  it('the generator refuses ids outside the alphabet or length', () => {
    for (const bad of ['', 'a-b', 'A'.repeat(REEL_ID_MAX + 1), 'ÄB']) expect(makeReelIdLabel(bad)).toMatchObject({ ok: false, reason: 'BAD_ARGUMENT' });
  });
});
