/**
 * handle.write may write fewer bytes than asked: loop until all are written (at `position` onwards when
 * given, else at the file's position). A module of its own so that no public declaration file names
 * Node's FileHandle: consumers type-check without @types/node.
 */
import type { FileHandle } from 'node:fs/promises'

export async function writeFully (handle: FileHandle, bytes: Uint8Array, position?: number): Promise<void> {
  for (let at = 0; at < bytes.length;) {
    at += (await handle.write(bytes, at, bytes.length - at, position === undefined ? null : position + at)).bytesWritten
  }
}
