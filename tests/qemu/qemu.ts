// qemu.ts - the QEMU harness of the boot tests: boots an ISO in one boot
// configuration (firmware x media), captures the serial port, waits for a
// pattern or for QEMU to exit, and reports failures with the whole serial log.
// The QEMU command line comes from qemu/qemu-args.sh, the same one `make run`
// uses; this file only adds where the serial port goes (a pipe) and kills
// QEMU when the test is done. The ISO is never written: qemu-args.sh opens
// the CD read-only and the USB stick with snapshot=on, so parallel runs of
// the same ISO do not fight over image locks.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The build directory the tests read ISOs from: build/, or $TSOS_BUILD. */
export function buildPath(name: string): string {
  return path.resolve(REPO, process.env.TSOS_BUILD ?? 'build', name);
}

export type Firmware = 'bios' | 'uefi';
export type Media = 'cd' | 'usb';
export interface BootConfig {
  firmware: Firmware;
  media: Media;
}

/** The boot matrix of DESIGN.md section 6. */
export const BOOT_MATRIX: readonly BootConfig[] = [
  { firmware: 'bios', media: 'cd' },
  { firmware: 'bios', media: 'usb' },
  { firmware: 'uefi', media: 'cd' },
  { firmware: 'uefi', media: 'usb' },
];

/** "BIOS CD", "UEFI USB", ... */
export function configName(config: BootConfig): string {
  return `${config.firmware.toUpperCase()} ${config.media === 'cd' ? 'CD' : 'USB'}`;
}

/** UEFI firmware takes ~7 s to boot on an idle machine; leave room for load. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** QEMU's exit status for a guest write of v to isa-debug-exit: (v << 1) | 1. */
export const EXIT_SUCCESS = 33; // guest wrote 0x10
export const EXIT_FAILURE = 35; // guest wrote 0x11 (exception report, wasm trap)

export interface QemuOptions {
  /** Path of the ISO, absolute or relative to the repository. */
  iso: string;
  config?: BootConfig;
  /** -icount shift=0: the guest's rdtsc counts executed instructions. */
  icount?: boolean;
  /** More QEMU arguments, appended last. */
  extraArgs?: string[];
}

export interface BootResult {
  config: BootConfig;
  /** Serial output without carriage returns and terminal escape sequences. */
  log: string;
  /** Serial output exactly as received. */
  rawLog: string;
  /** What QEMU itself printed on stderr. */
  stderr: string;
  /** QEMU's exit status if it exited by itself, null if the harness killed it. */
  exitCode: number | null;
  /** Whether the harness had to kill QEMU (the normal end of a boot test). */
  killed: boolean;
  durationMs: number;
}

/** A failed boot: the message holds the reason and the whole serial log. */
export class BootError extends Error {
  constructor(
    reason: string,
    readonly result: BootResult,
  ) {
    super(`${reason}\n${describeRun(result)}`);
    this.name = 'BootError';
  }
}

/** Human-readable account of a run, used in every failure message. */
export function describeRun(result: BootResult): string {
  const status = result.killed ? 'killed by the harness' : `exit status ${result.exitCode}`;
  const lines = [
    `--- ${configName(result.config)}, ${status}, after ${(result.durationMs / 1000).toFixed(1)} s ---`,
    '--- serial log ---',
    result.log.length > 0 ? result.log : '(nothing on the serial port)',
    '--- end of serial log ---',
  ];
  if (result.stderr.trim().length > 0) lines.push('--- qemu stderr ---', result.stderr.trimEnd());
  return lines.join('\n');
}

/** The QEMU arguments for a configuration, from qemu/qemu-args.sh. */
export function qemuArgs(options: QemuOptions): string[] {
  const config = options.config ?? BOOT_MATRIX[0];
  const flags: string[] = [];
  if (config.firmware === 'uefi') flags.push('--uefi');
  if (config.media === 'usb') flags.push('--usb');
  if (options.icount) flags.push('--icount');
  const script = path.join(REPO, 'qemu/qemu-args.sh');
  const out = execFileSync('bash', [script, ...flags, resolveIso(options.iso)], { encoding: 'utf8' });
  return [...out.split('\n').filter((a) => a.length > 0), ...(options.extraArgs ?? [])];
}

function resolveIso(iso: string): string {
  const full = path.resolve(REPO, iso);
  if (!existsSync(full)) {
    throw new Error(`no ISO at ${full}: build it first (make iso, or make test which builds every ISO)`);
  }
  return full;
}

/** Remove carriage returns and ANSI/VT100 escape sequences (GRUB's screen control). */
export function cleanLog(raw: string): string {
  return raw
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\x1b[()][A-Za-z0-9]/g, '')
    .replace(/\r/g, '');
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * One QEMU process. Start it with `new Qemu(options)`, then `waitFor` a
 * pattern or `waitForExit`, `send` text to the serial port, and always
 * `stop()` it (bootUntil and bootUntilExit do all of that).
 */
export class Qemu {
  readonly config: BootConfig;
  private readonly child: ChildProcess;
  private readonly started = Date.now();
  private raw = '';
  private errText = '';
  private exitCode: number | null = null;
  private killed = false;
  private done = false; // QEMU has exited (or could not start)
  private readonly exited: Promise<void>;
  private listeners = new Set<() => void>();

