/** --version, and COMMAND --help naming every option the command takes (#17). */
import { describe, it, expect, vi, afterEach } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { main } from '../src/node/cli.js'
import { commands, loadCommands } from '../src/node/cli/commands.js'
import { cli, repo } from './helpers/cli.js'

/** What `main(argv)` prints with console.log, and its exit status. */
async function printed (...argv: string[]): Promise<{ status: number, out: string }> {
  const lines: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { lines.push(args.join(' ')) })
  try {
    const status = await main(argv)
    return { status, out: lines.join('\n') }
  } finally { log.mockRestore() }
}

afterEach(() => { vi.restoreAllMocks() })

describe('CLI conventions (#17)', () => {
  it('--version prints the package\'s version (as a program, from any directory)', () => {
    const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version
    const r = cli('--version')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe(`ipld-archive-manifest ${version}\n`)
  })

  it('every command\'s --help shows its synopsis and names each of its options; --help lists every command', async () => {
    const all = await printed('--help')
    expect(all.status).toBe(0)
    for (const command of await loadCommands()) {
      expect(all.out).toContain(`  ${command.synopsis}\n`)
      const { status, out } = await printed(command.name, '--help')
      expect(status, command.name).toBe(0)
      expect(out, command.name).toContain(`usage: ipld-archive-manifest ${command.synopsis}`)
      // The list of every option the parser accepts, generated from the same spec.
      const list = /^ {2}options: (.*)$/m.exec(out)?.[1]?.split('; ')
      expect(list, command.name).toEqual([
        ...Object.entries(command.options).map(([name, spec]) => `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}${spec.type === 'string' ? ' VALUE' : ''}${spec.multiple === true ? ' (repeatable)' : ''}`),
        '--json', '-h, --help'
      ])
      // A command with help lines describes each of its options there too.
      for (const name of command.help === undefined ? [] : Object.keys(command.options)) {
        expect(command.help!.some(line => line.includes(`--${name}`)), `${command.name} --help describes --${name}`).toBe(true)
      }
      expect(out).toContain('exit status: 0 ok; 1 a typed error')
    }
  })

  it('each command is listed under the name its module gives it (the list loads a command only when it runs)', async () => {
    for (const entry of commands) expect((await entry.load()).name).toBe(entry.name)
  })
})
