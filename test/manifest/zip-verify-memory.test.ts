/**
 * verify of a zip streams (issue #13): describing the restored zip again needs random access, which used to
 * mean holding the whole restored zip in memory. Measured by test/helpers/zip-verify-memory.ts in a process
 * of its own: a 256 MiB zip (32 stored files of 8 MiB, made as it is read) is described and then verified;
 * verifying must not raise the peak RSS by anything like the archive's size.
 */
import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

const root = join(import.meta.dirname, '../..')

describe('verifying a zip', () => {
  it('does not hold the archive in memory (a 256 MiB zip)', () => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'test/helpers/zip-verify-memory.ts'), '32'],
      { encoding: 'utf8', cwd: root, maxBuffer: 1 << 24 })
    expect(r.status, r.stderr.slice(-2000)).toBe(0)
    const m = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { archiveBytes: number, beforeMB: number, peakRssMB: number }
    expect(m.archiveBytes).toBeGreaterThan(256 * 1024 * 1024)
    // The peak includes the description before it (which streams too); half the archive is far above both.
    expect(m.peakRssMB - m.beforeMB).toBeLessThan(m.archiveBytes / 2 / 1e6)
  }, 600_000)
})
