/**
 * Node's OpenSSL-backed hashes, when the runtime is Node: several times faster than any JavaScript hash.
 * `process.getBuiltinModule` (Node ≥ 20.16) reaches them without a static `node:` import, which keeps
 * the modules that use it loadable in browsers (where this is undefined).
 */
export interface NodeCrypto {
  createHash(name: string): { update(b: Uint8Array): unknown, digest(): Uint8Array }
  /** A one-shot digest (Node ≥ 20.12): no Hash object, so cheaper than createHash for a small block. */
  hash?(algorithm: string, data: Uint8Array, outputEncoding: 'buffer'): Uint8Array
}

export const nodeCrypto: NodeCrypto | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  try {
    return proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined
  } catch {
    return undefined
  }
})()
