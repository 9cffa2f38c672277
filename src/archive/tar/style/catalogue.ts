/**
 * The catalogue of header styles, in the normative candidate order the matcher tries them
 * (docs/spec-header-styles.md §H7): the writers of most real release tarballs first, then styles in the
 * order they were added (appended, never inserted: the order breaks ties, so an insertion could change
 * the style an existing archive's members are given). Every style was checked against the real writer
 * (test/archive/tar/style/).
 */

import type { HeaderStyle, PaxHabits, StyleName } from './style.js'
import { InvalidArgumentError } from '../../../errors.js'

const GNU_PAX: PaxHabits = { name: 'gnu', mode: 0o644, ids: 'zero', names: 'empty', mtime: 'clamp-octal', devices: 'nul' }

/** GNU tar 1.34 --format=gnu: 'L'/'K' records, no prefix, device fields only for devices. */
const gnu: HeaderStyle = {
  name: 'gnu',
  writer: 'GNU tar 1.34 --format=gnu',
  magic: 'gnu',
  numbers: 'gnu',
  checksum: 'nul-space',
  devices: 'devices-only',
  ids: 'written',
  ownerNames: 'written',
  zeroMtime: 'written',
  names: 'gnu',
  longNames: { mode: 0o644, owner: 'root', order: 'link-first' },
  paxMtime: 'floor'
}

const python: HeaderStyle = {
  name: 'python',
  writer: 'Python 3.11 tarfile, PAX_FORMAT and USTAR_FORMAT',
  magic: 'ustar',
  numbers: 'posix',
  checksum: 'nul-space',
  devices: 'devices-only',
  ids: 'written',
  ownerNames: 'written',
  zeroMtime: 'written',
  names: 'python',
  pax: { name: 'python', mode: 0, ids: 'zero', names: 'empty', mtime: 'zero', devices: 'nul' },
  paxMtime: 'half-even'
}

const go: HeaderStyle = {
  name: 'go',
  writer: 'Go 1.19 archive/tar, default format (USTAR, else PAX) and FormatUSTAR/FormatPAX',
  magic: 'ustar',
  numbers: 'posix',
  checksum: 'nul-space',
  devices: 'always',
  ids: 'written',
  ownerNames: 'written',
  zeroMtime: 'written',
  names: 'go',
  pax: { name: 'go', mode: 0, ids: 'zero', names: 'empty', mtime: 'zero', devices: 'nul' },
  paxMtime: 'floor'
}

const npm: HeaderStyle = {
  name: 'npm',
  writer: 'npm pack (node-tar 6-7, portable mode)',
  magic: 'ustar',
  numbers: 'npm',
  checksum: 'space-nul',
  devices: 'always',
  ids: 'absent',
  ownerNames: 'written',
  zeroMtime: 'absent',
  names: 'npm',
  pax: { name: 'npm', mode: 0o644, ids: 'zero', names: 'empty', mtime: 'entry', devices: 'zero' },
  paxMtime: 'floor'
}

/** Rust's tar crate as cargo package drives it (HeaderMode::Deterministic). */
const cargo: HeaderStyle = {
  name: 'cargo',
  writer: 'cargo package (Rust tar crate 0.4, GNU headers)',
  magic: 'gnu',
  numbers: 'gnu',
  checksum: 'seven-nul',
  devices: 'always',
  ids: 'written',
  ownerNames: 'written',
  zeroMtime: 'written',
  names: 'gnu',
  longNames: { mode: 0o644, owner: 'none', order: 'name-first' },
  paxMtime: 'floor'
}

