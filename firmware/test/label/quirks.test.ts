// Example cases for each quirk of the reference (3.1–3.3), each vendor's interpretation, and the rejections.
import { parseLabel, type ReelLabel } from '../../core/label';
import { MAX_SCAN_CHARS } from '../../core/label/limits';

const GS = '\u001d';
const RS = '\u001e';
const EOT = '\u0004';

function ok(raw: string): ReelLabel {
  const r = parseLabel(raw);
  if (!r.ok) throw new Error(`rejected ${r.reason}: ${r.message}`);
  return r.label;
}

const reason = (raw: string): string | undefined => {
  const r = parseLabel(raw);
  return r.ok ? undefined : r.reason;
};

const DK_FIELDS = ['PBINNER C10', '1PCL21A475KAQNNNE', '30P1276-1244-1-ND', 'K', '1K90837700', '10K109914231', '9D220309', '1TBI1BT6B', '11K1', '4LCN', 'Q63', '11ZPICK', '12Z3889330', '13Z999999', '20Z' + '0'.repeat(40)];
const DK_BODY = DK_FIELDS.join(GS);
const DK_WANT = { format: 'eigp114-digikey', mpn: 'CL21A475KAQNNNE', qty: 63, lot: 'BI1BT6B', supplierPn: '1276-1244-1-ND', customerPn: 'BINNER C10' };

describe('envelope headers and trailers', () => {
  it.each([
    ['[)>RS06', `[)>${RS}06${GS}`],
    ['[)>06 (RS dropped)', `[)>06${GS}`],
    ['>[)>06 (old Mouser)', `>[)>06${GS}`],
    [')>06', `)>06${GS}`],
    ['>06', `>06${GS}`],
    ['bare 06 + GS', `06${GS}`],
    ['[)RS06 (the > lost; Binner issue #132)', `[)${RS}06${GS}`],
  ])('%s', (_n, head) => {
    expect(ok(head + DK_BODY)).toMatchObject(DK_WANT);
    expect(ok(`${head}${DK_BODY}${RS}${EOT}`)).toMatchObject(DK_WANT);
  });

  it('ignores a trailer, CR/LF and data after the terminator', () => {
    expect(ok(`[)>${RS}06${GS}${DK_BODY}${RS}V\r`)).toMatchObject(DK_WANT);
    expect(ok(`[)>${RS}06${GS}${DK_BODY}${RS}${EOT}garbage`)).toMatchObject(DK_WANT);
    expect(ok(`  \r\n[)>06${GS}${DK_BODY}\r\n      ]`)).toMatchObject(DK_WANT);
  });

  it('accepts GS-separated DI fields without a header', () => {
    expect(ok(`1PRC0603FR-071KL${GS}Q5000`)).toMatchObject({ mpn: 'RC0603FR-071KL', qty: 5000 });
  });
});

