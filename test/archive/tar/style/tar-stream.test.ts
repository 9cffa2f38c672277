/**
 * tar-stream's pack() (the npm package, as installed): ustar headers with its own number format, the
 * shortest prefix split, and for anything ustar cannot hold (non-ASCII names, unsplittable paths, link
 * targets over 100 bytes) or when asked with its `pax` option, an 'x' header and a main header both
 * named "PaxHeader".
 */
import { describe, it, expect } from 'vitest'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import fc from 'fast-check'
import { packTar, type Header } from '../../../helpers/archives.js'
import { expectAllRegenerated } from './expect-styles.js'
import { writeNumber } from '../../../../src/archive/tar/style/numbers.js'
import { STYLES } from '../../../../src/archive/tar/style/index.js'

type Member = [Header, (string | Uint8Array)?]

const long = (c: string, n: number): string => c.repeat(n)

/** One member of each kind and near each limit tar-stream has. */
const edgeCases: Member[] = [
  [{ name: 'd', type: 'directory' }],
  [{ name: 'd/empty/', type: 'directory', mode: 0o700 }],
  [{ name: 'd/file.txt', uid: 1000, gid: 1000, uname: 'alice', gname: 'users' }, 'hello\n'],
  [{ name: 'd/exec.sh', mode: 0o4755 }, '#!/bin/sh\n'],
  // Path lengths 99, 100, 101 (split at the first '/' that leaves a name of at most 100 bytes).
  [{ name: `d/${long('f', 97)}` }, '99'],
  [{ name: `d/${long('f', 98)}` }, '100'],
  [{ name: `d/${long('f', 99)}` }, '101'],
  [{ name: `${long('p', 50)}/${long('q', 50)}/${long('r', 60)}` }, 'shortest split'],
  [{ name: `${long('p', 150)}/${long('q', 99)}` }, 'prefix of 150'],
  [{ name: `${long('p', 100)}/`, type: 'directory' }], // the split at the trailing '/': empty name
  [{ name: `/abs/${long('a', 60)}/${long('b', 60)}` }, 'a leading / is lost in the prefix'],
  // PAX: no '/' leaves a name of 100 bytes, or the prefix would exceed 155, or the path is not ASCII.
  [{ name: long('n', 101) }, 'no slash'],
  [{ name: `${long('p', 156)}/${long('q', 10)}` }, 'prefix of 156'],
  [{ name: `d/${long('x', 120)}/${long('y', 120)}/${long('z', 120)}` }, 'over 256 bytes'],
  [{ name: 'd/café.txt' }, 'non-ASCII'],
  [{ name: 'd/répertoire', type: 'directory' }],
  [{ name: 'd/lone-\ud800-surrogate' }, 'written as U+FFFD'],
  [{ name: 'd/émoji-😀', uid: 3000000, gid: 7, mode: 0o2750 }, 'ids beyond 6 octal digits: sevens'],
  // Links: targets of 100 and 101 bytes, non-ASCII targets (no PAX unless over 100 bytes).
  [{ name: 'd/link', type: 'symlink', linkname: 'file.txt' }],
  [{ name: 'd/link100', type: 'symlink', linkname: long('y', 100) }],
  [{ name: 'd/link101', type: 'symlink', linkname: long('y', 101) }],
  [{ name: 'd/linku', type: 'symlink', linkname: 'café' }],
  [{ name: 'd/linku-long', type: 'symlink', linkname: long('é', 51) }],
  [{ name: 'd/lïnk', type: 'symlink', linkname: 'file.txt' }],
  [{ name: 'd/hard', type: 'link', linkname: 'd/file.txt' }],
  [{ name: 'd/hard-long', type: 'link', linkname: `d/${long('f', 99)}` }],
  [{ name: `d/${long('h', 120)}`, type: 'link', linkname: 'd/file.txt' }],
  // Devices and fifos: device numbers in both blocks of a PAX member.
  [{ name: 'd/fifo', type: 'fifo' }],
  [{ name: 'd/cdev', type: 'character-device', devmajor: 1, devminor: 7 }],
  [{ name: 'd/bdév', type: 'block-device', devmajor: 8, devminor: 300000 }],
  [{ name: 'd/contiguous', type: 'contiguous-file' }, 'type 7'],
  // Times: a fraction (cut), 2^31 and beyond (sevens), 2^32 and beyond (wrapped by `| 0`).
  [{ name: 'd/frac', mtime: new Date(1700000000999) }, 'frac'],
  [{ name: 'd/2038', mtime: new Date(2 ** 31 * 1000) }, '2038'],
  [{ name: 'd/2106', mtime: new Date((2 ** 32 + 5) * 1000) }, '2106'],
  [{ name: 'd/epoch', mtime: new Date(1) }, 'epoch'],
  // Its pax option: records after path and linkpath, in the object's order.
  [{ name: 'd/pax-empty', pax: {} }, 'PAX asked for'],
  [{ name: 'd/pax-link', type: 'symlink', linkname: 'file.txt', pax: { comment: 'hi' } }],
  [{ name: 'd/pax-dir', type: 'directory', pax: { 'SCHILY.xattr.user.k': 'v' } }],
  [{ name: 'd/pax-uid', uid: 3000000, pax: { uid: '3000000' } }, 'the record holds the uid, the field sevens'],
  [{ name: 'd/pax-mtime', mtime: new Date(1700000000500), pax: { mtime: '1700000000.5' } }, 'fractional mtime'],
  [{ name: 'd/pax-path', pax: { path: 'd/renamed' } }, 'a path record after its own'],
  [{ name: 'd/owner', uname: long('u', 32), gname: 'ünïcode' }, 'owner names of 32 bytes, non-ASCII'],
  // A longer uname runs on into gname, which is read back with those bytes: the same header.
  [{ name: 'd/owner-long', uname: long('u', 40), gname: 'g' }, 'uname of 40 bytes'],
  [{ name: 'd/big.bin' }, new Uint8Array(70_000).map((_, i) => i * 13)]
]

