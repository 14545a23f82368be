// ansi.ts — turns the console's output bytes into terminal actions: UTF-8
// decoding plus the escape-sequence state machine (ECMA-48 / VT100 subset).
//
// feed(byte) returns what the byte completed:
//   ACT_NONE     nothing yet (inside a sequence or a UTF-8 character)
//   ACT_PRINT    a printable character: `cp` (bad UTF-8 gives U+FFFD)
//   ACT_CONTROL  a C0 control (0x00-0x1F but ESC, and 0x7F): `cp`
//   ACT_CSI      ESC [ ... final: `final`, `params` (0 = omitted),
//                `nparams`, `priv` ('?' etc. right after the '[', or 0)
//   ACT_ESC      ESC final (ESC 7, ESC 8, ESC c ...): `final`
// OSC strings (ESC ] ... BEL or ESC \) and DCS/APC/PM strings are swallowed.
// A control inside a CSI sequence is acted on and the sequence goes on;
// CAN and SUB cancel it; ESC starts a new one. After an action, `again`
// set means the byte was not used up and must be fed once more.

export const ACT_NONE = 0;
export const ACT_PRINT = 1;
export const ACT_CONTROL = 2;
export const ACT_CSI = 3;
export const ACT_ESC = 4;

const GROUND = 0;
const ESCAPE = 1;
const CSI = 2;
const STRING = 3;        // OSC, DCS, APC, PM: skip to BEL or ST
const STRING_ESC = 4;    // ESC inside a string: '\' ends it

export const MAX_PARAMS = 8;
const MAX_PARAM_VALUE: u32 = 9999;

export class AnsiDecoder {
  state: i32 = GROUND;
  cp: u32 = 0;
  final: u32 = 0;
  priv: u32 = 0;
  nparams: i32 = 0;
  params: StaticArray<u32> = new StaticArray<u32>(MAX_PARAMS);
  again: bool = false;            // the byte was not used up: feed it again after this action
  private need: i32 = 0;          // UTF-8 continuation bytes still to come
  private acc: u32 = 0;
  private min: u32 = 0;           // smallest code point for this length (no overlongs)

  // In the ground state with no UTF-8 character begun: a printable ASCII
  // byte now is simply ACT_PRINT of itself (the terminal's fast path).
  @inline idle(): bool { return this.state == GROUND && this.need == 0; }

  // The n-th parameter, `dflt` when omitted or 0.
  param(n: i32, dflt: u32): u32 {
    const v = n < this.nparams ? unchecked(this.params[n]) : 0;
    return v == 0 ? dflt : v;
  }

  feed(b: u32): i32 {
    if (this.state == GROUND) return this.ground(b);
    if (b == 0x18 || b == 0x1A) { this.state = GROUND; return ACT_NONE; }   // CAN, SUB
    if (this.state == ESCAPE) return this.escape(b);
    if (this.state == CSI) return this.csi(b);
    if (this.state == STRING) {
      if (b == 0x07) this.state = GROUND;
      else if (b == 0x1B) this.state = STRING_ESC;
      return ACT_NONE;
    }
    this.state = b == 0x5C ? GROUND : STRING;                              // STRING_ESC
    return ACT_NONE;
  }

  private ground(b: u32): i32 {
    if (this.need > 0) {
      if ((b & 0xC0) == 0x80) {
        this.acc = (this.acc << 6) | (b & 0x3F);
        if (--this.need > 0) return ACT_NONE;
        const cp = this.acc;
        this.cp = cp < this.min || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000) ? 0xFFFD : cp;
        return ACT_PRINT;
      }
      // A character cut short: U+FFFD now, and this byte again afterwards.
      this.need = 0;
      this.cp = 0xFFFD;
      this.again = true;
      return ACT_PRINT;
    }
    if (b == 0x1B) { this.state = ESCAPE; return ACT_NONE; }
    if (b < 0x20 || b == 0x7F) { this.cp = b; return ACT_CONTROL; }
    if (b < 0x80) { this.cp = b; return ACT_PRINT; }
    if (b >= 0xC2 && b < 0xE0) { this.need = 1; this.acc = b & 0x1F; this.min = 0x80; return ACT_NONE; }
    if (b >= 0xE0 && b < 0xF0) { this.need = 2; this.acc = b & 0x0F; this.min = 0x800; return ACT_NONE; }
    if (b >= 0xF0 && b < 0xF5) { this.need = 3; this.acc = b & 0x07; this.min = 0x10000; return ACT_NONE; }
    this.cp = 0xFFFD;
    return ACT_PRINT;
  }

  private escape(b: u32): i32 {
    if (b == 0x5B) {                                // '[': CSI
      this.state = CSI;
      this.nparams = 0;
      this.priv = 0;
      unchecked(this.params[0] = 0);
      return ACT_NONE;
    }
    if (b == 0x5D || b == 0x50 || b == 0x5F || b == 0x5E) { this.state = STRING; return ACT_NONE; } // ] P _ ^
    if (b == 0x1B) return ACT_NONE;                 // ESC ESC: still one escape
    if (b >= 0x20 && b < 0x30) return ACT_NONE;     // intermediates (ESC ( B ...): skip
    this.state = GROUND;
    if (b < 0x20) { this.cp = b; return ACT_CONTROL; }
    this.final = b;
    return ACT_ESC;
  }

  private csi(b: u32): i32 {
    if (b >= 0x30 && b <= 0x39) {                   // a digit
      if (this.nparams == 0) this.nparams = 1;
      const i = this.nparams - 1;
      if (i < MAX_PARAMS) unchecked(this.params[i] = min(unchecked(this.params[i]) * 10 + (b - 0x30), MAX_PARAM_VALUE));
      return ACT_NONE;
    }
    if (b == 0x3B) {                                // ';'
      if (this.nparams == 0) this.nparams = 1;
      if (this.nparams < MAX_PARAMS) unchecked(this.params[this.nparams] = 0);
      this.nparams++;
      return ACT_NONE;
    }
    if (b >= 0x3C && b <= 0x3F) { if (this.nparams == 0) this.priv = b; return ACT_NONE; } // < = > ?
    if (b >= 0x20 && b < 0x30) return ACT_NONE;     // intermediates: ignored
    if (b == 0x1B) { this.state = ESCAPE; return ACT_NONE; }
    if (b < 0x20 || b == 0x7F) { this.cp = b; return ACT_CONTROL; }
    this.state = GROUND;
    if (this.nparams > MAX_PARAMS) this.nparams = MAX_PARAMS;
    if (b >= 0x40 && b <= 0x7E) { this.final = b; return ACT_CSI; }
    return ACT_NONE;
  }
}
