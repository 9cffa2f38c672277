/**
 * Where a command's bytes go (-o): a file that appears only once the stream has ended well, or stdout
 * (no -o, or -o -), which is refused when it is a terminal unless --force, as gzip refuses it. restore,
 * nar and fetch go through here, so that they read -o the same way (materialize writes a CAR through
 * openCarOutput, which reads `-o -` as stdout too).
 */
import { createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { writeFileAtomically } from '../atomic-file.js'
import { checkOutputParent } from '../fs-errors.js'
import { type Invocation, checkBinaryStdout, stringOption, writeStdout } from './command.js'

/**
 * The file `-o` names, or undefined when the bytes go to stdout (no -o, or -o -). For stdout, a terminal
 * is refused unless --force, and the command's reports are sent to stderr. Call it before any work, so
 * that a refused command has done nothing.
 */
export function outputPath (inv: Invocation): string | undefined {
  const output = stringOption(inv, 'output')
  if (output !== undefined && output !== '-') return output
  checkBinaryStdout(inv.values.force === true)
  inv.printed.dataOnStdout = true
  return undefined
}

/**
 * Writes `chunks` to `path` atomically (a verified stream throws after its last chunk when it is wrong,
 * so no wrong file appears), or to stdout as they come when `path` is undefined (check the exit status).
 * A FIFO or device at `path` (`/dev/null`) is written into as it is: renaming a file onto it would
 * replace it.
 */
export async function writeOutput (path: string | undefined, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  if (path === undefined) {
    await writeStdout(chunks)
    return
  }
  if (await isStreamPath(path)) {
    await pipeline(Readable.from(chunks), createWriteStream(path))
    return
  }
  await checkOutputParent(path)
  await writeFileAtomically(path, chunks)
}

/**
 * Whether `path` is an existing FIFO or device: written into as a stream, never replaced. (A socket is
 * neither: open(2) refuses it, and replacing it is what a file path there asks for.)
 */
export async function isStreamPath (path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined)
  return info !== undefined && (info.isFIFO() || info.isCharacterDevice() || info.isBlockDevice())
}
