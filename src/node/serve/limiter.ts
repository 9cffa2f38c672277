/**
 * Bounded concurrency: at most `maxActive` holders at once, at most `maxQueued` waiting in arrival order,
 * and a 503 for anyone beyond that. Rebuilding an archive holds an encoder (liblzma at -6 alone is about
 * 94 MiB) and its buffers, so bounding how many run is what bounds the server's memory; the queue lets a
 * burst (a CI fan-out) wait instead of failing.
 */
import { HttpError } from './http-error.js'

export class Limiter {
  readonly #maxActive: number
  readonly #maxQueued: number
  #active = 0
  readonly #waiting: Array<() => void> = []

  constructor (maxActive: number, maxQueued: number) {
    if (!Number.isSafeInteger(maxActive) || maxActive < 1) throw new RangeError(`maxActive must be a positive integer, not ${maxActive}`)
    if (!Number.isSafeInteger(maxQueued) || maxQueued < 0) throw new RangeError(`maxQueued must be a non-negative integer, not ${maxQueued}`)
    this.#maxActive = maxActive
    this.#maxQueued = maxQueued
  }

  /** Holders now, and waiters now. */
  get active (): number { return this.#active }
  get queued (): number { return this.#waiting.length }

  /**
   * Waits for a slot and returns its release (calling it more than once releases once). Throws a 503
   * HttpError when the queue is full, and rejects with the signal's reason if `signal` aborts (the client
   * went away) while waiting.
   */
  async acquire (signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted()
    if (this.#active < this.#maxActive) {
      this.#active++
      return this.#release()
    }
    if (this.#waiting.length >= this.#maxQueued) {
      throw new HttpError(503, `busy: ${this.#active} responses running and ${this.#waiting.length} waiting`, { 'Retry-After': '1' })
    }
    return await new Promise((resolve, reject) => {
      const wake = (): void => {
        signal?.removeEventListener('abort', abort)
        resolve(this.#release())
      }
      const abort = (): void => {
        const at = this.#waiting.indexOf(wake)
        if (at >= 0) this.#waiting.splice(at, 1)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', abort, { once: true })
      this.#waiting.push(wake)
    })
  }

  #release (): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#waiting.shift()
      // The slot passes straight to the next waiter, so the count never dips and a newcomer cannot jump the queue.
      if (next !== undefined) next()
      else this.#active--
    }
  }
}
