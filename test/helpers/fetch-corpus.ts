/**
 * The archives the fetch tests get back by hash, made by the real tools from the bundled release tars: a
 * .tar.gz by GNU gzip, a .tar.xz by xz 5.4 and a zip by Info-ZIP's zip, each with its digests.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gnuExtract, removeDir } from './archives.js'

export interface CorpusArchive {
  name: string
  path: string
  bytes: Uint8Array
  sha256: string
  sha512: string
}

const fixtures = join(import.meta.dirname, '../fixtures/real')

/** Writes the three archives into `dir` and returns them. */
export function fetchCorpus (dir: string): CorpusArchive[] {
  const hello = readFileSync(join(fixtures, 'hello-2.10.tar'))
  const made: Array<[string, Uint8Array]> = [
    ['hello-2.10.tar.gz', execFileSync('gzip', ['-n', '-9', '-c'], { input: hello, maxBuffer: 1 << 28 })],
    ['tar-stream-3.1.7.tar.xz', execFileSync('xz', ['-6', '-T1', '-c'], { input: readFileSync(join(fixtures, 'tar-stream-3.1.7.tar')) })],
    ['hello-2.10.zip', zipOf(new Uint8Array(hello), 'hello-2.10')]
  ]
  return made.map(([name, bytes]) => {
    const path = join(dir, name)
    writeFileSync(path, bytes)
    return {
      name,
      path,
      bytes: new Uint8Array(bytes),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sha512: createHash('sha512').update(bytes).digest('hex')
    }
  })
}

/** A zip of the top directory `top` of a tar, by `zip -r -X` (no extra attributes). */
function zipOf (tar: Uint8Array, top: string): Uint8Array {
  const tree = gnuExtract(tar)
  try {
    execFileSync('zip', ['-q', '-r', '-X', 'out.zip', top], { cwd: tree })
    return new Uint8Array(readFileSync(join(tree, 'out.zip')))
  } finally { removeDir(tree) }
}
