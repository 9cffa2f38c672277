/**
 * Things started one after another (a file, worker threads, a temporary file) and released together,
 * whatever happened in between: a start that throws leaves the ones before it to `close`, not to the
 * process (a live worker thread keeps it from exiting; an open handle is a descriptor lost). The shape of
 * TC39's AsyncDisposableStack (`use`, `defer`), which Node 20 lacks.
 */
export class ResourceStack {
  readonly #closers: Array<() => Promise<void>> = []

  /** Takes `resource` (once started; undefined: nothing was started) to be closed by `close()`. */
  async use<T extends { close(): Promise<void> } | undefined> (resource: T | Promise<T>): Promise<T> {
    const started = await resource
    if (started !== undefined) this.#closers.push(async () => { await started.close() })
    return started
  }

  /** Runs `release` on `close()` (a removal, say, which is not called close). */
  defer (release: () => Promise<void>): void {
    this.#closers.push(release)
  }

  /**
   * Runs `body` with a stack of its own, closed on every way out. When the body fails, its failure is the
   * one thrown: a release failing too (everything is still released) must not hide why it stopped.
   */
  static async run<T> (body: (resources: ResourceStack) => Promise<T>): Promise<T> {
    const resources = new ResourceStack()
    let result: T
    try {
      result = await body(resources)
    } catch (err) {
      await resources.close().catch(() => {})
      throw err
    }
    await resources.close()
    return result
  }

  /**
   * Releases everything taken, the last first, each even when one before it fails; then throws the first
   * failure, if any. Releases nothing twice.
   */
  async close (): Promise<void> {
    const failures: unknown[] = []
    for (const release of this.#closers.splice(0).reverse()) {
      try { await release() } catch (err) { failures.push(err) }
    }
    if (failures.length > 0) throw failures[0]
  }
}
