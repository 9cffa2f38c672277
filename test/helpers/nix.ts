/** Nix's own tools as oracles: `nix-store --dump` and `nix-hash` of a directory, GNU tar and unzip extractions. */
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from './archives.js'

/** GNU tar's extraction of an archive file (compression detected by tar from the file). */
export function gnuExtractFile (path: string): string {
  const dir = tempDir('iam-nix-x-')
  execFileSync('tar', ['--extract', '--file', path, '-C', dir, '--no-same-owner'], { stdio: ['ignore', 'ignore', 'pipe'] })
  return dir
}

/** unzip's extraction of a zip file. */
export function unzipFile (path: string): string {
  const dir = tempDir('iam-nix-unzip-')
  execFileSync('unzip', ['-qq', path, '-d', dir], { stdio: ['ignore', 'ignore', 'pipe'] })
  return dir
}

/** The single directory a tree holds (what fetchzip's stripRoot keeps). */
export function onlyChild (dir: string): string {
  const names = readdirSync(dir)
  if (names.length !== 1) throw new Error(`${dir} holds ${names.length} entries`)
  return join(dir, names[0] as string)
}

/** `nix-hash --type sha256 --base32 PATH`: the nix32 of the sha256 of the path's NAR. */
export function nixHash32 (path: string): string {
  return execFileSync('nix-hash', ['--type', 'sha256', '--base32', path], { encoding: 'utf8' }).trim()
}

/** All the bytes of a stream. */
export async function collect (chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return Buffer.concat(parts)
}
