// ipc.test.ts — kernel/ipc.ts and fault.ts: messages (info word, register
// words, IPC-buffer words, badges, capability transfer), send / recv /
// call / reply / reply_recv and their non-blocking forms, reply
// capabilities, partners that die or stop, deleted endpoints, rights,
// scheduling (fast-path hand-off, priorities), and fault messages. Each
// operation runs as a system call of the running thread (exec.ts).

import { beforeAll, describe, expect, it } from "vitest";
import { compileIpc, info, world, IPC_BUF, LABEL_FAULT, NONE, TRUNCATED, TS } from "./ipcworld";
import { E, R, T } from "./corekernel";

beforeAll(async () => { await compileIpc(); }, 120_000);

const EP = 1; // the endpoint's slot in every test process

// A server and a client sharing an endpoint; the client's capability is
// badged 0xc1 (rights as given).
async function pair(clientRights = R.RIGHT_WRITE | R.RIGHT_GRANT, serverRights = R.RIGHT_READ | R.RIGHT_GRANT) {
  const w = await world();
  const [epSlot, ep] = w.create(T.OBJ_ENDPOINT);
  const server = w.proc(100), client = w.proc(100);
  w.grant(server, epSlot, EP, serverRights);
  w.grant(client, epSlot, EP, clientRights, 0xc1n);
  return { ...w, epSlot, ep, server, client };
}

describe("call and reply", () => {
  it("a call to a waiting server hands off to it; reply_recv hands back", async () => {
    const { ex, server, client, recv, call, replyRecv, regs, state } = await pair();
    expect(recv(server, EP)).toBe(0);
    expect(state(server)).toBe(TS.BLOCKED_RECV);
    expect(ex.execCur()).toBe(-1); // nothing else to run: idle
    expect(call(client, EP, info(7, 4), [10n, 20n, 30n, 40n])).toBe(0);
    expect(ex.execCur()).toBe(server.t); // direct switch
    expect(state(client)).toBe(TS.BLOCKED_REPLY);
    expect(regs(server)).toEqual({ rax: 0n, badge: 0xc1n, info: info(7, 4), words: [10n, 20n, 30n, 40n] });
    expect(ex.ipcCallerOf(server.t)).toBe(client.t + 1);
    expect(replyRecv(server, EP, info(8, 2), [11n, 21n])).toBe(0);
    expect(ex.execCur()).toBe(client.t);
    expect(state(server)).toBe(TS.BLOCKED_RECV);
    expect(regs(client)).toEqual({ rax: 0n, badge: 0n, info: info(8, 2), words: [11n, 21n, 0n, 0n] });
    expect(ex.ipcCallerOf(server.t)).toBe(0);
  });

  it("a caller that finds no server queues; the server takes the call and replies", async () => {
    const { ex, server, client, recv, call, reply, regs, state } = await pair();
    expect(call(client, EP, info(1, 1), [5n])).toBe(0);
    expect(state(client)).toBe(TS.BLOCKED_SEND);
    expect(ex.execCur()).toBe(-1);
    expect(recv(server, EP)).toBe(0);
    expect(ex.execCur()).toBe(server.t); // it goes on
    expect(regs(server).words[0]).toBe(5n);
    expect(regs(server).badge).toBe(0xc1n);
    expect(state(client)).toBe(TS.BLOCKED_REPLY);
    expect(reply(server, info(2, 1), [6n])).toBe(0);
    expect(regs(server).rax).toBe(0n);
    expect(ex.execCur()).toBe(server.t); // same priority: the client waits its turn
    expect(state(client)).toBe(TS.RUNNABLE);
    expect(ex.schedPick()).toBe(client.t);
    expect(regs(client)).toEqual({ rax: 0n, badge: 0n, info: info(2, 1), words: [6n, 0n, 0n, 0n] });
  });

  it("senders are served in FIFO order, each with its own badge", async () => {
    const w = await world();
    const [epSlot] = w.create(T.OBJ_ENDPOINT);
    const server = w.proc();
    w.grant(server, epSlot, EP);
    const clients = [1, 2, 3].map((i) => { const c = w.proc(); w.grant(c, epSlot, EP, R.RIGHT_WRITE, BigInt(i)); return c; });
    for (const [i, c] of clients.entries()) expect(w.send(c, EP, info(0, 1), [BigInt(100 + i)])).toBe(0);
    for (const [i, c] of clients.entries()) {
      expect(w.recv(server, EP)).toBe(0);
      expect(w.regs(server).badge).toBe(BigInt(i + 1));
      expect(w.regs(server).words[0]).toBe(BigInt(100 + i));
      expect(w.state(c)).toBe(TS.RUNNABLE); // a plain send: the sender goes on
      expect(w.regs(c).rax).toBe(0n);
    }
  });

  it("reply with nobody to answer fails; reply_recv then just receives", async () => {
    const { ex, server, client, reply, replyRecv, state, call, regs } = await pair();
    expect(reply(server, info(0, 0))).toBe(-E.NO_CALLER);
    expect(replyRecv(server, EP, info(0, 0))).toBe(0);
    expect(state(server)).toBe(TS.BLOCKED_RECV);
    expect(call(client, EP, info(3, 0))).toBe(0);
    expect(regs(server).info).toBe(info(3, 0));
    expect(ex.execCur()).toBe(server.t);
  });

  it("receiving again without answering drops the held call (CANCELLED)", async () => {
    const { server, client, recv, call, state, regs } = await pair();
    recv(server, EP);
    call(client, EP, info(1, 0));
    expect(recv(server, EP)).toBe(0);
    expect(state(client)).toBe(TS.RUNNABLE);
    expect(regs(client).rax).toBe(BigInt(-E.CANCELLED));
  });
});

