/**
 * Header block classification. POSIX ustar: the checksum is the sum of all 512 bytes as unsigned values,
 * with the 8 checksum bytes taken as spaces. Some historical tars (SunOS, old GNU) summed signed chars, so
 * GNU tar and Go accept either sum; so do we.
 */

import { parseOctal } from './numeric.js'
import { BLOCK_SIZE, CHECKSUM_LENGTH, CHECKSUM_OFFSET } from './constants.js'
import { HeaderFieldError } from '../../errors.js'

export type BlockKind = 'zero' | 'valid' | 'bad-checksum'

/** 'zero' when all 512 bytes are zero (end-of-archive marker), else whether the checksum matches. */
export function classifyBlock (block: Uint8Array, headerOffset: number): BlockKind {
  let unsigned = 0
  let highBytes = 0 // bytes >= 0x80, each 256 more in the unsigned sum than in the signed one
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const c = block[i]!
    unsigned += c
    if (c >= 0x80) highBytes++
  }
  if (unsigned === 0) return 'zero'
  let fieldUnsigned = 0
  let fieldHigh = 0
  for (let i = CHECKSUM_OFFSET; i < CHECKSUM_OFFSET + CHECKSUM_LENGTH; i++) {
    const c = block[i]!
    fieldUnsigned += c
    if (c >= 0x80) fieldHigh++
  }
  unsigned += CHECKSUM_LENGTH * 0x20 - fieldUnsigned
  const signed = unsigned - 256 * (highBytes - fieldHigh)
  let recorded: number
  try {
    recorded = parseOctal(block, CHECKSUM_OFFSET, CHECKSUM_LENGTH, { field: 'chksum', headerOffset })
  } catch (err) {
    if (err instanceof HeaderFieldError) return 'bad-checksum'
    throw err
  }
  return recorded === unsigned || recorded === signed ? 'valid' : 'bad-checksum'
}
