/** The values a change record's `Risk:` trailer may take, lowest first (snapshot records them, log filters on them). */
export const RISKS = ['low', 'medium', 'high', 'critical'];