describe("scheduling", () => {
  it("a higher-priority receiver preempts the sender; a lower one waits", async () => {
    const w = await world();
    const [epSlot] = w.create(T.OBJ_ENDPOINT);
    const hi = w.proc(200), lo = w.proc(50), mid = w.proc(100);
    for (const p of [hi, lo, mid]) w.grant(p, epSlot, EP);
    w.recv(hi, EP);
    expect(w.send(mid, EP, info(0, 0))).toBe(0);
    expect(w.ex.execCur()).toBe(hi.t);          // woken and outranks: runs now
    expect(w.state(mid)).toBe(TS.RUNNABLE);     // the sender waits at the head of its queue
    expect(w.ex.schedPick()).toBe(mid.t);
    w.recv(lo, EP);
    expect(w.send(mid, EP, info(0, 0))).toBe(0);
    expect(w.ex.execCur()).toBe(mid.t);         // lo is woken but does not preempt
    expect(w.state(lo)).toBe(TS.RUNNABLE);
  });

  it("a call hands off to the server unless a runnable thread outranks it", async () => {
    const w = await world();
    const [epSlot] = w.create(T.OBJ_ENDPOINT);
    const srv = w.proc(100), cli = w.proc(100), other = w.proc(150);
    w.grant(srv, epSlot, EP); w.grant(cli, epSlot, EP);
    w.recv(srv, EP);
    w.ex.schedEnqueue(other.t);
    expect(w.call(cli, EP, info(0, 0))).toBe(0);
    expect(w.ex.execCur()).toBe(other.t);
    expect(w.state(srv)).toBe(TS.RUNNABLE);
    expect(w.state(cli)).toBe(TS.BLOCKED_REPLY);
  });
});

describe("non-blocking forms", () => {
  it("nb_send and nb_recv fail with WOULD_BLOCK and change nothing", async () => {
    const { ex, server, client, send, recv, state, regs, ep } = await pair();
    expect(send(client, EP, info(0, 0), [], false)).toBe(-E.WOULD_BLOCK);
    expect(ex.execCur()).toBe(client.t);
    expect(state(client)).toBe(TS.RUNNABLE);
    expect(ex.epCount(ep)).toBe(0);
    expect(recv(server, EP, false)).toBe(-E.WOULD_BLOCK);
    expect(ex.execCur()).toBe(server.t);
    // With a partner waiting they work like the blocking forms.
    recv(server, EP);
    expect(send(client, EP, info(9, 1), [1n], false)).toBe(0);
    expect(regs(server).words[0]).toBe(1n);
    send(client, EP, info(4, 0));
    expect(recv(server, EP, false)).toBe(0);
    expect(regs(server).info).toBe(info(4, 0));
  });
});

