/** The numeric field formats of the styles, byte for byte (docs/spec-header-styles.md §H3.1). */
import { describe, it, expect } from 'vitest'
import { writeNumber, type NumberFormat } from '../../../../src/archive/tar/style/numbers.js'

const latin1 = new TextDecoder('latin1')

/** The field as text, NUL shown as "~", or undefined when the format refuses the value. */
function field (width: number, value: number, format: NumberFormat, mtime = false): string | undefined {
  const b = new Uint8Array(width + 4)
  if (!writeNumber(b, 2, width, value, format, mtime)) return undefined
  return latin1.decode(b.subarray(2, 2 + width)).replaceAll('\0', '~')
}

function hex (width: number, value: number, format: NumberFormat, mtime = false): string {
  const b = new Uint8Array(width)
  writeNumber(b, 0, width, value, format, mtime)
  return Buffer.from(b).toString('hex')
}

describe('numeric fields', () => {
  it('gnu: width-1 octal digits and NUL, then base-256 (0x80 / 0xff first), then refusal', () => {
    expect(field(8, 0o644, 'gnu')).toBe('0000644~')
    expect(field(12, 8 ** 11 - 1, 'gnu')).toBe('77777777777~')
    expect(hex(8, 3000000, 'gnu')).toBe('80000000002dc6c0')
    expect(hex(12, -2, 'gnu')).toBe('fffffffffffffffffffffffe')
    expect(hex(12, 8 ** 11, 'gnu')).toBe('800000000000000200000000')
    expect(field(8, 2 ** 56, 'gnu')).toBeUndefined() // needs more than 7 bytes
    expect(hex(8, -(2 ** 56), 'gnu')).toBe('ff00000000000000')
  })

  it('posix: zero when the value does not fit (a PAX record holds it); strict: refusal', () => {
    expect(field(8, 0o7777777, 'posix')).toBe('7777777~')
    expect(field(8, 0o10000000, 'posix')).toBe('0000000~')
    expect(field(12, -1, 'posix')).toBe('00000000000~')
    expect(field(8, 0o10000000, 'strict')).toBeUndefined()
    expect(field(12, -1, 'strict')).toBeUndefined()
    expect(field(12, 1000, 'strict')).toBe('00000001750~')
  })

  it('npm: width-2 digits, space, NUL; width-1 digits and NUL when needed; base-256 beyond', () => {
    expect(field(8, 0o644, 'npm')).toBe('000644 ~')
    expect(field(8, 0o1234567, 'npm')).toBe('1234567~')
    expect(field(12, 499162500, 'npm')).toBe('3560116604 ~')
    expect(field(12, 0o12345670123, 'npm')).toBe('12345670123~')
    expect(hex(8, 0o10000000, 'npm')).toBe('8000000000200000')
    expect(hex(12, -1, 'npm')).toBe('ffffffffffffffffffffffff')
  })

  it('bsdtar: libarchive template layouts, widened over the terminator, then base-256', () => {
    expect(field(8, 0o644, 'bsdtar')).toBe('000644 ~')
    expect(field(8, 0o7777777, 'bsdtar')).toBe('7777777~') // 7 digits over the space
    expect(field(8, 3000000, 'bsdtar')).toBe('13343300') // 8 digits, no terminator
    expect(hex(8, 0o100000000, 'bsdtar')).toBe('8000000001000000')
    expect(field(12, 1000, 'bsdtar')).toBe('00000001750 ')
    expect(field(12, 8 ** 11, 'bsdtar')).toBe('100000000000') // size: 12 digits
    expect(hex(12, 8 ** 11, 'bsdtar', true)).toBe('8000000000000200000000' + '20') // mtime: 11 bytes of base-256, the space kept
    expect(hex(12, -2, 'bsdtar', true)).toBe('fffffffffffffffffffffe20')
  })

  it('tar-stream: 6 or 11 digits and a space, all sevens beyond (the size: base-256), no negatives', () => {
    expect(field(8, 0o644, 'tar-stream')).toBe('000644 ~')
    expect(field(8, 0o777777, 'tar-stream')).toBe('777777 ~')
    expect(field(8, 3000000, 'tar-stream')).toBe('777777 ~')
    expect(field(12, 1700000000, 'tar-stream', true)).toBe('14524770400 ')
    expect(field(12, 8 ** 11, 'tar-stream', true)).toBe('77777777777 ')
    expect(field(12, 8 ** 11 - 1, 'tar-stream')).toBe('77777777777 ')
    expect(hex(12, 8 ** 11, 'tar-stream')).toBe('800000000000000200000000')
    expect(field(12, -1, 'tar-stream', true)).toBeUndefined()
    expect(field(8, -1, 'tar-stream')).toBeUndefined()
  })
})
