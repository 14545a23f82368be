// mapping.ts — memory objects mapped into address spaces, by capability.
//
// What user space will reach through system calls: map the frame of a
// memory object into an address space at a user virtual address, and
// unmap it. The mapping belongs to the memory capability that made it
// (seL4's frame caps work the same way): one capability maps its frame
// once, so to map a frame in two places, or two address spaces, copy the
// capability first. Deleting the capability, or revoking it from an
// ancestor, unmaps (cap.ts: slotUnmap); destroying the address space
// leaves the record stale, which its generation shows.
//
// Checks, all before paging.ts touches a table:
//   - the address-space capability needs RIGHT_WRITE (it changes the space);
//   - the memory capability needs RIGHT_READ to map at all, RIGHT_WRITE
//     for a writable mapping, RIGHT_EXEC for an executable one;
//   - paging.ts adds its own rules (alignment, user half, W^X).

import { KErr } from "./errors";
import { slot, slotId, slotMappedSpace, slotUnmap, objPhys, RIGHT_EXEC, RIGHT_READ, RIGHT_WRITE } from "./cap";
import { objHeader, OBJ_ADDRESS_SPACE, OBJ_MEMORY } from "./objects";
import { vmCheckMap, vmMap, MAP_EXEC, MAP_USER, MAP_WRITE } from "./paging";

// Decode: the two capabilities, their types and rights, the address.
export function memCheckMap(spaceCn: u32, spaceIdx: u32, memCn: u32, memIdx: u32, va: u64, rights: u32): KErr {
  const sp = slotId(spaceCn, spaceIdx);
  const mo = slotId(memCn, memIdx);
  if (sp < 0 || mo < 0) return KErr.INVALID_SLOT;
  const s = slot(<u32>sp), m = slot(<u32>mo);
  if (s.type == 0 || m.type == 0) return KErr.EMPTY_SLOT;
  if (s.type != <u8>OBJ_ADDRESS_SPACE || m.type != <u8>OBJ_MEMORY) return KErr.WRONG_TYPE;
  const sr: u32 = s.rights, mr: u32 = m.rights;
  if ((sr & RIGHT_WRITE) == 0) return KErr.INSUFFICIENT_RIGHTS;
  if ((mr & RIGHT_READ) == 0) return KErr.INSUFFICIENT_RIGHTS;
  if ((rights & MAP_WRITE) != 0 && (mr & RIGHT_WRITE) == 0) return KErr.INSUFFICIENT_RIGHTS;
  if ((rights & MAP_EXEC) != 0 && (mr & RIGHT_EXEC) == 0) return KErr.INSUFFICIENT_RIGHTS;
  if (slotMappedSpace(<u32>mo) >= 0) return KErr.ALREADY_MAPPED; // this capability's one mapping is in use
  return vmCheckMap(va, objPhys(OBJ_MEMORY, m.obj), rights | MAP_USER);
}

// Map the memory object's frame at user address `va` with `rights`
// (MAP_WRITE, MAP_EXEC; MAP_USER is implied), recorded in the memory capability.
export function memMap(spaceCn: u32, spaceIdx: u32, memCn: u32, memIdx: u32, va: u64, rights: u32): KErr {
  const err = memCheckMap(spaceCn, spaceIdx, memCn, memIdx, va, rights);
  if (err != KErr.OK) return err;
  const s = slot(<u32>slotId(spaceCn, spaceIdx));
  const m = slot(<u32>slotId(memCn, memIdx));
  const r = vmMap(objPhys(OBJ_ADDRESS_SPACE, s.obj), va, objPhys(OBJ_MEMORY, m.obj), rights | MAP_USER);
  if (r != KErr.OK) return r; // ALREADY_MAPPED (another page there) or OUT_OF_MEMORY
  m.mapSpace = s.obj + 1;
  m.mapGen = objHeader(OBJ_ADDRESS_SPACE, s.obj).generation;
  m.mapVa = va;
  return KErr.OK;
}

// Remove the mapping the memory capability holds.
export function memUnmap(memCn: u32, memIdx: u32): KErr {
  const mo = slotId(memCn, memIdx);
  if (mo < 0) return KErr.INVALID_SLOT;
  const m = slot(<u32>mo);
  if (m.type == 0) return KErr.EMPTY_SLOT;
  if (m.type != <u8>OBJ_MEMORY) return KErr.WRONG_TYPE;
  if (slotMappedSpace(<u32>mo) < 0) return KErr.NOT_MAPPED;
  slotUnmap(<u32>mo);
  return KErr.OK;
}

// Where the memory capability maps its frame: the virtual address, or 0
// when it maps nothing (for tests and debugging).
export function memMappedAt(memCn: u32, memIdx: u32): u64 {
  const mo = slotId(memCn, memIdx);
  if (mo < 0 || slotMappedSpace(<u32>mo) < 0) return 0;
  return slot(<u32>mo).mapVa;
}
