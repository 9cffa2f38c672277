/**
 * The CLI in pipelines (#17): archives and CARs read from pipes and stdin as streams, CARs streamed to stdout
 * as ipfs-car streams them (no root in the header, the root last), truncated CARs told apart, and binary
 * output refused on a terminal as gzip and zstd refuse it.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bytesSource } from '../src/archive/zip/source.js'
import { indexCar, type CarIndex } from '../src/codec/car-index.js'
import { removeDir, tempDir } from './helpers/archives.js'
import { cli, cliBytes, cliProcess, onTerminal, repo, shell } from './helpers/cli.js'

const tar = join(repo, 'test/fixtures/real/hello-2.10.tar')

let dir: string
let gz: string
let zip: string
beforeAll(() => {
  dir = tempDir('iam-streams-')
  gz = join(dir, 'hello-2.10.tar.gz')
  writeFileSync(gz, execFileSync('gzip', ['-n', '-9', '-c', tar]))
  zip = join(dir, 'fixtures.zip')
  execFileSync('zip', ['-q', '-r', '-X', zip, 'real'], { cwd: join(repo, 'test/fixtures') })
})
afterAll(() => { removeDir(dir) })

/** The --json summary of `create` run as `script` (with "$F" the archive), after checking it succeeded. */
function created (script: string, file: string): unknown {
  const r = shell(`F=${JSON.stringify(file)}\n${script}`, dir)
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout.toString())
}

describe('create reads pipes and stdin as streams, never trusting stat\'s size (#17)', () => {
  it('a tar from -, /dev/stdin in a pipeline and <(…) is described as the file is', () => {
    const file = created('iam create "$F" --json', tar)
    expect(created('cat "$F" | iam create - --json', tar)).toEqual(file)
    expect(created('cat "$F" | iam create /dev/stdin --json', tar)).toEqual(file)
    expect(created('iam create <(cat "$F") --json', tar)).toEqual(file)
  })

  it('a .tar.gz and a zip from stdin: the same summary, and the same CAR, as from the file', () => {
    for (const file of [gz, zip]) {
      expect(created('cat "$F" | iam create - --json --car piped.car', file)).toEqual(created('iam create "$F" --json --car file.car', file))
      expect(readFileSync(join(dir, 'piped.car')).equals(readFileSync(join(dir, 'file.car')))).toBe(true)
    }
  })
})

describe('a failure while the writer of stdin is still running (#17)', () => {
  it('create - stops at the first bad header and exits, without waiting for the rest of the input', async () => {
    const child = cliProcess('create', '-')
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.stdout.resume()
    // A directory's header, then a block that is no header; stdin stays open until the CLI has exited.
    const head = readFileSync(tar).subarray(0, 512)
    child.stdin.write(Buffer.concat([head, Buffer.alloc(2048, 'x')]))
    const status = await new Promise<number | null>(resolve => child.on('exit', resolve))
    child.stdin.destroy()
    expect(stderr).toMatch(/^error ERR_HEADER_CHECKSUM: .*offset 512/)
    expect(status).toBe(1)
  })
})

