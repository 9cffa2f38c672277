/**
 * A WebAssembly codec that is loaded only when an archive's bytes need it. Its bytes live, base64-encoded,
 * in a generated JavaScript module (`*-wasm.generated.ts`) that nothing imports statically: `load()`
 * imports it dynamically, decodes it and compiles it asynchronously, once. So a plain tar, or a .tar.gz,
 * never parses the 860 KB of base64 of libbz2, liblzma and libzstd, and bundlers put each codec in a chunk
 * of its own. Why a JS module rather than a `.wasm` file: it loads the same way in Node, in browsers and
 * through any bundler, with no file system access and no loader configuration. Why asynchronous
 * compilation: browsers refuse to compile large modules synchronously on their main thread.
 *
 * Once loaded, `module` is available synchronously, so that the codecs' push-based encoders (which a
 * recipe race runs in lockstep) can create instances without awaiting.
 */
import { ArchiveManifestError } from '../errors.js'

export class LazyWasmModule {
  readonly #name: string
  readonly #importBase64: () => Promise<string>
  #module: WebAssembly.Module | undefined
  #loading: Promise<WebAssembly.Module> | undefined

  /** `importBase64` imports the generated module (a dynamic `import()`) and returns its base64 text. */
  constructor (name: string, importBase64: () => Promise<string>) {
    this.#name = name
    this.#importBase64 = importBase64
  }

  /** Imports and compiles the module on the first call; every call resolves to the same module. */
  async load (): Promise<WebAssembly.Module> {
    this.#loading ??= (async () => {
      try {
        this.#module = await WebAssembly.compile(decodeBase64(await this.#importBase64()))
        return this.#module
      } catch (cause) {
        this.#loading = undefined // a later call may try again (e.g. after a failed chunk fetch)
        throw new ArchiveManifestError(`could not load the ${this.#name} WebAssembly module`, { codec: this.#name }, { cause })
      }
    })()
    return await this.#loading
  }

  /** The compiled module; `load()` must have completed (a codec's async entry points await it). */
  get module (): WebAssembly.Module {
    if (this.#module === undefined) throw new Error(`${this.#name} used before its WebAssembly module was loaded (await its load function first)`)
    return this.#module
  }
}

function decodeBase64 (text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
