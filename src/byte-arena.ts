/**
 * Many small byte strings kept compactly: each Uint8Array costs about 200 bytes of object and buffer
 * overhead, more than an entry's encoding or a CID's bytes, so they are copied into shared buffers and
 * named by index. Buffers start small and double up to MAX_BUFFER (a description of a tiny archive
 * allocates little); a string never spans two buffers, so a string ends where the next one in its
 * buffer starts, or where its buffer's bytes end.
 */
import { InvalidArgumentError } from './errors.js'

const FIRST_BUFFER = 4096
/** The largest buffer, and so the longest string (every manifest block, and so every entry, is smaller). */
const MAX_BUFFER = 1024 * 1024
/** A position is buffer * POSITION_SPAN + offset (exact in a double for any number of buffers we can hold). */
const POSITION_SPAN = 2 * MAX_BUFFER

export class ByteArena {
  readonly #buffers: Uint8Array[] = []
  /** Bytes used in each buffer. */
  readonly #used: number[] = []
  readonly #positions: number[] = []

  get length (): number { return this.#positions.length }

  /** Copies `bytes` in and returns its index. */
  add (bytes: Uint8Array): number {
    if (bytes.length > MAX_BUFFER) throw new InvalidArgumentError(`byte string of ${bytes.length} bytes is over ${MAX_BUFFER}`)
    let last = this.#buffers.length - 1
    let current = this.#buffers[last]
    if (current === undefined || (this.#used[last] as number) + bytes.length > current.length) {
      let size = Math.max(FIRST_BUFFER, 2 * (current?.length ?? 0))
      while (size < bytes.length) size *= 2
      current = new Uint8Array(Math.min(size, MAX_BUFFER))
      this.#buffers.push(current)
      this.#used.push(0)
      last++
    }
    const offset = this.#used[last] as number
    current.set(bytes, offset)
    this.#used[last] = offset + bytes.length
    this.#positions.push(last * POSITION_SPAN + offset)
    return this.#positions.length - 1
  }

  /** The string at `index`: a view into the arena (copy it to keep it beyond the arena's life). */
  get (index: number): Uint8Array {
    const position = this.#positions[index]
    if (position === undefined) throw new InvalidArgumentError(`no byte string ${index} (${this.length} held)`)
    const offset = position % POSITION_SPAN
    const buffer = (position - offset) / POSITION_SPAN
    const next = this.#positions[index + 1]
    const end = next !== undefined && next - (next % POSITION_SPAN) === position - offset ? next % POSITION_SPAN : this.#used[buffer] as number
    return (this.#buffers[buffer] as Uint8Array).subarray(offset, end)
  }
}
