// shell.test.ts — the shell's line editor and command parsing
// (servers/shell/) compiled to Wasm: keys typed into the editor, its
// output sequences shown on the console's terminal (servers/console), and
// the line it hands over; command words, argument checks and messages.

import { beforeAll, describe, expect, it } from "vitest";
import { compileSystem, System } from "./system";

let binary: Uint8Array<ArrayBuffer>;
beforeAll(async () => { binary = await compileSystem(); }, 120_000);

const ED_NONE = 0, ED_LINE = 1, ED_CANCEL = 2;
const UP = "\x1b[A", DOWN = "\x1b[B", RIGHT = "\x1b[C", LEFT = "\x1b[D";

// An editor (line capacity `cap`) whose output goes to a 40x6 terminal.
class Session {
  raw = "";
  codes: number[] = [];
  constructor(readonly s: System) {}
  static async open(cap = 30, hist = 4): Promise<Session> {
    const s = await System.load(binary);
    s.ex.edNew(cap, hist);
    s.ex.termNew(40, 6);
    const t = new Session(s);
    s.ex.edBegin();
    t.pump();
    return t;
  }
  pump(): void {
    const n = this.s.ex.outLen();
    if (n === 0) return;
    const bytes = this.s.mem.slice(this.s.ex.outPtr(), this.s.ex.outPtr() + n);
    this.raw += new TextDecoder().decode(bytes);
    const [p] = this.s.put(bytes);
    this.s.ex.termWrite(p, n);
    this.s.ex.outClear();
  }
  type(keys: string): number[] {
    const codes: number[] = [];
    for (const ch of Array.from(keys, (c) => c.charCodeAt(0) & 0xff)) {   // one byte per character
      codes.push(this.s.ex.edFeed(ch));
      this.pump();
    }
    this.codes.push(...codes);
    return codes;
  }
  line(): string { return this.s.read(this.s.ex.edLinePtr(), this.s.ex.edLineLen()); }
  pos(): number { return this.s.ex.edPos(); }
  screen(): string[] {
    const cap = 40 * 6 * 4 + 6;
    const p = this.s.ex.alloc(cap);
    const n = this.s.ex.termDump(p, cap);
    const l = this.s.read(p, n).split("\n").slice(0, -1);
    while (l.length && l[l.length - 1] === "") l.pop();
    return l;
  }
  cursor(): [number, number] { return [this.s.ex.termCol(), this.s.ex.termRow()]; }
  newPrompt(): void { this.s.ex.edBegin(); this.pump(); }
}

