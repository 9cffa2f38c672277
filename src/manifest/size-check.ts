/**
 * The last check before a description is returned: what the manifest will rebuild the archive from must
 * stand for exactly the bytes that were read. A restore compares the rebuilt size and sha256 only at the
 * end, so without this check a bug in the DAG builders would surface as a manifest that was accepted on
 * creation and fails on restore (issue #13: a 2 GiB member recorded as 0 bytes).
 */
import { InternalSizeMismatchError } from '../errors.js'
import type { CompressedMember } from '../schema/types.js'

/** Throws InternalSizeMismatchError unless `actual` (what `what` stands for) equals `expected` (bytes read). */
export function assertSameSize (what: string, actual: number, expected: number): void {
  if (actual !== expected) {
    throw new InternalSizeMismatchError(`${what} stands for ${actual} bytes but ${expected} were read`, { what, expected, actual })
  }
}

/**
 * A compressed archive rebuilt from its members: they must follow each other from offset 0, their tar
 * ranges too, and end where the archive (less the trailing bytes kept inline) and the tar end.
 */
export function assertMembersTile (members: readonly CompressedMember[], trailing: number, size: number, tarSize: number): void {
  let offset = 0
  let tarOffset = 0
  for (const member of members) {
    if (member.offset !== offset || member.tarOffset !== tarOffset) {
      throw new InternalSizeMismatchError(`the compressed member at offset ${member.offset} (tar offset ${member.tarOffset}) does not follow the one before, which ends at ${offset} (tar offset ${tarOffset})`,
        { what: 'compressed members', expected: offset, actual: member.offset })
    }
    offset += member.size
    tarOffset += member.tarSize
  }
  assertSameSize('the compressed members and the trailing bytes', offset + trailing, size)
  assertSameSize('the tar ranges of the compressed members', tarOffset, tarSize)
}
