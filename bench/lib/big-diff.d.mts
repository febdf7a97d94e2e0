/** Types of what tests import from big-diff.mjs. */
export function bigServicesYaml(entries: number, variant?: number): string;
