// Setup verification goes into the firmware bundle: it must build for a neutral platform and give the same
// answers in an embedded-class engine (QuickJS: no console, no timers, no Intl) as in Node.
import { join } from 'node:path';
import { bundle } from '../../../tools/src/build/bundle';
import { HOST_GLOBALS, runInQuickJS } from '../../../tools/src/build/quickjs';
import * as Setup from '../../core/setup';
import { cl21, demoOrder, liteon, T0, ti, wurth } from './helpers';

// The same scenario, written once, run by Node and by QuickJS on the bundle.
const SCENARIO = `
globalThis.scenario = function (S, input) {
  var env = { msdStatus: function () { return { state: 'exposed', reasons: [] }; } };
  var s = S.createSetup();
  var out = [];
  function go(e, t) { var r = S.step(s, e, t, env); s = r.state; out.push([r.verdict.reason, r.verdict.detail, r.effects.map(function (x) { return x.message; })]); }
  go({ kind: 'work-order', order: input.order }, input.t0);
  input.scans.forEach(function (x, i) {
    go({ kind: 'scan-slot', position: x[0] }, input.t0 + i * 2000);
    go({ kind: 'scan-reel', scan: { ok: true, label: x[1] } }, input.t0 + i * 2000 + 1000);
  });
  go({ kind: 'splice', position: 'B1.F.2', scan: { ok: true, label: input.splice } }, input.t0 + 60000);
  out.push(S.permit(s, input.t0 + 60000));
  return JSON.stringify(out);
};`;

const input = {
  t0: T0,
  order: demoOrder(),
  scans: [
    ['B1.F.1', cl21],
    ['B1.F.2', wurth],
    ['B1.F.3', liteon],
    ['B1.F.4', ti],
    ['B1.F.5', { ...liteon, reelId: 'X' }],
    ['B1.F.6', { ...cl21, lot: 'L2', manufacturer: 'Samsung Electro-Mechanics Co., Ltd.' }],
  ],
  splice: { ...wurth, lot: 'NEXT', manufacturer: 'WURTH ELEKTRONIK' },
};

it('builds for platform "neutral" and answers in QuickJS exactly as in Node', async () => {
  const b = await bundle(join(__dirname, '..', '..', 'core', 'setup', 'index.ts'), { globalName: 'WardenSetup' });
  for (const host of HOST_GLOBALS) expect(b.code).not.toMatch(host);
  const inQuickJS = await runInQuickJS([b.code, SCENARIO, `scenario(WardenSetup, ${JSON.stringify(input)})`]);
  const inNode = (new Function('return ' + SCENARIO.trim().replace(/^globalThis\.scenario = /, '').replace(/;$/, ''))() as (s: unknown, i: unknown) => string)(Setup, JSON.parse(JSON.stringify(input)));
  expect(JSON.parse(inQuickJS)).toEqual(JSON.parse(inNode));
  const steps = JSON.parse(inNode) as unknown[];
  expect(steps.slice(0, -1).map((x) => (x as [string])[0])).toEqual(['OK', ...Array<string>(8).fill('OK'), 'OK', 'WRONG_SLOT', 'OK', 'OK', 'OK']);
  expect(steps[steps.length - 1]).toMatchObject({ ok: false, reasons: ['WRONG_SLOT', 'SLOT_NOT_VERIFIED'], slotsVerified: 5 });
});
