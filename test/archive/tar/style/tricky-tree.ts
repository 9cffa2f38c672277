/**
 * A directory tree made to exercise every header habit: names around the 99/100/101-byte and
 * 155+100-byte limits and beyond 256 bytes, long and non-ASCII link targets, non-ASCII and non-UTF-8
 * names, symlinks, a hardlink, empty directories, executables, a fifo, mtimes before 1970, after 2038,
 * beyond 11 octal digits and fractional; as root also large uid/gid, other owners and devices.
 * Writers that cannot store some kinds (npm, git) get a tree without them.
 */
import { chmodSync, chownSync, linkSync, mkdirSync, symlinkSync, utimesSync, writeFileSync, lutimesSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

export interface TreeOptions {
  /** Names that are not UTF-8 (npm cannot read them). */
  nonUtf8?: boolean
  /** Fifos and devices (git and npm store neither). */
  special?: boolean
  /** Symlinks (npm pack leaves them out). */
  symlinks?: boolean
}

const root = process.getuid?.() === 0

/** Writes the tree under `dir/top`; returns the names to archive (relative to `dir`). */
export function writeTrickyTree (dir: string, top = 't', options: TreeOptions = {}): string[] {
  const { nonUtf8 = true, special = true, symlinks = true } = options
  const t = join(dir, top)
  const file = (rel: string, content: string | Uint8Array = `${rel}\n`, mode = 0o644): string => {
    const p = join(t, rel)
    mkdirSync(join(p, '..'), { recursive: true })
    writeFileSync(p, content, { mode })
    chmodSync(p, mode)
    return p
  }
  mkdirSync(join(t, 'empty'), { recursive: true })
  // Names around the limits: path lengths (with "t/") 99, 100, 101; a >100 path splittable in ustar;
  // a directory path of 126 bytes; a path over 256 bytes.
  for (const n of [97, 98, 99]) file('f'.repeat(n))
  file(`${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(30)}`)
  file(`${'r'.repeat(60)}/${'r'.repeat(60)}/${'s'.repeat(99)}`)
  file(`${['p'.repeat(50), 'p'.repeat(50), 'p'.repeat(50), 'p'.repeat(50)].join('/')}/${'q'.repeat(90)}`)
  file('exec.sh', '#!/bin/sh\n', 0o755)
  file('café.txt')
  file('data.bin', new Uint8Array(1000).map((_, i) => (i * 7) & 0xff))
  if (nonUtf8) writeFileSync(Buffer.concat([Buffer.from(join(t, 'bad')), Buffer.from([0xff, 0xfe]), Buffer.from('.bin')]), 'bytes\n')
  linkSync(join(t, 'exec.sh'), join(t, 'hard'))
  if (symlinks) {
    symlinkSync('exec.sh', join(t, 'link'))
    symlinkSync('x'.repeat(150), join(t, 'longlink'))
    symlinkSync('y'.repeat(100), join(t, 'link100'))
    symlinkSync('y'.repeat(101), join(t, 'link101'))
    symlinkSync('café', join(t, 'linku'))
  }
  const times: Array<[string, number]> = [
    ['old', -1e9], ['frac-neg', -1.5], ['future', 5e9], ['far-future', 1e10], ['frac', 1700000000.123456789], ['half', 1700000001.5]
  ]
  for (const [name, t0] of times) utimesSync(file(name), t0, t0)
  if (symlinks) lutimesSync(join(t, 'link'), 1700000000.25, 1700000000.25)
  if (special) execFileSync('mkfifo', [join(t, 'fifo')])
  if (root) {
    chownSync(file('big-uid'), 3000000, 3000001)
    chownSync(file('nobody'), 65534, 65534)
    if (special) {
      execFileSync('mknod', [join(t, 'cdev'), 'c', '1', '7'])
      execFileSync('mknod', [join(t, 'bdev'), 'b', '8', '1'])
    }
  }
  return [top]
}
