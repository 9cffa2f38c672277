import { FsBlockstore } from 'blockstore-fs'
import { MemoryBlocks, restoreArchive } from './src/index.js'
import { manifestFromFile } from './src/node/manifest-file.js'
const files = process.argv.slice(2)
for (const f of files) {
  for (const kind of ['mem', 'fs']) {
    const bs: any = kind === 'mem' ? new MemoryBlocks() : new FsBlockstore('/tmp/prof-' + kind + Date.now())
    if (kind === 'fs') await bs.open()
    let t = performance.now()
    const r = await manifestFromFile(f, { blockstore: bs })
    const d = performance.now() - t
    t = performance.now()
    for await (const _ of restoreArchive(r.cid, bs));
    const v = performance.now() - t
    console.log(f.split('/').pop(), kind, 'describe', (d/1000).toFixed(1), 'restore', (v/1000).toFixed(1))
  }
}
