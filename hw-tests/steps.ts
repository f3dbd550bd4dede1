// The steps the cases are made of, each through an outside interface only: what a host, an operator at the
// scanner, the machine or a PLC would do.
import type { MessageBody } from '../protocol/src/messages';
import { BADGES, OPERATOR, ORDER, POSITIONS, programLabel, REELS, SUPERVISOR } from './fixtures';
import { HostClient, type Answer } from './host';
import { until, type Target } from './target';

export function must(a: Answer, what: string): void {
  if (!a.ok) throw new Error(`${what}: refused with ${a.reason}`);
}

export function scanner(t: Target): (text: string) => Promise<void> {
  if (t.scan === undefined) throw new Error(`${t.name}: no scanner line (pass --scanner serial:PATH)`);
  return t.scan;
}

/** The host's part: the clock, the badges, the work order. */
export async function download(h: HostClient): Promise<void> {
  const now = Date.now();
  must(await h.send({ type: 'TimeSync', body: { utcTime: Math.floor(now / 1000), millis: now % 1000 } }), 'TimeSync');
  for (const b of BADGES) must(await h.send({ type: 'BadgeRecord', body: b }), 'BadgeRecord');
  must(await h.workOrder(ORDER), 'work order');
}

/** The operator's part: log in, open the MSD reel's bag (card dry), load every slot, scan the program label. */
export async function loadAll(t: Target): Promise<void> {
  const scan = scanner(t);
  await scan(OPERATOR);
  await scan('CMD:OPEN-DRY');
  await scan(REELS['B1.F.4']);
  for (const p of POSITIONS) {
    await scan(p);
    await scan(REELS[p]);
  }
  await scan(programLabel());
}

/** Work order downloaded and every slot loaded: the station should grant the run permit. */
export async function setUp(t: Target): Promise<HostClient> {
  const h = await HostClient.open(t);
  await download(h);
  await loadAll(t);
  await until(t, () => false || true, 'settle', 0);
  return h;
}

/** The status the station reports to its host. */
export function status(h: HostClient): Promise<MessageBody<'StatusReport'>> {
  return h.status();
}

/** A supervisor passes the first-off board at the station. */
export async function passFirstOff(t: Target): Promise<void> {
  const scan = scanner(t);
  await scan(SUPERVISOR);
  await scan('CMD:FIRSTOFF-PASS');
  await scan(OPERATOR);
}
