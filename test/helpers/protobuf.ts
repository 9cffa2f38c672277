/**
 * A protobuf wire reader for tests, written from the encoding guide (protobuf.dev/programming-guides/encoding)
 * and nothing else: varints are read into bigints, so no value is cut to 32 or 53 bits. It is the
 * independent reader the library's writers are checked against.
 */

/** One field as it is on the wire: a varint's value, or a length-delimited field's bytes. */
export type WireField = { field: number, wire: 0, value: bigint } | { field: number, wire: 2, bytes: Uint8Array }

/** The varint at `at`: its value and the offset after it. Throws on truncation or more than 10 bytes. */
export function readVarint (bytes: Uint8Array, at: number): [value: bigint, next: number] {
  let value = 0n
  for (let i = 0; i < 10; i++) {
    const byte = bytes[at + i]
    if (byte === undefined) throw new Error(`varint truncated at ${at + i}`)
    value += BigInt(byte & 0x7f) << BigInt(7 * i)
    if (byte < 0x80) return [value, at + i + 1]
  }
  throw new Error(`varint at ${at} is longer than 10 bytes`)
}

/** Every field of a message, in wire order. Only wire types 0 (varint) and 2 (length-delimited) occur in dag-pb and UnixFS. */
export function readFields (bytes: Uint8Array): WireField[] {
  const fields: WireField[] = []
  let at = 0
  while (at < bytes.length) {
    const [key, afterKey] = readVarint(bytes, at)
    const field = Number(key >> 3n)
    const wire = Number(key & 7n)
    if (wire === 0) {
      const [value, next] = readVarint(bytes, afterKey)
      fields.push({ field, wire, value })
      at = next
    } else if (wire === 2) {
      const [length, start] = readVarint(bytes, afterKey)
      const end = start + Number(length)
      if (end > bytes.length) throw new Error(`field ${field} runs past the end`)
      fields.push({ field, wire, bytes: bytes.subarray(start, end) })
      at = end
    } else {
      throw new Error(`unexpected wire type ${wire} at ${at}`)
    }
  }
  return fields
}

/** The UnixFS Data fields a File node carries, read with readFields. */
export function readUnixFSFile (data: Uint8Array): { type: bigint, data?: Uint8Array, filesize?: bigint, blocksizes: bigint[] } {
  const out: { type: bigint, data?: Uint8Array, filesize?: bigint, blocksizes: bigint[] } = { type: -1n, blocksizes: [] }
  for (const f of readFields(data)) {
    if (f.field === 1 && f.wire === 0) out.type = f.value
    else if (f.field === 2 && f.wire === 2) out.data = f.bytes
    else if (f.field === 3 && f.wire === 0) out.filesize = f.value
    else if (f.field === 4 && f.wire === 0) out.blocksizes.push(f.value)
    else throw new Error(`unexpected field ${f.field} (wire ${f.wire}) in a File node`)
  }
  return out
}

/** The Data bytes of a dag-pb node (PBNode field 1), read with readFields. */
export function pbNodeData (block: Uint8Array): Uint8Array {
  const data = readFields(block).find(f => f.field === 1)
  if (data === undefined || data.wire !== 2) throw new Error('dag-pb node without Data')
  return data.bytes
}
