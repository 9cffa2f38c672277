/** CRC-32 through fflate (already a dependency), as an independent reference: fflate's gzipSync trailer holds it. */
import { gzipSync } from 'fflate'

export function crc32 (d: Uint8Array): number {
  const gz = gzipSync(d, { level: 0 })
  const p = gz.length - 8
  return (gz[p]! | (gz[p + 1]! << 8) | (gz[p + 2]! << 16) | (gz[p + 3]! << 24)) >>> 0
}
