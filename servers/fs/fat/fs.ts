// fs.ts — the FAT library's public face: everything a filesystem server
// needs, from one import.
//
//   const vol = new Volume();
//   const part = findFatVolume(disk, buf);     // whole disk, MBR or GPT partition
//   vol.mount(part!, 0);
//   const h = open(vol, path, pathLen, O_CREATE);
//   write(vol, h, 0, buf, n); close(vol, h);
//   vol.sync();
//
// Paths and names are UTF-8 bytes in linear memory (pointer, length).
// Every function returns a value >= 0 or an error code (errors.ts), with a
// detail in lastDetail / lastValue.

export { BlockDevice } from "./blockdev";
export { Partition, findFatVolume, partitionError } from "./partition";
export { Volume, MAX_OPEN, MOUNT_STRICT, WARN_FSINFO } from "./volume";
export { open, close, read, write, truncateOpen, fileSize, O_CREATE, O_TRUNC, O_EXCL } from "./file";
export { mkdir, rmdir, remove, rename, list, stat, INFO_NAME, INFO_BYTES } from "./tree";
export { errorMessage, lastDetail, lastValue } from "./errors";
export { ATTR_DIR, ATTR_READ_ONLY, ATTR_HIDDEN, ATTR_SYSTEM, ATTR_ARCHIVE } from "./dirent";
