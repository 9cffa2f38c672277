/**
 * XXH64 (seed 0), streaming, in 32-bit halves (no BigInt), for Zstandard content checksums (the low 32
 * bits of XXH64 of the frame's content). Pure.
 */

// 64-bit values as (hi, lo) uint32 pairs; results of the helpers land in RH/RL.
let RH = 0
let RL = 0

function mulHi32 (a: number, b: number): number {
  const a0 = a & 0xffff; const a1 = a >>> 16; const b0 = b & 0xffff; const b1 = b >>> 16
  const t = a0 * b0
  const m = a1 * b0 + (t >>> 16)
  const m2 = a0 * b1 + (m & 0xffff)
  return (a1 * b1 + Math.floor(m / 65536) + Math.floor(m2 / 65536)) >>> 0
}
function mul (ah: number, al: number, bh: number, bl: number): void {
  RH = (mulHi32(al, bl) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0
  RL = Math.imul(al, bl) >>> 0
}
function add (ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl
  RL = lo >>> 0
  RH = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0
}
function rotl (h: number, l: number, r: number): void {
  if (r === 32) { RH = l; RL = h; return }
  if (r > 32) { const t = h; h = l; l = t; r -= 32 }
  RH = ((h << r) | (l >>> (32 - r))) >>> 0
  RL = ((l << r) | (h >>> (32 - r))) >>> 0
}

const P1H = 0x9e3779b1; const P1L = 0x85ebca87
const P2H = 0xc2b2ae3d; const P2L = 0x27d4eb4f
const P3H = 0x165667b1; const P3L = 0x9e3779f9
const P4H = 0x85ebca77; const P4L = 0xc2b2ae63
const P5H = 0x27d4eb2f; const P5L = 0x165667c5

/** round(acc, input) = rotl(acc + input * P2, 31) * P1 */
function round (acch: number, accl: number, ih: number, il: number): void {
  mul(ih, il, P2H, P2L)
  add(acch, accl, RH, RL)
  rotl(RH, RL, 31)
  mul(RH, RL, P1H, P1L)
}

/** Process whole 32-byte stripes of d[p..end) into the lanes (inlined arithmetic: the hot loop). */
function stripesInline (v: Uint32Array, d: Uint8Array, p: number, end: number): void {
  let v1h = v[0]!; let v1l = v[1]!; let v2h = v[2]!; let v2l = v[3]!; let v3h = v[4]!; let v3l = v[5]!; let v4h = v[6]!; let v4l = v[7]!
  let il: number; let ih: number; let xh: number; let xl: number; let sl: number
  let q0: number; let q1: number; let qt: number; let qm: number; let qm2: number
  for (; p + 32 <= end; p += 32) {
      // lane 1
      il = d[p + 0]! | (d[p + 1]! << 8) | (d[p + 2]! << 16) | (d[p + 3]! << 24)
      ih = d[p + 4]! | (d[p + 5]! << 8) | (d[p + 6]! << 16) | (d[p + 7]! << 24)
      q0 = (il >>> 0) & 0xffff; q1 = (il >>> 0) >>> 16
      qt = q0 * 60239; qm = q1 * 60239 + (qt >>> 16); qm2 = q0 * 10196 + (qm & 0xffff)
      xh = (q1 * 10196 + ((qm / 65536) | 0) + ((qm2 / 65536) | 0) + Math.imul(ih, 0x27d4eb4f) + Math.imul((il >>> 0), 0xc2b2ae3d)) >>> 0
      xl = Math.imul((il >>> 0), 0x27d4eb4f) >>> 0
      sl = v1l + xl; v1l = sl >>> 0; v1h = (v1h + xh + (sl > 0xffffffff ? 1 : 0)) >>> 0
      xh = ((v1h << 31) | (v1l >>> 1)) >>> 0; xl = ((v1l << 31) | (v1h >>> 1)) >>> 0
      q0 = xl & 0xffff; q1 = xl >>> 16
      qt = q0 * 51847; qm = q1 * 51847 + (qt >>> 16); qm2 = q0 * 34283 + (qm & 0xffff)
      v1h = (q1 * 34283 + ((qm / 65536) | 0) + ((qm2 / 65536) | 0) + Math.imul(xh, 0x85ebca87) + Math.imul(xl, 0x9e3779b1)) >>> 0
      v1l = Math.imul(xl, 0x85ebca87) >>> 0
      // lane 2
      il = d[p + 8]! | (d[p + 9]! << 8) | (d[p + 10]! << 16) | (d[p + 11]! << 24)
      ih = d[p + 12]! | (d[p + 13]! << 8) | (d[p + 14]! << 16) | (d[p + 15]! << 24)
      q0 = (il >>> 0) & 0xffff; q1 = (il >>> 0) >>> 16
      qt = q0 * 60239; qm = q1 * 60239 + (qt >>> 16); qm2 = q0 * 10196 + (qm & 0xffff)
      xh = (q1 * 10196 + ((qm / 65536) | 0) + ((qm2 / 65536) | 0) + Math.imul(ih, 0x27d4eb4f) + Math.imul((il >>> 0), 0xc2b2ae3d)) >>> 0
      xl = Math.imul((il >>> 0), 0x27d4eb4f) >>> 0
      sl = v2l + xl; v2l = sl >>> 0; v2h = (v2h + xh + (sl > 0xffffffff ? 1 : 0)) >>> 0
      xh = ((v2h << 31) | (v2l >>> 1)) >>> 0; xl = ((v2l << 31) | (v2h >>> 1)) >>> 0
      q0 = xl & 0xffff; q1 = xl >>> 16
      qt = q0 * 51847; qm = q1 * 51847 + (qt >>> 16); qm2 = q0 * 34283 + (qm & 0xffff)
      v2h = (q1 * 34283 + ((qm / 65536) | 0) + ((qm2 / 65536) | 0) + Math.imul(xh, 0x85ebca87) + Math.imul(xl, 0x9e3779b1)) >>> 0
      v2l = Math.imul(xl, 0x85ebca87) >>> 0
      // lane 3
      il = d[p + 16]! | (d[p + 17]! << 8) | (d[p + 18]! << 16) | (d[p + 19]! << 24)
      ih = d[p + 20]! | (d[p + 21]! << 8) | (d[p + 22]! << 16) | (d[p + 23]! << 24)
      q0 = (il >>> 0) & 0xffff; q1 = (il >>> 0) >>> 16
      qt = q0 * 60239; qm = q1 * 60239 + (qt >>> 16); qm2 = q0 * 10196 + (qm & 0xffff)
      xh = (q1 * 10196 + ((qm / 65536) | 0) + ((qm2 / 65536) | 0) + Math.imul(ih, 0x27d4eb4f) + Math.imul((il >>> 0), 0xc2b2ae3d)) >>> 0
      xl = Math.imul((il >>> 0), 0x27d4eb4f) >>> 0
      sl = v3l + xl; v3l = sl >>> 0; v3h = (v3h + xh + (sl > 0xffffffff ? 1 : 0)) >>> 0
      xh = ((v3h << 31) | (v3l >>> 1)) >>> 0; xl = ((v3l << 31) | (v3h >>> 1)) >>> 0
      q0 = xl & 0xffff; q1 = xl >>> 16
      qt = q0 * 51847; qm = q1 * 51847 + (qt >>> 16); qm2 = q0 * 34283 + (qm & 0xffff)
      v3h = (q1 * 34283 + ((qm / 65536) | 0) + ((qm2 / 65536) | 0) + Math.imul(xh, 0x85ebca87) + Math.imul(xl, 0x9e3779b1)) >>> 0
      v3l = Math.imul(xl, 0x85ebca87) >>> 0
      // lane 4
      il = d[p + 24]! | (d[p + 25]! << 8) | (d[p + 26]! << 16) | (d[p + 27]! << 24)
      ih = d[p + 28]! | (d[p + 29]! << 8) | (d[p + 30]! << 16) | (d[p + 31]! << 24)
      q0 = (il >>> 0) & 0xffff; q1 = (il >>> 0) >>> 16
      qt = q0 * 60239; qm = q1 * 60239 + (qt >>> 16); qm2 = q0 * 10196 + (qm & 0xffff)
      xh = (q1 * 10196 + ((qm / 65536) | 0) + ((qm2 / 65536) | 0) + Math.imul(ih, 0x27d4eb4f) + Math.imul((il >>> 0), 0xc2b2ae3d)) >>> 0
      xl = Math.imul((il >>> 0), 0x27d4eb4f) >>> 0
      sl = v4l + xl; v4l = sl >>> 0; v4h = (v4h + xh + (sl > 0xffffffff ? 1 : 0)) >>> 0
      xh = ((v4h << 31) | (v4l >>> 1)) >>> 0; xl = ((v4l << 31) | (v4h >>> 1)) >>> 0
      q0 = xl & 0xffff; q1 = xl >>> 16
      qt = q0 * 51847; qm = q1 * 51847 + (qt >>> 16); qm2 = q0 * 34283 + (qm & 0xffff)
      v4h = (q1 * 34283 + ((qm / 65536) | 0) + ((qm2 / 65536) | 0) + Math.imul(xh, 0x85ebca87) + Math.imul(xl, 0x9e3779b1)) >>> 0
      v4l = Math.imul(xl, 0x85ebca87) >>> 0
  }
  v[0] = v1h; v[1] = v1l; v[2] = v2h; v[3] = v2l; v[4] = v3h; v[5] = v3l; v[6] = v4h; v[7] = v4l
}

export class Xxh64 {
  private v = new Uint32Array(8) // v1h v1l v2h v2l v3h v3l v4h v4l
  private buf = new Uint8Array(32)
  private bufLen = 0
  private total = 0

  constructor () {
    const v = this.v
    add(P1H, P1L, P2H, P2L); v[0] = RH; v[1] = RL // seed + P1 + P2
    v[2] = P2H; v[3] = P2L // seed + P2
    v[4] = 0; v[5] = 0 // seed
    add(0, 0, ~P1H >>> 0, ~P1L >>> 0); add(RH, RL, 0, 1); v[6] = RH; v[7] = RL // seed - P1
  }

  private stripes (d: Uint8Array, p: number, end: number): void { stripesInline(this.v, d, p, end) }

  update (d: Uint8Array): this {
    this.total += d.length
    let p = 0
    if (this.bufLen > 0) {
      const take = Math.min(32 - this.bufLen, d.length)
      this.buf.set(d.subarray(0, take), this.bufLen)
      this.bufLen += take
      p = take
      if (this.bufLen < 32) return this
      this.stripes(this.buf, 0, 32)
      this.bufLen = 0
    }
    const end = d.length - ((d.length - p) & 31)
    this.stripes(d, p, end)
    if (end < d.length) { this.buf.set(d.subarray(end), 0); this.bufLen = d.length - end }
    return this
  }

  /** The 64-bit digest as [hi, lo]. */
  digest (): [number, number] {
    const v = this.v
    let hh: number; let hl: number
    if (this.total >= 32) {
      rotl(v[0]!, v[1]!, 1); let ah = RH; let al = RL
      rotl(v[2]!, v[3]!, 7); add(ah, al, RH, RL); ah = RH; al = RL
      rotl(v[4]!, v[5]!, 12); add(ah, al, RH, RL); ah = RH; al = RL
      rotl(v[6]!, v[7]!, 18); add(ah, al, RH, RL); hh = RH; hl = RL
      for (let i = 0; i < 8; i += 2) {
        round(0, 0, v[i]!, v[i + 1]!)
        hh = (hh ^ RH) >>> 0; hl = (hl ^ RL) >>> 0
        mul(hh, hl, P1H, P1L); add(RH, RL, P4H, P4L); hh = RH; hl = RL
      }
    } else { hh = P5H; hl = P5L }
    add(hh, hl, Math.floor(this.total / 2 ** 32) >>> 0, this.total >>> 0); hh = RH; hl = RL
    const b = this.buf
    let p = 0
    const n = this.bufLen
    for (; p + 8 <= n; p += 8) {
      round(0, 0, b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24), b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24))
      hh = (hh ^ RH) >>> 0; hl = (hl ^ RL) >>> 0
      rotl(hh, hl, 27); mul(RH, RL, P1H, P1L); add(RH, RL, P4H, P4L); hh = RH; hl = RL
    }
    if (p + 4 <= n) {
      mul(0, (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0, P1H, P1L)
      hh = (hh ^ RH) >>> 0; hl = (hl ^ RL) >>> 0
      rotl(hh, hl, 23); mul(RH, RL, P2H, P2L); add(RH, RL, P3H, P3L); hh = RH; hl = RL
      p += 4
    }
    for (; p < n; p++) {
      mul(0, b[p]!, P5H, P5L)
      hh = (hh ^ RH) >>> 0; hl = (hl ^ RL) >>> 0
      rotl(hh, hl, 11); mul(RH, RL, P1H, P1L); hh = RH; hl = RL
    }
    // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
    hl = (hl ^ (hh >>> 1)) >>> 0
    mul(hh, hl, P2H, P2L); hh = RH; hl = RL
    const sl = ((hh << 3) | (hl >>> 29)) >>> 0
    hh = (hh ^ (hh >>> 29)) >>> 0
    hl = (hl ^ sl) >>> 0
    mul(hh, hl, P3H, P3L); hh = RH; hl = RL
    hl = (hl ^ hh) >>> 0
    return [hh, hl]
  }
}
