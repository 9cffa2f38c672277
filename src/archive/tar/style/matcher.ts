/**
 * Finding each member's style as a tar is read, and the inverse used to rebuild it
 * (docs/spec-header-styles.md §H8). The rule, for each member in archive order, starting with the first
 * style of the catalogue as the current style:
 * 1. if the current style writes exactly the member's header bytes, the result is `{}`;
 * 2. else the first style in catalogue order that does becomes the current style: `{ style }`;
 * 3. else (an exception, the current style unchanged): when the current style writes bytes of the same
 *    length, and the patch to the original is cheaper than the original bytes, `{ patch }`; otherwise
 *    `{ verbatim }`, the original bytes.
 */

import type { MemberHeaderFields } from './fields.js'
import type { HeaderStyle, StyleName } from './style.js'
import { STYLES, styleByName } from './catalogue.js'
import { copyBytes } from '../bytes.js'
import { HeaderBuffer } from './header-buffer.js'
import { writeMemberHeaders } from './encode.js'
import { applyPatch, checkPatch, diffRuns, patchCost, type PatchRun } from '../../../codec/byte-patch.js'
import { InvalidManifestError } from '../../../errors.js'

/** How a member's header bytes are rebuilt. At most one of `patch` and `verbatim` is present. */
export interface MatchResult {
  /** The style of this and the next members, present only when it differs from the previous member's. */
  readonly style?: StyleName
  /** An exception: apply to the current style's bytes. */
  readonly patch?: readonly PatchRun[]
  /** An exception: the original bytes. */
  readonly verbatim?: Uint8Array
}

const SAME: MatchResult = Object.freeze({})

/**
 * Streaming matcher: call {@link HeaderMatcher.match} once per member, in archive order.
 *
 * @example
 * ```ts
 * const matcher = new HeaderMatcher()
 * const result = matcher.match(headerFieldsOf(member), tarBytes.subarray(member.headerOffset, member.dataOffset))
 * ```
 */
export class HeaderMatcher {
  private current: HeaderStyle = STYLES[0]!
  private readonly buffer = new HeaderBuffer()

  /** The current style (the initial one is the catalogue's first). */
  get style (): StyleName {
    return this.current.name
  }

  /** The result for the next member, whose header bytes (headerOffset to dataOffset) are `original`. */
  match (fields: MemberHeaderFields, original: Uint8Array): MatchResult {
    const w = this.buffer
    if (writeMemberHeaders(w, fields, this.current) && w.equals(original)) return SAME
    for (const style of STYLES) {
      if (style === this.current) continue
      if (writeMemberHeaders(w, fields, style) && w.equals(original)) {
        this.current = style
        return { style: style.name }
      }
    }
    if (writeMemberHeaders(w, fields, this.current) && w.length === original.length) {
      const runs = diffRuns(w.bytes.subarray(0, w.length), original)
      if (patchCost(runs) < original.length) return { patch: runs }
    }
    return { verbatim: copyBytes(original) }
  }
}

/**
 * A member's header bytes from its fields, the style in force and its exception, if any.
 * InvalidManifestError when the style cannot write the member or a patch does not fit.
 */
export function regenerateHeaders (fields: MemberHeaderFields, style: StyleName, exception?: Pick<MatchResult, 'patch' | 'verbatim'>): Uint8Array {
  if (exception?.verbatim !== undefined) return exception.verbatim
  const bytes = written(fields, style).copy()
  return exception?.patch !== undefined ? applyPatch(bytes, exception.patch) : bytes
}

/** The length of what {@link regenerateHeaders} gives (a patch keeps the length), without a copy. */
export function regeneratedLength (fields: MemberHeaderFields, style: StyleName, exception?: Pick<MatchResult, 'patch' | 'verbatim'>): number {
  if (exception?.verbatim !== undefined) return exception.verbatim.length
  const length = written(fields, style).length
  if (exception?.patch !== undefined) checkPatch(exception.patch, length)
  return length
}

/** One buffer for all regenerations: each is copied out (or measured) before the next. */
const scratch = new HeaderBuffer()

function written (fields: MemberHeaderFields, style: StyleName): HeaderBuffer {
  if (!writeMemberHeaders(scratch, fields, styleByName(style))) {
    throw new InvalidManifestError(`header style ${style} cannot write this member`, { style })
  }
  return scratch
}

/** The inverse of {@link HeaderMatcher}: feed the results in the same order. */
export class HeaderRegenerator {
  private current: StyleName = STYLES[0]!.name

  regenerate (fields: MemberHeaderFields, result: MatchResult): Uint8Array {
    if (result.style !== undefined) this.current = result.style
    return regenerateHeaders(fields, this.current, result)
  }
}
