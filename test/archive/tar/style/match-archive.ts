/**
 * Runs the header matcher over a whole tar (as the lead's describer will) and rebuilds the tar from the
 * results, member fields, data, padding exceptions and the end: the test of every style and the
 * measurement script share it.
 */
import { TarReader, type TarMember } from '../../../../src/archive/tar/reader.js'
import {
  headerFieldsOf, HeaderMatcher, HeaderRegenerator, paddingException, paddingLength, regenerateArchiveEnd,
  regeneratePadding, splitArchiveEnd, type MatchResult, type MemberHeaderFields, type StyleName
} from '../../../../src/archive/tar/style/index.js'

export interface MatchedMember {
  member: TarMember
  fields: MemberHeaderFields
  result: MatchResult
  /** The style in force for this member. */
  style: StyleName
  original: Uint8Array
}

export interface ArchiveMatch {
  members: MatchedMember[]
  /** Styles chosen, with the number of members each wrote. */
  styles: Map<StyleName, number>
  patches: number
  patchBytes: number
  verbatims: number
  verbatimBytes: number
  paddingExceptions: number
  end: { zeros: number, trailing: number }
  /** Nanoseconds spent in match() per member. */
  nsPerMember: number
}

/** Reads `tar`, matches every member's header bytes, and checks that the rebuild gives `tar` back. */
export function matchArchive (tar: Uint8Array): ArchiveMatch {
  const reader = new TarReader()
  const parts = [...reader.push(tar), ...reader.end()]
  const matcher = new HeaderMatcher()
  const members: MatchedMember[] = []
  let spent = 0n
  let endOffset = tar.length
  for (const part of parts) {
    if (part.kind === 'end') endOffset = part.offset
    if (part.kind !== 'member') continue
    const member = part.member
    const fields = headerFieldsOf(member)
    const original = tar.subarray(member.headerOffset, member.dataOffset)
    const t0 = process.hrtime.bigint()
    const result = matcher.match(fields, original)
    spent += process.hrtime.bigint() - t0
    members.push({ member, fields, result, style: matcher.style, original })
  }
  const out: ArchiveMatch = {
    members,
    styles: new Map(),
    patches: 0,
    patchBytes: 0,
    verbatims: 0,
    verbatimBytes: 0,
    paddingExceptions: 0,
    end: { zeros: 0, trailing: 0 },
    nsPerMember: members.length === 0 ? 0 : Number(spent) / members.length
  }
  // Rebuild: headers from the results, data and padding from the tar, then the end.
  const regenerator = new HeaderRegenerator()
  const chunks: Uint8Array[] = []
  for (const m of members) {
    out.styles.set(m.style, (out.styles.get(m.style) ?? 0) + 1)
    if (m.result.patch !== undefined) { out.patches++; for (const [, b] of m.result.patch) out.patchBytes += b.length }
    if (m.result.verbatim !== undefined) { out.verbatims++; out.verbatimBytes += m.result.verbatim.length }
    chunks.push(regenerator.regenerate(m.fields, m.result))
    const { dataOffset, dataSize } = m.member
    chunks.push(tar.subarray(dataOffset, dataOffset + dataSize))
    const padding = tar.subarray(dataOffset + dataSize, dataOffset + dataSize + paddingLength(dataSize))
    const exception = paddingException(padding)
    if (exception !== undefined) out.paddingExceptions++
    chunks.push(regeneratePadding(dataSize, exception))
  }
  const end = splitArchiveEnd(tar.subarray(endOffset))
  out.end = { zeros: end.zeros, trailing: end.trailing.length }
  chunks.push(regenerateArchiveEnd(end))
  const rebuilt = Buffer.concat(chunks)
  if (!rebuilt.equals(tar)) throw new Error(`rebuild differs from the tar (${rebuilt.length} vs ${tar.length} bytes)`)
  return out
}

/** The members that are exceptions, as text, for assertion messages. */
export function describeExceptions (match: ArchiveMatch): string[] {
  const dec = new TextDecoder()
  return match.members
    .filter(m => m.result.patch !== undefined || m.result.verbatim !== undefined)
    .map(m => `${dec.decode(m.member.path)} (${m.style}, ${m.result.patch !== undefined ? `patch ${JSON.stringify(m.result.patch.map(([o, b]) => [o, dec.decode(b)]))}` : 'verbatim'})`)
}