describe("messages", () => {
  it("words 4..63 travel through the IPC buffers; words past the length read 0", async () => {
    const { server, client, recv, send, regs, setBufWord, bufWord } = await pair();
    for (let i = 4; i < 64; i++) setBufWord(client, i, BigInt(i) * 0x1111n);
    setBufWord(server, 63, 0xdeadn);
    recv(server, EP);
    expect(send(client, EP, info(5, 63), [1n, 2n, 3n, 4n])).toBe(0);
    expect(regs(server).info).toBe(info(5, 63));
    for (let i = 4; i < 63; i++) expect(bufWord(server, i)).toBe(BigInt(i) * 0x1111n);
    expect(bufWord(server, 63)).toBe(0xdeadn); // beyond the length: untouched
    recv(server, EP);
    send(client, EP, info(5, 2), [7n, 8n, 9n, 10n]);
    expect(regs(server).words).toEqual([7n, 8n, 0n, 0n]);
  });

  it("buffers that cross a page boundary, at different offsets on each side", async () => {
    const w = await world();
    const [epSlot] = w.create(T.OBJ_ENDPOINT);
    const a = w.proc(100, { bufOffset: 0xe00n }), b = w.proc(100, { bufOffset: 0xc00n });
    w.grant(a, epSlot, EP, R.RIGHT_WRITE | R.RIGHT_GRANT); w.grant(b, epSlot, EP, R.RIGHT_READ);
    for (let i = 4; i < 64; i++) w.setBufWord(a, i, 0xa000n + BigInt(i));
    w.recv(b, EP);
    expect(w.send(a, EP, info(1, 64))).toBe(0);
    for (let i = 4; i < 64; i++) expect(w.bufWord(b, i)).toBe(0xa000n + BigInt(i));
    // a's header (512..) is in its second page: a capability goes too.
    const [nSlot] = w.create(T.OBJ_NOTIFICATION);
    w.grant(a, nSlot, 5);
    w.setBufWord(a, 64, 5n);
    w.setBufWord(b, 65, 6n);
    w.recv(b, EP);
    expect(w.send(a, EP, info(2, 0, 1))).toBe(0);
    expect(w.regs(b).info).toBe(info(2, 0, 1));
    expect(w.ex.slotType(w.slotOf(b, 6))).toBe(T.OBJ_NOTIFICATION);
  });

  it("a sender whose buffer goes away while it waits: the receiver gets 4 words, truncated", async () => {
    const w = await world();
    const [epSlot] = w.create(T.OBJ_ENDPOINT);
    const a = w.proc(), b = w.proc();
    w.grant(a, epSlot, EP); w.grant(b, epSlot, EP);
    expect(w.send(a, EP, info(3, 8), [1n, 2n, 3n, 4n])).toBe(0); // queued
    // Unmap a's buffer page: its memory capability is the root CNode's slot before a's thread.
    const memSlot = a.tslot + 1;
    expect(w.ex.memUnmap(w.root, memSlot)).toBe(E.OK);
    expect(w.recv(b, EP)).toBe(0);
    expect(w.regs(b)).toMatchObject({ rax: 0n, info: info(3, 4) | TRUNCATED, words: [1n, 2n, 3n, 4n] });
    expect(w.state(a)).toBe(TS.RUNNABLE);
  });

  it("refuses a bad info word or a missing buffer before anything happens", async () => {
    const w = await world();
    const [epSlot, ep] = w.create(T.OBJ_ENDPOINT);
    const nobuf = w.proc(100, { bufRights: null });
    w.grant(nobuf, epSlot, EP);
    expect(w.send(nobuf, EP, info(0, 65))).toBe(-E.MSG_TOO_LONG);
    expect(w.send(nobuf, EP, info(0, 0, 2))).toBe(-E.INVALID_ARGUMENT);
    expect(w.send(nobuf, EP, info(0, 5))).toBe(-E.IPC_BUFFER);
    expect(w.call(nobuf, EP, info(0, 64))).toBe(-E.IPC_BUFFER);
    expect(w.ex.epCount(ep)).toBe(0);
    expect(w.ex.execCur()).toBe(nobuf.t);
    expect(w.send(nobuf, EP, info(0, 4), [1n, 2n, 3n, 4n], false)).toBe(-E.WOULD_BLOCK); // 4 words need no buffer
  });

  it("a receiver whose buffer cannot take the words gets them truncated to 4", async () => {
    const w = await world();
    const [epSlot] = w.create(T.OBJ_ENDPOINT);
    const ro = w.proc(100, { bufRights: 0 }), none = w.proc(100, { bufRights: null }), client = w.proc();
    for (const p of [ro, none, client]) w.grant(p, epSlot, EP);
    for (const r of [ro, none]) {
      w.recv(r, EP);
      expect(w.send(client, EP, info(3, 10), [1n, 2n, 3n, 4n])).toBe(0);
      expect(w.regs(r)).toMatchObject({ rax: 0n, info: info(3, 4) | TRUNCATED, words: [1n, 2n, 3n, 4n] });
    }
  });
});

