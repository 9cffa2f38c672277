/**
 * The oracle for the GNU gzip deflate tests: the real `gzip` binary (GNU gzip 1.12) run on a regular file, with
 * its 10-byte header and 8-byte trailer removed.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Found on PATH, as every peer tool here. */
export const GZIP = 'gzip'

export function gzipVersion (): string {
  return execFileSync(GZIP, ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? ''
}

let dir: string | undefined

/**
 * Raw deflate stream of `gzip -n -<level> [options] -c FILE` where FILE holds `data` (a regular file, as in
 * releases); `options`: e.g. `--rsyncable`.
 */
export function gzipRawDeflate (data: Uint8Array, level: number, options: string[] = []): Uint8Array {
  dir ??= mkdtempSync(join(tmpdir(), 'iam-gnu-gzip-'))
  const file = join(dir, 'input')
  writeFileSync(file, data)
  return gzipRawDeflateFile(file, level, options)
}

export function gzipRawDeflateFile (file: string, level: number, options: string[] = []): Uint8Array {
  const gz = execFileSync(GZIP, ['-n', `-${level}`, ...options, '-c', file], { maxBuffer: 1 << 30 })
  // -n: no name, no time stamp, so the header is exactly 10 bytes (FLG must be 0).
  if (gz[0] !== 0x1f || gz[1] !== 0x8b || gz[2] !== 8 || gz[3] !== 0) throw new Error('unexpected gzip header')
  return new Uint8Array(gz.subarray(10, gz.length - 8))
}

export function cleanupOracle (): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  dir = undefined
}

/** Index of the first differing byte, or -1 when equal (lengths included). */
export function firstDifference (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return a.length === b.length ? -1 : n
}
