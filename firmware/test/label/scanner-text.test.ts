// What scanners and keyboard wedges make of the text: separators written out as notations ({GS}, <RS>, \x1d, …)
// are the separators; characters of a wrong code page or input mode (half-width katakana, full-width forms,
// mojibake) are flagged, never passed on as a part number.
import fc from 'fast-check';
import { parseLabel } from '../../core/label';
import { ALL_SCANS } from './samples';

const GS = '\u001d';
const RS = '\u001e';
const EOT = '\u0004';

const withSeparators = ALL_SCANS.filter((s) => s.raw.includes(GS) || s.raw.includes(RS));
const readable = ALL_SCANS.map((s) => ({ s, r: parseLabel(s.raw) })).filter((x) => x.r.ok);

/** Notations as scanner tools and copy-paste deliver them: [GS, RS, EOT]. */
const NOTATIONS: readonly (readonly [string, string, string])[] = [
  ['{GS}', '{RS}', '{EOT}'],
  ['{gs}', '{rs}', '{Eot}'],
  ['<GS>', '<RS>', '<EOT>'],
  ['[GS]', '[RS]', '[EOT]'],
  ['\\x1d', '\\x1e', '\\x04'],
  ['\\x1D', '\\x1E', '\\x04'],
  ['\\u001d', '\\u001e', '\\u0004'],
];

const notate = (raw: string, [gs, rs, eot]: readonly [string, string, string]): string => raw.split(GS).join(gs).split(RS).join(rs).split(EOT).join(eot);

describe('separators written out as text', () => {
  it('every real payload reads the same with its separators written as any notation', () => {
    for (const s of withSeparators) {
      const want = parseLabel(s.raw);
      for (const n of NOTATIONS) expect({ id: s.id, n: n[0], r: parseLabel(notate(s.raw, n)) }).toEqual({ id: s.id, n: n[0], r: want });
    }
  });

  it('a mix of notations in one scan reads the same', () => {
    fc.assert(
      fc.property(fc.constantFrom(...withSeparators), fc.array(fc.constantFrom(...NOTATIONS), { minLength: 1, maxLength: 40 }), (s, picks) => {
        let i = 0;
        const mixed = s.raw.replace(/[\u001d\u001e\u0004]/g, (c) => {
          const n = picks[i++ % picks.length]!;
          return c === GS ? n[0] : c === RS ? n[1] : n[2];
        });
        expect(parseLabel(mixed)).toEqual(parseLabel(s.raw));
      }),
      { numRuns: 400 },
    );
  });

  it('a notation-like text that names no separator is left as data', () => {
    expect(parseLabel('1PRC0603FR-07{G}10KL')).toMatchObject({ ok: false });
    expect(parseLabel('[)>{RS}06{GS}1PXAF4444{GS}Q3{RS}{EOT}')).toMatchObject({ ok: true, label: { mpn: 'XAF4444', qty: 3 } });
  });
});

describe('keyboard wedge in the wrong code page or input mode', () => {
  const wrong = fc.constantFrom(
    'ｱ', 'ｶ', 'ﾗ', 'ｰ', 'ﾟ', // half-width katakana (a JIS keyboard in kana mode)
    'Ｒ', 'ｋ', '０', '－', // full-width forms (IME on)
    '\u3000', // ideographic space
    '\ufffd', // an undecodable byte
    'Ã©', 'Â°', 'â€', 'Ã‰', 'Ã–', 'Ã„', 'Ãœ', 'Ã¼', // UTF-8 read as Windows-1252 (É Ö Ä Ü ü)
    '\u0085', // a C1 control
  );

  it('a real payload with such characters anywhere is flagged, never read', () => {
    fc.assert(
      fc.property(fc.constantFrom(...readable), fc.nat(), wrong, ({ s }, at, w) => {
        const i = at % (s.raw.length + 1);
        const r = parseLabel(s.raw.slice(0, i) + w + s.raw.slice(i));
        expect(r).toMatchObject({ ok: false, reason: 'LABEL_WRONG_CODE_PAGE' });
      }),
      { numRuns: 1000 },
    );
  });

  it('half-width katakana inside a part number: flagged with advice, not passed on as the MPN', () => {
    // The TME QR carries its MPN as free text: a kana-mode wedge turned letters of it into katakana.
    const r = parseLabel('QTY:5 PN:LAN8720A-CP PO:30635449/3 MFR:MICROCHIPTECHNOLOGY MPN:LANｱｲｳ0A-CP RoHS');
    expect(r).toMatchObject({ ok: false, reason: 'LABEL_WRONG_CODE_PAGE' });
    expect(!r.ok && r.message).toContain('keyboard layout');
  });

  it('UTF-8 read as Windows-1252 (`Ã‰` for É): LABEL_WRONG_CODE_PAGE with the mojibake named, whatever the rest of the scan', () => {
    // Windows-1252 shows the continuation byte 0x89 of É as ‰ (Latin-1 would show a C1 control): the scan is not
    // unreadable, it was typed in the wrong code page, and the operator must be told so.
    for (const raw of ['QTY:5 PN:LAN8720A-CP PO:30635449/3 MFR:MICROCHIPTECHNOLOGY MPN:LAN8720Ã‰-CP RoHS', 'Ã‰', 'xyzÃ–123', '1$S-8252AAX-M6T1U$15000$VM6F7XA1979-0338$S-8252AAX-M6T1Ãœ$202607$67VG1708029']) {
      const r = parseLabel(raw);
      expect(r).toMatchObject({ ok: false, reason: 'LABEL_WRONG_CODE_PAGE' });
      expect(!r.ok && r.message).toMatch(/mojibake "Ã.".*keyboard layout/);
    }
  });

  it('a part number with any other non-ASCII character is flagged too (the formats that read free text)', () => {
    expect(parseLabel('{pbn:PICK2305180048,on:GB2305180983,pc:C12368,pm:MCP2515-I/SÖ,qty:30,mc:,cc:1}')).toMatchObject({ ok: false, reason: 'LABEL_WRONG_CODE_PAGE' });
    // A manufacturer's name is free text on Mouser labels and may hold non-ASCII; it is not an identity field.
    expect(parseLabel('>[)>06\u001dK21421337\u001d14K033\u001d1PLDK320ADU33R\u001dQ32\u001d11K060931337\u001d4LCN\u001d1VWürth')).toMatchObject({ ok: true, label: { mpn: 'LDK320ADU33R', manufacturer: 'Würth' } });
  });
});
