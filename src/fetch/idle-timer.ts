/**
 * A signal that aborts when nothing has happened for a while: a server that accepts a connection and then
 * says nothing, or stops in the middle of a body, is given up on instead of waited for. (A total deadline
 * would not do for a download whose length is not known.) It also follows the caller's own signal.
 */
export interface IdleTimer {
  readonly signal: AbortSignal
  /** Whether the timer (not the caller) aborted the signal. */
  readonly expired: boolean
  /** Starts the wait anew: call it whenever progress is made. */
  restart: () => void
  clear: () => void
}

export function idleTimer (ms: number, outer?: AbortSignal): IdleTimer {
  const controller = new AbortController()
  let expired = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const onOuterAbort = (): void => { controller.abort(outer?.reason) }
  if (outer?.aborted === true) onOuterAbort()
  else outer?.addEventListener('abort', onOuterAbort, { once: true })
  const clear = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
  }
  const restart = (): void => {
    clear()
    timer = setTimeout(() => { expired = true; controller.abort(new Error(`no progress for ${ms} ms`)) }, ms)
  }
  restart()
  return {
    signal: controller.signal,
    get expired () { return expired },
    restart,
    clear: () => { clear(); outer?.removeEventListener('abort', onOuterAbort) }
  }
}