describe('scanner damage (reference 3.2)', () => {
  it.each([
    ['Control Pictures', '␝', '␞', '␄'],
    ['private-use U+F70B/F70C', '\uf70b', '\uf70c', EOT],
    ['CP437 glyphs ↔ ▲', '↔', '▲', EOT],
    ['VT function keys F8/F9', '\u001b[19~', '\u001b[20~', EOT],
    ['Ctrl-] Ctrl-^ and ^D', ']', '^', '^D'],
    ['pipe', '|', '|', ''],
    ['dot', '.', '.', ''],
  ])('%s', (_n, gs, rs, eot) => {
    expect(ok(`[)>${rs}06${gs}${DK_FIELDS.join(gs)}${rs}${eot}`)).toMatchObject(DK_WANT);
  });

  it.each(['d1', 'Q1', 'L0', 'C0'])('strips the AIM prefix ]%s', (aim) => {
    expect(ok(`]${aim}[)>${RS}06${GS}${DK_BODY}`)).toMatchObject(DK_WANT);
  });

  it('strips the browser ∠ and surrounding whitespace', () => {
    expect(ok(`∠∠ [)>${RS}06${GS}${DK_BODY}\r\n`)).toMatchObject(DK_WANT);
  });

  it('folds lower-case DI letters but never the values', () => {
    const l = ok(`[)>^06]k26161557]14K054]1pPESD3V3S2UT,215]q40]11K069009053]4LCN]1vNexperia^d`);
    expect(l).toMatchObject({ mpn: 'PESD3V3S2UT,215', qty: 40, manufacturer: 'Nexperia', customerPo: '26161557' });
  });

  it('rejects a substitute separator that also occurs in the data', () => {
    // `.` as separator with the MPN M0.6W-10K: the split yields `6W-10K`, not a data identifier.
    expect(reason(`[)>.06.1PM0.6W-10K.Q10.1TAB12`)).toBe('LABEL_AMBIGUOUS');
  });

  it('rejects separators turned into stray characters', () => {
    expect(reason('[)>06┴P732-8041-1-NDE1P885012207041qK┴1K75241773┴10K88794085E11K14LTWQ500┴11ZPICK')).toBe('SCAN_UNREADABLE');
  });

  it('reads a Digi-Key scan with every separator dropped when the field sequence allows one reading only', () => {
    const l = ok('[)>06P732-8041-1-ND1P885012207041K1K7524177310K8879408511K14LTWQ50011ZPICK12Z545466813Z62975920Z0000000000');
    expect(l).toMatchObject({ mpn: '885012207041', qty: 500, supplierPn: '732-8041-1-ND', countryOfOrigin: 'TW' });
  });

  it('rejects a separator-less scan whose MPN could end at two places', () => {
    // Without 30P the MPN `LSHM-110-01-L-DH-A-S-K-TR` could end before its own `K` (read as the PO field).
    expect(reason('[)>06PSAM1-ND1PLSHM-110-01-L-DH-A-S-K-TRK1K9818346510K12288800311K14LUSQ1511ZPICK')).toBe('LABEL_AMBIGUOUS');
  });

  it('rejects a record whose free text swallowed the next field (one GS dropped)', () => {
    const dropped = DK_FIELDS.slice();
    dropped.splice(1, 2, '1PCL21A475KAQNNNE30P1276-1244-1-ND');
    expect(reason(`[)>${RS}06${GS}${dropped.join(GS)}`)).toBe('LABEL_AMBIGUOUS');
    const q = DK_FIELDS.slice();
    q.splice(10, 2, 'Q6311ZPICK');
    expect(reason(`[)>${RS}06${GS}${q.join(GS)}`)).toBe('LABEL_AMBIGUOUS');
    const c = DK_FIELDS.slice();
    c.splice(8, 2, '11K14LCN');
    expect(reason(`[)>${RS}06${GS}${c.join(GS)}`)).toBe('SCAN_UNREADABLE');
  });

  // Found by the damage property: each merged a field into its neighbour and gave a wrong or missing MPN or lot.
  it.each([
    ['P swallowed 1P (the MPN went missing)', `PSAM11086-ND1PESQ-106-33-T-S${GS}30PSAM11086-ND${GS}K${GS}1K97898569${GS}10K122106329${GS}9D2121${GS}1T309150120016`],
    ['9D swallowed 1T (the lot went missing)', `PSAM11086-ND${GS}1PESQ-106-33-T-S${GS}30PSAM11086-ND${GS}K${GS}1K97898569${GS}10K122106329${GS}9D21211T309150120016`],
    ['1P swallowed a lower-cased 30p (a wrong MPN)', `PSAM11086-ND${GS}1PESQ-106-33-T-S30pSAM11086-ND${GS}K${GS}1K97898569${GS}10K122106329${GS}9D2121${GS}1T309150120016`],
    ['1T swallowed a lower-cased 11k (a wrong lot)', `PSAM11086-ND${GS}1PESQ-106-33-T-S${GS}30PSAM11086-ND${GS}K${GS}1K97898569${GS}10K122106329${GS}9D2121${GS}1T30915012001611k1`],
  ])('rejects a scan where %s', (_name, body) => {
    expect(reason(`[)>${RS}06${GS}${body}${GS}4LVN${GS}Q20${GS}11ZPICK${GS}12Z6691968${GS}13Z999999${GS}20Z`)).toBe('LABEL_AMBIGUOUS');
  });

  // Found by the damage property run over the public-extra payloads (manufacturer labels with empty or repeated fields).
  it.each([
    ['NXP: 1T swallowed an empty 30T (a wrong lot)', `[)>06${GS}1P933714270653${GS}30P74HC08D${GS}Q2500${GS}9D1110${GS}1TL0H4S530T${GS}30Q${GS}31TUXD`],
    ['NXP: the 12NC swallowed 30P (a wrong MPN)', `[)>06${GS}1P93371427065330P74HC08D${GS}Q2500${GS}9D1110${GS}1TL0H4S5${GS}30T`],
    ['Murata: 1P swallowed the 6P that repeats it (a wrong MPN)', `[)>06${GS}PRTN202909/1${GS}1PLFL211G88TC1A0206pLFL211G88TC1A020+CN/R01${GS}Q4000${GS}1TOA641859B${GS}4LJP`],
    ['Kyocera AVX: 1P swallowed the empty I at the end (a wrong MPN)', `[)>06${GS}SCM274662${GS}Q4000${GS}1TSV8211X347${GS}16D20220523${GS}14D20240523${GS}1P08052C103M4Z2AI${GS}`],
    ['Würth: 1T swallowed 16D and the trailer letter (a wrong lot)', `[)>06${GS}1P742792631${GS}Q4000${GS}1T18704048141700016D20140421V`],
    ['Digi-Key prepack: 1P swallowed 9D and 14Z (a wrong MPN)', `[)>${RS}06${GS}PAZ1117EH-3.3TRG1DICT-ND${GS}1PAZ1117EH-3.3TRG19D171914Z170507${GS}1TH510592.U1${GS}4LCN${GS}11ZPREPACK${GS}Q000000001`],
  ])('rejects a scan where %s', (_name, raw) => {
    expect(parseLabel(raw).ok).toBe(false);
  });
});

