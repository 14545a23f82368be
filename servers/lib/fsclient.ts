// fsclient.ts — the client side of the filesystem server's protocol
// (servers/lib/storage.ts, "the filesystem server"; servers/fs): the
// server's endpoint by name from init's registry ("fs"; looked up again
// after a failed call, i.e. a restarted server), the shared buffer for
// file data (a memory object made once, mapped at FS_WINDOW, handed over
// with L_FS_ATTACH, and again when a restarted server answers E_FS_NOBUF),
// and requests whose words are the stage of storage.ts. Used by the
// shell's storage commands (servers/shell/storage.ts) and the storage
// benchmark (servers/fsbench). A client keeps slots SLOT_FS and SLOT_FSBUF
// for it.

import { sysCapDelete, sysDmaAlloc, sysMemMap } from "./sys";
import { lastMsg } from "./msg";
import { NamedServer } from "./lookup";
import { E_FS_NOBUF, FS_BUF_PAGES, HW_WINDOW, L_FS_ATTACH, setStageWord } from "./storage";

export const SLOT_FS: u32 = 21;       // the server's endpoint
export const SLOT_FSBUF: u32 = 30;    // the shared buffer's memory object
export const FS_WINDOW: usize = HW_WINDOW;   // where the client sees its shared buffer
export const FS_BUF_BYTES: u64 = FS_BUF_PAGES * 4096;

let bufMade = false;
export let fsNoMemory = false;   // the shared buffer could not be made (why a request was not sent)
export let attaches: u32 = 0;    // L_FS_ATTACH calls that the server took

// Requests without file data (open, list, rename, ...): the stage's first
// n words (and the capability in capSlot, unless it is 0), looked up again
// once when the call fails. True if the server answered: the reply in the
// stage and lastMsg().label.
const fs = new NamedServer("fs", SLOT_FS);
export function fsAsk(label: u64, n: u32, capSlot: u32 = 0): bool {
  return fs.ask(label, n, capSlot);
}

// Make the shared buffer (once) and hand it to the server. True if the server answered (lastMsg().label says how).
export function fsAttach(): bool {
  fsNoMemory = false;
  if (!bufMade) {
    if (sysDmaAlloc(SLOT_FSBUF, FS_BUF_PAGES) < 0 || sysMemMap(SLOT_FSBUF, FS_WINDOW, 1) != 0) {
      sysCapDelete(SLOT_FSBUF);
      fsNoMemory = true;
      return false;
    }
    bufMade = true;
  }
  if (!fsAsk(L_FS_ATTACH, 0, SLOT_FSBUF)) return false;
  if (lastMsg().label == 0) attaches++;
  return true;
}

// L_FS_READ or L_FS_WRITE of n bytes at file offset pos of handle h, to or
// from the shared buffer at bufOff (FS_WINDOW + bufOff here). Attaches the
// buffer first when it has not been, or when the server lost it (restart).
// True if the server answered: w0 = bytes moved when lastMsg().label is 0.
export function fsData(label: u64, h: u64, pos: u64, n: u64, bufOff: u64): bool {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (attaches == 0 || attempt > 0) {
      if (!fsAttach()) return false;
      if (lastMsg().label != 0) return true;   // the server refused the buffer: its error is the answer
    }
    setStageWord(0, h); setStageWord(1, pos); setStageWord(2, n); setStageWord(3, bufOff);
    if (!fsAsk(label, 4)) return false;
    if (lastMsg().label != E_FS_NOBUF) return true;
  }
  return true;
}