describe("capability transfer", () => {
  async function transferSetup(clientRights = R.RIGHT_WRITE | R.RIGHT_GRANT) {
    const w = await pair(clientRights);
    const [nSlot, n] = w.create(T.OBJ_NOTIFICATION);
    w.grant(w.client, nSlot, 5, R.RIGHT_WRITE, 0x77n); // the capability to send
    w.setBufWord(w.client, 64, 5n);                   // offset 512: send slot 5
    w.setBufWord(w.server, 65, 9n);                   // offset 520: receive into slot 9
    return { ...w, n };
  }

  it("copies the named capability into the receiver's slot (GRANT)", async () => {
    const { ex, server, client, recv, call, regs, slotOf, bufWord, n } = await transferSetup();
    recv(server, EP);
    expect(call(client, EP, info(1, 0, 1))).toBe(0);
    expect(regs(server).info).toBe(info(1, 0, 1));
    const got = slotOf(server, 9);
    expect(ex.slotType(got)).toBe(T.OBJ_NOTIFICATION);
    expect(ex.slotObj(got)).toBe(n);
    expect(ex.slotBadge(got)).toBe(0x77n);
    expect(ex.slotRights(got)).toBe(R.RIGHT_WRITE);
    expect(ex.slotParent(got)).toBe(slotOf(client, 5)); // a child: revocable by the sender
    expect(bufWord(server, 66)).toBe(1n);  // 528: one received
    expect(bufWord(server, 67)).toBe(0n);  // 536: OK
    expect(ex.slotType(slotOf(client, 5))).toBe(T.OBJ_NOTIFICATION); // the sender keeps its own
  });

  it("needs GRANT and a capability in the named slot", async () => {
    const noGrant = await transferSetup(R.RIGHT_WRITE);
    expect(noGrant.send(noGrant.client, EP, info(1, 0, 1))).toBe(-E.INSUFFICIENT_RIGHTS);
    const empty = await transferSetup();
    empty.setBufWord(empty.client, 64, 6n);
    expect(empty.send(empty.client, EP, info(1, 0, 1))).toBe(-E.EMPTY_SLOT);
    empty.setBufWord(empty.client, 64, 1000n);
    expect(empty.send(empty.client, EP, info(1, 0, 1))).toBe(-E.INVALID_SLOT);
    expect(empty.ex.epCount(empty.ep)).toBe(0);
  });

  it("an occupied or missing receive slot: the message arrives, the capability does not", async () => {
    const w = await transferSetup();
    w.grant(w.server, w.epSlot, 9, R.RIGHT_READ); // slot 9 taken
    w.recv(w.server, EP);
    expect(w.send(w.client, EP, info(2, 1, 1), [42n])).toBe(0);
    expect(w.regs(w.server)).toMatchObject({ rax: 0n, info: info(2, 1, 0), words: [42n, 0n, 0n, 0n] });
    expect(w.bufWord(w.server, 66)).toBe(0n);
    expect(w.bufWord(w.server, 67)).toBe(BigInt(E.SLOT_OCCUPIED));
    w.setBufWord(w.server, 65, 0n); // no receive slot named
    w.recv(w.server, EP);
    w.send(w.client, EP, info(2, 0, 1));
    expect(w.bufWord(w.server, 67)).toBe(BigInt(E.INVALID_SLOT));
  });
});