describe('structure', () => {
  it('keeps empty fields without shifting the following values', () => {
    const l = ok(`[)>06${GS}P${GS}1PTPS548D22RVFR${GS}6P${GS}2PA${GS}Q2500${GS}1T${GS}4L${GS}9D`);
    expect(l).toMatchObject({ mpn: 'TPS548D22RVFR', qty: 2500, lot: '', countryOfOrigin: '', dateCode: '', customerPn: '' });
  });

  it('does not need 20Z and tolerates its truncation', () => {
    const cut = DK_FIELDS.slice(0, -1).join(GS);
    expect(ok(`[)>${RS}06${GS}${cut}`)).toMatchObject(DK_WANT);
    expect(ok(`[)>${RS}06${GS}${cut}${GS}20Z000`)).toMatchObject(DK_WANT);
    expect(ok(`[)>${RS}06${GS}${cut}${GS}20Z`)).toMatchObject(DK_WANT);
  });

  it('takes the longest DI: 10K is not 1K, 30P is not P, leading zeros do not count', () => {
    const l = ok(`[)>06${GS}10K555${GS}1K444${GS}030P1-ND${GS}P123${GS}01PABC${GS}Q0004000${GS}12Z1`);
    expect(l).toMatchObject({ invoice: '555', salesOrder: '444', supplierPn: '1-ND', customerPn: '123', mpn: 'ABC', qty: 4000 });
  });

  it('keeps values with spaces, commas, slashes, %, # and parentheses', () => {
    for (const mpn of ['WR06X221 JTL', 'LM75BD,118', 'SMD0603-5K1-1%', 'DG301-5.0-02P-12-00A(H)', 'MCP2515-I/SO', 'AB#12+3']) {
      expect(ok(`[)>${RS}06${GS}1P${mpn}${GS}Q7${RS}${EOT}`).mpn).toBe(mpn);
    }
  });

  it('reads MPNs that look like DIs from their own field', () => {
    expect(ok(`>[)>06${GS}K1${GS}14K001${GS}1PKTSC-21R${GS}Q100${GS}11K1${GS}4LVN`).mpn).toBe('KTSC-21R');
    expect(ok(`[)>06${GS}1P5277${GS}Q1`).mpn).toBe('5277');
    expect(ok('[)>06K3878883614K0011PKTSC-21RQ10011K0896618144LVN1VDiptronics')).toMatchObject({ mpn: 'KTSC-21R', qty: 100 });
  });

  it('rejects packing slips (order fields only) as NOT_A_REEL_LABEL', () => {
    expect(reason(`[)>${RS}06${GS}K${GS}1K90837700${GS}10K109914231${GS}11K1${RS}${EOT}`)).toBe('NOT_A_REEL_LABEL');
  });

  it('keeps the 06 record and ignores a 05 (GS1) record', () => {
    expect(ok(`[)>${RS}06${GS}1PABC${GS}Q5${RS}05${GS}01095011010209171719050810ABCD1234${RS}${EOT}`)).toMatchObject({ mpn: 'ABC', qty: 5 });
  });

  it('accepts repeated identical 06 records and rejects a mixed load', () => {
    expect(ok(`[)>${RS}06${GS}1PABC${GS}Q5${RS}06${GS}1PABC${GS}Q5${RS}${EOT}`)).toMatchObject({ mpn: 'ABC', qty: 5 });
    expect(reason(`[)>${RS}06${GS}1PABC${GS}Q5${RS}06${GS}1PXYZ${GS}Q9${RS}${EOT}`)).toBe('LABEL_MIXED_LOAD');
  });

  it('rejects a critical field repeated with another value', () => {
    expect(reason(`[)>${RS}06${GS}1PABC${GS}Q5${GS}1PABD${RS}${EOT}`)).toBe('LABEL_CONFLICT');
  });

  it.each(['Q-5', 'Q5.5', 'Q1e3', 'Q 5', 'Q', 'Q5PCS', 'Q99999999999'])('rejects quantity %s', (q) => {
    expect(reason(`[)>${RS}06${GS}1PABC${GS}${q}${RS}${EOT}`)).toBe('LABEL_BAD_QUANTITY');
  });

  it('bounds input length and field count', () => {
    expect(reason('1'.repeat(MAX_SCAN_CHARS + 1))).toBe('LABEL_TOO_LONG');
    expect(reason(`[)>${RS}06${GS}1PABC${GS}Q5${GS}${'20Z'.concat(GS).repeat(70)}`)).toBe('LABEL_TOO_LONG');
  });

  it.each(['', '   \r\n', 'ERJ-3EKF1502V', 'hello world', '{}', '[)>'])('rejects %j as unreadable', (s) => {
    expect(reason(s)).toBe('SCAN_UNREADABLE');
  });
});

