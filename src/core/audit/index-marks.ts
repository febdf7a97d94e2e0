/**
 * The two marks a recorded field path (the index's field column) may carry
 * besides a path text. Written by record.ts; read by the `--field` filter,
 * blame and suspects.
 */

/**
 * Suffix of an order change's path (`spec.containers (order)`): it matches a
 * query for the list or a parent only (field-match's orderChangeMatches), and
 * blame does not count it as setting the entries. A path text never ends in a
 * space, so no real path reads so.
 */
export const ORDER_SUFFIX = ' (order)';

/**
 * Recorded (alone) for a YAML/JSON file a commit changed but that could not
 * be compared field by field (a side did not parse, or was too large): its
 * field changes are unknown. No path text starts with two dots.
 */
export const NOT_COMPARED_MARK = '..';

/** The list path of an order change's recorded text, null for any other text. */
export function orderChangePath(text: string): string | null {
  return text.endsWith(ORDER_SUFFIX) ? text.slice(0, -ORDER_SUFFIX.length) : null;
}
