// sysreply.test.ts — the reply system call through the generated dispatch,
// with the registers as the generated user stub sets them (table order:
// rdi = info, rsi = w0, rdx = w1, r10 = w2, r8 = w3; reply has no
// capability argument). The caller must get the label, length and words
// the server passed. Found by the in-OS test suite (servers/ktest): the
// handler used to read the message from ipc.ts's registers (rsi = info,
// rdx.. = words), so every reply arrived shifted by one word.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { compileKernelWasm, ROOT } from "./compile";
import { info, world, RAX, RDI, RSI, RDX, R10, R8, TS } from "./ipcworld";
import { R, T } from "./corekernel";

let binary: Promise<Uint8Array> | null = null;
const compile = () => (binary ??= compileKernelWasm("tests/kernel/assembly/fastpath.ts"));
beforeAll(async () => { await compile(); }, 120_000);

const SYS_REPLY = BigInt(readFileSync(join(ROOT, "kernel/syscalls.ts"), "utf8").match(/export const SYS_REPLY: u32 = (\d+);/)![1]);

it("reply through the generated dispatch delivers label, length and words 0..3 as the stub passes them", async () => {
  const w = await world(compile);
  const [epSlot] = w.create(T.OBJ_ENDPOINT);
  const server = w.proc(100), client = w.proc(100);
  w.grant(server, epSlot, 1, R.RIGHT_READ);
  w.grant(client, epSlot, 1, R.RIGHT_WRITE);
  w.call(client, 1, info(5, 1), [1n]);
  expect(w.state(client)).toBe(TS.BLOCKED_SEND);
  expect(w.recv(server, 1)).toBe(0);
  expect(w.state(client)).toBe(TS.BLOCKED_REPLY);
  // The server's reply(info, w0..w3): registers as syscall_entry saves them.
  w.run(server);
  const inf = info(7, 4), words = [11n, 21n, 31n, 41n];
  [RDI, RSI, RDX, R10, R8].forEach((r, i) => w.ex.tcbSetReg(server.t, r, i == 0 ? inf : words[i - 1]));
  w.ex.tcbSetReg(server.t, RAX, SYS_REPLY);
  expect(Number(w.ex.syscallDispatch(SYS_REPLY, inf, ...words, 0n))).toBe(0);
  const got = w.regs(client);
  expect(got.rax).toBe(0n);
  expect(got.info).toBe(inf);
  expect(got.words).toEqual(words);
});
