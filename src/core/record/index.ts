/** Change records: commit messages whose trailers git itself can read. */
export { generateChangeId, isChangeId } from './change-id.js';
export { formatMessage, normalizeBody, splitMessage } from './message.js';
export type { MessageRecord, SplitMessage } from './message.js';
export { findTrailerBlock } from './trailer-block.js';
export type { TrailerBlock } from './trailer-block.js';
export {
  formatTrailers,
  firstTrailer,
  foldTrailerValue,
  isTrailerKey,
  parseTrailerArg,
  parseTrailers,
  trailerValues,
} from './trailers.js';
export { formatNote, formatNoteSummary, parseNote, parseNoteHistory } from './verification-note.js';
export type { VerificationNote } from './verification-note.js';
export { RISKS } from './risk.js';
