// The `warden` command line. Each command lives in its own module; this file wires them and turns every
// failure into one line on stderr and a non-zero exit status.
import { Command, CommanderError } from 'commander';
import { REASONS } from '../../../protocol/src/reasons';
import { registerBuild } from './build';
import { registerDecode } from './decode';
import { registerFlash } from './flash';
import { registerLabel } from './label';
import { registerMsl } from './msl';
import { registerSim } from './sim';
import { registerStation } from './station';
import { registerTrace } from './trace';
import { registerBom } from './bom';
import { registerGateway } from './gateway';
import { CliError } from './errors';
import { endQuietlyOnClosedOutput } from './closed-output';

export function buildProgram(write: (s: string) => void = (s) => process.stdout.write(s)): Command {
  const program = new Command();
  program
    .name('warden')
    .description('SMT Warden: line-side guard for SMT assembly (reel verification, MSL floor life, program interlocks)')
    .version(require('../../../package.json').version as string)
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: write });
  registerBuild(program, write);
  registerDecode(program, write);
  registerFlash(program, write);
  registerLabel(program, write);
  registerMsl(program, write);
  registerStation(program, write);
  registerTrace(program, write);
  registerBom(program, write);
  registerGateway(program, write);
  registerSim(program, write);
  return program;
}

export function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedOutput();
  // Async, for the commands that are (`warden sim`); the others run to the end inside parseAsync all the same.
  return buildProgram().parseAsync(argv).then(() => undefined, failed);
}

/** Every failure as one line on stderr and a non-zero exit status. */
function failed(e: unknown): void {
  if (e instanceof CommanderError) {
    // Commander has already printed its one-line message (or the help / version text).
    process.exitCode = e.exitCode === 0 ? 0 : 2;
    return;
  }
  const reason = e instanceof CliError ? e.reason : 'INTERNAL_ERROR';
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`warden: ${reason} (${REASONS[reason].code}): ${message.split('\n')[0]}\n`);
  process.exitCode = e instanceof CliError ? e.exitCode : 70;
}

if (require.main === module) main(process.argv);
