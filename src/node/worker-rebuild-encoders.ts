/**
 * Where a rebuild's encoders run on Node (restore.ts `RebuildEncoders`): the blocks of a bzip2 or threaded
 * xz member, and the parse of a large GNU gzip body's segments, on worker threads (worker-block-encoders.ts),
 * any other member's stream on a worker of its own (worker-stream-encoders.ts). No thread starts before a
 * rebuild hands one a block, a segment or a stream.
 */
import type { RebuildEncoders } from '../manifest/restore.js'
import { createWorkerBlockEncoders } from './worker-block-encoders.js'
import { createWorkerStreamEncoders } from './worker-stream-encoders.js'

/** Both kinds of worker encoders, as `restoreArchive` takes them; `close()` stops every thread they started. */
export function createWorkerRebuildEncoders (): { encoders: Required<RebuildEncoders>, close(): Promise<void> } {
  const blockEncoders = createWorkerBlockEncoders()
  const streamEncoders = createWorkerStreamEncoders()
  return {
    encoders: { blockEncoders, streamEncoders },
    async close () { await Promise.all([blockEncoders.close(), streamEncoders.close()]) }
  }
}
