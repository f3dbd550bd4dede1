// The host end reads a host message written as JSON the same way for `warden station run` and the gateway: a
// layout document (defaults left out, as `warden label learn` writes it) becomes the full LabelLayoutLoad body;
// every other body is checked against its schema; nothing it is given makes it throw.
import fc from 'fast-check';
import { BUILTIN_LAYOUT_DOCS } from '../../firmware/core/label/builtin-layouts';
import { layoutDocumentJson, readLayoutDocument } from '../../firmware/core/label/layout-doc';
import { encodePayload } from '../../protocol/src/frame';
import { HOST_SENT, readHostMessage } from '../host/host-message';

const example = require('../../protocol/vectors/ok/LabelLayoutLoad.json') as { decoded: { body: Record<string, unknown> } };
/** The built-in layouts under site ids: real, valid layouts of every cut. */
const LAYOUTS = BUILTIN_LAYOUT_DOCS.map((d, i) => ({ ...d, layoutId: `site-copy-${i}` }));

describe('readHostMessage', () => {
  it('reads the printed document of every built-in layout (defaults left out) as the full body the wire carries', () => {
    for (const d of LAYOUTS) {
      const full = readLayoutDocument(d);
      if (!full.ok) throw new Error(full.detail);
      const printed = JSON.parse(JSON.stringify(layoutDocumentJson(full.layout.doc))) as unknown;
      const r = readHostMessage({ type: 'LabelLayoutLoad', body: printed });
      expect(r).toEqual({ ok: true, message: { type: 'LabelLayoutLoad', body: full.layout.doc } });
      // …and the full body reads to itself: a document with every field given is a document too.
      expect(readHostMessage({ type: 'LabelLayoutLoad', body: full.layout.doc })).toEqual(r);
    }
    expect(readHostMessage({ type: 'LabelLayoutLoad', body: example.decoded.body })).toEqual({ ok: true, message: { type: 'LabelLayoutLoad', body: example.decoded.body } });
  });

  it('refuses a message type outside the allowed ones, and a station message, naming `type`', () => {
    expect(readHostMessage({ type: 'ScanEvent', body: {} })).toMatchObject({ ok: false, field: 'type' });
    expect(readHostMessage({ type: 'TimeSync', body: { utcTime: 1, millis: 0 } }, ['BadgeRecord'])).toMatchObject({ ok: false, field: 'type', detail: 'one of BadgeRecord' });
    expect(readHostMessage('LabelLayoutLoad')).toMatchObject({ ok: false, field: 'type' });
  });

  it('is total: any type and any JSON body give a message that encodes, or a refusal naming type or body', () => {
    const body = fc.oneof(
      fc.jsonValue(),
      // A valid layout with one key replaced by any JSON value: near misses are where a reader breaks.
      fc.tuple(fc.constantFrom(...LAYOUTS), fc.constantFrom('revision', 'cut', 'separator', 'fields', 'minPieces', 'prefix'), fc.jsonValue()).map(([d, k, v]) => ({ ...d, [k]: v })),
    );
    fc.assert(
      fc.property(fc.constantFrom(...HOST_SENT, 'LabelLayoutLoad', 'Nope'), body, (type, b) => {
        const r = readHostMessage({ type, body: b });
        if (r.ok) expect(encodePayload(r.message).ok).toBe(true);
        else expect(['type', 'body']).toContain(r.field);
      }),
      { numRuns: 600 },
    );
  });
});