describe('vendor interpretation', () => {
  it('Digi-Key: P ending -ND (older labels) is the Digi-Key PN, not a customer reference', () => {
    const l = ok(`[)>06${GS}P732-8041-1-ND${GS}1P885012207041${GS}K${GS}1K75241773${GS}10K88794085${GS}11K1${GS}4LTW${GS}Q500${GS}11ZPICK`);
    expect(l).toMatchObject({ supplierPn: '732-8041-1-ND', mpn: '885012207041', invoice: '88794085', salesOrder: '75241773', customerPo: '' });
    expect(l.customerPn).toBeUndefined();
  });

  it('Digi-Key label with only 30P has no MPN', () => {
    const l = ok(`[)>${RS}06${GS}30P296-LM358BIDDFRCT-ND${GS}K${GS}1K72991337${GS}10K85781337${GS}11K1${GS}4LPH${GS}Q10${GS}11ZPICK`);
    expect(l).toMatchObject({ supplierPn: '296-LM358BIDDFRCT-ND', qty: 10 });
    expect(l.mpn).toBeUndefined();
  });

  it('Mouser: K is the customer PO, 14K the line, 11K the invoice, 1V the manufacturer', () => {
    const l = ok(`[)>${RS}06${GS}KP0-1337${GS}14K011${GS}1PMC34063ADR${GS}Q3${GS}11K073121337${GS}4LMX${GS}1VEPCOS / TDK${RS}${EOT}`);
    expect(l).toEqual({ format: 'eigp114-mouser', customerPo: 'P0-1337', orderLine: '011', mpn: 'MC34063ADR', qty: 3, invoice: '073121337', countryOfOrigin: 'MX', manufacturer: 'EPCOS / TDK' });
  });

  it('Farnell: 3P is the order code, 4K the PO line, K may hold a timestamp', () => {
    const l = ok(`[)>${RS}06${GS}K17.05.21 08.39 AM${GS}P${GS}1PMCP1700T-3302E/TT${GS}3P1331487${GS}Q10${GS}9D${GS}1T${GS}4LTH${GS}4K12${RS}${EOT}`);
    expect(l).toMatchObject({ format: 'eigp114-farnell', supplierPn: '1331487', mpn: 'MCP1700T-3302E/TT', qty: 10, customerPo: '17.05.21 08.39 AM', orderLine: '12', lot: '', customerPn: '' });
  });

  it('NXP: 12NC in 1P and type in 30P is rejected (which one the BOM uses is unknown)', () => {
    expect(reason(`[)>06${GS}1P933714270653${GS}30P74HC08D${GS}Q2500${GS}9D1110${GS}1TL0H4S5\r`)).toBe('LABEL_AMBIGUOUS');
    expect(reason(`[)>${RS}06${GS}P${GS}1P934063176115${GS}30PPESD3V3S2UT,215${GS}Q3000${GS}1TABC123${RS}${EOT}`)).toBe('LABEL_AMBIGUOUS');
  });

  it('a maker label whose 1P and 30P name different parts is refused; the same part twice is read (onsemi)', () => {
    const onsemi = `[)>${RS}06${GS}1PSMMBT2222ALT1G${GS}1TMQK097680R${GS}9D2010${GS}Q3000${GS}4LCN${GS}SMQ2050VCX${GS}30PSMMBT2222ALT1G${GS}26LMY${RS}${EOT}`;
    expect(ok(onsemi)).toMatchObject({ mpn: 'SMMBT2222ALT1G', qty: 3000, lot: 'MQK097680R' });
    expect(reason(onsemi.replace('30PSMMBT2222ALT1G', '30PSMMBT3904LT1G'))).toBe('LABEL_CONFLICT');
  });

  it('Infineon: SP number in 1P and part name in 50P is rejected (decoders disagree on which is the MPN)', () => {
    const infineon = `[)>${RS}06${GS}X97828648${GS}1TVE023748G01${GS}9D2038${GS}Q3000${GS}1PSP001604368${GS}13D${GS}7Q0${GS}50PARISURCLSXUMA1${GS}S08626`;
    expect(reason(infineon)).toBe('LABEL_AMBIGUOUS');
  });

  it('Taiyo Yuden: no MPN, bare T is the lot, 11D the date code', () => {
    const l = ok(`[)>06${GS}PRJC5164048/47${GS}11D201627${GS}Q3000${GS}TZ531502225${GS}4LMY\r`);
    expect(l).toEqual({ format: 'eigp114-manufacturer', customerPn: 'RJC5164048/47', qty: 3000, lot: 'Z531502225', dateCode: '201627', countryOfOrigin: 'MY' });
  });

  it('Kyocera AVX: S is the package id, 14D the expiry, 16D the date', () => {
    const l = ok(`[)>06${GS}SCM274662${GS}PP210378BFKAX00${GS}V80036966${GS}Q4000${GS}1TSV8211X347${GS}16D20220523${GS}14D20240523${GS}1P08052C103M4Z2A${GS}I${GS}\r`);
    expect(l).toMatchObject({ mpn: '08052C103M4Z2A', qty: 4000, lot: 'SV8211X347', reelId: 'CM274662', expiryDate: '20240523', dateCode: '20220523' });
  });

  it('Murata: 1K is not a Digi-Key clue; its 3Z is not an MSL', () => {
    const l = ok(`[)>06${GS}10ZP${GS}3ZMM5NB92${GS}PRTN202909/1${GS}2P${GS}1PLFL211G88TC1A020${GS}6PLFL211G88TC1A020+CN/R01${GS}Q4000${GS}1TOA641859B${GS}3S${GS}KBEL/2339214${GS}1KL56C454${GS}4LJP${GS}9D27102016${GS}V25793\r`);
    expect(l).toMatchObject({ format: 'eigp114-manufacturer', mpn: 'LFL211G88TC1A020', qty: 4000, lot: 'OA641859B', dateCode: '27102016', salesOrder: 'L56C454' });
    expect(l.msl).toBeUndefined();
    expect(l.reelId).toBeUndefined();
  });

  it.each([
    ['13E2a', '2a'],
    ['13E3', '3'],
    ['13E5A', '5a'],
    ['3Z2/260C/1YEAR;//;022319', '2'],
    ['3Z4/245C/72HRS', '4'],
  ])('MSL from %s', (field, msl) => {
    expect(ok(`[)>06${GS}1PX1${GS}Q1${GS}${field}`).msl).toBe(msl);
  });

  it.each(['13E7', '13E', '3ZMM5NB92', '11K3'])('no MSL from %s', (field) => {
    expect(ok(`[)>06${GS}1PX1${GS}Q1${GS}${field}`).msl).toBeUndefined();
  });
});

