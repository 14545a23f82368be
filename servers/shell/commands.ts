// commands.ts — the shell's command table and argument checking: what
// each command is called, its usage and one-line summary, how many words
// it takes, and which words must be one of a fixed set (crash kinds,
// on|off). parse() turns a split line into a command number and checked
// arguments, or writes a clear message ("unknown command", "missing
// argument", "too many arguments", "expected ... not ...", with the usage)
// into an OutBuf. What the commands do is servers/shell/main.ts's job;
// whether a named server exists is checked there, against init's list.

import { OutBuf } from "../lib/outbuf";
import { bytesEq } from "../lib/text";
import { MAX_WORDS, TOK_OK, TOK_TOO_MANY, Words } from "./tokenize";
import { CRASH_KINDS, CRASH_NAMES, CRASH_USAGE } from "../lib/crashkinds";   // the word after the server name

export const CMD_ERROR = -2;     // the message is in the OutBuf
export const CMD_EMPTY = -1;     // a blank line
export const CMD_HELP = 0;
export const CMD_ECHO = 1;
export const CMD_PS = 2;
export const CMD_KILL = 3;
export const CMD_CRASH = 4;
export const CMD_RESTART = 5;
export const CMD_MEM = 6;
export const CMD_UPTIME = 7;
export const CMD_IPCTRACE = 8;
export const CMD_BENCH = 9;
export const CMD_REBOOT = 10;
export const CMD_POWEROFF = 11;
export const CMD_COUNT = 24;     // 12..23: storage commands (servers/shell/storage.ts)


export class Command {
  constructor(
    public name: string,
    public usage: string,        // after the name
    public summary: string,
    public minArgs: i32,
    public maxArgs: i32,
  ) {}
}

export const COMMANDS: Command[] = [
  new Command("help", "[command]", "list the commands, or explain one", 0, 1),
  new Command("echo", "[text ...]", "print the words", 0, MAX_WORDS - 1),
  new Command("ps", "", "processes: state, priority, restarts", 0, 0),
  new Command("kill", "<server>", "stop a server (init restarts it as its policy says)", 1, 1),
  new Command("crash", "<server> " + CRASH_USAGE, "make a server fault during its next request", 2, 2),
  new Command("restart", "<server>", "stop a server and start a fresh instance now", 1, 1),
  new Command("mem", "", "free and used physical frames", 0, 0),
  new Command("uptime", "", "time since boot", 0, 0),
  new Command("ipctrace", "on|off", "log every IPC message: sender, receiver, badge, label, length", 1, 1),
  new Command("bench", "", "run the benchmarks and print their table", 0, 0),
  new Command("reboot", "", "restart the machine", 0, 0),
  new Command("poweroff", "", "switch the machine off", 0, 0),
  // storage (servers/shell/storage.ts, CMD_LS.. there; issue 6)
  new Command("ls", "[dir]", "list a directory of the disk", 0, 1),
  new Command("cat", "<file>", "print a file", 1, 1),
  new Command("write", "<file> <text ...>", "write the text (and a newline) into a file", 2, MAX_WORDS - 1),
  new Command("cp", "<from> <to>", "copy a file", 2, 2),
  new Command("mv", "<from> <to>", "rename or move a file or directory", 2, 2),
  new Command("rm", "<file>", "delete a file", 1, 1),
  new Command("mkdir", "<dir>", "make a directory", 1, 1),
  new Command("rmdir", "<dir>", "remove an empty directory", 1, 1),
  new Command("df", "", "free space on the disk's volume", 0, 0),
  new Command("sync", "", "write every change to the disk", 0, 0),
  new Command("lspci", "", "PCI devices: address, vendor:device, class, IRQ", 0, 0),
  new Command("disks", "", "block devices and their volumes", 0, 0),
];

