// Entry of the `qjs` and `xs` bundles: the firmware inside an embedded engine with every device bridged to the
// Node host. xsnap gives an XS worker a global `issueCommand(ArrayBuffer) → ArrayBuffer` (synchronous, to the
// host) and calls the worker's global `handleCommand(ArrayBuffer)` for each command the host issues; the QuickJS
// host (host-sim/bench/engines.ts) injects the same global with the same contract, so both engines run this
// one module.
import { bridge, type IssueCommand } from './engine';

declare const issueCommand: IssueCommand;

(globalThis as { handleCommand?: (c: ArrayBuffer) => ArrayBuffer }).handleCommand = bridge((request) => issueCommand(request));
