/** recognizeArchive: archives told apart from other files by content, as `add DIR` needs. */
import { describe, it, expect } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bytesSource } from '../../src/index.js'
import { recognizeArchive } from '../../src/manifest/recognize.js'
import { patternBytes, removeDir, tempDir } from '../helpers/archives.js'

const tar = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/real/is-number-7.0.0.tar')))
const text = new TextEncoder().encode('hello, this is not an archive\n'.repeat(50))

function run (command: string, args: string[], input: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync(command, args, { input, maxBuffer: 1 << 28 }))
}

async function recognize (bytes: Uint8Array): Promise<string | undefined> {
  return await recognizeArchive(bytesSource(bytes))
}

describe('recognizeArchive', () => {
  it('tars, plain and compressed by each codec', async () => {
    expect(await recognize(tar)).toBe('tar')
    expect(await recognize(run('gzip', ['-n', '-c'], tar))).toBe('tar+gzip')
    expect(await recognize(run('bzip2', ['-c'], tar))).toBe('tar+bzip2')
    expect(await recognize(run('xz', ['-c'], tar))).toBe('tar+xz')
    expect(await recognize(run('zstd', ['-q', '-c'], tar))).toBe('tar+zstd')
  })

  it('zips, also behind a prefix', async () => {
    const dir = tempDir('iam-recognize-')
    try {
      writeFileSync(join(dir, 'a.txt'), text)
      execFileSync('zip', ['-q', '-X', 'z.zip', 'a.txt'], { cwd: dir })
      const zip = new Uint8Array(readFileSync(join(dir, 'z.zip')))
      expect(await recognize(zip)).toBe('zip')
      const stub = new Uint8Array([...new TextEncoder().encode('#!/bin/sh\nexit 0\n'), ...zip])
      expect(await recognize(stub)).toBe('zip')
    } finally { removeDir(dir) }
  })

  it('not archives: text, random bytes, compressed text, a .deb (ar), empty and short inputs', async () => {
    expect(await recognize(text)).toBeUndefined()
    expect(await recognize(patternBytes(5000))).toBeUndefined()
    expect(await recognize(run('gzip', ['-c'], text))).toBeUndefined()
    expect(await recognize(run('xz', ['-c'], text))).toBeUndefined()
    expect(await recognize(run('gzip', ['-c'], new Uint8Array(10)))).toBeUndefined()
    expect(await recognize(new TextEncoder().encode('!<arch>\ndebian-binary   '))).toBeUndefined()
    expect(await recognize(new Uint8Array(0))).toBeUndefined()
    expect(await recognize(new Uint8Array(1024))).toBeUndefined()
  })

  it('compressed data that breaks before a header shows is left for the describer to report', async () => {
    const gz = run('gzip', ['-n', '-c'], tar)
    expect(await recognize(gz.subarray(0, 20))).toBe('tar+gzip')
    const corrupt = gz.slice()
    for (let i = 10; i < 40; i++) corrupt[i] = 0xff
    expect(await recognize(corrupt)).toBe('tar+gzip')
  })
})
