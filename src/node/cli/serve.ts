import { CID } from 'multiformats/cid'
import { readNixSigningKey } from '../nix-signing-key.js'
import { openStore } from '../store.js'
import { createMirrorServer } from '../serve/server.js'
import { mirrorStoreOf } from '../serve/store-on-disk.js'
import { type Command, UsageError, stringOption, stringsOption } from './command.js'

/** Where `serve` listens unless told: loopback only, so nothing is exposed by accident. */
export const DEFAULT_LISTEN = '127.0.0.1:8090'

export const serve: Command = {
  name: 'serve',
  synopsis: 'serve --store DIR [--listen HOST:PORT] [--upstream URL ...] [--index CID] [--max-streams N] [--sign-key FILE] [--json]',
  description: `serve the store's archives as a Nix hashed mirror (GET /sha256/HEX, /sha512/HEX), their unpacked trees as a Nix binary cache (GET /nix-cache-info; --sign-key: sign narinfos with this nix-store --generate-binary-cache-key secret key) and its blocks as a trustless gateway (GET /ipfs/CID); --upstream: fetch missing blocks from these gateways, verified, and keep them; --index: resolve digests through this hash-index root (blocks from the store, then upstream; DIR is created if absent) instead of the store's own; listens on ${DEFAULT_LISTEN} unless --listen; stops on SIGINT or SIGTERM`,
  options: {
    store: { type: 'string' },
    listen: { type: 'string' },
    upstream: { type: 'string', multiple: true },
    index: { type: 'string' },
    'max-streams': { type: 'string' },
    'sign-key': { type: 'string' }
  },
  async run (inv) {
    if (inv.args.length > 0) throw new UsageError('serve takes no arguments')
    const storeDir = stringOption(inv, 'store')
    if (storeDir === undefined) throw new UsageError('serve needs --store DIR')
    const { host, port } = parseListen(stringOption(inv, 'listen') ?? DEFAULT_LISTEN)
    const upstream = (stringsOption(inv, 'upstream') ?? []).map(parseUpstream)
    const maxStreams = stringOption(inv, 'max-streams')
    if (maxStreams !== undefined && !/^[1-9][0-9]{0,5}$/.test(maxStreams)) throw new UsageError(`--max-streams ${JSON.stringify(maxStreams)}: expected a positive integer`)

    const index = parseIndex(stringOption(inv, 'index'))
    const keyFile = stringOption(inv, 'sign-key')
    const nixSigningKey = keyFile === undefined ? undefined : await readNixSigningKey(keyFile)
    // A mirror of another machine's index may start with an empty store; otherwise the store must exist.
    const store = await openStore(storeDir, { create: index !== undefined })
    const server = createMirrorServer({
      store: mirrorStoreOf(store),
      host,
      port,
      upstream,
      ...(index === undefined ? {} : { index }),
      ...(nixSigningKey === undefined ? {} : { nixSigningKey }),
      ...(maxStreams === undefined ? {} : { limits: { maxStreams: Number(maxStreams) } }),
      onError: (line) => { console.error(`serve: ${line}`) }
    })
    try {
      const { url } = await server.listen()
      const root = (index ?? store.indexRoot).toString()
      if (inv.values.json === true) console.log(JSON.stringify({ url, store: storeDir, indexRoot: root, upstream }))
      else console.log(`serving ${storeDir} (index ${root}) on ${url}`)
      await stopSignal()
    } finally {
      await server.close()
      await store.close()
    }
    return 0
  }
}

/** `HOST:PORT`, `[IPv6]:PORT` or `PORT` (on loopback). */
function parseListen (text: string): { host: string, port: number } {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?([0-9]{1,5})$/.exec(text)
  const port = Number(match?.[2])
  if (match === null || port > 65535) throw new UsageError(`--listen ${JSON.stringify(text)}: expected HOST:PORT, [IPV6]:PORT or PORT`)
  return { host: (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1'), port }
}

function parseIndex (text: string | undefined): CID | undefined {
  if (text === undefined) return undefined
  try {
    return CID.parse(text)
  } catch {
    throw new UsageError(`--index ${JSON.stringify(text)}: not a CID`)
  }
}

function parseUpstream (text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`--upstream ${JSON.stringify(text)}: not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--upstream ${JSON.stringify(text)}: expected an http or https URL`)
  return url.toString()
}

/** Resolves on the first SIGINT or SIGTERM (the server then closes gracefully); a second one exits at once. */
async function stopSignal (): Promise<void> {
  await new Promise<void>(resolve => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      process.once('SIGINT', () => process.exit(130))
      process.once('SIGTERM', () => process.exit(143))
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
