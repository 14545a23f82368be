// errors.ts — the FAT library's error codes and their messages.
//
// Every operation returns a value >= 0 on success or one of these negative
// codes. `fail` also records a detail (a static string naming what exactly
// was wrong) and a number (the cluster, sector or value concerned) that the
// server can print next to the message. Codes keep their numbers: add new
// ones at the end.

export const E_IO: i32 = -1;              // the block device reported an error
export const E_TRUNCATED: i32 = -2;       // the volume extends past the end of the device
export const E_BAD_SIGNATURE: i32 = -3;   // boot sector without the 0x55AA signature
export const E_BAD_BPB: i32 = -4;         // boot sector with absurd geometry (detail says which field)
export const E_BAD_FSINFO: i32 = -5;      // FAT32 FSInfo sector damaged
export const E_CHAIN_CYCLE: i32 = -6;     // a cluster chain loops back on itself
export const E_CLUSTER_RANGE: i32 = -7;   // a cluster number outside the volume
export const E_CHAIN_BROKEN: i32 = -8;    // a chain runs into a free or bad cluster
export const E_CHAIN_LENGTH: i32 = -9;    // chain shorter than the file's size
export const E_CORRUPT_DIR: i32 = -10;    // a directory that cannot be right
export const E_NOT_FOUND: i32 = -11;
export const E_EXISTS: i32 = -12;
export const E_NOT_DIR: i32 = -13;
export const E_IS_DIR: i32 = -14;
export const E_NOT_EMPTY: i32 = -15;
export const E_BAD_NAME: i32 = -16;
export const E_NAME_TOO_LONG: i32 = -17;
export const E_NO_SPACE: i32 = -18;
export const E_DIR_FULL: i32 = -19;
export const E_BAD_HANDLE: i32 = -20;
export const E_TOO_MANY_OPEN: i32 = -21;
export const E_BUSY: i32 = -22;
export const E_INVALID: i32 = -23;
export const E_TOO_BIG: i32 = -24;
export const E_NOT_MOUNTED: i32 = -25;
export const E_READ_ONLY: i32 = -26;
export const E_LAST: i32 = -26;

export function errorMessage(code: i32): string {
  switch (code) {
    case E_IO: return "I/O error on the block device";
    case E_TRUNCATED: return "image truncated: the filesystem extends past the end of the device";
    case E_BAD_SIGNATURE: return "bad boot sector: no 0x55AA signature";
    case E_BAD_BPB: return "bad boot sector: absurd geometry";
    case E_BAD_FSINFO: return "bad FAT32 FSInfo sector";
    case E_CHAIN_CYCLE: return "corrupt filesystem: cycle in a cluster chain";
    case E_CLUSTER_RANGE: return "corrupt filesystem: cluster number out of range";
    case E_CHAIN_BROKEN: return "corrupt filesystem: cluster chain runs into a free or bad cluster";
    case E_CHAIN_LENGTH: return "corrupt filesystem: cluster chain shorter than the file size";
    case E_CORRUPT_DIR: return "corrupt filesystem: damaged directory";
    case E_NOT_FOUND: return "no such file or directory";
    case E_EXISTS: return "file exists";
    case E_NOT_DIR: return "not a directory";
    case E_IS_DIR: return "is a directory";
    case E_NOT_EMPTY: return "directory not empty";
    case E_BAD_NAME: return "invalid file name";
    case E_NAME_TOO_LONG: return "file name or path too long";
    case E_NO_SPACE: return "no space left on the volume";
    case E_DIR_FULL: return "directory full";
    case E_BAD_HANDLE: return "bad file handle";
    case E_TOO_MANY_OPEN: return "too many open files";
    case E_BUSY: return "file is open";
    case E_INVALID: return "invalid argument";
    case E_TOO_BIG: return "file too large for FAT (4 GiB - 1)";
    case E_NOT_MOUNTED: return "no volume mounted";
    case E_READ_ONLY: return "file is read-only";
  }
  return code >= 0 ? "success" : "unknown error";
}

// The detail of the last failure: a static string and a number.
export let lastDetail: string = "";
export let lastValue: u64 = 0;

// Records the detail and returns `code`, so that callers write
// `return fail(E_X, "what", n);`.
export function fail(code: i32, detail: string, value: u64 = 0): i32 {
  lastDetail = detail;
  lastValue = value;
  return code;
}
