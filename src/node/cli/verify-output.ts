/**
 * What the CLI's `verify` prints: one "ok" line, or one line per block problem; with --json the same as a
 * stable object (`ok`, `manifest`, `blocks`, `problems`, and `entries`/`archiveBytes` or `error`).
 */
import { ArchiveManifestError, VerifyFailedError } from '../../errors.js'
import type { VerifyReport } from '../../manifest/verify.js'

/** A word per problem code, for the text report. */
const words: Record<string, string> = { ERR_BLOCK_NOT_FOUND: 'missing', ERR_BLOCK_HASH_MISMATCH: 'corrupt' }

/** The report of a verification that returned `report`. */
export function verifiedOutput (report: VerifyReport, json: boolean): string {
  if (json) {
    return JSON.stringify({ ok: true, manifest: report.cid.toString(), blocks: report.blocks, entries: report.entries, archiveBytes: report.archiveBytes, problems: [] }, null, 2)
  }
  return `ok: manifest ${report.cid} (${report.entries} entries, ${report.archiveBytes} archive bytes, ${report.blocks} blocks) verified`
}

/**
 * The report of a verification that threw `err`, or undefined when `err` is not a typed error. The text
 * form lists the problems only: the error's own line is printed like any other typed error's.
 */
export function failedOutput (manifest: string, err: unknown, json: boolean): string | undefined {
  if (!(err instanceof ArchiveManifestError)) return undefined
  const problems = err instanceof VerifyFailedError ? err.problems : []
  if (json) {
    const blocks = err.details.blocks
    return JSON.stringify({ ok: false, manifest, ...(typeof blocks === 'number' ? { blocks } : {}), error: { code: err.code, message: err.message }, problems }, null, 2)
  }
  if (problems.length === 0) return undefined
  return problems.map(p => `${words[p.code] ?? 'invalid'} ${p.cid} (${p.code}): ${p.where.join(', ')}`).join('\n')
}
