/** Every CLI command, in the order the usage lists them (one file per command beside this one). */
import type { Command } from './command.js'
import { create } from './create.js'
import { restore } from './restore.js'
import { verify } from './verify.js'
import { extract } from './extract.js'
import { ls } from './ls.js'
import { roots } from './roots.js'
import { inspect } from './inspect.js'
import { materialize } from './materialize.js'
import { add } from './add.js'
import { index } from './index-list.js'
import { serve } from './serve.js'
import { fetchCommand } from './fetch.js'
import { nar } from './nar.js'

export const commands: Command[] = [
  create,
  restore,
  verify,
  extract,
  ls,
  roots,
  inspect,
  materialize,
  add,
  index,
  serve,
  fetchCommand,
  nar
]
