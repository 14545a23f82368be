// fbinfo.ts — the framebuffer description fb_info writes (kernel/
// sys_console.ts; FB_INFO_SIZE bytes): read by init (to make the device-
// memory capability for exactly the framebuffer's pages) and by the console
// server (to draw on it).

export const FB_INFO_BYTES: i32 = 32;

@inline export function fbAddr(p: usize): u64 { return load<u64>(p); }
@inline export function fbPitch(p: usize): u32 { return load<u32>(p, 8); }
@inline export function fbWidth(p: usize): u32 { return load<u32>(p, 12); }
@inline export function fbHeight(p: usize): u32 { return load<u32>(p, 16); }
@inline export function fbBpp(p: usize): u32 { return <u32>load<u8>(p, 20); }
@inline export function fbType(p: usize): u32 { return <u32>load<u8>(p, 21); }
// field i: 0 red pos, 1 red size, 2 green pos, 3 green size, 4 blue pos, 5 blue size
@inline export function fbField(p: usize, i: i32): u32 { return <u32>load<u8>(p + <usize>(22 + i)); }

// The 4 KiB pages the framebuffer covers: first page and count.
export function fbFirstPage(p: usize): u64 { return fbAddr(p) & ~<u64>0xFFF; }
export function fbPages(p: usize): u64 {
  const bytes = <u64>fbPitch(p) * <u64>fbHeight(p) + (fbAddr(p) & 0xFFF);
  return (bytes + 0xFFF) >> 12;
}
