/**
 * The name (and ustar prefix; tar-stream also sets a linkname) of the 'x' pseudo-header each writer puts before a member
 * (docs/spec-header-styles.md §H5.1).
 */

import type { MemberHeaderFields } from './fields.js'
import type { PaxHabits } from './style.js'
import { EMPTY } from '../bytes.js'
import { bsdtarPaxHeaderName } from './bsdtar-names.js'
import { concatBytes } from '../../../bytes-concat.js'
import { gnuPaxHeaderName } from './gnu-names.js'
import { goPaxHeaderName } from './go-names.js'
import { gitObjectId, TAR_STREAM_PAX_NAME } from './names.js'
import { basename, fieldBytes, splitPrefix, utf8String } from './npm-names.js'
import { splitShortest } from './ustar-split.js'

const encoder = new TextEncoder()
const PYTHON_NAME = encoder.encode('././@PaxHeader')
const PAXHEADER_SUFFIX = encoder.encode('.paxheader')

/** The string fields of an 'x' header block. */
export interface PaxHeaderNames {
  readonly name: Uint8Array
  readonly prefix: Uint8Array
  /** Its linkname: empty for every writer but tar-stream. */
  readonly link: Uint8Array
}

/** Name, prefix and linkname fields of the 'x' header; undefined when the writer would not have written it. */
export function paxHeaderName (f: MemberHeaderFields, rule: PaxHabits['name']): PaxHeaderNames | undefined {
  switch (rule) {
    case 'gnu': return names(gnuPaxHeaderName(f.path))
    case 'python': return names(PYTHON_NAME)
    case 'go': return names(goPaxHeaderName(f.path))
    case 'git': return names(concatBytes(gitObjectId(f), PAXHEADER_SUFFIX))
    case 'tar-stream': return names(TAR_STREAM_PAX_NAME, EMPTY, f.linkTarget.length > 0 ? TAR_STREAM_PAX_NAME : EMPTY)
    case 'bsdtar': {
      const full = bsdtarPaxHeaderName(f.path)
      if (full.length <= 100) return names(full)
      const at = splitShortest(full, 'libarchive')
      return at < 0 ? undefined : names(full.subarray(at + 1), full.subarray(0, at))
    }
    default: {
      const path = utf8String(f.path)
      if (path === undefined) return undefined
      const [name, prefix] = splitPrefix(('PaxHeader/' + basename(path)).slice(0, 99), 155)
      return names(fieldBytes(name, 100), fieldBytes(prefix, 155))
    }
  }
}

function names (name: Uint8Array, prefix: Uint8Array = EMPTY, link: Uint8Array = EMPTY): PaxHeaderNames {
  return { name, prefix, link }
}