describe('create --car - streams a CAR; every command reads one from stdin or a pipe (#17)', () => {
  it('the CAR on stdout has no roots and ends with the manifest block; the summary goes to stderr', async () => {
    const r = cliBytes({}, 'create', tar, '--car', '-', '--json')
    expect(r.status, r.stderr).toBe(0)
    const summary = JSON.parse(r.stderr) as { manifest: string }
    const index = await indexCar(bytesSource(new Uint8Array(r.stdout)))
    expect(index.roots).toEqual([])
    expect(index.last?.toString()).toBe(summary.manifest)
    // The same blocks as the CAR written to a file, whose header names the root.
    const file = join(dir, 'rooted.car')
    expect(cli('create', tar, '--car', file).status).toBe(0)
    const rooted = await indexCar(bytesSource(new Uint8Array(readFileSync(file))))
    expect(rooted.roots.map(String)).toEqual([summary.manifest])
    expect([...rooted.blocks.keys()]).toEqual([...index.blocks.keys()])
  })

  it('create --car - | restore - and --car /dev/stdout | verify - round-trip; a FIFO works as a CAR path both ways', () => {
    const restored = shell(`iam create ${JSON.stringify(tar)} --car - 2>/dev/null | iam restore - | cmp - ${JSON.stringify(tar)}`, dir)
    expect(restored.status, restored.stderr).toBe(0)
    const verified = shell(`iam create ${JSON.stringify(tar)} --car /dev/stdout 2>/dev/null | iam verify -`, dir)
    expect(verified.status, verified.stderr).toBe(0)
    expect(verified.stdout.toString()).toMatch(/^ok: manifest \S+ \(315 entries, 3338240 archive bytes, \d+ blocks\) verified\n$/)
    const fifo = shell(`mkfifo car.fifo && (iam create ${JSON.stringify(gz)} --car car.fifo > created.txt &) && iam verify car.fifo`, dir)
    expect(fifo.status, fifo.stderr).toBe(0)
    expect(fifo.stdout.toString()).toMatch(/^ok: manifest /)
  })

  it('a CAR cut short is ERR_TRUNCATED_CAR, not a missing root block', async () => {
    expect(cli('create', tar, '--car', join(dir, 'whole.car')).status).toBe(0)
    const rooted = new Uint8Array(readFileSync(join(dir, 'whole.car')))
    const streamed = new Uint8Array(cliBytes({}, 'create', tar, '--car', '-').stdout)
    // Both end with the manifest block: cut there, and inside the block before it.
    const rootAt = sectionStart(await indexCar(bytesSource(streamed)))
    expect(sectionStart(await indexCar(bytesSource(rooted)))).toBe(rootAt + rooted.length - streamed.length)
    const cases: Record<string, Uint8Array> = {
      'rooted, cut inside a block': rooted.subarray(0, rootAt - 100),
      'rooted, cut before its root block': rooted.subarray(0, rootAt + rooted.length - streamed.length),
      'roots-less, cut inside a block': streamed.subarray(0, rootAt - 100),
      'roots-less, cut before its last block': streamed.subarray(0, rootAt),
      'cut inside the header': streamed.subarray(0, 10),
      empty: new Uint8Array(0)
    }
    const path = join(dir, 'cut.car')
    for (const [name, bytes] of Object.entries(cases)) {
      writeFileSync(path, bytes)
      const fromFile = cli('verify', path, '--json')
      expect(fromFile.status, name).toBe(1)
      expect(JSON.parse(fromFile.stdout).error.code, name).toBe('ERR_TRUNCATED_CAR')
      const fromStdin = shell('iam restore - -o x.tar < cut.car', dir)
      expect(fromStdin.stderr, name).toMatch(/^error ERR_TRUNCATED_CAR: [^\n]+\n$/)
    }
  })
})

describe('binary output and input on a terminal (#17)', () => {
  let car: string
  beforeAll(() => {
    car = join(dir, 'terminal.car')
    expect(cli('create', tar, '--car', car).status).toBe(0)
  })

  it('restore and create --car - refuse a terminal as stdout unless --force; create - refuses one as stdin', () => {
    const refused = onTerminal('restore', car)
    expect(refused.status).toBe(2)
    expect(refused.output).toMatch(/^error ERR_USAGE: refusing to write binary data to a terminal/)
    const forced = onTerminal('restore', car, '--force')
    expect(forced.status).toBe(0)
    expect(forced.output).toContain('GNU GENERAL PUBLIC LICENSE')
    expect(onTerminal('create', tar, '--car', '-').output).toMatch(/^error ERR_USAGE: refusing to write binary data to a terminal/)
    expect(onTerminal('create', '-').output).toMatch(/^error ERR_USAGE: refusing to read binary input from a terminal/)
  })

  it('restore | head -c 10: the first bytes, then one typed line on stderr, no stack trace', () => {
    const r = shell(`iam restore ${JSON.stringify(car)} | head -c 10`, dir)
    expect(r.stdout.toString()).toBe('hello-2.10')
    expect(r.stderr).toMatch(/^(error ERR_OUTPUT_CLOSED: [^\n]+\n)?$/)
  })
})

/** Where the CAR's last section (its length varint, CID and block) starts. */
function sectionStart (index: CarIndex): number {
  const cid = index.last!
  const block = index.blocks.get(cid.toString())!
  const length = cid.bytes.length + block.length
  let varintBytes = 1
  while (length >= 128 ** varintBytes) varintBytes++
  return block.offset - cid.bytes.length - varintBytes
}
