// Teaching a station a new label, end to end as an engineer does it (tools/README.md, "Teaching a station a new
// label"): `warden label learn --out FILE` → that file, unedited, sent to a station (`warden station run`) and to
// the gateway's inbox → a reel with that label is read with the learned layout and verified on its slot. And the
// README's worked example is run exactly as written, so what it shows is what the command prints.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePushDocument } from '../src/gateway/documents';

const ROOT = join(__dirname, '..', '..');

function warden(args: string[], opts: { input?: string; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), ...args], { input: opts.input ?? '', cwd: opts.cwd ?? ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const lines = (s: string): Record<string, unknown>[] => s.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
const jsonl = (xs: readonly unknown[]): string => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';

/** A station script: the operator's badge, a work order of one slot F1 for `mpn`, then `steps`. */
function script(mpn: string, steps: readonly unknown[]): string {
  const order = {
    header: { workOrderIdentifier: 'WO-1', productIdentifier: 'P-1', bomRevision: 'A', recipeName: 'R', recipeRevision: '1', recipeChecksum: 1, lane: 1, timeToReflow: 14400 },
    slots: [{ position: 'F1', bomLine: '1', internalPartNumber: 'IPN-1', msd: false, thicknessClass: 'unknown', approvedParts: [{ manufacturerPartNumber: mpn, manufacturer: 'Yageo', permission: 'primary' }] }],
  };
  return jsonl([
    { kind: 'sync' },
    { kind: 'host', message: { type: 'BadgeRecord', body: { badge: '1001', operatorIdentifier: 'OP-1', role: 'operator', active: true } } },
    { kind: 'work-order', order, terms: { plannedQuantity: 5 } },
    ...steps,
  ]);
}
const layoutLoad = (doc: unknown) => ({ kind: 'host', message: { type: 'LabelLayoutLoad', body: doc } });
const reply = (o: Record<string, unknown>) => o['reply'] as { ok: boolean; reason: string; outcome: string; detail: string };

describe('a label the firmware does not know: learned, written, loaded into a station, read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-teach-'));
  // A supplier's pipe-delimited reel code (made up: no built-in format reads it), three reels read off by hand.
  const samples = {
    samples: [
      { scan: 'ACME1|RC0603FR-0710KL|5000|L2305A17|2305', fields: { mpn: 'RC0603FR-0710KL', qty: 5000, lot: 'L2305A17' } },
      { scan: 'ACME1|GRM188R71C104KA01D|10000|B77X1|2241', fields: { mpn: 'GRM188R71C104KA01D', qty: 10000, lot: 'B77X1' } },
      { scan: 'ACME1|CL21A475KAQNNNE|300|Q9-20231105|2310', fields: { mpn: 'CL21A475KAQNNNE', qty: 300, lot: 'Q9-20231105' } },
    ],
  };
  const reel = 'ACME1|RC0805JR-07100RL|4000|K31Z|2402'; // a fourth reel, not among the samples
  const learned = join(dir, 'acme.json');
  writeFileSync(join(dir, 'samples.json'), JSON.stringify(samples));

  beforeAll(() => {
    const r = warden(['label', 'learn', join(dir, 'samples.json'), '--id', 'site-acme', '--out', learned, '--json']);
    expect(r.status).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject({ ok: true, layout: { layoutId: 'site-acme', cut: 'delimited', separator: '|', prefix: 'ACME1|' } });
  });

  it('the --out file, as written (defaults left out), loads into `warden station run`; a reel of that label is verified, and after a reboot still read', () => {
    const doc = JSON.parse(readFileSync(learned, 'utf8')) as Record<string, unknown>;
    expect(doc).not.toHaveProperty('revision'); // the defaults really are left out: the station run fills them in
    const r = warden(['station', 'run', '-', '--json'], {
      input: script('RC0805JR-07100RL', [
        { kind: 'scan', data: 'OP:1001' },
        { kind: 'scan', data: 'F1' },
        { kind: 'scan', data: reel }, // line 6: before the layout is loaded
        layoutLoad(doc), // line 7: the file as the learner wrote it
        { kind: 'scan', data: 'F1' },
        { kind: 'scan', data: reel }, // line 9: read with the learned layout
        { reboot: {} },
        { kind: 'sync' },
        { kind: 'scan', data: 'OP:1001' },
        { kind: 'scan', data: 'F1' },
        { kind: 'scan', data: 'ACME1|RC0805JR-07100RX|4000|K31Z|2402' }, // line 14: another part, read with the stored layout
        { kind: 'scan', data: 'F1' },
        { kind: 'scan', data: reel }, // line 16: the right reel again; its quantity is the label's
      ]),
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    const at = (line: number) => reply(out.find((o) => o['line'] === line)!);
    expect(at(6)).toMatchObject({ ok: false, reason: 'SCAN_UNREADABLE' });
    expect(at(7)).toMatchObject({ ok: true, outcome: 'layout', detail: 'site-acme: loaded' });
    expect(at(9)).toMatchObject({ ok: true, outcome: 'verified', detail: 'RC0805JR-07100RL on F1 as primary' });
    expect(at(14)).toMatchObject({ ok: false, reason: 'WRONG_PART', detail: expect.stringContaining('RC0805JR-07100RX is not approved for F1') });
    expect(at(16)).toMatchObject({ ok: true, outcome: 'verified' });
    const summary = out[out.length - 1]!['summary'] as { slots: { position: string; state: string; quantity: number }[] };
    expect(summary.slots).toEqual([expect.objectContaining({ position: 'F1', quantity: 4000 })]);
  });

  it('the gateway takes the same file: pushed alone (every station) or as the body of a LabelLayoutLoad; the body is the full one the station Acked', () => {
    const doc = JSON.parse(readFileSync(learned, 'utf8')) as unknown;
    const alone = parsePushDocument(doc);
    const inDoc = parsePushDocument({ format: 'smt-warden.host-messages', version: 1, stations: [1], messages: [{ type: 'LabelLayoutLoad', body: doc }] });
    if (!alone.ok || alone.document.kind !== 'host-messages' || !inDoc.ok || inDoc.document.kind !== 'host-messages') throw new Error(JSON.stringify([alone, inDoc]));
    expect(alone.document.doc.stations).toBeUndefined();
    const [m] = alone.document.doc.messages;
    expect(m).toMatchObject({ type: 'LabelLayoutLoad', body: { layoutId: 'site-acme', revision: 1, cut: 'delimited', separator: '|', prefix: 'ACME1|' } });
    expect(inDoc.document.doc.messages).toEqual([m]);
  });

  it('an edit that breaks the document is refused by the station run and the gateway alike, with the field named', () => {
    const doc = JSON.parse(readFileSync(learned, 'utf8')) as { fields: Record<string, unknown>[] };
    doc.fields[1]!['coding'] = 'roman';
    const r = warden(['station', 'run', '-', '--json'], { input: jsonl([layoutLoad(doc)]) });
    expect(r.status).toBe(2);
    expect(lines(r.stdout)[0]).toMatchObject({ line: 1, error: 'BAD_DOCUMENT', message: expect.stringMatching(/message\.body: LABEL_LAYOUT_INVALID: fields\[1\]\.coding: one of text, /) });
    const g = parsePushDocument({ format: 'smt-warden.host-messages', version: 1, messages: [{ type: 'LabelLayoutLoad', body: doc }] });
    expect(g).toEqual({ ok: false, problems: [{ field: 'messages[0].body', message: expect.stringMatching(/^LABEL_LAYOUT_INVALID: fields\[1\]\.coding: one of text, /) }] });
  });
});