describe('tar-stream: every header regenerated', () => {
  it('pack() of the edge cases', async () => {
    const match = expectAllRegenerated(await packTar(edgeCases), ['tar-stream'], edgeCases.length)
    const paxMembers = match.members.filter(m => m.fields.paxRecords !== undefined)
    expect(paxMembers.length).toBe(19)
    // The long target and the long path are records equal to the entry's fields: nothing to store.
    const long101 = match.members.find(m => m.fields.linkTarget.length === 101)!
    expect(long101.fields.paxRecords).toEqual([['path', null], ['linkpath', null]])
    expect(match.members.some(m => m.member.uid === 3000000 && m.fields.paxRecords?.some(([k, v]) => k === 'uid' && v === null))).toBe(true)
  })

  it('the manifest edge case: a PAX path and linkpath of 268 KB', async () => {
    const path = 'dir/' + long('n', 268_000) + '-link'
    const match = expectAllRegenerated(await packTar([[{ name: path, type: 'symlink', linkname: path.replace('link', 'target') }]]), ['tar-stream'], 1)
    expect(match.members[0]!.fields.paxRecords).toEqual([['path', null], ['linkpath', null]])
  })

  it('random trees', async () => {
    const component = fc.oneof(
      { arbitrary: fc.constantFrom('a', '.', '..', ''), weight: 2 },
      { arbitrary: fc.constantFrom('é', '😀'), weight: 1 },
      { arbitrary: fc.integer({ min: 1, max: 160 }).map(n => long('c', n)), weight: 4 }
    )
    const member = fc.record({
      name: fc.array(component, { minLength: 1, maxLength: 6 }).map(parts => parts.join('/')).filter(n => n.length > 0),
      type: fc.constantFrom('file', 'directory', 'symlink', 'link') as fc.Arbitrary<Header['type']>,
      linkname: fc.oneof(fc.constant('t'), fc.integer({ min: 95, max: 105 }).map(n => long('t', n)), fc.constant('tärget')),
      mode: fc.integer({ min: 0, max: 0o7777 }),
      uid: fc.integer({ min: 0, max: 2 ** 22 }),
      // Not the times tar-stream writes with a '-' among the digits, which no reader takes: before 1970,
      // or where `| 0` makes them small negative numbers (seconds in (2^32 - 2^30, 2^32) and so on).
      mtime: fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 2 ** 30 }), fc.integer({ min: 2 ** 32, max: 2 ** 32 + 2 ** 31 - 1 })).map(s => new Date(s * 1000)),
      pax: fc.constantFrom(undefined, undefined, undefined, {})
    })
    const trees = fc.sample(fc.array(member, { minLength: 1, maxLength: 12 }), { numRuns: 40, seed: 499 })
    for (const tree of trees) {
      const members: Member[] = tree.map(({ type, linkname, ...rest }) =>
        type === 'symlink' || type === 'link' ? [{ ...rest, type, linkname }] : type === 'file' ? [{ ...rest, type }, 'x'] : [{ ...rest, type }])
      expectAllRegenerated(await packTar(members), ['tar-stream'], members.length)
    }
  })
})

// headers.js is not in tar-stream's exports map: load it by its path beside the package's entry point.
const require = createRequire(import.meta.url)
const headers = require(join(dirname(require.resolve('tar-stream')), 'headers.js')) as { encode: (h: Header) => Buffer }

describe("tar-stream's number format", () => {
  it('matches headers.encode on mode, ids, size, mtime and device numbers', () => {
    const values = [0, 1, 0o777777, 0o1000000, 3000000, 8 ** 11 - 1, 8 ** 11, 2 ** 40, 2 ** 52]
    for (const v of values) {
      const small = Math.min(v, 2 ** 31 - 1) // ids and device numbers are 32-bit in practice
      const mtime = v % 2 ** 32 < 2 ** 31 ? v % 2 ** 32 : 0 // `| 0` keeps values below 2^31 as they are
      const block = headers.encode({ name: 'a', mode: v & 0o7777, uid: small, gid: small, size: v, mtime: new Date(mtime * 1000), devmajor: small, devminor: small })
      const ours = new Uint8Array(512)
      writeNumber(ours, 100, 8, v & 0o7777, 'tar-stream')
      for (const at of [108, 116, 329, 337]) writeNumber(ours, at, 8, small, 'tar-stream')
      writeNumber(ours, 124, 12, v, 'tar-stream')
      writeNumber(ours, 136, 12, mtime, 'tar-stream', true)
      for (const [at, width] of [[100, 8], [108, 8], [116, 8], [124, 12], [136, 12], [329, 8], [337, 8]] as const) {
        expect(Buffer.from(ours.subarray(at, at + width)).toString('hex'), `value ${v} at ${at}`).toBe(block.subarray(at, at + width).toString('hex'))
      }
    }
  })
})

describe('the catalogue order', () => {
  it('tar-stream is appended: the earlier styles keep their places', () => {
    expect(STYLES.map(s => s.name)).toEqual([
      'gnu', 'gnu-numeric', 'oldgnu', 'oldgnu-numeric', 'posix', 'v7', 'npm', 'bsdtar', 'git', 'python-gnu',
      'python', 'go', 'go-gnu', 'node-tar', 'cargo', 'cargo-generated', 'openbsd', 'tar-stream'
    ])
  })
})
