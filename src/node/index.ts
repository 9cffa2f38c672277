/** Node-only edges: files, CAR files on disk, extraction to a directory, and the CLI's entry. */
export { openArchiveFile } from './files.js'
export { manifestFromStream } from './manifest-file.js'
export { openCarFile, createCarFile, type CarFileSource, type CarFileSink } from './car-file.js'
export { extractTree, type ExtractOptions, type ExtractReport } from './extract.js'
export { writeFileAtomically } from './atomic-file.js'
export { manifestFromFile } from './manifest-file.js'
export { createWorkerDigester } from './worker-digester.js'
