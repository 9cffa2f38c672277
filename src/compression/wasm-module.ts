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
 *
 * Instances are pooled: a wasm memory grows and never shrinks, and a dropped instance's memory (an xz -6
 * encoder's is ~125 MiB) stays resident until the garbage collector happens to run, so a race that starts
 * its next candidate right after rejecting one would hold both. `instantiate()` hands out an idle
 * instance when there is one, reset to the state of a new one; `recycle()` gives an instance back.
 */
import { ArchiveManifestError } from '../errors.js'

/** Every codec module, for `dropIdleWasmInstances()`. */
const MODULES = new Set<LazyWasmModule>()

/**
 * Forgets every codec's idle instances, so that their memory can be collected: at the end of a
 * description (the next one starts with new instances), which reuses them from member to member.
 */
export function dropIdleWasmInstances (): void {
  for (const module of MODULES) module.dropIdle()
}

export class LazyWasmModule {
  readonly #name: string
  readonly #importBase64: () => Promise<string>
  #module: WebAssembly.Module | undefined
  #loading: Promise<WebAssembly.Module> | undefined
  /** Instances given back, ready to be reset and handed out again. */
  #idle: WasmExports[] = []
  /** A new instance's memory once initialised, its non-zero pages only: a recycled instance is reset to it. */
  #fresh: FreshPages | undefined
  #created = 0
  #inUse = 0

  /** `importBase64` imports the generated module (a dynamic `import()`) and returns its base64 text. */
  constructor (name: string, importBase64: () => Promise<string>) {
    this.#name = name
    this.#importBase64 = importBase64
    MODULES.add(this)
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

  /** Undefined once the module is compiled; else `load()`'s promise (a lazy EncoderFactory.load, which a race awaits only to run). */
  loading (): Promise<void> | undefined {
    return this.#module === undefined ? this.load().then(() => undefined) : undefined
  }

  /** The compiled module; `load()` must have completed (a codec's async entry points await it). */
  get module (): WebAssembly.Module {
    if (this.#module === undefined) throw new Error(`${this.#name} used before its WebAssembly module was loaded (await its load function first)`)
    return this.#module
  }

  /**
   * An instance of the module, initialised (`_initialize`, when the module has one), for one user until it
   * is given back with `recycle()` (or dropped). An idle instance is reused: its memory (grown, it never
   * shrinks) is reset byte for byte to a new instance's, the part beyond zeroed as freshly grown memory
   * is. The modules are C compiled with no imports: their whole state is their memory and the stack
   * pointer, which every call that returns normally leaves as it found it.
   */
  instantiate (): WasmExports {
    const reused = this.#idle.pop()
    this.#inUse++
    if (reused !== undefined) {
      resetMemory(reused.memory, this.#fresh as FreshPages)
      return reused
    }
    const exports = new WebAssembly.Instance(this.module, {}).exports as unknown as WasmExports
    exports._initialize?.()
    this.#fresh ??= freshPages(exports.memory)
    this.#created++
    return exports
  }

  /**
   * Gives back an instance from `instantiate()` that its user no longer needs. Only an instance whose
   * calls all returned normally may be given back: a trap can leave the stack pointer moved.
   */
  recycle (exports: WasmExports): void {
    this.#inUse--
    this.#idle.push(exports)
  }

  /** Forgets the idle instances, so that their memory can be collected. */
  dropIdle (): void {
    this.#idle = []
  }

  /** Instances created so far, handed out and not given back, and idle (for tests and measurements). */
  get stats (): WasmInstanceStats {
    let freshBytes = 0
    for (const page of this.#fresh?.values() ?? []) freshBytes += page.length
    return { created: this.#created, inUse: this.#inUse, idle: this.#idle.length, freshBytes }
  }
}

/** A wasm page. */
const PAGE = 65536

/** A new instance's memory: its non-zero pages by index (libzstd's 1 MiB stack is zeros: not copied). */
type FreshPages = ReadonlyMap<number, Uint8Array>

function freshPages (memory: WebAssembly.Memory): FreshPages {
  const pages = new Map<number, Uint8Array>()
  const bytes = new Uint8Array(memory.buffer)
  for (let at = 0; at < bytes.length; at += PAGE) {
    const page = bytes.subarray(at, at + PAGE)
    if (!isZero(page)) pages.set(at / PAGE, page.slice())
  }
  return pages
}

/**
 * Makes `memory` what it was when new: the fresh pages, zeros elsewhere. Only pages holding something are
 * written: a page never touched reads as zeros without being backed, and writing it would make it resident.
 */
function resetMemory (memory: WebAssembly.Memory, fresh: FreshPages): void {
  const bytes = new Uint8Array(memory.buffer)
  for (let at = 0, index = 0; at < bytes.length; at += PAGE, index++) {
    const page = bytes.subarray(at, at + PAGE)
    const was = fresh.get(index)
    if (was !== undefined) page.set(was)
    else if (!isZero(page)) page.fill(0)
  }
}

/** Whether a page is all zeros, read a word at a time. */
function isZero (page: Uint8Array): boolean {
  const words = new Int32Array(page.buffer, page.byteOffset, page.length / 4)
  for (let w = 0; w < words.length; w++) if (words[w] !== 0) return false
  return true
}

/** What every module instance exports: its memory and, when it has constructors, `_initialize`. */
export interface WasmExports {
  readonly memory: WebAssembly.Memory
  readonly _initialize?: () => void
}

export interface WasmInstanceStats {
  /** Instances created since the module was loaded. */
  readonly created: number
  /** Instances handed out and not given back. */
  readonly inUse: number
  /** Instances given back, waiting to be reused. */
  readonly idle: number
  /** Bytes kept to reset a reused instance (a new one's non-zero pages). */
  readonly freshBytes: number
}

function decodeBase64 (text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
