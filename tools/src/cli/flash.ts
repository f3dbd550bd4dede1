// `warden flash --target moddable [--port P]`: builds the Moddable project (as `warden build`) and hands it to the
// Moddable SDK's mcconfig, which compiles it for ESP32 and flashes it over the serial port. Without the SDK it
// stops before doing anything and says what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Command } from 'commander';
import { buildCommand, defaultOut, runAsync, targetOf, type BuildArgs } from './build';
import { CliError } from './errors';

export interface FlashArgs extends BuildArgs {
  port?: string;
  ssid?: string;
  password?: string;
  debug?: boolean;
}

/** What to do when the SDK is not there. */
export const INSTALL_MODDABLE = [
  'the Moddable SDK is not installed: set MODDABLE to its checkout and put its tools on the PATH.',
  'Install: git clone https://github.com/Moddable-OpenSource/moddable "$HOME/moddable"; export MODDABLE="$HOME/moddable";',
  'build the tools (cd "$MODDABLE/build/makefiles/lin" && make); export PATH="$MODDABLE/build/bin/lin/release:$PATH";',
  'install ESP-IDF as $MODDABLE/documentation/devices/esp32.md says and source its export.sh; then run warden flash again',
].join(' ');

/** mcconfig, from $MODDABLE's build output or the PATH. */
export function findMcconfig(env: NodeJS.ProcessEnv): string | undefined {
  const host = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : 'lin';
  const candidates = [
    ...(env['MODDABLE'] === undefined ? [] : [join(env['MODDABLE'], 'build', 'bin', host, 'release', 'mcconfig')]),
    ...(env['PATH'] ?? '').split(delimiter).filter((d) => d !== '').map((d) => join(d, 'mcconfig')),
  ];
  return candidates.find((c) => existsSync(c));
}

/** The mcconfig command line for the built project (release unless --debug; Wi-Fi credentials as config). */
export function mcconfigArgs(a: FlashArgs): string[] {
  return [...(a.debug === true ? ['-d'] : []), '-m', '-p', 'esp32', 'manifest.json', ...(a.ssid === undefined ? [] : [`ssid=${a.ssid}`]), ...(a.password === undefined ? [] : [`password=${a.password}`])];
}

export async function flashCommand(a: FlashArgs, write: (s: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const target = targetOf(a.target);
  if (target !== 'moddable') throw new CliError('BAD_ARGUMENT', `--target ${target}: only a moddable build goes onto a controller (qjs and xs run in engines: warden build)`);
  if (env['MODDABLE'] === undefined || env['MODDABLE'] === '') throw new CliError('TOOLCHAIN_MISSING', INSTALL_MODDABLE);
  const mcconfig = findMcconfig(env);
  if (mcconfig === undefined) throw new CliError('TOOLCHAIN_MISSING', `MODDABLE is ${env['MODDABLE']} but mcconfig is not built there nor on the PATH: cd "$MODDABLE/build/makefiles/lin" && make`);
  const out = a.out ?? defaultOut(target);
  await buildCommand({ ...a, out, json: false }, write);
  const args = mcconfigArgs(a);
  write(`warden flash: ${mcconfig} ${args.map((x) => (x.startsWith('password=') ? 'password=…' : x)).join(' ')}${a.port === undefined ? '' : ` (UPLOAD_PORT=${a.port})`}\n`);
  const r = spawnSync(mcconfig, args, { cwd: out, stdio: 'inherit', env: { ...env, ...(a.port === undefined ? {} : { UPLOAD_PORT: a.port }) } });
  if (r.error !== undefined) throw new CliError('TOOLCHAIN_FAILED', `mcconfig did not start: ${r.error.message}`);
  if (r.status !== 0) throw new CliError('TOOLCHAIN_FAILED', `mcconfig exited with status ${r.status ?? r.signal}: see its output above (ESP-IDF sourced? the board on ${a.port ?? 'the default port'}?)`, 1);
}

export function registerFlash(program: Command, write: (s: string) => void): void {
  program
    .command('flash')
    .description('build the Moddable project and flash it onto an ESP32 with the Moddable SDK (mcconfig)')
    .requiredOption('--target <target>', 'moddable')
    .option('--port <port>', 'serial port of the board (UPLOAD_PORT), e.g. /dev/ttyUSB0')
    .option('--out <dir>', 'project directory (default dist/moddable)')
    .option('--config <file>', 'the station configuration stored at its first boot')
    .option('--secret-file <file>', 'the secret (raw bytes, 16 or more) stored at its first boot')
    .option('--wiring <file>', 'pin assignments that differ from the documented default')
    .option('--ssid <ssid>', 'Wi-Fi network the station joins at boot')
    .option('--password <password>', 'its password')
    .option('--debug', 'a debug build that connects to xsbug')
    .action((opts: FlashArgs) => runAsync(() => flashCommand(opts, write)));
}
