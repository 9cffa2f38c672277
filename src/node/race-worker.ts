/**
 * The worker thread of createWorkerRaces (worker-races.ts): runs each member's recipe race as the messages
 * arrive, in order, and answers each end with the verdict. Every byte message is acknowledged with its
 * length, which is how the other side bounds the bytes in flight.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { BlockRace, hasXzBlocks } from '../compression/recipe/block-race.js'
import { BlockVerifier } from '../compression/recipe/block-verify.js'
import type { RecipeRace } from '../compression/recipe/race.js'
import { raceOf, type RacePlan } from '../compression/recipe/races.js'
import { createWorkerBlockEncoders } from './worker-block-encoders.js'
import { errorReply } from './worker-errors.js'
import type { RaceMessage, RaceReply } from './worker-races.js'

const port = parentPort
if (port === null) throw new Error('race-worker.js runs as a worker thread')

const data = workerData as { slots: SharedArrayBuffer[], blockThreads: number, xzBlocks: boolean }
const slots = data.slots.map(buffer => new Uint8Array(buffer))
let race: RecipeRace | BlockVerifier | BlockRace | undefined
// With threads to spare, a bzip2 member's one candidate is verified block by block on threads of its own
// (started on its first piece).
const blockEncoders = data.blockThreads > 0 ? createWorkerBlockEncoders(data.blockThreads) : undefined
// Asked to, an xz race in the threaded layout, once one candidate is left, is verified block by block on
// threads of its own and this one (started on its first piece): this thread would otherwise encode every
// block alone.
const xzBlockEncoders = data.xzBlocks ? createWorkerBlockEncoders(Math.max(1, data.blockThreads), { here: true }) : undefined
let failed = false
const reply = (message: RaceReply): void => { port.postMessage(message) }

// Messages are handled one after another, in order: a start first loads its encoders.
let queue = Promise.resolve()
port.on('message', (message: RaceMessage) => { queue = queue.then(async () => { await handleInTurn(message) }) })

async function handleInTurn (message: RaceMessage): Promise<void> {
  if (failed) return
  try {
    await handle(message)
  } catch (err) {
    // An encoder refused its input (a zstd frame longer than it pledged, say): the description fails
    // with that error, typed as it was thrown.
    failed = true
    abandon()
    reply(errorReply(err))
  }
}

/** Lets go of the race now (its candidates' encoders, the bytes it keeps), not when the worker ends. */
function abandon (): void {
  race?.dispose()
  race = undefined
}

async function handle (message: RaceMessage): Promise<void> {
  switch (message.kind) {
    case 'start':
      // A race never ended (its member given up) is done with.
      abandon()
      race = blockVerifierOf(message.plan) ?? await blockRaceOf(message.plan)
      return
    case 'expected':
    case 'input': {
      const inSlot = 'slot' in message
      let bytes = inSlot ? (slots[message.slot] as Uint8Array).subarray(0, message.length) : new Uint8Array(message.buffer, 0, message.length)
      // A slot is reused once released: the race gets a copy of what it keeps (real bytes until compared,
      // input while it logs), and the input view itself otherwise.
      if (inSlot && (message.kind === 'expected' || race?.logging === true)) bytes = bytes.slice()
      if (message.kind === 'expected') race?.expected(bytes)
      else race?.input(bytes)
      // Acknowledged once the block encoders can take more: the other side holds back while bytes wait.
      if (race instanceof BlockVerifier || race instanceof BlockRace) await race.ready()
      // Or while a candidate's code loads: the race logs meanwhile.
      else await race?.loading
      reply(inSlot ? { kind: 'done', length: message.length, slot: message.slot } : { kind: 'done', length: message.length })
      return
    }
    case 'end': {
      const recipe = (race instanceof BlockVerifier || race instanceof BlockRace ? await race.end(message.length) : await race?.finish(message.length))?.recipe
      race = undefined
      reply(recipe === undefined ? { kind: 'verdict' } : { kind: 'verdict', recipe })
    }
  }
}

/** Block by block for a plan of one bzip2 candidate (the verdict is the same as the race's: whole equality). */
function blockVerifierOf (plan: RacePlan): BlockVerifier | undefined {
  const only = plan.recipes.length === 1 ? plan.recipes[0] : undefined
  return only?.encoder === 'bzip2' && blockEncoders !== undefined ? BlockVerifier.of(only, blockEncoders) : undefined
}

/**
 * The plan's race, its first candidate warmed up (this thread encodes its first block next); asked to,
 * for xz's threaded layout a BlockRace, finished on xzBlockEncoders.
 */
async function blockRaceOf (plan: RacePlan): Promise<RecipeRace | BlockRace> {
  const race = await raceOf(plan, { warmUp: true })
  return xzBlockEncoders !== undefined && hasXzBlocks(plan.recipes) ? new BlockRace(race, xzBlockEncoders) : race
}