describe("replies that carry a capability", () => {
  it("need GRANT on the server's receive capability", async () => {
    for (const grant of [true, false]) {
      const w = await pair(R.RIGHT_WRITE, R.RIGHT_READ | (grant ? R.RIGHT_GRANT : 0));
      const [nSlot, n] = w.create(T.OBJ_NOTIFICATION);
      w.grant(w.server, nSlot, 5);
      w.setBufWord(w.server, 64, 5n);
      w.setBufWord(w.client, 65, 8n);
      w.recv(w.server, EP);
      w.call(w.client, EP, info(1, 0));
      const r = w.reply(w.server, info(2, 0, 1));
      if (grant) {
        expect(r).toBe(0);
        expect(w.regs(w.client).info).toBe(info(2, 0, 1));
        expect(w.ex.slotObj(w.slotOf(w.client, 8))).toBe(n);
        expect(w.bufWord(w.client, 66)).toBe(1n);
      } else {
        expect(r).toBe(-E.INSUFFICIENT_RIGHTS);
        expect(w.state(w.client)).toBe(TS.BLOCKED_REPLY); // nothing happened: the call is still held
        expect(w.reply(w.server, info(2, 0))).toBe(0);
      }
    }
  });
});

describe("reply capabilities", () => {
  it("reply_save keeps a call for later; send on the capability answers it once", async () => {
    const w = await world();
    const [epSlot] = w.create(T.OBJ_ENDPOINT);
    const srv = w.proc(), a = w.proc(), b = w.proc();
    for (const p of [srv, a, b]) w.grant(p, epSlot, EP);
    w.recv(srv, EP);
    w.call(a, EP, info(1, 0));
    expect(Number(w.ex.ipcReplySave(srv.t, 20n))).toBe(0);
    expect(w.ex.slotType(w.slotOf(srv, 20))).toBe(T.OBJ_REPLY);
    expect(w.ex.ipcCallerOf(srv.t)).toBe(0);
    expect(Number(w.ex.ipcReplySave(srv.t, 21n))).toBe(-E.NO_CALLER);
    // Serve b meanwhile: a is not dropped.
    w.recv(srv, EP);
    w.call(b, EP, info(2, 0));
    expect(w.replyRecv(srv, EP, info(22, 0))).toBe(0);
    expect(w.regs(b).info).toBe(info(22, 0));
    expect(w.state(a)).toBe(TS.BLOCKED_REPLY);
    // Answer a through the reply capability.
    expect(w.send(b, EP, info(0, 0))).toBe(0); // b sends something; srv takes it (wakes)
    expect(w.send(srv, 20, info(11, 1), [99n])).toBe(0);
    expect(w.regs(a)).toEqual({ rax: 0n, badge: 0n, info: info(11, 1), words: [99n, 0n, 0n, 0n] });
    expect(w.state(a)).toBe(TS.RUNNABLE);
    expect(w.ex.slotType(w.slotOf(srv, 20))).toBe(T.OBJ_NULL); // one-shot
    expect(w.ex.poolUsed(T.OBJ_REPLY)).toBe(0);
  });

  it("reply_save needs an empty slot; reply capabilities cannot be copied", async () => {
    const { ex, server, client, recv, call, slotOf, root } = await pair();
    recv(server, EP);
    call(client, EP, info(1, 0));
    expect(Number(ex.ipcReplySave(server.t, BigInt(EP)))).toBe(-E.SLOT_OCCUPIED);
    expect(Number(ex.ipcReplySave(server.t, 500n))).toBe(-E.INVALID_SLOT);
    expect(ex.ipcCallerOf(server.t)).toBe(client.t + 1); // still held
    expect(Number(ex.ipcReplySave(server.t, 3n))).toBe(0);
    expect(ex.capCopy(server.cn, 3, root, 120)).toBe(E.WRONG_TYPE);
    expect(slotOf(server, 3)).toBeGreaterThan(0);
  });

  it("deleting an unanswered reply capability wakes the caller with CANCELLED", async () => {
    const { ex, server, client, recv, call, state, regs } = await pair();
    recv(server, EP);
    call(client, EP, info(1, 0));
    ex.ipcReplySave(server.t, 3n);
    expect(ex.capDelete(server.cn, 3)).toBe(E.OK);
    expect(state(client)).toBe(TS.RUNNABLE);
    expect(regs(client).rax).toBe(BigInt(-E.CANCELLED));
  });
});