  constructor(options: QemuOptions) {
    this.config = options.config ?? BOOT_MATRIX[0];
    const args = [...qemuArgs(options), '-serial', 'stdio', '-monitor', 'none'];
    this.child = spawn(process.env.QEMU ?? 'qemu-system-x86_64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(this.child);
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      this.raw += chunk;
      this.notify();
    });
    this.child.stderr!.on('data', (chunk: string) => {
      this.errText += chunk;
    });
    this.child.stdin!.on('error', () => {}); // QEMU gone: nothing to write to
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.errText += `could not start QEMU: ${err.message}\n`;
        running.delete(this.child);
        this.done = true;
        resolve();
        this.notify();
      });
      this.child.on('close', (code) => {
        this.exitCode = code;
        running.delete(this.child);
        this.done = true;
        resolve();
        this.notify();
      });
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Everything the serial port has said so far, cleaned (see cleanLog). */
  get log(): string {
    return cleanLog(this.raw);
  }

  result(): BootResult {
    return {
      config: this.config,
      log: this.log,
      rawLog: this.raw,
      stderr: this.errText,
      exitCode: this.killed ? null : this.exitCode,
      killed: this.killed,
      durationMs: Date.now() - this.started,
    };
  }

  /** Type on the serial port. */
  send(text: string): void {
    this.child.stdin!.write(text);
  }

  /**
   * Wait until the (cleaned) serial log matches `pattern`; returns the match.
   * Rejects with a BootError holding the whole log when QEMU exits first or
   * the timeout passes.
   */
  waitFor(pattern: RegExp | string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RegExpMatchArray> {
    const re = typeof pattern === 'string' ? new RegExp(escapeRegExp(pattern)) : pattern;
    return this.wait(timeoutMs, `${re}`, () => this.log.match(re));
  }

  /**
   * Wait until the part of the log written after offset `mark` (a length of
   * `log` taken earlier) matches `pattern`; returns that part.
   */
  waitForAfter(mark: number, pattern: RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    return this.wait(timeoutMs, `${pattern} after offset ${mark}`, () => {
      const text = this.log.slice(mark);
      return pattern.test(text) ? text : null;
    });
  }

  /**
   * Type a command line into a shell and wait for its next `prompt`; returns
   * the output between the command's echo and that prompt. The echo is the
   * first line ending with the command, so that a line another process logs
   * just before it (a server's restart, say) is not taken for it; when no
   * line does (editing keys, or log lines between the echoed characters),
   * the first line.
   */
  async command(cmd: string, prompt: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    const mark = this.log.length;
    this.send(`${cmd}\r`);
    const text = await this.waitForAfter(mark, new RegExp(`[\\s\\S]*\\n${escapeRegExp(prompt)}`), timeoutMs);
    const end = text.lastIndexOf(`\n${prompt}`) + 1;
    const echo = text.indexOf(`${cmd}\n`);
    const start = cmd !== '' && echo >= 0 && echo < end ? echo + cmd.length + 1 : text.indexOf('\n') + 1;
    return text.slice(start, end);
  }

  /** Wait for QEMU to exit by itself; returns its exit status. */
  async waitForExit(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number | null> {
    await this.wait(timeoutMs, 'QEMU to exit', () => (this.done ? true : null), true);
    return this.exitCode;
  }

  private wait<T>(timeoutMs: number, what: string, check: () => T | null, exitIsSuccess = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (error: string | null, value?: T) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        if (error === null) resolve(value as T);
        else reject(new BootError(error, this.result()));
      };
      const listener = () => {
        const value = check();
        if (value !== null && value !== undefined) finish(null, value);
        else if (this.done && !exitIsSuccess) {
          finish(`QEMU exited (status ${this.exitCode}) before ${what} appeared on the serial port`);
        }
      };
      const timer = setTimeout(() => finish(`timed out after ${timeoutMs / 1000} s waiting for ${what}`), timeoutMs);
      this.listeners.add(listener);
      listener();
    });
  }

  /** Kill QEMU if it still runs (SIGTERM, then SIGKILL) and wait until it is gone. */
  async stop(): Promise<BootResult> {
    if (!this.done) {
      this.killed = true;
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    return this.result();
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Boot, wait for `until` on the serial port, kill QEMU, return the run. */
export async function bootUntil(
  options: QemuOptions & { until: RegExp | string; timeoutMs?: number },
): Promise<BootResult> {
  const qemu = new Qemu(options);
  try {
    await qemu.waitFor(options.until, options.timeoutMs);
  } finally {
    await qemu.stop();
  }
  return qemu.result();
}

/** Boot and wait for QEMU to exit by itself (a guest that reports through isa-debug-exit). */
export async function bootUntilExit(options: QemuOptions & { timeoutMs?: number }): Promise<BootResult> {
  const qemu = new Qemu(options);
  try {
    await qemu.waitForExit(options.timeoutMs);
  } finally {
    await qemu.stop();
  }
  return qemu.result();
}

/** The first match of `pattern` in the log, or a BootError that shows the whole log. */
export function expectInLog(result: BootResult, pattern: RegExp, what: string): RegExpMatchArray {
  const match = result.log.match(pattern);
  if (!match) throw new BootError(`expected ${what} (${pattern}) in the serial log`, result);
  return match;
}

/** Fail with the whole log unless `condition` holds. */
export function check(result: BootResult, condition: boolean, message: string): void {
  if (!condition) throw new BootError(message, result);
}
