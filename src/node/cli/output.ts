/** Where a command's bytes go: a file that appears only once the stream has ended well, or stdout. */
import { writeFileAtomically } from '../atomic-file.js'
import { checkOutputParent } from '../fs-errors.js'
import { writeStdout } from './command.js'

/**
 * Writes `chunks` to `output` atomically (a verified stream throws after its last chunk when it is wrong,
 * so no wrong file appears), or to stdout as they come when there is no `output` (check the exit status).
 */
export async function writeOutput (output: string | undefined, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  if (output === undefined) {
    await writeStdout(chunks)
    return
  }
  await checkOutputParent(output)
  await writeFileAtomically(output, chunks)
}