describe("partners that die or stop", () => {
  it("a reply to a caller that was stopped, restarted or deleted fails with DEAD_PARTNER", async () => {
    const { ex, server, client, recv, call, reply, root } = await pair();
    recv(server, EP);
    call(client, EP, info(1, 0));
    ex.ipcStop(client.t);                       // stopped
    expect(reply(server, info(0, 0))).toBe(-E.DEAD_PARTNER);
    expect(ex.ipcCallerOf(server.t)).toBe(0);
    // Restarted and calling again: an old reply capability cannot answer the new call.
    recv(server, EP);
    call(client, EP, info(1, 0));
    ex.ipcReplySave(server.t, 3n);
    ex.ipcStop(client.t);
    recv(server, EP);
    call(client, EP, info(2, 0));               // a new call, held by the server
    expect(ex.tcbState(client.t)).toBe(TS.BLOCKED_REPLY);
    expect(Number(ex.ipcSend(server.t, 3n, info(0, 0), true))).toBe(-E.DEAD_PARTNER);
    expect(ex.slotType(ex.slotId(server.cn, 3))).toBe(T.OBJ_NULL);
    expect(ex.tcbState(client.t)).toBe(TS.BLOCKED_REPLY); // still waiting for the real answer
    // Deleted.
    expect(ex.capDelete(root, client.tslot)).toBe(E.OK);
    expect(reply(server, info(0, 0))).toBe(-E.DEAD_PARTNER);
  });

  it("a caller whose server stops or is deleted is woken with DEAD_PARTNER", async () => {
    const { ex, server, client, recv, call, state, regs, root } = await pair();
    recv(server, EP);
    call(client, EP, info(1, 0));
    ex.execStop(server.t);
    ex.ipcStop(server.t);
    expect(state(client)).toBe(TS.RUNNABLE);
    expect(regs(client).rax).toBe(BigInt(-E.DEAD_PARTNER));
    recv(server, EP);
    call(client, EP, info(1, 0));
    expect(ex.capDelete(root, server.tslot)).toBe(E.OK);
    expect(state(client)).toBe(TS.RUNNABLE);
    expect(regs(client).rax).toBe(BigInt(-E.DEAD_PARTNER));
  });

  it("deleting an endpoint wakes its waiters with CANCELLED", async () => {
    const w = await world();
    const [epSlot, ep] = w.create(T.OBJ_ENDPOINT);
    const a = w.proc(), b = w.proc();
    w.grant(a, epSlot, EP); w.grant(b, epSlot, EP);
    w.recv(a, EP); w.recv(b, EP);
    expect(w.ex.epCount(ep)).toBe(2);
    for (const p of [a, b]) expect(w.ex.capDelete(p.cn, EP)).toBe(E.OK);
    expect(w.ex.capDelete(w.root, epSlot)).toBe(E.OK);
    for (const p of [a, b]) {
      expect(w.state(p)).toBe(TS.RUNNABLE);
      expect(w.regs(p).rax).toBe(BigInt(-E.CANCELLED));
    }
  });
});

describe("capabilities and rights", () => {
  it("send needs WRITE, recv needs READ; wrong, empty and bad slots fail", async () => {
    const w = await world();
    const [epSlot, ep] = w.create(T.OBJ_ENDPOINT);
    const [nSlot] = w.create(T.OBJ_NOTIFICATION);
    const p = w.proc();
    w.grant(p, epSlot, 1, R.RIGHT_READ);
    w.grant(p, epSlot, 2, R.RIGHT_WRITE);
    w.grant(p, nSlot, 3);
    expect(w.send(p, 1, info(0, 0))).toBe(-E.INSUFFICIENT_RIGHTS);
    expect(w.call(p, 1, info(0, 0))).toBe(-E.INSUFFICIENT_RIGHTS);
    expect(w.recv(p, 2)).toBe(-E.INSUFFICIENT_RIGHTS);
    expect(w.recv(p, 3)).toBe(-E.WRONG_TYPE);
    expect(w.call(p, 3, info(0, 0))).toBe(-E.WRONG_TYPE);
    expect(w.send(p, 7, info(0, 0))).toBe(-E.EMPTY_SLOT);
    expect(w.send(p, 128, info(0, 0))).toBe(-E.INVALID_SLOT);
    expect(w.replyRecv(p, 2, info(0, 0))).toBe(-E.INSUFFICIENT_RIGHTS);
    expect(w.ex.epCount(ep)).toBe(0);
    expect(w.ex.execCur()).toBe(p.t);
    expect(w.regs(p).rax).toBe(BigInt(-E.INSUFFICIENT_RIGHTS));
  });
});

