/**
 * An EntryRecord's dag-cbor bytes, written directly (spec §7.2; the bytes are @ipld/dag-cbor's, checked in
 * test/codec/entry-record-bytes.test.ts). A record is written per tar entry, and the generic encoder's
 * object walk and per-map key sort were most of what an entry cost after hashing. The writer checks each
 * value's type as it writes it; a record with anything else (a key the schema does not have, a value of
 * the wrong type, an integer beyond 2^53) is left to the generic path, which refuses it.
 */
import type { CID } from 'multiformats/cid'
import type { EntryRecord, Name } from '../schema/types.js'
import * as schema from '../schema/validate.generated.js'
import { CborWriter } from './cbor-writer.js'

/** The record's keys in dag-cbor map order: shorter keys first, then bytewise. */
const KEYS = ['c', 'e', 'g', 'h', 'k', 'l', 'm', 'p', 's', 't', 'u', 'x', 'y', 'at', 'ct', 'dv', 'gn', 'hb', 'hp', 'pd', 'sz', 'tn', 'un'] as const
type Key = typeof KEYS[number]
const KNOWN = new Set<string>(KEYS)
const INTS = new Set<Key>(['g', 'k', 'm', 's', 't', 'u', 'y', 'at', 'ct', 'sz', 'tn'])
const NAMES = new Set<Key>(['l', 'p', 'gn', 'un'])

const writer = new CborWriter()

/** The record's bytes, or undefined when it has something only the generic (refusing) path handles. */
export function writeEntryRecord (record: EntryRecord): Uint8Array | undefined {
  const fields = record as unknown as Record<string, unknown>
  // Every key known and set (dag-cbor has no undefined), and the one required key present.
  let count = 0
  for (const key in record) {
    if (!KNOWN.has(key) || fields[key] === undefined) return undefined
    count++
  }
  if (record.p === undefined) return undefined
  const w = writer
  w.reset()
  w.head(5, count)
  for (const key of KEYS) {
    const value = fields[key]
    if (value === undefined) continue
    w.text(key)
    if (INTS.has(key)) {
      if (!isInt(value)) return undefined
      w.int(value)
    } else if (NAMES.has(key)) {
      if (!writeName(w, value)) return undefined
    } else if (!writeOther(w, key, value)) {
      return undefined
    }
  }
  return w.result()
}

function writeOther (w: CborWriter, key: Key, value: unknown): boolean {
  switch (key) {
    case 'c': {
      const cid = value as CID
      if (cid?.['/'] !== cid?.bytes || !(cid.bytes instanceof Uint8Array)) return false
      w.cid(cid)
      return true
    }
    case 'e':
      if (typeof value !== 'string' || schema.Exclusion.toTyped(value) === undefined) return false
      w.text(value)
      return true
    case 'h':
      if (typeof value !== 'string') return false
      w.text(value)
      return true
    case 'hb': case 'pd':
      if (!(value instanceof Uint8Array)) return false
      w.bytes(value)
      return true
    case 'dv':
      if (!Array.isArray(value) || !value.every(isInt)) return false
      w.head(4, value.length)
      for (const n of value as number[]) w.int(n)
      return true
    case 'x':
      if (!Array.isArray(value)) return false
      w.head(4, value.length)
      for (const record of value) {
        if (!Array.isArray(record)) return false
        w.head(4, record.length)
        for (const name of record) if (!writeName(w, name)) return false
      }
      return true
    case 'hp':
      if (!Array.isArray(value)) return false
      w.head(4, value.length)
      for (const run of value) {
        if (!Array.isArray(run) || run.length !== 2 || !isInt(run[0]) || !(run[1] instanceof Uint8Array)) return false
        w.head(4, 2)
        w.int(run[0])
        w.bytes(run[1])
      }
      return true
    default:
      return false
  }
}

function writeName (w: CborWriter, value: unknown): value is Name {
  if (typeof value === 'string') w.text(value)
  else if (value instanceof Uint8Array) w.bytes(value)
  else return false
  return true
}

function isInt (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value)
}
