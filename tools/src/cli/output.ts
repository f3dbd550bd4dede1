// How commands talk to people and to programs: a readable table or summary on a terminal, JSON with --json or
// when stdout is piped (so `warden … | jq` works without remembering the flag).
export function wantJson(opts: { json?: boolean }): boolean {
  return opts.json === true || process.stdout.isTTY !== true;
}

/** A plain text table: a header row, then rows, columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
