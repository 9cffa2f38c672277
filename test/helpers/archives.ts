/**
 * Building test archives with the real tools (GNU tar, bsdtar) from directories made on disk, so that
 * every case is an archive those tools really write.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, linkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pack } from 'tar-stream'

export const gnuFormats = ['gnu', 'oldgnu', 'ustar', 'pax', 'v7'] as const
export const bsdtarFormats = ['ustar', 'pax', 'gnutar', 'v7'] as const

export function tempDir (prefix = 'iam-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export function removeDir (dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** Deterministic bytes of a given length (a cheap LCG; content only needs to differ between files). */
export function patternBytes (length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed >>> 0
  for (let i = 0; i < length; i++) { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; out[i] = x >>> 24 }
  return out
}

export interface TreeSpec {
  files?: Record<string, Uint8Array | string>
  dirs?: string[]
  symlinks?: Record<string, string>
  hardlinks?: Record<string, string>
  executable?: string[]
}

/** Writes a tree under `root/<top>`; returns `root`. */
export function writeTree (spec: TreeSpec, root = tempDir()): string {
  for (const dir of spec.dirs ?? []) mkdirSync(join(root, dir), { recursive: true })
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), content, { mode: spec.executable?.includes(path) === true ? 0o755 : 0o644 })
  }
  for (const [path, target] of Object.entries(spec.symlinks ?? {})) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    symlinkSync(target, join(root, path))
  }
  for (const [path, target] of Object.entries(spec.hardlinks ?? {})) linkSync(join(root, target), join(root, path))
  return root
}

/** A tar of `names` inside `dir`, made by GNU tar in `format`, with reproducible metadata. */
export function gnuTar (dir: string, names: string[], format: typeof gnuFormats[number], extra: string[] = []): Uint8Array {
  const out = join(dir, '..', `out-${format}-${Math.random().toString(36).slice(2)}.tar`)
  execFileSync('tar', ['--create', `--format=${format}`, '--file', out, '--sort=name', '--mtime=@1700000000',
    '--owner=0', '--group=0', '--numeric-owner', ...extra, '-C', dir, ...names], { stdio: ['ignore', 'pipe', 'pipe'] })
  const bytes = readFileSync(out)
  rmSync(out)
  return new Uint8Array(bytes)
}

export function bsdtar (dir: string, names: string[], format: typeof bsdtarFormats[number]): Uint8Array {
  return new Uint8Array(execFileSync('bsdtar', ['-c', '--format', format, '-f', '-', '-C', dir, ...names], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] }))
}

/** Extracts with GNU tar into a new directory (the reference extraction). */
export function gnuExtract (archive: Uint8Array, extra: string[] = []): string {
  const dir = tempDir('iam-x-')
  execFileSync('tar', ['--extract', '--file', '-', '-C', dir, '--no-same-owner', ...extra], { input: archive, stdio: ['pipe', 'ignore', 'pipe'] })
  return dir
}

/** `nix-store --dump` of a path: a canonical serialisation (names, contents, executable bits, symlinks). */
export function narOf (path: string): Buffer {
  return execFileSync('nix-store', ['--dump', path], { maxBuffer: 1 << 30 })
}

export type Header = Parameters<ReturnType<typeof pack>['entry']>[0]

/**
 * A tar made by tar-stream's pack (ustar, PAX where needed) from headers and contents; `defaults` apply to
 * every header (mtime 1700000000 unless given).
 */
export async function packTar (members: Array<[Header, (string | Uint8Array)?]>, defaults: Partial<Header> = {}): Promise<Uint8Array> {
  const p = pack()
  const chunks: Buffer[] = []
  p.on('data', (c: unknown) => { chunks.push(c as Buffer) })
  const done = new Promise<void>(resolve => { p.on('end', () => { resolve() }) })
  for (const [header, content] of members) {
    await new Promise<void>((resolve, reject) => {
      const callback = (err?: Error | null): void => { err == null ? resolve() : reject(err) }
      const full = { mtime: new Date(1700000000000), ...defaults, ...header }
      if (content === undefined) p.entry(full, callback)
      else p.entry(full, Buffer.from(content), callback)
    })
  }
  p.finalize()
  await done
  return new Uint8Array(Buffer.concat(chunks))
}


/** A member for pythonTar (mtime 1700000000; mode 0o644, or 0o755 for a directory, unless given). */
export interface PythonMember {
  name: string
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo'
  data?: string
  link?: string
  mode?: number
  uid?: number
  gid?: number
  uname?: string
  gname?: string
}

/**
 * Writes a tar at `path` with Python's tarfile, names and link targets exactly as given (`../x`, absolute
 * paths, links out of the tree): how hostile and odd archives are made by scripts.
 */
export function pythonTar (path: string, members: PythonMember[], format: 'gnu' | 'pax' = 'gnu'): void {
  execFileSync('python3', ['-c', `
import io, json, sys, tarfile
kinds = {'file': tarfile.REGTYPE, 'dir': tarfile.DIRTYPE, 'symlink': tarfile.SYMTYPE, 'hardlink': tarfile.LNKTYPE, 'fifo': tarfile.FIFOTYPE}
with tarfile.open(sys.argv[1], 'w', format=tarfile.GNU_FORMAT if sys.argv[2] == 'gnu' else tarfile.PAX_FORMAT) as t:
    for m in json.loads(sys.argv[3]):
        info = tarfile.TarInfo(m['name'])
        data = m.get('data', '').encode()
        info.type, info.linkname, info.size, info.mtime = kinds[m.get('type', 'file')], m.get('link', ''), len(data), 1700000000
        info.mode = m.get('mode', 0o755 if m.get('type') == 'dir' else 0o644)
        for key in ('uid', 'gid', 'uname', 'gname'):
            if key in m: setattr(info, key, m[key])
        t.addfile(info, io.BytesIO(data))
`, path, format, JSON.stringify(members)])
}
