/**
 * A member's header bytes (from its first extension header to its first data byte) as format 2 keeps
 * them: regenerated from the entry's fields by a header style, with a patch or the bytes verbatim when the
 * style does not reproduce them (§8.2-8.3). Creation matches each member with the same code restoring
 * runs, so what is restored is what was verified.
 */
import { HeaderMatcher as StyleMatcher, regenerateHeaders, regeneratedLength, STYLES, type MemberHeaderFields } from '../archive/tar/style/index.js'
import { InvalidManifestError } from '../errors.js'
import type { StyleName } from '../archive/tar/style/index.js'
import type { EntryFields } from '../codec/entry-record.js'
import type { PatchRun } from '../schema/types.js'

/** How a member's header bytes are kept: the style in force, and a patch or verbatim bytes when it needs them. */
export interface HeaderMatch { style: string, patch?: PatchRun[], verbatim?: Uint8Array }

/** Finds, member after member, how each one's header bytes are kept (stateful: the style in force carries over). */
export class HeaderMatcher {
  readonly #matcher = new StyleMatcher()

  match (fields: MemberHeaderFields, original: Uint8Array): HeaderMatch {
    const result = this.#matcher.match(fields, original)
    const match: HeaderMatch = { style: this.#matcher.style }
    if (result.patch !== undefined) match.patch = result.patch.map(([offset, bytes]) => [offset, bytes])
    if (result.verbatim !== undefined) match.verbatim = result.verbatim
    return match
  }
}

const KNOWN_STYLES = new Set<string>(STYLES.map(style => style.name))

/** The header bytes of an entry, as its record says to make them. */
export function headerBytesOf (fields: EntryFields): Uint8Array {
  return regenerateHeaders(fields, knownStyle(fields), exceptionOf(fields))
}

/** How many bytes `headerBytesOf` gives, without making them: where an entry's data starts. */
export function headerLengthOf (fields: EntryFields): number {
  return regeneratedLength(fields, knownStyle(fields), exceptionOf(fields))
}

function knownStyle (fields: EntryFields): StyleName {
  if (!KNOWN_STYLES.has(fields.style)) throw new InvalidManifestError(`entry record names header style ${JSON.stringify(fields.style)}, which this reader does not know`)
  return fields.style as StyleName
}

function exceptionOf (fields: EntryFields): { patch?: readonly PatchRun[], verbatim?: Uint8Array } {
  return {
    ...(fields.headerPatch === undefined ? {} : { patch: fields.headerPatch }),
    ...(fields.headerBytes === undefined ? {} : { verbatim: fields.headerBytes })
  }
}
