import { createHeliaHTTP } from '@helia/http'
import { trustlessGateway } from '@helia/block-brokers'
import { httpGatewayRouting } from '@helia/routers'
import { unixfs } from '@helia/unixfs'
import { MemoryBlocks } from './src/index.js'
import { createMirrorServer } from './src/node/index.js'
import { describeAll, mapStore } from './test/node/serve/helpers.js'
const blocks = new MemoryBlocks()
const [hello] = await describeAll(['test/fixtures/real/hello-2.10.tar'], blocks)
const server = createMirrorServer({ store: mapStore(blocks, [hello!]) })
const { url } = await server.listen()
const t0 = Date.now()
const helia = await createHeliaHTTP({ blockBrokers: [trustlessGateway({ allowInsecure: true, allowLocal: true })], routers: [httpGatewayRouting({ gateways: [url] })] })
console.log('helia up', Date.now() - t0)
const fs = unixfs(helia)
const names = []
for await (const e of fs.ls(hello!.tree)) names.push(e.name)
console.log(names)
let n = 0
for await (const c of fs.cat(hello!.tree, { path: 'hello-2.10/COPYING' })) n += c.length
console.log('COPYING', n, Date.now() - t0)
await helia.stop()
await server.close()
