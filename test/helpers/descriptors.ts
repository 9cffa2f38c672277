/**
 * How many of this process's file descriptors are open on a file (Linux's /proc/self/fd): a count that
 * proves a handle was closed, without waiting for anything.
 */
import { readdirSync, readlinkSync, realpathSync } from 'node:fs'

export function descriptorsOn (path: string): number {
  const target = realpathSync(path)
  let count = 0
  for (const fd of readdirSync('/proc/self/fd')) {
    let link: string
    try {
      link = readlinkSync(`/proc/self/fd/${fd}`)
    } catch {
      continue // closed between the listing and the look
    }
    if (link === target) count++
  }
  return count
}
