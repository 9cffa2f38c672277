/**
 * The dag-json rendering of manifest blocks, for people (`inspect --dag-json`). Apart from the block codec
 * (manifest-codec.ts) so that describing an archive does not load a JSON codec it never uses.
 */
import * as dagJson from '@ipld/dag-json'

/** The dag-json rendering of any manifest block (links as {"/": cid}, bytes as {"/": {"bytes": …}}). */
export function toDagJson (value: unknown): string {
  return new TextDecoder().decode(dagJson.encode(value))
}
