/**
 * A member's header bytes (from its first extension header to its first data byte) as format 2 keeps
 * them: regenerated from the entry's fields by a header style, with a patch or the bytes verbatim when the
 * style does not reproduce them (§8.1-8.2). Both directions go through here, so creation verifies exactly
 * what restoring will do.
 */
import type { EntryFields } from '../codec/entry-record.js'
import { InvalidManifestError } from '../errors.js'
import type { PatchRun } from '../schema/types.js'

/** How a member's header bytes are kept: a style, and a patch or verbatim bytes when it needs them. */
export interface HeaderMatch { style: string, patch?: PatchRun[], verbatim?: Uint8Array }

/** Finds, member after member, how each one's header bytes are kept (stateful: the previous style counts). */
export class HeaderMatcher {
  #style: string | undefined

  match (fields: Omit<EntryFields, 'style'>, original: Uint8Array): HeaderMatch {
    const style = this.#style ?? 'verbatim'
    this.#style = style
    return { style, verbatim: original }
  }
}

/** The header bytes of an entry, as its record says to make them. */
export function headerBytesOf (fields: EntryFields): Uint8Array {
  if (fields.headerBytes !== undefined) return fields.headerBytes
  throw new InvalidManifestError(`header style ${JSON.stringify(fields.style)} is not known`)
}
