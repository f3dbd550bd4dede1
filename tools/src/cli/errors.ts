// CLI failures carry a reason from the system-wide table; main prints them as one line and exits non-zero.
import type { ReasonName } from '../../../protocol/src/reasons';

export class CliError extends Error {
  constructor(
    readonly reason: ReasonName,
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
