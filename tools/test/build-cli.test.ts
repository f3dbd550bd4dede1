// `warden build` and `warden flash` as people and scripts call them, through the bin, in a child process.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function warden(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An environment without the Moddable SDK (whatever the machine running the tests has). */
function noSdk(): NodeJS.ProcessEnv {
  const { MODDABLE: _, ...rest } = process.env;
  return { ...rest, PATH: '/usr/bin:/bin' };
}

jest.setTimeout(60_000);

describe('warden build', () => {
  it('writes the xs bundle and its source map, and reports sizes by module group as JSON when piped', () => {
    const out = mkdtempSync(join(tmpdir(), 'warden-build-'));
    const r = warden(['build', '--target', 'xs', '--out', out]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { target: string; files: { file: string; bytes: number }[]; groups: { group: string }[]; budget: unknown; bytes: number };
    expect(doc.target).toBe('xs');
    expect(doc.budget).toBeNull();
    expect(doc.files.map((f) => f.file)).toEqual(['warden-xs.js']);
    expect(readFileSync(join(out, 'warden-xs.js')).length).toBe(doc.files[0]!.bytes);
    expect(JSON.parse(readFileSync(join(out, 'warden-xs.js.map'), 'utf8')).sources.length).toBeGreaterThan(50);
    expect(doc.groups.map((g) => g.group)).toContain('core');
  });

  it('makes the Moddable project with the first-boot configuration and secret, and says when it is over budget', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-build-'));
    writeFileSync(join(dir, 'station.json'), JSON.stringify({ stationId: 12, journal: { kib: 1024 } }));
    writeFileSync(join(dir, 'key.bin'), Buffer.alloc(32, 0x5a));
    const out = join(dir, 'project');
    const r = warden(['build', '--target', 'moddable', '--out', out, '--config', join(dir, 'station.json'), '--secret-file', join(dir, 'key.bin'), '--json']);
    expect(r.status).toBe(0);
    for (const f of ['warden.js', 'main.js', 'manifest.json', 'partitions.csv']) expect(existsSync(join(out, f))).toBe(true);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { config: Record<string, string> };
    expect(JSON.parse(m.config['wardenStation']!)).toEqual({ stationId: 12, journal: { kib: 1024 } });
    expect(m.config['wardenSecret']).toBe('5a'.repeat(32));
    const doc = JSON.parse(r.stdout) as { bytes: number; budget: { limit: number; ok: boolean } };
    expect(doc.budget).toEqual({ limit: 131072, ok: doc.bytes <= 131072 });
    // --check turns an over-budget build into a failure a CI job can stop on.
    const checked = warden(['build', '--target', 'moddable', '--out', out, '--check', '--json']);
    expect(checked.status).toBe(doc.budget.ok ? 0 : 1);
    if (!doc.budget.ok) expect(checked.stderr).toMatch(/^warden: BUDGET_EXCEEDED \(682\): moddable bundle is [\d.]+ KiB, over its 128\.0 KiB budget by/);
  });

  it('refuses what it cannot build, saying what to do', () => {
    expect(warden(['build', '--target', 'esp8266'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/BAD_ARGUMENT \(700\): --target esp8266: one of moddable, qjs, xs/) });
    const dir = mkdtempSync(join(tmpdir(), 'warden-build-'));
    writeFileSync(join(dir, 'short.bin'), Buffer.alloc(8));
    expect(warden(['build', '--target', 'moddable', '--out', join(dir, 'p'), '--secret-file', join(dir, 'short.bin')])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/CONFIG_INVALID \(609\): the secret in .* is 8 bytes; a station needs at least 16/),
    });
    expect(warden(['build', '--target', 'moddable', '--out', join(dir, 'p'), '--config', join(dir, 'missing.json')])).toMatchObject({ status: 2, stderr: expect.stringMatching(/IO_ERROR/) });
  });
});

describe('warden flash', () => {
  it('without the Moddable SDK, stops before building and says what to install and how', () => {
    const r = warden(['flash', '--target', 'moddable', '--port', '/dev/ttyUSB0'], noSdk());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^warden: TOOLCHAIN_MISSING \(683\): the Moddable SDK is not installed: set MODDABLE/);
    expect(r.stderr).toContain('git clone https://github.com/Moddable-OpenSource/moddable');
    expect(r.stderr).toContain('ESP-IDF');
  });

  it('builds the project and runs mcconfig in it for esp32, with the port as UPLOAD_PORT', () => {
    const sdk = mkdtempSync(join(tmpdir(), 'moddable-'));
    const bin = join(sdk, 'build', 'bin', 'lin', 'release');
    mkdirSync(bin, { recursive: true });
    const log = join(sdk, 'calls.txt');
    // A stand-in mcconfig that records how it was called.
    writeFileSync(join(bin, 'mcconfig'), `#!/bin/sh\necho "$PWD|$UPLOAD_PORT|$*" >> "${log}"\nexit \${FAKE_STATUS:-0}\n`);
    chmodSync(join(bin, 'mcconfig'), 0o755);
    const out = join(sdk, 'project');
    const ok = warden(['flash', '--target', 'moddable', '--out', out, '--port', '/dev/ttyUSB3', '--ssid', 'line-1', '--password', 'hunter2'], { ...noSdk(), MODDABLE: sdk });
    expect(ok.status).toBe(0);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    expect(readFileSync(log, 'utf8').trim()).toBe(`${out}|/dev/ttyUSB3|-m -p esp32 manifest.json ssid=line-1 password=hunter2`);
    // The password is not echoed.
    expect(ok.stdout).not.toContain('hunter2');
    const failed = warden(['flash', '--target', 'moddable', '--out', out], { ...noSdk(), MODDABLE: sdk, FAKE_STATUS: '3' });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/TOOLCHAIN_FAILED \(684\): mcconfig exited with status 3/);
  });

  it('flashes only the moddable target', () => {
    expect(warden(['flash', '--target', 'qjs'], { ...noSdk(), MODDABLE: '/nonexistent' })).toMatchObject({ status: 2, stderr: expect.stringMatching(/BAD_ARGUMENT \(700\): --target qjs: only a moddable build goes onto a controller/) });
    expect(warden(['flash', '--target', 'moddable'], { ...noSdk(), MODDABLE: '/nonexistent' })).toMatchObject({ status: 2, stderr: expect.stringMatching(/TOOLCHAIN_MISSING.*mcconfig is not built there/) });
  });
});
