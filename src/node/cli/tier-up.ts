/**
 * When V8 compiles a function with its optimising compiler: later than its default for a CLI process that
 * describes one archive (#16). A description runs each per-entry function a few thousand times, enough for
 * V8's default budget to optimise some 190 functions (and some again after a bail-out) on background
 * threads; that compiling cost as much CPU as the main thread's whole run (CPython's source tar, 4,770
 * entries: about 0.3 s of 0.9 s). A four times larger budget still optimises the hot loops (chunk hashing,
 * codecs) within their first milliseconds, but leaves code run only thousands of times to the baseline
 * tiers: measured 0.11 s less CPU in all for that tar, the main thread about 0.04 s more.
 */
import { setFlagsFromString } from 'node:v8'

/** Four times V8's default (--interrupt-budget=67584 in Node 20's V8 11.3). */
export const INTERRUPT_BUDGET = 4 * 67584

/**
 * Raises V8's interrupt budget for this process (flags are process-wide: worker threads share it). Takes
 * effect for the functions that have not run yet, so it is called before a command's work starts.
 */
export function tierUpLater (): void {
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`)
}
