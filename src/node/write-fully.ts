/**
 * handle.write may write fewer bytes than asked: loop until all are written. (A module of its own so that
 * no public declaration file names Node's FileHandle: consumers type-check without @types/node.)
 */
import type { FileHandle } from 'node:fs/promises'

export async function writeFully (handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten
}