/** Every style, in candidate order. */
export const STYLES: readonly HeaderStyle[] = [
  gnu,
  { ...gnu, name: 'gnu-numeric', writer: 'GNU tar 1.34 --format=gnu --numeric-owner', longNames: { mode: 0o644, owner: 'none', order: 'link-first' } },
  { ...gnu, name: 'oldgnu', writer: 'GNU tar 1.34 --format=oldgnu', names: 'oldgnu' },
  { ...gnu, name: 'oldgnu-numeric', writer: 'GNU tar 1.34 --format=oldgnu --numeric-owner', names: 'oldgnu', longNames: { mode: 0o644, owner: 'none', order: 'link-first' } },
  {
    name: 'posix',
    writer: 'GNU tar 1.34 --format=posix (pax) and --format=ustar',
    magic: 'ustar',
    numbers: 'posix',
    checksum: 'nul-space',
    devices: 'always',
    ids: 'written',
    ownerNames: 'written',
    zeroMtime: 'written',
    names: 'posix',
    pax: GNU_PAX,
    paxMtime: 'floor'
  },
  {
    name: 'v7',
    writer: 'GNU tar 1.34 --format=v7 (and older GNU tars\' v7 output, e.g. GNU hello 2.10)',
    magic: 'v7',
    numbers: 'strict',
    checksum: 'nul-space',
    devices: 'always',
    ids: 'written',
    ownerNames: 'absent',
    zeroMtime: 'written',
    names: 'v7',
    paxMtime: 'floor'
  },
  npm,
  {
    name: 'bsdtar',
    writer: 'bsdtar / libarchive 3.6: ustar, restricted pax (the default) and pax',
    magic: 'ustar',
    numbers: 'bsdtar',
    checksum: 'nul-space',
    devices: 'always',
    ids: 'written',
    ownerNames: 'written',
    zeroMtime: 'written',
    names: 'bsdtar',
    pax: { name: 'bsdtar', mode: 'permissions', ids: 'clip18', names: 'entry', mtime: 'clamp-31', devices: 'zero' },
    paxMtime: 'bsdtar'
  },
  {
    name: 'git',
    writer: 'git archive --format=tar (git 2.x)',
    magic: 'ustar',
    numbers: 'strict',
    checksum: 'seven-nul',
    devices: 'always',
    ids: 'written',
    ownerNames: 'written',
    zeroMtime: 'written',
    names: 'git',
    pax: { name: 'git', mode: 0o666, ids: 'zero', names: 'entry', mtime: 'entry', devices: 'zero' },
    paxMtime: 'floor'
  },
  { ...gnu, name: 'python-gnu', writer: 'Python 3.11 tarfile, GNU_FORMAT', longNames: { mode: 0, owner: 'none', order: 'link-first' } },
  python,
  go,
  {
    ...go,
    name: 'go-gnu',
    writer: 'Go 1.19 archive/tar, FormatGNU',
    magic: 'gnu',
    numbers: 'gnu',
    names: 'go-gnu',
    longNames: { mode: 0, owner: 'none', order: 'name-first' },
    pax: undefined
  },
  {
    ...npm,
    name: 'node-tar',
    writer: 'node-tar without portable mode and without atime/ctime, as npm 4 and older published',
    ids: 'written',
    zeroMtime: 'written',
    pax: { name: 'npm', mode: 0o644, ids: 'entry', names: 'entry', mtime: 'entry', devices: 'zero' }
  },
  cargo,
  {
    ...cargo,
    name: 'cargo-generated',
    writer: 'cargo package, the files it generates (Cargo.toml, .cargo_vcs_info.json): no uid, gid or device fields',
    ids: 'absent',
    devices: 'devices-only'
  },
  {
    name: 'openbsd',
    writer: 'OpenBSD tar (pax), its default old (v7) format',
    magic: 'v7',
    numbers: 'bsdtar',
    checksum: 'seven-nul',
    devices: 'devices-only',
    ids: 'written',
    ownerNames: 'absent',
    zeroMtime: 'written',
    names: 'v7',
    paxMtime: 'floor'
  },
  {
    name: 'tar-stream',
    writer: 'tar-stream pack() (npm package, 1.6 to 3.x)',
    magic: 'ustar',
    numbers: 'tar-stream',
    checksum: 'space-nul',
    devices: 'always',
    ids: 'written',
    ownerNames: 'written',
    zeroMtime: 'written',
    names: 'tar-stream',
    // Both blocks of a PAX member are the member's own header renamed, hence the entry's fields.
    pax: { name: 'tar-stream', mode: 'entry', ids: 'entry', names: 'entry', mtime: 'entry', devices: 'entry' },
    paxMtime: 'floor'
  }
]

const byName = new Map<StyleName, HeaderStyle>(STYLES.map(s => [s.name, s]))

/** The style of this name; InvalidArgumentError for a name not in the catalogue. */
export function styleByName (name: StyleName): HeaderStyle {
  const style = byName.get(name)
  if (style === undefined) throw new InvalidArgumentError(`unknown header style ${String(name)}`, { style: name })
  return style
}
