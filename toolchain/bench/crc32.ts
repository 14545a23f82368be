// CRC-32 (table-driven) over a 1 MiB buffer, n times.
const table = memory.data(1024);
const data = memory.data(1 << 20);

export function run(n: i32): u32 {
  for (let i: u32 = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    store<u32>(table + (i << 2), c);
  }
  for (let i = 0; i < 1 << 20; i++) store<u8>(data + i, <u8>(i ^ (i >>> 8)));
  let crc: u32 = 0;
  for (let r = 0; r < n; r++) {
    crc = ~crc;
    for (let i: usize = 0; i < 1 << 20; i++) crc = load<u32>(table + (((crc ^ load<u8>(data + i)) & 0xff) << 2)) ^ (crc >>> 8);
    crc = ~crc;
  }
  return crc;
}