describe("line editor", () => {
  it("echoes typed text and hands over the line on Enter", async () => {
    const t = await Session.open();
    expect(t.type("echo hi")).toEqual(Array(7).fill(ED_NONE));
    expect(t.screen()).toEqual(["> echo hi"]);
    expect(t.cursor()).toEqual([9, 0]);
    expect(t.type("\r")).toEqual([ED_LINE]);
    expect(t.line()).toBe("echo hi");
    expect(t.raw).toBe("> echo hi\n");
    expect(t.cursor()).toEqual([0, 1]);
  });

  it("counts CR LF as one Enter, LF alone too", async () => {
    const t = await Session.open();
    expect(t.type("a\r\n")).toEqual([ED_NONE, ED_LINE, ED_NONE]);
    t.newPrompt();
    expect(t.type("b\n")).toEqual([ED_NONE, ED_LINE]);
    expect(t.line()).toBe("b");
    t.newPrompt();
    expect(t.type("\r\r")).toEqual([ED_LINE, ED_LINE]);
  });

  it("backspace erases at the end (DEL and BS) and rings at the start", async () => {
    const t = await Session.open();
    t.type("abc\x7f\x08");
    expect(t.line()).toBe("a");
    expect(t.screen()).toEqual(["> a"]);
    expect(t.cursor()).toEqual([3, 0]);
    t.raw = "";
    t.type("\x7f\x7f");
    expect(t.line()).toBe("");
    expect(t.raw.endsWith("\x07")).toBe(true);
  });

  it("moves the cursor with left/right and inserts in the middle", async () => {
    const t = await Session.open();
    t.type("helo" + LEFT);
    expect(t.pos()).toBe(3);
    expect(t.cursor()).toEqual([5, 0]);
    t.raw = "";
    t.type("l");
    expect(t.line()).toBe("hello");
    expect(t.raw).toBe("lo\x1b[D");          // rest of the line, then back one
    expect(t.screen()).toEqual(["> hello"]);
    expect(t.cursor()).toEqual([6, 0]);
    t.type(LEFT + LEFT + LEFT + LEFT + LEFT);   // one too many: BEL
    expect(t.pos()).toBe(0);
    expect(t.raw.endsWith("\x07")).toBe(true);
    t.type(">" + RIGHT + RIGHT + RIGHT + RIGHT + RIGHT + RIGHT);
    expect(t.line()).toBe(">hello");
    expect(t.pos()).toBe(6);
    expect(t.screen()).toEqual(["> >hello"]);
    expect(t.cursor()).toEqual([8, 0]);
  });

  it("deletes in the middle: backspace, Delete, Ctrl-D; the screen follows", async () => {
    const t = await Session.open();
    t.type("abcdef" + LEFT + LEFT + "\x7f");
    expect(t.line()).toBe("abcef");
    expect(t.screen()).toEqual(["> abcef"]);
    expect(t.cursor()).toEqual([5, 0]);
    t.type("\x1b[3~");
    expect(t.line()).toBe("abcf");
    expect(t.screen()).toEqual(["> abcf"]);
    t.type("\x04");
    expect(t.line()).toBe("abc");
    expect(t.screen()).toEqual(["> abc"]);
    expect(t.cursor()).toEqual([5, 0]);
  });

  it("Home/End by escape sequences and Ctrl-A/Ctrl-E", async () => {
    const t = await Session.open();
    t.type("world\x1b[H");
    expect(t.pos()).toBe(0);
    expect(t.cursor()).toEqual([2, 0]);
    t.type("hello ");
    t.type("\x1b[F");
    expect(t.pos()).toBe(11);
    t.type("\x01!\x05!");
    expect(t.line()).toBe("!hello world!");
    t.type("\x1b[1~\x1b[4~\x1bOH\x1bOF");
    expect(t.pos()).toBe(13);
    expect(t.screen()).toEqual(["> !hello world!"]);
  });

  it("Ctrl-U, Ctrl-K and Ctrl-W cut", async () => {
    const t = await Session.open();
    t.type("kill serial now" + LEFT + LEFT + LEFT + LEFT + "\x0b");
    expect(t.line()).toBe("kill serial");
    expect(t.screen()).toEqual(["> kill serial"]);
    t.type("\x17");
    expect(t.line()).toBe("kill ");
    t.type("shell" + LEFT + LEFT + "\x15");
    expect(t.line()).toBe("ll");
    expect(t.pos()).toBe(0);
    expect(t.screen()).toEqual(["> ll"]);
    expect(t.cursor()).toEqual([2, 0]);
  });

  it("recalls history with up/down and keeps the draft", async () => {
    const t = await Session.open();
    for (const l of ["first", "second", "second", "", "third"]) { t.type(l + "\r"); t.newPrompt(); }
    t.type("dra");
    t.type(UP);
    expect(t.line()).toBe("third");
    expect(t.screen().at(-1)).toBe("> third");
    t.type(UP);
    expect(t.line()).toBe("second");     // the repeat was stored once, the empty line not at all
    t.type(UP);
    expect(t.line()).toBe("first");
    t.raw = "";
    t.type(UP);
    expect(t.raw).toBe("\x07");          // no older line
    t.type(DOWN + DOWN);
    expect(t.line()).toBe("third");
    t.type(DOWN);
    expect(t.line()).toBe("dra");
    expect(t.screen().at(-1)).toBe("> dra");
    t.raw = "";
    t.type(DOWN);
    expect(t.raw).toBe("\x07");
    // A recalled line can be edited and entered; it becomes the newest.
    t.type(UP + "\x7f\x7f" + "\r");
    expect(t.line()).toBe("thi");
    t.newPrompt();
    t.type(UP);
    expect(t.line()).toBe("thi");
    t.type(UP);
    expect(t.line()).toBe("third");
    // A shorter line replacing a longer one leaves nothing behind.
    t.type(DOWN);
    expect(t.screen().at(-1)).toBe("> thi");
    expect(t.cursor()).toEqual([5, 5]);
  });

  it("forgets the oldest line when the history is full", async () => {
    const t = await Session.open(30, 2);
    for (const l of ["a", "b", "c"]) { t.type(l + "\r"); t.newPrompt(); }
    t.type(UP + UP);
    expect(t.line()).toBe("b");
    t.raw = "";
    t.type(UP);
    expect(t.raw).toBe("\x07");
  });

  it("refuses input past the capacity with BEL", async () => {
    const t = await Session.open(5);
    t.type("abcdefg");
    expect(t.line()).toBe("abcde");
    expect(t.raw.endsWith("\x07\x07")).toBe(true);
    t.type(LEFT + LEFT + "X");
    expect(t.line()).toBe("abcde");
  });

  it("Ctrl-C drops the line, Ctrl-L redraws on a clear screen", async () => {
    const t = await Session.open();
    t.type("junk");
    expect(t.type("\x03")).toEqual([ED_CANCEL]);
    expect(t.screen()).toEqual(["> junk^C"]);
    t.newPrompt();
    expect(t.line()).toBe("");
    t.type("abc" + LEFT + "\x0c");
    expect(t.screen()).toEqual(["> abc"]);
    expect(t.cursor()).toEqual([4, 0]);
  });

  it("swallows unknown escape sequences and rings at other controls", async () => {
    const t = await Session.open();
    t.type("a\x1b[1;5P\x1b[200~b\x1bxc\x02");
    expect(t.line()).toBe("abc");
    t.raw = "";
    t.type("\x09\x80");
    expect(t.raw).toBe("\x07\x07");
    expect(t.line()).toBe("abc");
  });
});

