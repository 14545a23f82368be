// entry.ts — servers/kbd/keymap.ts for Node (tests/servers/kbd.test.ts):
// one Keys decoder, fed a scan code at a time.
import { Keys } from "../../../servers/kbd/keymap";

const keys = new Keys();
export function feed(sc: u32): i32 { return keys.feed(sc); }
export function out(i: i32): u32 { return <u32>keys.out[i]; }
