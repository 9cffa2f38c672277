/**
 * Files and tars of 2 GiB and more without the disk or the memory: zeros streamed from one shared
 * buffer, sparse files for tools that want a path (truncate: no blocks allocated), and a tar stream of
 * one such file made of a ustar header, the zeros, the padding and the end blocks.
 */
import { execFile } from 'node:child_process'
import { closeSync, ftruncateSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const ZERO_PIECE = new Uint8Array(8 << 20)

/** `size` zero bytes as pieces of at most 8 MiB, all views of one buffer (never written to). */
export async function * zeros (size: number): AsyncGenerator<Uint8Array> {
  for (let left = size; left > 0; left -= ZERO_PIECE.length) yield ZERO_PIECE.subarray(0, Math.min(left, ZERO_PIECE.length))
}

/** A ustar header for a regular file: mode 0644, owner 0:0, mtime 1700000000, checksum filled in. */
export function ustarHeader (name: string, size: number): Uint8Array {
  const h = new Uint8Array(512)
  const put = (text: string, at: number): void => { for (let i = 0; i < text.length; i++) h[at + i] = text.charCodeAt(i) }
  // Octal digits and a NUL; an 11-digit size field holds up to 8 GiB - 1.
  const octal = (value: number, width: number, at: number): void => put(value.toString(8).padStart(width - 1, '0') + '\0', at)
  put(name, 0)
  octal(0o644, 8, 100); octal(0, 8, 108); octal(0, 8, 116); octal(size, 12, 124); octal(1700000000, 12, 136)
  put('        ', 148); put('0', 156); put('ustar\x0000', 257)
  let sum = 0
  for (const byte of h) sum += byte
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  return h
}

/** A tar holding one file of `size` zero bytes named `name`: header, data, padding, two zero blocks. */
export async function * zeroTar (name: string, size: number): AsyncGenerator<Uint8Array> {
  yield ustarHeader(name, size)
  yield * zeros(size + (512 - size % 512) % 512 + 1024)
}

/** The tar's length: zeroTar(name, size) yields exactly this many bytes. */
export function zeroTarSize (size: number): number {
  return 512 + size + (512 - size % 512) % 512 + 1024
}

/** Creates a sparse file of `size` zero bytes in `dir` (no data blocks on disk) and returns its path. */
export function sparseFile (dir: string, size: number): string {
  const path = join(dir, `zeros-${size}`)
  const fd = openSync(path, 'w')
  try {
    ftruncateSync(fd, size)
  } finally {
    closeSync(fd)
  }
  return path
}

/**
 * The unixfs-v0-2015 CID of a file by Debian's ipfs_cid (package ipfs-cid, a Rust implementation: 256 KiB
 * chunks, 174 links, dag-pb leaves, CIDv0). It reads the whole file into memory (2 GiB for a 2 GiB file)
 * and prints JSON on stdout. Runs as a child process, so the caller can hash on this thread meanwhile.
 */
export async function ipfsCidV0 (path: string): Promise<string> {
  const { stdout } = await promisify(execFile)('ipfs_cid', [path], { maxBuffer: 1 << 20 })
  return (JSON.parse(stdout) as { CIDv0: string }).CIDv0
}

/**
 * unixfs-v0-2015 CIDs of files of zeros, as Debian's ipfs_cid (ipfs-cid 0.0~git20200813.59cf068-1+b4)
 * printed them for sparse files of these sizes; `npm run bench` (BENCH_ONLY=large) runs it again on each.
 */
export const ipfsCidOfZeros: Readonly<Record<number, string>> = {
  2147483136: 'QmSwe8vZJ2N1vNWWW4o6Q3JPiiYaxpAsjGyjr8CrN6gw7Q', // 2^31 - 512: the largest tar member below 2^31
  2147483647: 'QmUcw8di6DC5vuzFPc2A5MwggRoj2NMWzeYXCtGJUddxED', // 2^31 - 1
  2147483648: 'QmTbKT35oQzKgR34LUHaPdtrFrphjxiQJLrz6QMyU4kQNC', // 2^31
  2147483649: 'QmchXzBnPwsr9KoZiaT1UWdBq1i3T34dPTx8fuS7SvwQXs', // 2^31 + 1
  4294967295: 'QmW3V6ajXZLDty6avLAuXzFEZmcUcC2TYeygporDWYiZRA', // 2^32 - 1
  4294967296: 'QmPCeAaPPMtTcoik9wjDpwPgYw9NStZ1AzpEz7nJQQPi3C', // 2^32
  4294967297: 'QmPAiDJHb2uUV2gyqnVAMUdNpKpd4jb64iiGDEpvrGU5Sx' // 2^32 + 1
}

/**
 * A zip of `entries` stored files, each `content` (one buffer, shared), as a random-access source that
 * makes the bytes of any range when asked: as large as wanted without the memory, and its content DAGs
 * are one file's blocks. Local headers and central headers are bare (no extra fields).
 */
export function repeatedZip (entries: number, content: Uint8Array, crc: number): { size: number, read: (offset: number, length: number) => Promise<Uint8Array> } {
  const name = (i: number): Uint8Array => new TextEncoder().encode(`f${String(i).padStart(4, '0')}.bin`)
  const parts: Array<{ offset: number, bytes: Uint8Array }> = []
  let at = 0
  const add = (bytes: Uint8Array): void => { parts.push({ offset: at, bytes }); at += bytes.length }
  const header = (signature: number, size: number): { bytes: Uint8Array, view: DataView } => {
    const bytes = new Uint8Array(size)
    const view = new DataView(bytes.buffer)
    view.setUint32(0, signature, true)
    return { bytes, view }
  }
  const offsets: number[] = []
  for (let i = 0; i < entries; i++) {
    offsets.push(at)
    const n = name(i)
    const { bytes, view } = header(0x04034b50, 30 + n.length)
    view.setUint16(4, 10, true); view.setUint32(14, crc, true); view.setUint32(18, content.length, true); view.setUint32(22, content.length, true)
    view.setUint16(26, n.length, true); bytes.set(n, 30)
    add(bytes)
    add(content)
  }
  const cdOffset = at
  for (let i = 0; i < entries; i++) {
    const n = name(i)
    const { bytes, view } = header(0x02014b50, 46 + n.length)
    view.setUint16(4, 0x031e, true); view.setUint16(6, 10, true); view.setUint32(16, crc, true)
    view.setUint32(20, content.length, true); view.setUint32(24, content.length, true); view.setUint16(28, n.length, true)
    view.setUint32(38, (0o100644 << 16) >>> 0, true); view.setUint32(42, offsets[i] as number, true); bytes.set(n, 46)
    add(bytes)
  }
  const { bytes: eocd, view } = header(0x06054b50, 22)
  view.setUint16(8, entries, true); view.setUint16(10, entries, true); view.setUint32(12, at - cdOffset, true); view.setUint32(16, cdOffset, true)
  add(eocd)
  const size = at
  const read = async (offset: number, length: number): Promise<Uint8Array> => {
    const out = new Uint8Array(length)
    for (const p of parts) {
      const from = Math.max(offset, p.offset)
      const to = Math.min(offset + length, p.offset + p.bytes.length)
      if (from < to) out.set(p.bytes.subarray(from - p.offset, to - p.offset), from - offset)
    }
    return out
  }
  return { size, read }
}