describe("fault messages", () => {
  async function faultSetup() {
    const w = await world();
    const [epSlot] = w.create(T.OBJ_ENDPOINT);
    const sup = w.proc(150);
    w.grant(sup, epSlot, EP, R.RIGHT_READ);
    // The faulting thread's fault endpoint: a badged send-only capability in the root CNode.
    const fslot = 100;
    w.ok(w.ex.capMint(w.root, epSlot, w.root, fslot, R.RIGHT_WRITE, 0xfa17n));
    const child = w.proc(100, { faultEp: fslot });
    return { ...w, sup, child };
  }

  it("a supervisor waiting on the fault endpoint gets the fault; the thread stays stopped", async () => {
    const w = await faultSetup();
    w.recv(w.sup, EP);
    w.run(w.child);
    expect(w.ex.faultDeliver(w.child.t, 14n, 6n, 0xdead000n, 0x401234n)).toBeTruthy();
    expect(w.state(w.child)).toBe(TS.INACTIVE);
    expect(w.ex.execCur()).toBe(w.sup.t);
    expect(w.regs(w.sup)).toEqual({ rax: 0n, badge: 0xfa17n, info: info(LABEL_FAULT, 4), words: [14n, 6n, 0xdead000n, 0x401234n] });
  });

  it("with no supervisor waiting the fault queues, and is taken later", async () => {
    const w = await faultSetup();
    w.run(w.child);
    w.ex.tcbSetReg(w.child.t, 4, 0x1234n); // the thread's own rsi must survive
    expect(w.ex.faultDeliver(w.child.t, 256n + 5n, 0n, 0n, 0x40000n)).toBeTruthy();
    expect(w.state(w.child)).toBe(TS.BLOCKED_SEND);
    expect(w.ex.execCur()).toBe(-1);
    expect(w.recv(w.sup, EP)).toBe(0);
    expect(w.regs(w.sup).words).toEqual([261n, 0n, 0n, 0x40000n]);
    expect(w.state(w.child)).toBe(TS.INACTIVE); // not woken
    expect(w.ex.tcbReg(w.child.t, 4)).toBe(0x1234n);
  });

  it("through exec's fault hook; the supervisor can restart the thread", async () => {
    const w = await faultSetup();
    w.recv(w.sup, EP);
    w.run(w.child);
    expect(w.ex.faultToMessage(w.child.t, 13n, 0x10n, 0n, 0x401000n)).toBeTruthy();
    expect(w.ex.execCur()).toBe(w.sup.t);
    expect(w.regs(w.sup).words).toEqual([13n, 0x10n, 0n, 0x401000n]);
    expect(w.ex.threadResume(w.root, w.child.tslot)).toBe(E.OK);
    expect(w.state(w.child)).toBe(TS.RUNNABLE);
  });

  it("a faulting server's caller is woken with DEAD_PARTNER", async () => {
    const w = await faultSetup();
    const [epSlot] = w.create(T.OBJ_ENDPOINT);
    const client = w.proc(100);
    w.grant(w.child, epSlot, 2, R.RIGHT_READ);
    w.grant(client, epSlot, 2, R.RIGHT_WRITE);
    w.recv(w.child, 2);
    w.call(client, 2, info(1, 0));
    expect(w.ex.execCur()).toBe(w.child.t);
    expect(w.ex.faultDeliver(w.child.t, 14n, 4n, 0n, 0n)).toBeTruthy();
    expect(w.state(client)).toBe(TS.RUNNABLE);
    expect(w.regs(client).rax).toBe(BigInt(-E.DEAD_PARTNER));
  });

  it("no fault endpoint: false, the thread is stopped", async () => {
    const w = await world();
    const p = w.proc();
    w.run(p);
    expect(w.ex.faultDeliver(p.t, 13n, 0n, 0n, 0n)).toBeFalsy();
    expect(w.state(p)).toBe(TS.INACTIVE);
    expect(w.ex.execCur()).toBe(-1);
  });
});