describe("tools/README.md's worked example", () => {
  const readme = readFileSync(join(ROOT, 'tools', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Teaching a station a new label'));
  /** The fenced blocks of the section, their list indentation removed. */
  const blocks = [...section.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm)].map((m) => ({ lang: m[2]!, text: m[3]!.split('\n').map((l) => l.slice(m[1]!.length)).join('\n') }));

  it('step 2 prints exactly what the README shows, and step 4 loads the file it wrote into a station', () => {
    const samples = blocks.find((b) => b.lang === 'json' && b.text.includes('"samples"'))!;
    const learn = blocks.find((b) => b.text.startsWith('$ npx warden label learn samples.json'))!;
    const [command, ...shown] = learn.text.trimEnd().split('\n');
    const args = [...command!.replace('$ npx warden ', '').matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
    const cwd = mkdtempSync(join(tmpdir(), 'warden-readme-'));
    writeFileSync(join(cwd, 'samples.json'), samples.text);
    const r = warden(args, { cwd });
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual(shown);

    const st = warden(['station', 'run', '-', '--json'], { input: jsonl([{ kind: 'sync' }, layoutLoad(JSON.parse(readFileSync(join(cwd, 'sii.json'), 'utf8')))]) });
    expect(st.status).toBe(0);
    expect(reply(lines(st.stdout)[1]!)).toMatchObject({ ok: true, outcome: 'layout', detail: 'site-sii-qr: loaded' });
  });
});
