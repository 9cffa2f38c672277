/** Paths and names: text when the bytes are valid UTF-8, the bytes themselves otherwise (schema `Name`). */
import type { Name } from '../schema/types.js'

// ignoreBOM: a leading U+FEFF is part of a name, not a marker to drop.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true })

/** The text of `bytes`, or undefined when they are not valid UTF-8. */
export function utf8OrUndefined (bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return undefined
  }
}

export function nameFromBytes (bytes: Uint8Array): Name {
  return utf8OrUndefined(bytes) ?? bytes
}

/** A readable form for messages: invalid bytes become U+FFFD. */
export function displayName (name: Name | Uint8Array): string {
  return typeof name === 'string' ? name : lenientUtf8.decode(name)
}