describe('TME, LCSC and Digi-Key legacy', () => {
  it('TME QR: keys in any order, PN never matched inside MPN, no MPN means no MPN', () => {
    expect(ok('MPN:ABC-1 QTY:7 PN:XYZ CoO:cn RoHS HTTPS://WWW.TME.EU/DETAILS/XYZ')).toMatchObject({ mpn: 'ABC-1', supplierPn: 'XYZ', qty: 7, countryOfOrigin: 'cn' });
    const noMpn = ok('QTY:5 PN:LAN8720A-CP PO:30635449/3 https://www.tme.eu/details/LAN8720A-CP');
    expect(noMpn).toMatchObject({ supplierPn: 'LAN8720A-CP', qty: 5, salesOrder: '30635449', orderLine: '3' });
    expect(noMpn.mpn).toBeUndefined();
    expect(reason('QTY:5 PN:A MPN:B MPN:C')).toBe('LABEL_CONFLICT');
    expect(reason('QTY:5.0 PN:A')).toBe('LABEL_BAD_QUANTITY');
  });

  it('TME DataMatrix: spaced, with 4L, with the word MPN in 1P, and without separators', () => {
    expect(ok('PSMAJ15A-13-F 1PSMAJ15A-13-F Q25 4LTW K18098201/1')).toMatchObject({ mpn: 'SMAJ15A-13-F', qty: 25, countryOfOrigin: 'TW', salesOrder: '18098201', orderLine: '1' });
    expect(ok('PWBP-302 1PMPNWBP-302 Q1 K19361337/1')).toMatchObject({ mpn: 'WBP-302', supplierPn: 'WBP-302', qty: 1 });
    expect(reason('PWBP-302 1PMPNXYZ Q1 K19361337/1')).toBe('LABEL_AMBIGUOUS');
    expect(ok('PLAN8720A-CP1PLAN8720A-CPQ5K20835594/3')).toMatchObject({ mpn: 'LAN8720A-CP', qty: 5, salesOrder: '20835594' });
    // Q1 + 4LCN, or Q14 + LCN as a public decoder reads it: the quantity is not certain.
    expect(reason('PEVE-ER14505/MX221PER14505+MX22-01-1022Q14LCNK51218195/3')).toBe('LABEL_AMBIGUOUS');
  });

  it('LCSC: not JSON; mc may hold commas; hp may be null; older payloads lack keys', () => {
    expect(ok('{pbn:PICK1,on:SO1,pc:C20,pm:LM75BD,118,qty:3,mc:C20, C21,cc:1,pdi:1,hp:null,wc:ZH}')).toMatchObject({ mpn: 'LM75BD,118', qty: 3, customerPn: 'C20, C21', supplierPn: 'C20' });
    expect(ok('{pc:C1,pm:X,qty:0}')).toMatchObject({ mpn: 'X', qty: 0 });
    expect(reason('{pc:C1,pm:X,qty:ten}')).toBe('LABEL_BAD_QUANTITY');
  });

  it('Digi-Key legacy 1D: quantity only', () => {
    expect(ok('2077771000000005327423')).toEqual({ format: 'digikey-legacy-1d', qty: 5 });
  });
});

