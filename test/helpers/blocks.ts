/** Damaged block stores and CAR files, for the tests of what verification, restore and extraction do with them. */
import { CarWriter } from '@ipld/car/writer'
import type { CID } from 'multiformats/cid'
import { readFileSync, writeFileSync } from 'node:fs'
import { MemoryBlocks, importCar } from '../../src/index.js'

/** A store holding `from`'s blocks except `drop`, with `flip` ones damaged (one byte changed, same CID). */
export function tampered (from: MemoryBlocks, { drop = [], flip = [] }: { drop?: CID[], flip?: CID[] }): MemoryBlocks {
  const out = new MemoryBlocks()
  const dropped = new Set(drop.map(String))
  const flipped = new Set(flip.map(String))
  for (const [cid, bytes] of from.entries()) {
    if (dropped.has(cid.toString())) continue
    if (flipped.has(cid.toString())) {
      const copy = bytes.slice()
      const at = Math.floor(copy.length / 2)
      copy[at] = (copy[at] as number) ^ 0x40
      out.put(cid, copy)
    } else {
      out.put(cid, bytes)
    }
  }
  return out
}

/** Every block of a CAR file, and its root. */
export async function readCarFile (path: string): Promise<{ root: CID, blocks: MemoryBlocks }> {
  const blocks = new MemoryBlocks()
  const root = await importCar(new Uint8Array(readFileSync(path)), blocks)
  return { root, blocks }
}

/** A CAR file of every block in `blocks` under `root`, whether or not they make a whole DAG. */
export async function writeCarFile (path: string, root: CID, blocks: MemoryBlocks): Promise<void> {
  const { writer, out } = CarWriter.create([root])
  const parts: Uint8Array[] = []
  const reading = (async () => { for await (const part of out) parts.push(part) })()
  for (const [cid, bytes] of blocks.entries()) await writer.put({ cid, bytes })
  await writer.close()
  await reading
  writeFileSync(path, Buffer.concat(parts))
}
