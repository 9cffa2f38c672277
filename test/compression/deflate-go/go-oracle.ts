/**
 * The oracle for the Go compress/flate tests: a small Go program (oracle.go, standard library only) built with
 * the installed Go toolchain (Debian bookworm golang-go: Go 1.19) into a temp dir, no network needed.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

let dir: string | undefined
let bin: string | undefined

function goEnv (): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod', GO111MODULE: 'on', CGO_ENABLED: '0' }
  // Go needs a build cache; HOME may be unset or read-only in CI.
  env.GOCACHE ??= join(tmpdir(), 'iam-go-build-cache')
  return env
}

/** Build the oracle once per process; returns the binary's path. */
export function buildOracle (): string {
  if (bin !== undefined) return bin
  dir = mkdtempSync(join(tmpdir(), 'iam-go-flate-'))
  copyFileSync(join(import.meta.dirname, 'oracle.go'), join(dir, 'main.go'))
  writeFileSync(join(dir, 'go.mod'), 'module oracle\n\ngo 1.19\n')
  execFileSync('go', ['build', '-o', 'oracle', '.'], { cwd: dir, env: goEnv(), stdio: ['ignore', 'ignore', 'inherit'] })
  bin = join(dir, 'oracle')
  return bin
}

export function goVersion (): string {
  return execFileSync(buildOracle(), ['version'], { encoding: 'utf8' })
}

export interface GoCase {
  data: Uint8Array
  level: number
  /** Size of each Write; 0 = a single Write of everything. */
  writeSize: number
}

/** Raw flate streams from Go for each case, run in one process. */
export function goFlateBatch (cases: GoCase[]): Uint8Array[] {
  const parts: Uint8Array[] = []
  for (const c of cases) {
    const hdr = new DataView(new ArrayBuffer(12))
    hdr.setInt32(0, c.level, true)
    hdr.setUint32(4, c.writeSize, true)
    hdr.setUint32(8, c.data.length, true)
    parts.push(new Uint8Array(hdr.buffer), c.data)
  }
  const r = spawnSync(buildOracle(), ['batch'], { input: Buffer.concat(parts), maxBuffer: 1 << 30 })
  if (r.status !== 0) throw new Error(`go oracle failed: ${String(r.stderr)}`)
  const out = r.stdout
  const res: Uint8Array[] = []
  let at = 0
  for (let i = 0; i < cases.length; i++) {
    const m = out.readUInt32LE(at)
    res.push(new Uint8Array(out.subarray(at + 4, at + 4 + m)))
    at += 4 + m
  }
  return res
}

export function goFlate (data: Uint8Array, level: number, writeSize = 32768): Uint8Array {
  return goFlateBatch([{ data, level, writeSize }])[0]!
}

/** `flate.NewWriter; io.Copy(fw, file); Close` (mode copy) or the same through gzip.NewWriterLevel (mode gzip). */
export function goCopyFile (file: string, level: number, mode: 'copy' | 'gzip'): Uint8Array {
  return new Uint8Array(execFileSync(buildOracle(), [mode, String(level), file], { maxBuffer: 1 << 30 }))
}

export function cleanupOracle (): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  dir = undefined
  bin = undefined
}

/** Index of the first differing byte, or -1 when equal (lengths included). */
export function firstDifference (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return a.length === b.length ? -1 : n
}
