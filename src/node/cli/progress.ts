/** A one-line progress display on stderr, for long runs on a terminal only (never in pipes or logs). */
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
