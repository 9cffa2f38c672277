/**
 * A throwaway blockstore on disk: blocks appended to one temporary file, found again through an index in
 * memory (about a hundred bytes a block). What `create --nar` keeps the tree's blocks in while describing
 * into a sink that cannot be read back (a CAR being written, or nothing), so that memory does not grow
 * with the archive; removed on close.
 */
import { rm, type FileHandle } from 'node:fs/promises'
import type { CID } from 'multiformats/cid'
import type { Blockstore } from '../blocks.js'
import { BlockNotFoundError } from '../errors.js'
import { typedFsError } from './fs-errors.js'
import { createTempFile } from './temp-file.js'

export class SpoolBlocks implements Blockstore {
  readonly #dir: string
  readonly #file: FileHandle
  readonly #index = new Map<string, { offset: number, length: number }>()
  #end = 0
  /** Appends in order: each put waits for the one before it. */
  #writing: Promise<void> = Promise.resolve()

  private constructor (dir: string, file: FileHandle) {
    this.#dir = dir
    this.#file = file
  }

  /** A new spool in a new directory under the system's temporary directory. */
  static async create (): Promise<SpoolBlocks> {
    const { dir, handle } = await createTempFile('ipld-archive-manifest-spool-', 'blocks', 'w+')
    return new SpoolBlocks(dir, handle)
  }

  async put (cid: CID, bytes: Uint8Array): Promise<void> {
    const key = cid.toString()
    if (this.#index.has(key)) return
    const offset = this.#end
    this.#end += bytes.length
    this.#index.set(key, { offset, length: bytes.length })
    const write = this.#writing.then(async () => { await this.#file.write(bytes, 0, bytes.length, offset) })
    this.#writing = write.catch(() => {})
    try { await write } catch (err) { throw typedFsError(err) }
  }

  async get (cid: CID): Promise<Uint8Array> {
    const at = this.#index.get(cid.toString())
    if (at === undefined) throw new BlockNotFoundError(`block ${cid} is not in the spool`, { cid: cid.toString() })
    await this.#writing
    const bytes = new Uint8Array(at.length)
    try {
      await this.#file.read(bytes, 0, at.length, at.offset)
    } catch (err) {
      throw typedFsError(err)
    }
    return bytes
  }

  /** Closes and removes the spool's file. */
  async close (): Promise<void> {
    await this.#file.close().catch(() => {})
    await rm(this.#dir, { recursive: true, force: true })
  }
}
