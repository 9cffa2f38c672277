/**
 * -o read the same way by every command that writes bytes (restore, nar, fetch): `-o -` is stdout, stdout
 * on a terminal is refused unless --force, a failed stream leaves no file, and a FIFO at -o is written
 * into rather than replaced.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { lstatSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { removeDir, tempDir } from '../helpers/archives.js'
import { readCarFile, tampered, writeCarFile } from '../helpers/blocks.js'
import { cli, onTerminal, repo, shell, shellAsync } from '../helpers/cli.js'
import { hashedMirror } from '../helpers/http-sources.js'

const tar = join(repo, 'test/fixtures/real/hello-2.10.tar')

let dir: string
let car: string
beforeAll(() => {
  dir = tempDir('iam-output-')
  car = join(dir, 'hello.car')
  const r = cli('create', tar, '--nar', '--car', car)
  expect(r.status, r.stderr).toBe(0)
})
afterAll(() => { removeDir(dir) })

/** A fresh empty working directory, so that a file the CLI should not write shows up in it. */
function workDir (name: string): string {
  const at = join(dir, name)
  execFileSync('mkdir', [at])
  return at
}

describe('-o - is stdout, for every command with -o', () => {
  it('nar -o - writes the NAR to stdout, as nar with no -o does, and no file named -', () => {
    const cwd = workDir('nar-dash')
    const plain = shell(`iam nar ${JSON.stringify(car)}`, cwd)
    expect(plain.status, plain.stderr).toBe(0)
    const dash = shell(`iam nar ${JSON.stringify(car)} -o -`, cwd)
    expect(dash.status, dash.stderr).toBe(0)
    expect(dash.stdout.length).toBeGreaterThan(100_000)
    expect(dash.stdout.equals(plain.stdout)).toBe(true)
    expect(readdirSync(cwd)).toEqual([])
  })

  it('fetch -o - writes the archive to stdout and its report to stderr, and no file named -', async () => {
    const bytes = readFileSync(tar)
    const hex = createHash('sha256').update(bytes).digest('hex')
    const mirror = await hashedMirror(new Map([[`sha256/${hex}`, bytes]]))
    try {
      const cwd = workDir('fetch-dash')
      const r = await shellAsync(`iam fetch --sha256 ${hex} --mirror ${mirror.url} -o -`, cwd)
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout.equals(bytes)).toBe(true)
      expect(r.stderr).toContain(`fetched ${bytes.length} bytes`)
      expect(readdirSync(cwd)).toEqual([])
    } finally { await mirror.close() }
  })
})

describe('binary output on a terminal is refused unless --force, as restore refuses it', () => {
  it('nar and fetch refuse a terminal (before any work: no source is asked); nar --force writes it', () => {
    for (const args of [['nar', car], ['nar', car, '-o', '-'], ['fetch', '--sha256', 'a'.repeat(64), '--mirror', 'http://127.0.0.1:1/']]) {
      const refused = onTerminal(...args)
      expect(refused.status, args.join(' ')).toBe(2)
      expect(refused.output, args.join(' ')).toMatch(/^error ERR_USAGE: refusing to write binary data to a terminal/)
    }
    const forced = onTerminal('nar', car, '--force')
    expect(forced.status).toBe(0)
    expect(forced.output).toContain('nix-archive-1')
  })
})

describe('no half-written output', () => {
  it('nar -o FILE with a block missing from the CAR: a typed error, no FILE and no temporary file', async () => {
    const { root, blocks } = await readCarFile(car)
    // The largest raw leaf: a file's contents, read once many bytes of the NAR are made.
    const [largest] = [...blocks.entries()].filter(([cid]) => cid.code === 0x55).sort((a, b) => b[1].length - a[1].length)
    const broken = join(dir, 'broken.car')
    await writeCarFile(broken, root, tampered(blocks, { drop: [largest![0]] }))
    const cwd = workDir('nar-broken')
    const r = cli('nar', broken, '-o', join(cwd, 'out.nar'))
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^error ERR_BLOCK_NOT_FOUND/m)
    expect(readdirSync(cwd)).toEqual([])
  })
})

describe('a FIFO at -o', () => {
  /** Runs `script` (with "$O" a new FIFO) while `cat` reads the FIFO; what cat read, once the FIFO is checked still to be one. */
  async function throughFifo (name: string, script: string): Promise<Buffer> {
    const fifo = join(workDir(name), 'pipe')
    execFileSync('mkfifo', [fifo])
    const reader = spawn('cat', [fifo])
    const read: Buffer[] = []
    reader.stdout.on('data', (d: Buffer) => { read.push(d) })
    const readerDone = new Promise(resolve => { reader.on('close', resolve) })
    try {
      const r = await shellAsync(`O=${JSON.stringify(fifo)}\n${script}`)
      expect(r.status, r.stderr).toBe(0)
      // Renaming a file onto the path would have replaced the FIFO (and left its reader waiting).
      expect(lstatSync(fifo).isFIFO()).toBe(true)
      await readerDone
      return Buffer.concat(read)
    } finally {
      if (reader.exitCode === null) reader.kill()
    }
  }

  it('restore and fetch -o FIFO write into the FIFO (its reader gets the archive) and leave it a FIFO', async () => {
    const bytes = readFileSync(tar)
    expect((await throughFifo('fifo-restore', `iam restore ${JSON.stringify(car)} -o "$O"`)).equals(bytes)).toBe(true)
    const hex = createHash('sha256').update(bytes).digest('hex')
    const mirror = await hashedMirror(new Map([[`sha256/${hex}`, bytes]]))
    try {
      expect((await throughFifo('fifo-fetch', `iam fetch --sha256 ${hex} --mirror ${mirror.url} -o "$O"`)).equals(bytes)).toBe(true)
    } finally { await mirror.close() }
  })
})