describe('manufacturer formats (public examples of each layout)', () => {
  it.each([
    ['Panasonic', '3N1ERJ-3EKF1502V 5000\r', { mpn: 'ERJ-3EKF1502V', qty: 5000 }],
    ['Samsung QR', 'AJ1FP7G/CL10C101JB8NNNC/1687/0004000\r', { mpn: 'CL10C101JB8NNNC', qty: 4000, lot: 'AJ1FP7G' }],
    ['Samsung 1D', 'KX6EJ3300160004000\r', { qty: 4000, lot: 'KX6EJ33', dateCode: '0016' }],
    ['Rohm', `RK7002BMT116       0030001752E1019K017${' '.repeat(76)}\r`, { mpn: 'RK7002BMT116', qty: 3000, lot: 'E1019K', dateCode: '1752' }],
    ['Walsin 1D', 'WR04X4751FTL    10000\r', { mpn: 'WR04X4751FTL', qty: 10000 }],
    ['Stackpole', '1PRMCF2010ZT0R00,Q4000,1TT170419155,17/16,JP\r', { mpn: 'RMCF2010ZT0R00', qty: 4000, lot: 'T170419155', countryOfOrigin: 'JP' }],
    ['KOA part', 'KHK:1:RK73B1ETTP201J:10000:X:5018C394:623:KHK-A01', { mpn: 'RK73B1ETTP201J', qty: 10000, lot: '5018C394' }],
    ['KOA customer', ':RK73B1ETTP201J::14:X:5018C394:0001::::SOL-A25', { mpn: 'RK73B1ETTP201J', lot: '5018C394' }],
    ['Lite-On', ';;LTST-C191KGKT;2108404746;5000;5/P/D;RLC21032787551;2113;MADE IN CHINA\r', { mpn: 'LTST-C191KGKT', qty: 5000, lot: '2108404746', reelId: 'RLC21032787551' }],
    ['Kemet', '232802636 B1008C1206C103K1RAC7800    0004000MEXICO    MX', { mpn: 'C1206C103K1RAC7800', qty: 4000, countryOfOrigin: 'MX' }],
    ['Bourns', 'PSRU8043-470Y+Q1000+9D1602+1TCA164778M', { mpn: 'SRU8043-470Y', qty: 1000, lot: 'CA164778M' }],
    ['Yageo lines', '31PCC0603KRX7R8BB392\r32P223891615631\r1T31E512061159F1056753\rQ0004000\r9D15511610\r26 505\r0002\r', { mpn: 'CC0603KRX7R8BB392', qty: 4000, lot: '31E512061159F1056753' }],
    ['Yageo tokens', 'UID19179844PID110561550TIM8/30/2013 3:16:06 PMSPL0Y033LIDSPNCC0402JRNPO9BN150QTY8992DCD1145MSD0COOCNESDROHC6O6SER19179844', { mpn: 'CC0402JRNPO9BN150', qty: 8992, dateCode: '1145' }],
  ])('%s', (_n, raw, want) => {
    expect(ok(raw)).toMatchObject(want);
  });

  it('Vishay fixed width: both copies of PN and quantity must agree', () => {
    const v = '   WSL20106L900FEA005433426503/29/13                                                       201312IL     4000.00000048999730001               1312    61400010                           LFSH903 1312AA            WBI9 R0069F  4000                              WSL20106L900FEAWSL-2010  0.0069 1  EA E3                B0XW00664283\r';
    expect(ok(v)).toEqual({ format: 'mfr-vishay-fixed', mpn: 'WSL20106L900FEA', qty: 4000 });
    expect(reason(v.replace('  4000    ', '  4001    '))).toBe('LABEL_CONFLICT');
    expect(reason(v.replace('FEAWSL-2010', 'FEBWSL-2010'))).toBe('LABEL_CONFLICT');
  });

  it('a lone 1D part number is not a reel label', () => {
    expect(reason('RC0603FR-0710KL')).toBe('SCAN_UNREADABLE');
  });
});
