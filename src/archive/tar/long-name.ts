/**
 * GNU long name ('L') and long link ('K') records: the data is the full name, NUL-terminated and padded
 * (GNU tar manual, "Basic Tar Format": "././@LongLink"). The record replaces the name or link name of the
 * next header.
 */

import { cleanPath, copyBytes } from './bytes.js'

/** The name carried by an 'L'/'K' record's data (a copy; trailing NULs removed; an inner NUL is an error). */
export function decodeLongName (data: Uint8Array, dataOffset: number, what: 'GNU long name' | 'GNU long link'): Uint8Array {
  return copyBytes(cleanPath(data, what, dataOffset))
}
