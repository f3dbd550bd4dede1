// The gateway's inbox documents carrying layouts: what `warden label learn` writes is accepted as it is, alone or
// as a message body, and becomes the full LabelLayoutLoad body; a layout the station would refuse is refused at
// the push, with the field named, so it never reaches inbox/failed one station at a time.
import { learnLayout } from '../../../firmware/core/label/learn';
import { layoutDocumentJson } from '../../../firmware/core/label/layout-doc';
import { LAYOUT_SCANS } from '../../../firmware/test/label/samples';
import { parsePushDocument } from '../../src/gateway/documents';

/** The learner's document for three real Seiko/ABLIC reel codes, as `--out` writes it (JSON, defaults left out). */
function learned(): Record<string, unknown> {
  const samples = LAYOUT_SCANS.filter((s) => s.id.startsWith('docpal-sii-')).slice(0, 3).map((s) => ({ scan: s.raw, fields: s.expected }));
  const r = learnLayout(samples as never, { layoutId: 'site-sii-qr', provenance: '3 SII reel QR scans' });
  if (!r.ok) throw new Error(r.detail);
  return JSON.parse(JSON.stringify(layoutDocumentJson(r.doc))) as Record<string, unknown>;
}
/** The messages of an accepted host-messages document. */
function messagesOf(r: ReturnType<typeof parsePushDocument>) {
  if (!r.ok || r.document.kind !== 'host-messages') throw new Error(JSON.stringify(r));
  return r.document.doc.messages;
}
const hostMessages = (body: unknown, stations?: number[]) => ({ format: 'smt-warden.host-messages', version: 1, ...(stations ? { stations } : {}), messages: [{ type: 'LabelLayoutLoad', body }] });

describe('gateway documents: label layouts', () => {
  it("accepts the learner's document alone (for every station) and as a LabelLayoutLoad body (for the stations named), with the defaults filled in", () => {
    const doc = learned();
    expect(doc).not.toHaveProperty('revision');
    const alone = parsePushDocument(doc);
    const inside = parsePushDocument(hostMessages(doc, [7]));
    if (!alone.ok || !inside.ok) throw new Error(JSON.stringify([alone, inside]));
    expect(alone.document).toEqual({ kind: 'host-messages', doc: { format: 'smt-warden.host-messages', version: 1, messages: [expect.anything()] } });
    expect(inside.document.doc.stations).toEqual([7]);
    const body = (messagesOf(alone)[0] as { body: Record<string, unknown> }).body;
    expect(body).toMatchObject({ layoutId: 'site-sii-qr', revision: 1, provenance: '3 SII reel QR scans', cut: 'delimited', separator: '$', prefix: '1$', minPieces: 6, maxPieces: 6 });
    expect(body['fields']).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'qty', piece: 1, start: 0, width: 0, tag: '', coding: 'integer', trim: 'none', minLen: 1, optional: false, plain: false })]));
    expect(messagesOf(inside)).toEqual(messagesOf(alone));
  });

  it('refuses a layout the station would refuse, naming the field, whether alone or inside', () => {
    const fields = learned()['fields'] as Record<string, unknown>[];
    const noAnchor = { layoutId: 'site-loose', cut: 'delimited', separator: ',', fields: [{ role: 'mpn', piece: 0 }] };
    const builtinId = { ...learned(), layoutId: 'mfr-sii' };
    const badField = { ...learned(), fields: [{ ...fields[0]!, width: 'wide' }, ...fields.slice(1)] };
    expect(parsePushDocument(hostMessages(badField))).toEqual({ ok: false, problems: [{ field: 'messages[0].body', message: expect.stringMatching(/^LABEL_LAYOUT_INVALID: fields\[0\]\.width: a whole number/) }] });
    expect(parsePushDocument(badField)).toEqual({ ok: false, problems: [{ field: 'layout', message: expect.stringMatching(/^LABEL_LAYOUT_INVALID: fields\[0\]\.width/) }] });
    for (const d of [noAnchor, builtinId]) {
      expect(parsePushDocument(hostMessages(d))).toMatchObject({ ok: false, problems: [{ field: 'messages[0].body', message: expect.stringContaining('LABEL_LAYOUT_INVALID') }] });
    }
  });

  it('still refuses a document that is none of the kinds, and says which kinds there are', () => {
    expect(parsePushDocument({ cut: 'delimited' })).toEqual({ ok: false, problems: [{ field: 'format', message: expect.stringContaining('or a layout document (warden label learn --out)') }] });
  });
});
