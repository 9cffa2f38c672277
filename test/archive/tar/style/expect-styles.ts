/** Assertions shared by the real-writer tests. */
import { expect } from 'vitest'
import { describeExceptions, matchArchive, type ArchiveMatch } from './match-archive.js'
import type { StyleName } from '../../../../src/archive/tar/style/index.js'

/**
 * Every header of `tar` regenerated with zero exceptions, by styles among `styles` only, and the tar
 * rebuilt byte for byte (matchArchive checks that).
 */
export function expectAllRegenerated (tar: Uint8Array, styles: StyleName[], minMembers: number): ArchiveMatch {
  const match = matchArchive(tar)
  expect(match.members.length).toBeGreaterThanOrEqual(minMembers)
  expect(describeExceptions(match)).toEqual([])
  expect(match.paddingExceptions).toBe(0)
  for (const style of match.styles.keys()) expect(styles).toContain(style)
  return match
}
