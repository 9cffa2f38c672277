/**
 * The tar pipeline: tar stream → members → each file's UnixFS DAG, the segment DAG of the whole, the entry
 * pages and the unpacked tree. Push-based, so plain and decompressed tars share it.
 */
import type { CID } from 'multiformats/cid'
import { TarReader, type TarMember, type TarPart } from '../archive/tar/reader.js'
import type { BlockSink } from '../blocks.js'
import type { Limits } from '../limits.js'
import type { Entry, Tar, Tree } from '../schema/types.js'
import type { DagRef } from '../unixfs/dag-ref.js'
import { FileDagBuilder } from '../unixfs/file-builder.js'
import type { Profile } from '../unixfs/profile.js'
import { ArchiveDagWriter } from './archive-dag.js'
import { entryFromMember, writeEntryPages } from './entries.js'
import { UnpackedTree } from './tree.js'

/** What describing a tar stream gives: its DAG, entries (paged and stored), tree, and the Tar fields. */
export interface DescribedTar {
  root: DagRef
  entries: Entry[]
  pages: CID[]
  tree: Tree
  segmentBytes: number
  contentBytes: number
  treeContentBytes: number
  tarFields: (size: number, sha256: Uint8Array) => Tar
}

/**
 * A tar stream, pushed in chunks of any size, described as it passes: members, each file's content DAG, the
 * segment DAG of the whole, the entry pages and the tree. Plain and decompressed tars both go through it.
 */
export class TarDescriber {
  readonly #reader: TarReader
  readonly #assembler: MemberAssembler
  readonly #sink: BlockSink

  constructor (profile: Profile, sink: BlockSink, limits: Limits) {
    this.#reader = new TarReader({ limits })
    this.#assembler = new MemberAssembler(profile, sink, limits)
    this.#sink = sink
  }

  async push (chunk: Uint8Array): Promise<void> {
    for (const part of this.#reader.push(chunk)) await this.#assembler.take(part)
  }

  async end (): Promise<DescribedTar> {
    for (const part of this.#reader.end()) await this.#assembler.take(part)
    const d = await this.#assembler.finish()
    const pages = await writeEntryPages(d.entries, this.#sink)
    return {
      root: d.archive.root,
      entries: d.entries,
      pages,
      tree: d.tree.stripped === undefined ? { root: d.tree.root } : { root: d.tree.root, stripped: d.tree.stripped },
      segmentBytes: d.archive.segmentBytes,
      contentBytes: d.archive.contentBytes,
      treeContentBytes: d.treeContentBytes,
      tarFields: (size, sha256) => ({
        size,
        sha256,
        root: d.archive.root.cid,
        treeContentBytes: d.treeContentBytes,
        endOffset: d.endOffset,
        endOfArchive: d.endOfArchive
      })
    }
  }
}

/** Routes the reader's parts: file data to that file's DAG builder, everything else into archive segments. */
class MemberAssembler {
  readonly #profile: Profile
  readonly #sink: BlockSink
  readonly #archive: ArchiveDagWriter
  readonly #entries: Entry[] = []
  readonly #contents: Array<DagRef | undefined> = []
  readonly #tree: UnpackedTree
  #member: TarMember | undefined
  #file: FileDagBuilder | undefined
  #end: { offset: number, endOfArchive: 'zero-blocks' | 'missing' } | undefined

  constructor (profile: Profile, sink: BlockSink, limits: Limits) {
    this.#profile = profile
    this.#sink = sink
    this.#archive = new ArchiveDagWriter(profile, sink)
    this.#tree = new UnpackedTree(limits, (index) => {
      const entry = this.#entries[index]
      if (entry !== undefined) entry.excluded = 'shadowed'
    })
  }

  async take (part: TarPart): Promise<void> {
    switch (part.kind) {
      case 'raw':
        await this.#closeMember()
        await this.#archive.addSegmentBytes(part.bytes)
        return
      case 'member':
        await this.#closeMember()
        this.#openMember(part.member)
        return
      case 'data':
        if (this.#file !== undefined) await this.#file.write(part.bytes)
        else await this.#archive.addSegmentBytes(part.bytes)
        return
      case 'end':
        await this.#closeMember()
        this.#end = { offset: part.offset, endOfArchive: part.endOfArchive }
    }
  }

  #openMember (member: TarMember): void {
    this.#member = member
    // Only a regular file's data is its content; a sparse file's data is a map plus fragments.
    if (member.type === 'file' && !member.sparse) this.#file = new FileDagBuilder(this.#profile, this.#sink)
  }

  /** Ends the current member: its content DAG (if a file) joins the archive DAG, its entry the tree. */
  async #closeMember (): Promise<void> {
    const member = this.#member
    if (member === undefined) return
    this.#member = undefined
    let content: DagRef | undefined
    if (this.#file !== undefined) {
      content = await this.#file.finish()
      this.#file = undefined
      await this.#archive.addContent(content)
    }
    const index = this.#entries.length
    const entry = entryFromMember(member)
    this.#entries.push(entry)
    const placed = this.#tree.add(index, entry, member.path, member.linkTarget, content)
    const treeContent = placed.content ?? content
    if (treeContent !== undefined) entry.content = treeContent.cid
    if (placed.excluded !== undefined) entry.excluded = placed.excluded
    this.#contents.push(content)
  }

  async finish (): Promise<{
    entries: Entry[]
    archive: { root: DagRef, segmentBytes: number, contentBytes: number }
    tree: { root: CID, stripped?: CID }
    treeContentBytes: number
    endOffset: number
    endOfArchive: 'zero-blocks' | 'missing'
  }> {
    await this.#closeMember()
    const archive = await this.#archive.finish()
    const tree = await this.#tree.build(this.#profile, this.#sink)
    // Content that is linked from the archive DAG but is not in the tree (shadowed files and the like)
    // is not shared with the tree, so it does not count as deduplicated.
    let treeContentBytes = 0
    this.#entries.forEach((entry, i) => {
      if (entry.excluded === undefined) treeContentBytes += this.#contents[i]?.fileSize ?? 0
    })
    const end = this.#end ?? { offset: archive.root.fileSize, endOfArchive: 'missing' as const }
    return {
      entries: this.#entries,
      archive,
      tree,
      treeContentBytes,
      endOffset: end.offset,
      endOfArchive: end.endOfArchive
    }
  }
}
