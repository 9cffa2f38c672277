/** Node-only edges: files, CAR files on disk, extraction to a directory, the store on disk, and the CLI's entry. */
export { openArchiveFile } from './files.js'
export { openCarFile, createCarFile, type CarFileSource, type CarFileSink } from './car-file.js'
export { extractTree, type ExtractOptions, type ExtractReport } from './extract.js'
export { writeFileAtomically, createAtomicFile, type AtomicFile } from './atomic-file.js'
export { manifestFromFile } from './manifest-file.js'
export { createWorkerDigester } from './worker-digester.js'
export { openStore, INDEX_ROOT_FILE, BLOCKS_DIR, type Store, type StoreOptions, type AddOptions, type AddResult } from './store.js'
