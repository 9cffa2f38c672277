/**
 * The baseline of bench/serve.ts: a plain static file handler (createReadStream piped to the response,
 * Content-Length from stat) serving the files of DIR at /<name> on a free loopback port, in its own process
 * like the mirror. Prints its URL on one line.
 */
import { createReadStream, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basename, join } from 'node:path'

const dir = process.argv[2] as string
const server = createServer((req, res) => {
  const path = join(dir, basename(req.url ?? '/'))
  let size: number
  try { size = statSync(path).size } catch { res.writeHead(404).end(); return }
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) })
  createReadStream(path).pipe(res)
})
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
})
process.on('SIGTERM', () => { server.close(); server.closeAllConnections() })
