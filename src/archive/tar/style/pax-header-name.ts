/**
 * The name (and ustar prefix) of the 'x' pseudo-header each writer puts before a member
 * (docs/spec-header-styles.md §H5.1).
 */

import type { MemberHeaderFields } from './fields.js'
import type { PaxHabits } from './style.js'
import { EMPTY } from '../bytes.js'
import { bsdtarPaxHeaderName } from './bsdtar-names.js'
import { concatBytes } from './bytes-concat.js'
import { gnuPaxHeaderName } from './gnu-names.js'
import { goPaxHeaderName } from './go-names.js'
import { gitObjectId } from './names.js'
import { basename, fieldBytes, splitPrefix, utf8String } from './npm-names.js'
import { splitShortest } from './ustar-split.js'

const encoder = new TextEncoder()
const PYTHON_NAME = encoder.encode('././@PaxHeader')
const PAXHEADER_SUFFIX = encoder.encode('.paxheader')

/** Name and prefix fields of the 'x' header; undefined when the writer would not have written it. */
export function paxHeaderName (f: MemberHeaderFields, rule: PaxHabits['name']): { name: Uint8Array, prefix: Uint8Array } | undefined {
  switch (rule) {
    case 'gnu': return { name: gnuPaxHeaderName(f.path), prefix: EMPTY }
    case 'python': return { name: PYTHON_NAME, prefix: EMPTY }
    case 'go': return { name: goPaxHeaderName(f.path), prefix: EMPTY }
    case 'git': return { name: concatBytes(gitObjectId(f), PAXHEADER_SUFFIX), prefix: EMPTY }
    case 'bsdtar': {
      const full = bsdtarPaxHeaderName(f.path)
      if (full.length <= 100) return { name: full, prefix: EMPTY }
      const at = splitShortest(full, 'libarchive')
      return at < 0 ? undefined : { name: full.subarray(at + 1), prefix: full.subarray(0, at) }
    }
    default: {
      const path = utf8String(f.path)
      if (path === undefined) return undefined
      const [name, prefix] = splitPrefix(('PaxHeader/' + basename(path)).slice(0, 99), 155)
      return { name: fieldBytes(name, 100), prefix: fieldBytes(prefix, 155) }
    }
  }
}
