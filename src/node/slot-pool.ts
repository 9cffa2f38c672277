/**
 * Shared-memory slots through which bytes reach worker threads: a chunk is copied into a free slot (or read
 * into one straight from a file: `claim`), each reader says when it is done with it, and the slot is free
 * again when all have. The pool's size bounds the bytes in flight, and no buffer is made per chunk: a
 * worker lets go of a transferred or shared buffer only when its own heap is collected, which a worker that
 * allocates little seldom needs (a 512 MiB tar handed over chunk by chunk peaked at 611 MB RSS, against
 * 176 MB through slots).
 */
export class SlotPool {
  /** The slots' memory, to hand to the workers (workerData). */
  readonly buffers: SharedArrayBuffer[]
  readonly slotBytes: number
  readonly #views: Uint8Array[]
  /** Per slot, how many readers have yet to release it. */
  readonly #readers: Uint8Array
  readonly #free: number[]
  #waiting: Array<() => void> = []
  #failure: Error | undefined

  constructor (count: number, slotBytes: number) {
    this.slotBytes = slotBytes
    this.buffers = Array.from({ length: count }, () => new SharedArrayBuffer(slotBytes))
    this.#views = this.buffers.map(buffer => new Uint8Array(buffer))
    this.#readers = new Uint8Array(count)
    this.#free = this.#views.map((_, i) => count - 1 - i)
  }

  get hasFree (): boolean { return this.#free.length > 0 }

  /** Why the pool's readers stopped (a worker failed), if they did: waiting for a slot is then pointless. */
  get failure (): Error | undefined { return this.#failure }

  /** Copies `bytes` (at most slotBytes) into a free slot, held until `readers` release it: its index. */
  put (bytes: Uint8Array, readers: number): number {
    const slot = this.claim(readers)
    this.#views[slot]?.set(bytes)
    return slot
  }

  /** Takes a free slot for the caller to fill (`view`), held until `readers` release it: its index. */
  claim (readers: number): number {
    const slot = this.#free.pop()
    if (slot === undefined) throw new Error('SlotPool.claim with no free slot (check hasFree, or wait for one)')
    this.#readers[slot] = readers
    return slot
  }

  /** A slot's memory. */
  view (slot: number): Uint8Array { return this.#views[slot] as Uint8Array }

  /** The slot whose memory `bytes` is a view of, or -1: such bytes can be shared where they lie. */
  slotOf (bytes: Uint8Array): number {
    const buffer = bytes.buffer
    if (!(buffer instanceof SharedArrayBuffer)) return -1
    return this.buffers.indexOf(buffer)
  }

  /** `readers` more readers of a held slot (each releases it once). */
  retain (slot: number, readers: number): void {
    (this.#readers[slot] as number) += readers
  }

  /** One reader is done with `slot`. */
  release (slot: number): void {
    if (--(this.#readers[slot] as number) > 0) return
    this.#free.push(slot)
    this.#wake()
  }

  /** Resolves when a slot may have been freed (or the pool failed: check again). */
  async freed (): Promise<void> {
    await new Promise<void>(resolve => { this.#waiting.push(resolve) })
  }

  /** Waits for a free slot; throws the pool's failure, if any, instead of waiting forever. */
  async free (): Promise<void> {
    while (true) {
      if (this.#failure !== undefined) throw this.#failure
      if (this.hasFree) return
      await this.freed()
    }
  }

  /** A reader failed: slots it holds will not come back; every waiter wakes and `free` throws `err`. */
  fail (err: Error): void {
    this.#failure ??= err
    this.#wake()
  }

  #wake (): void {
    const waiting = this.#waiting
    this.#waiting = []
    for (const w of waiting) w()
  }
}