describe("commands", () => {
  async function parse(line: string): Promise<{ cmd: number; out: string; s: System }> {
    const s = await System.load(binary);
    const [p, n] = s.put(line);
    const cmd = s.ex.cmdParse(p, n);
    return { cmd, out: s.take(), s };
  }
  const ERROR = -2, EMPTY = -1;

  it("knows every command of the shell", async () => {
    const names = ["help", "echo", "ps", "kill x", "crash x loop", "restart x", "mem", "uptime",
      "ipctrace on", "bench", "reboot", "poweroff"];
    for (let i = 0; i < names.length; i++) {
      const r = await parse(names[i]);
      expect([r.cmd, r.out]).toEqual([i, ""]);
    }
    expect((await parse("   \t ")).cmd).toBe(EMPTY);
  });

  it("splits words, with quotes", async () => {
    const r = await parse(`  echo  one "two  three" ""  four `);
    expect(r.cmd).toBe(1);
    expect(r.s.ex.cmdArgc()).toBe(4);
    const args = [0, 1, 2, 3].map((i) => { r.s.ex.cmdArg(i); return r.s.take(); });
    expect(args).toEqual(["one", "two  three", "", "four"]);
    expect((await parse(`echo "open`)).out).toBe(`missing closing quote (")\n`);
    expect((await parse("echo " + "w ".repeat(16))).out).toBe("too many words (at most 16)\n");
  });

  it("says clearly what is wrong", async () => {
    expect(await parse("frobnicate now")).toMatchObject({ cmd: ERROR, out: "'frobnicate': unknown command (type 'help' for the list)\n" });
    expect((await parse("ps aux")).out).toBe("ps: too many arguments\nusage: ps\n");
    expect((await parse("kill")).out).toBe("kill: missing argument\nusage: kill <server>\n");
    expect((await parse("crash serial")).out).toBe("crash: missing argument\nusage: crash <server> pointer|divzero|loop|invalid|stack|exit\n");
    expect((await parse("crash serial segv")).out).toBe(
      "crash: unknown fault kind 'segv' (expected pointer, divzero, loop, invalid, stack or exit)\nusage: crash <server> pointer|divzero|loop|invalid|stack|exit\n");
    expect((await parse("ipctrace maybe")).out).toBe("ipctrace: expected 'on' or 'off', not 'maybe'\nusage: ipctrace on|off\n");
    expect((await parse("help me")).out).toBe("help: no command 'me' (type 'help' for the list)\n");
    expect((await parse("PS")).cmd).toBe(ERROR);
  });

  it("decodes crash kinds and on/off", async () => {
    for (const [k, v] of [["pointer", 0], ["divzero", 1], ["loop", 2], ["invalid", 3], ["stack", 4], ["exit", 5]] as const) {
      const r = await parse(`crash serial ${k}`);
      expect(r.cmd).toBe(4);
      expect(r.s.ex.cmdCrashKind()).toBe(v);
    }
    expect((await parse("ipctrace on")).s.ex.cmdOn()).toBe(1);
    expect((await parse("ipctrace off")).s.ex.cmdOn()).toBe(0);
  });

  it("prints help with every command, its usage and summary", async () => {
    const s = await System.load(binary);
    s.ex.cmdHelp();
    const lines = s.take().split("\n");
    expect(lines[0]).toBe("commands:");
    expect(lines.at(-1)).toBe("");
    expect(lines.length).toBeGreaterThanOrEqual(14);            // the 12 of issue 5 (others may add theirs)
    for (const l of lines.slice(1, -1)) expect(l).toMatch(/^ {2}[a-z]+( \S.*?)? +\S/);
    expect(lines[5]).toMatch(/^ {2}crash <server> pointer\|divzero\|loop\|invalid\|stack\|exit +make a server fault during its next request$/);
    expect(lines[12]).toMatch(/^ {2}poweroff +switch the machine off$/);
  });
});