// A checked command line: the command, its words (word 0 is the command)
// and the decoded fixed-set arguments.
export class Parsed {
  cmd: i32 = CMD_EMPTY;
  words: Words = new Words();
  crashKind: i32 = 0;
  on: bool = false;
  @inline argPtr(i: i32): usize { return this.words.ptr(i + 1); }
  @inline argLen(i: i32): i32 { return this.words.len(i + 1); }
  @inline get argc(): i32 { return this.words.count - 1; }
}

// The command named by n bytes at p, or -1.
export function findCommand(p: usize, n: i32): i32 {
  for (let i = 0; i < COMMANDS.length; i++) if (bytesEq(p, n, COMMANDS[i].name)) return i;
  return -1;
}

export function writeUsage(out: OutBuf, c: i32): void {
  const cmd = COMMANDS[c];
  out.str("usage: ");
  out.str(cmd.name);
  if (cmd.usage.length > 0) { out.byte(0x20); out.str(cmd.usage); }
  out.byte(0x0A);
}

// `help`: every command with its usage and summary.
export function writeHelp(out: OutBuf): void {
  out.str("commands:\n");
  for (let i = 0; i < COMMANDS.length; i++) {
    const c = COMMANDS[i];
    out.str("  ");
    out.str(c.name);
    let w = c.name.length;
    if (c.usage.length > 0) { out.byte(0x20); out.str(c.usage); w += 1 + c.usage.length; }
    for (; w < 36; w++) out.byte(0x20);
    out.str(" ");
    out.str(c.summary);
    out.byte(0x0A);
  }
}

function quoted(out: OutBuf, p: usize, n: i32): void {
  out.byte(0x27); out.bytes(p, n); out.byte(0x27);
}

// Split and check n bytes at p into `r`; returns r.cmd (CMD_ERROR: the
// message is in `out`).
export function parse(p: usize, n: i32, r: Parsed, out: OutBuf): i32 {
  const w = r.words;
  const t = w.split(p, n);
  if (t != TOK_OK) {
    out.str(t == TOK_TOO_MANY ? "too many words (at most 16)\n" : "missing closing quote (\")\n");
    return r.cmd = CMD_ERROR;
  }
  if (w.count == 0) return r.cmd = CMD_EMPTY;
  const c = findCommand(w.ptr(0), w.len(0));
  if (c < 0) {
    quoted(out, w.ptr(0), w.len(0));
    out.str(": unknown command (type 'help' for the list)\n");
    return r.cmd = CMD_ERROR;
  }
  const cmd = COMMANDS[c];
  const argc = w.count - 1;
  if (argc < cmd.minArgs || argc > cmd.maxArgs) {
    out.str(cmd.name);
    out.str(argc < cmd.minArgs ? ": missing argument\n" : ": too many arguments\n");
    writeUsage(out, c);
    return r.cmd = CMD_ERROR;
  }
  if (c == CMD_HELP && argc == 1 && findCommand(w.ptr(1), w.len(1)) < 0) {
    out.str("help: no command ");
    quoted(out, w.ptr(1), w.len(1));
    out.str(" (type 'help' for the list)\n");
    return r.cmd = CMD_ERROR;
  }
  if (c == CMD_CRASH) {
    const k = w.ptr(2), kl = w.len(2);
    r.crashKind = -1;
    for (let i = 0; i < CRASH_NAMES.length; i++) if (bytesEq(k, kl, CRASH_NAMES[i])) r.crashKind = i;
    if (r.crashKind < 0) {
      out.str("crash: unknown fault kind ");
      quoted(out, k, kl);
      out.str(" (expected ");
      out.str(CRASH_KINDS);
      out.str(")\n");
      writeUsage(out, c);
      return r.cmd = CMD_ERROR;
    }
  }
  if (c == CMD_IPCTRACE) {
    const a = w.ptr(1), al = w.len(1);
    if (bytesEq(a, al, "on")) r.on = true;
    else if (bytesEq(a, al, "off")) r.on = false;
    else {
      out.str("ipctrace: expected 'on' or 'off', not ");
      quoted(out, a, al);
      out.byte(0x0A);
      writeUsage(out, c);
      return r.cmd = CMD_ERROR;
    }
  }
  return r.cmd = c;
}
