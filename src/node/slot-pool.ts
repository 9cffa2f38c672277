/**
 * Shared-memory slots through which bytes reach worker threads: a chunk is copied into a free slot, each
 * reading worker says when it is done with it, and the slot is free again when all have. The pool's size
 * bounds the bytes in flight, and no buffer is made per chunk: a worker lets go of a transferred or shared
 * buffer only when its own heap is collected, which a worker that allocates little seldom needs (a 512 MiB
 * tar handed over chunk by chunk peaked at 611 MB RSS, against 176 MB through slots).
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

  constructor (count: number, slotBytes: number) {
    this.slotBytes = slotBytes
    this.buffers = Array.from({ length: count }, () => new SharedArrayBuffer(slotBytes))
    this.#views = this.buffers.map(buffer => new Uint8Array(buffer))
    this.#readers = new Uint8Array(count)
    this.#free = this.#views.map((_, i) => count - 1 - i)
  }

  get hasFree (): boolean { return this.#free.length > 0 }

  /** Copies `bytes` (at most slotBytes) into a free slot, held until `readers` releases: its index. */
  put (bytes: Uint8Array, readers: number): number {
    const slot = this.#free.pop()
    if (slot === undefined) throw new Error('SlotPool.put with no free slot (check hasFree, or wait for one)')
    this.#views[slot]?.set(bytes)
    this.#readers[slot] = readers
    return slot
  }

  /** One reader is done with `slot`. */
  release (slot: number): void {
    if (--(this.#readers[slot] as number) > 0) return
    this.#free.push(slot)
    this.#wake()
  }

  /** Resolves when a slot may have been freed (or `wake` was called: check again). */
  async freed (): Promise<void> {
    await new Promise<void>(resolve => { this.#waiting.push(resolve) })
  }

  /** Wakes every waiter, as when a worker failed. */
  wake (): void { this.#wake() }

  #wake (): void {
    const waiting = this.#waiting
    this.#waiting = []
    for (const w of waiting) w()
  }
}
