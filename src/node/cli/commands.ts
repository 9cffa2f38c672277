/**
 * Every CLI command, in the order the usage lists them (one file per command beside this one). Each is
 * named here and its module loaded only when it runs (or for --help): start-up then loads one command's
 * code, not every command's (#16).
 */
import type { Command } from './command.js'

/** A command by name, and how to load it. */
export interface CommandEntry {
  name: string
  load: () => Promise<Command>
}

export const commands: CommandEntry[] = [
  { name: 'create', load: async () => (await import('./create.js')).create },
  { name: 'restore', load: async () => (await import('./restore.js')).restore },
  { name: 'verify', load: async () => (await import('./verify.js')).verify },
  { name: 'extract', load: async () => (await import('./extract.js')).extract },
  { name: 'ls', load: async () => (await import('./ls.js')).ls },
  { name: 'roots', load: async () => (await import('./roots.js')).roots },
  { name: 'inspect', load: async () => (await import('./inspect.js')).inspect },
  { name: 'materialize', load: async () => (await import('./materialize.js')).materialize },
  { name: 'add', load: async () => (await import('./add.js')).add },
  { name: 'index', load: async () => (await import('./index-list.js')).index },
  { name: 'serve', load: async () => (await import('./serve.js')).serve },
  { name: 'fetch', load: async () => (await import('./fetch.js')).fetchCommand },
  { name: 'nar', load: async () => (await import('./nar.js')).nar }
]

/** Every command, loaded (the usage lists them all). */
export async function loadCommands (): Promise<Command[]> {
  return await Promise.all(commands.map(async c => await c.load()))
}
