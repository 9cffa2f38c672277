/** Progress displays on stderr, for long runs on a terminal only (never in pipes or logs). */
export interface Progress { update: (n: number) => void, done: () => void }

export function progressBar (total: number, label: string): Progress {
  if (process.stderr.isTTY !== true || total < 64 * 1024 * 1024) return { update: () => {}, done: () => {} }
  let last = -1
  return {
    update: (n) => {
      const pct = Math.floor(100 * n / total)
      if (pct !== last) { last = pct; process.stderr.write(`\r${label}: ${pct}% of ${(total / 1e6).toFixed(0)} MB`) }
    },
    done: () => { process.stderr.write('\n') }
  }
}

/** Progress over many files: which one, bytes done of all, the rate so far, and the time left at that rate. */
export interface BulkProgress {
  /** File `index` (from 0), called `label`, is begun. */
  start: (index: number, label: string) => void
  /** Bytes of the current file done so far. */
  update: (bytes: number) => void
  /** The current file is over: its `size` bytes count as done. */
  finish: (size: number) => void
  done: () => void
}

/** The numbers one line of bulk progress shows. */
export interface BulkState {
  readonly index: number
  readonly count: number
  readonly label: string
  readonly doneBytes: number
  readonly totalBytes: number
  readonly seconds: number
}

/** Redraws at most this often (a display concern only: nothing depends on it). */
const REDRAW_MS = 200

export function bulkProgress (count: number, totalBytes: number): BulkProgress {
  if (process.stderr.isTTY !== true) return { start: () => {}, update: () => {}, finish: () => {}, done: () => {} }
  const began = Date.now()
  let before = 0
  let current = 0
  let index = 0
  let label = ''
  let drawn = 0
  const draw = (force: boolean): void => {
    const now = Date.now()
    if (!force && now - drawn < REDRAW_MS) return
    drawn = now
    const line = progressLine({ index, count, label, doneBytes: before + current, totalBytes, seconds: (now - began) / 1000 })
    // Kept to one row (a wrapped line would not be redrawn in place); a terminal of unknown width says 0.
    const columns = process.stderr.columns ?? 0
    process.stderr.write(`\r${columns > 1 ? line.slice(0, columns - 1) : line}\x1b[K`)
  }
  return {
    start: (i, name) => { index = i; label = name; current = 0; draw(true) },
    update: (bytes) => { current = bytes; draw(false) },
    finish: (size) => { before += size; current = 0; draw(true) },
    done: () => { process.stderr.write('\r\x1b[K') }
  }
}

/**
 * One line: `[3/40] 12.3 of 456.7 MB, 35.2 MB/s, 0:13 left  hello-2.10.tar`. Rate and time left appear
 * once some bytes are done.
 */
export function progressLine (s: BulkState): string {
  const rate = s.seconds > 0 ? s.doneBytes / s.seconds : 0
  const parts = [`[${s.index + 1}/${s.count}] ${megabytes(s.doneBytes)} of ${megabytes(s.totalBytes)} MB`]
  if (rate > 0) parts.push(`${megabytes(rate)} MB/s`, `${clock((s.totalBytes - s.doneBytes) / rate)} left`)
  return `${parts.join(', ')}  ${s.label}`
}

function megabytes (bytes: number): string {
  return (bytes / 1e6).toFixed(1)
}

/** Seconds as m:ss, or h:mm:ss from an hour. */
function clock (seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const mm = Math.floor(s / 60) % 60
  const ss = String(s % 60).padStart(2, '0')
  return s >= 3600 ? `${Math.floor(s / 3600)}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`
}
