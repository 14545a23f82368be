// errors.ts — the kernel's error codes: one list, one source of truth.
//
// Every kernel operation that can fail returns one of these (OK = 0 on
// success). The system-call ABI will hand the same numbers to user space,
// so a code, once given, keeps its number: add new ones at the end.
// tests/kernel reads this file to know the numbers, so keep the
// `NAME = number,` form, one per line.

export enum KErr {
  OK = 0,
  INVALID_ARGUMENT = 1,    // a value out of its range (size, priority, flags ...)
  INVALID_SLOT = 2,        // a CNode slot index outside the CNode
  EMPTY_SLOT = 3,          // the source slot holds no capability
  SLOT_OCCUPIED = 4,       // the destination slot is not empty
  WRONG_TYPE = 5,          // the capability names the wrong kind of object
  INSUFFICIENT_RIGHTS = 6, // the capability lacks a right the operation needs
  NOT_BADGEABLE = 7,       // mint with a badge on a type that has none, or re-badging
  OUT_OF_MEMORY = 8,       // no free frame or object left in a pool
  BAD_ADDRESS = 9,         // unaligned, non-canonical, or in the kernel half
  ALREADY_MAPPED = 10,     // a page is already mapped at that virtual address
  NOT_MAPPED = 11,         // nothing mapped at that virtual address
  WRITE_AND_EXECUTE = 12,  // W^X: a mapping may not be both writable and executable
  NOT_EMPTY = 13,          // the object still holds things (a CNode with capabilities)
  BUSY = 14,               // the object is in use (a thread already queued, a frame mapped)
  DOUBLE_FREE = 15,        // a frame or object freed that was not allocated
  WOULD_BLOCK = 16,        // a non-blocking send/receive found no partner waiting
  DEAD_PARTNER = 17,       // the other side died, was stopped or restarted (a reply's caller, a call's server)
  IPC_BUFFER = 18,         // the IPC buffer a message needs is not registered, not mapped, or not writable
  MSG_TOO_LONG = 19,       // a message info word asks for more than 64 words
  NO_CALLER = 20,          // reply / reply_save with no call to answer
  CANCELLED = 21,          // a wait ended without a message: its endpoint / notification was deleted, or the call was dropped unanswered
}
