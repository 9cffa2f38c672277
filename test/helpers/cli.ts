/** The CLI as a user runs it: a real process (through tsx), in a shell pipeline, or on a terminal. */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'
import { createRequire } from 'node:module'
import { join } from 'node:path'

export const repo = join(import.meta.dirname, '..', '..')
const entry = join(repo, 'src/node/cli.ts')
/** tsx's loader by path, so that the CLI runs from any working directory. */
const tsx = createRequire(join(repo, 'package.json')).resolve('tsx/package.json').replace(/package\.json$/, 'dist/loader.mjs')

export interface CliResult { status: number | null, stdout: string, stderr: string }

/** Runs `ipld-archive-manifest ...args`; `input` is written to its stdin. */
export function cli (...args: string[]): CliResult {
  return cliWith({}, ...args)
}

export function cliWith (options: { input?: Uint8Array | string }, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, ['--import', tsx, entry, ...args], { encoding: 'utf8', cwd: repo, input: options.input, maxBuffer: 1 << 28 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Like `cli`, but stdout as bytes (a CAR, an archive). */
export function cliBytes (options: { input?: Uint8Array }, ...args: string[]): { status: number | null, stdout: Buffer, stderr: string } {
  const r = spawnSync(process.execPath, ['--import', tsx, entry, ...args], { cwd: repo, input: options.input, maxBuffer: 1 << 28 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() }
}

/**
 * Runs a bash script in which `iam` runs the CLI (a function, so pipes, `<(...)` and redirections work as
 * a user types them); `pipefail` is on.
 */
export function shell (script: string, cwd = repo): { status: number | null, stdout: Buffer, stderr: string } {
  const r = spawnSync('bash', ['-c', shellPrelude + script], { cwd, env: shellEnv(), maxBuffer: 1 << 28 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() }
}

const shellPrelude = `set -o pipefail\niam () { "$IAM_NODE" --import "$IAM_TSX" "$IAM_ENTRY" "$@"; }\n`
const shellEnv = (): NodeJS.ProcessEnv => ({ ...process.env, IAM_NODE: process.execPath, IAM_TSX: tsx, IAM_ENTRY: entry })

/** Like `shell`, but without blocking the event loop (for a script that talks to a server in the test's process). */
export async function shellAsync (script: string, cwd = repo): Promise<{ status: number | null, stdout: Buffer, stderr: string }> {
  const child = spawn('bash', ['-c', shellPrelude + script], { cwd, env: shellEnv() })
  const stdout: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout.push(d) })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const status = await new Promise<number | null>(resolve => { child.on('close', resolve) })
  return { status, stdout: Buffer.concat(stdout), stderr }
}

/**
 * Runs the CLI with a terminal (a pseudo-terminal from Python's pty module) as stdin, stdout and stderr;
 * returns what the terminal showed (both streams) and the exit status.
 */
export function onTerminal (...args: string[]): { status: number | null, output: string } {
  const script = `
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.chdir(sys.argv[1])
    os.execv(sys.argv[2], sys.argv[2:])
out = b''
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
`
  const r = spawnSync('python3', ['-c', script, repo, process.execPath, '--import', 'tsx', entry, ...args], { maxBuffer: 1 << 28 })
  return { status: r.status, output: r.stdout.toString('latin1') }
}

/** Starts the CLI with its stdin, stdout and stderr as pipes the test drives. */
export function cliProcess (...args: string[]): ChildProcessByStdio<Writable, Readable, Readable> {
  return spawn(process.execPath, ['--import', tsx, entry, ...args], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] })
}
