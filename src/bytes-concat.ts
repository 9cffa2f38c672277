/** Concatenation of byte strings: names built from a few pieces, and data gathered from many chunks. */
export function concatBytes (...parts: Uint8Array[]): Uint8Array {
  return joinBytes(parts)
}

/** The pieces of a list as one byte string; takes an array, so any number of chunks (no spread). */
export function joinBytes (parts: readonly Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}
