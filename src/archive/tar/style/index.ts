/**
 * Tar header styles: regenerating member headers from entry fields and a writer's habits, verified
 * (docs/spec-header-styles.md).
 */
export { headerFieldsOf, type MemberHeaderFields, type PaxRecordField } from './fields.js'
export type { HeaderStyle, StyleName, NameRule, PaxHabits, LongNameHabits, Magic, ChecksumFormat } from './style.js'
export type { NumberFormat } from './numbers.js'
export { STYLES, styleByName } from './catalogue.js'
export { encodeMemberHeaders } from './encode.js'
export { derivedPaxValue, formatPaxRecords, formatPaxTime } from './pax-records.js'
export { HeaderMatcher, HeaderRegenerator, regenerateHeaders, regeneratedLength, type MatchResult } from './matcher.js'
export { PATCH_MERGE_GAP, PATCH_RUN_COST, type PatchRun } from '../../../codec/byte-patch.js'
export {
  paddingLength, paddingException, regeneratePadding, leadingZeros, splitArchiveEnd, regenerateArchiveEnd,
  type ArchiveEnd
} from './layout.js'