void IPC_BUF; void NONE;

describe("system-call handlers (sys_ipc.ts)", () => {
  it("act for the running thread", async () => {
    const { ex, server, client, run, regs } = await pair();
    run(server);
    expect(Number(ex.sysNbRecv(EP))).toBe(-E.WOULD_BLOCK);
    expect(Number(ex.sysRecv(EP))).toBe(0);
    expect(ex.execCur()).toBe(-1);
    run(client);
    ex.tcbSetReg(client.t, 4, info(3, 0));
    expect(Number(ex.sysCall(EP, info(3, 0)))).toBe(0);
    expect(ex.execCur()).toBe(server.t);
    expect(regs(server)).toMatchObject({ badge: 0xc1n, info: info(3, 0) });
    expect(Number(ex.sysReplySave(4))).toBe(0);
    expect(Number(ex.sysPoll(EP))).toBe(-E.WRONG_TYPE);
  });

  it("capability operations on the caller's CNode, each checked", async () => {
    const w = await world();
    const [epSlot, ep] = w.create(T.OBJ_ENDPOINT);
    const p = w.proc();
    w.grant(p, epSlot, 1, R.RIGHT_READ | R.RIGHT_WRITE);
    w.run(p);
    const sc = (v: bigint | number) => Number(v);
    expect(sc(w.ex.sysCapCopy(1, 2))).toBe(0);
    expect(w.ex.slotParent(w.slotOf(p, 2))).toBe(w.slotOf(p, 1));
    expect(sc(w.ex.sysCapCopy(1, 2))).toBe(-E.SLOT_OCCUPIED);
    expect(sc(w.ex.sysCapCopy(9, 3))).toBe(-E.EMPTY_SLOT);
    expect(sc(w.ex.sysCapCopy(1, 200))).toBe(-E.INVALID_SLOT);
    expect(sc(w.ex.sysCapMint(1, 3, R.RIGHT_WRITE | R.RIGHT_GRANT, 5n))).toBe(-E.INSUFFICIENT_RIGHTS);
    expect(sc(w.ex.sysCapMint(1, 3, R.RIGHT_WRITE, 5n))).toBe(0);
    expect(w.ex.slotBadge(w.slotOf(p, 3))).toBe(5n);
    expect(sc(w.ex.sysCapMint(3, 4, R.RIGHT_WRITE, 6n))).toBe(-E.NOT_BADGEABLE);
    expect(sc(w.ex.sysCapMove(3, 10))).toBe(0);
    expect(w.ex.slotType(w.slotOf(p, 3))).toBe(T.OBJ_NULL);
    expect(w.ex.slotBadge(w.slotOf(p, 10))).toBe(5n);
    expect(sc(w.ex.sysCapRevoke(1))).toBe(0);
    expect(w.ex.slotType(w.slotOf(p, 2))).toBe(T.OBJ_NULL);
    expect(w.ex.slotType(w.slotOf(p, 10))).toBe(T.OBJ_NULL);
    expect(sc(w.ex.sysCapDelete(1))).toBe(0);
    expect(sc(w.ex.sysCapDelete(1))).toBe(0); // empty: nothing to do
    expect(w.ex.objCapCount(T.OBJ_ENDPOINT, ep)).toBe(1);
    expect(w.ex.execCur()).toBe(p.t);
  });

  it("a thread that deletes its own last capability stops; the next one runs", async () => {
    const w = await world();
    const p = w.proc(), q = w.proc(50);
    w.ok(w.ex.capMove(w.root, p.tslot, p.cn, 7)); // p's only thread capability, in its own CNode
    w.ex.schedEnqueue(q.t);
    w.run(p);
    expect(Number(w.ex.sysCapDelete(7))).toBe(0);
    expect(w.ex.objValid(T.OBJ_THREAD, p.t)).toBeFalsy();
    expect(w.ex.execCur()).toBe(q.t);
    expect((w.m as unknown as { forgets: number }).forgets).toBe(1);
  });
});
