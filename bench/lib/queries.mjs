// The audit queries, each as a cfgtrail command, its native git counterpart
// and the in-process filter, so every comparison asks for the same thing.
const NAME_STATUS = ['log', '--no-renames', '--name-status'];
const HEADER_RE = /^commit [0-9a-f]{40}/gm;

/**
 * @param v query values: { author, grep, risk, file, field: { file, path } }
 * @returns rows of { name, cli, git, gitNote, filter, cliCount, gitCount }
 */
export function auditQueries(v) {
  const fieldQuery = `${v.field.file}:${v.field.path}`;
  return [
    {
      name: 'log --json (everything)',
      cli: ['log', '--json'],
      git: [...NAME_STATUS, '--format=commit %H %P%n%an <%ae> %aI%n%B'],
      gitNote: "git log --name-status --format='commit %H %P%n%an <%ae> %aI%n%B' (full message incl. trailers)",
      filter: {},
      cliCount: /"commit":"[0-9a-f]{40}"/g,
      gitCount: HEADER_RE,
    },
    {
      name: `log --author ${v.author}`,
      cli: ['log', '--author', v.author],
      git: [...NAME_STATUS, `--author=${v.author}`],
      gitNote: `git log --name-status --author=${v.author}`,
      filter: { author: v.author },
    },
    {
      name: `log --grep '${v.grep}'`,
      cli: ['log', '--grep', v.grep],
      git: [...NAME_STATUS, `--grep=${v.grep}`],
      gitNote: `git log --name-status --grep='${v.grep}'`,
      filter: { grep: v.grep },
    },
    {
      name: `log --trailer Risk=${v.risk}`,
      cli: ['log', '--trailer', `Risk=${v.risk}`],
      git: [...NAME_STATUS, `--grep=^Risk: ${v.risk}$`],
      gitNote: `git log --name-status --grep='^Risk: ${v.risk}$' (a line match, not a parsed trailer)`,
      filter: { trailers: [{ key: 'Risk', value: v.risk }] },
    },
    {
      name: `log --file ${v.file}`,
      cli: ['log', '--file', v.file],
      git: [...NAME_STATUS, '--', v.file],
      gitNote: `git log --name-status -- ${v.file}`,
      filter: { file: v.file },
    },
    {
      name: `log --field ${fieldQuery}`,
      cli: ['log', '--field', fieldQuery],
      git: ['log', '-p', '--', v.field.file],
      gitNote: `git log -p -- ${v.field.file} (no field query in git: every commit of the file, with patches)`,
      filter: { field: fieldQuery },
    },
  ].map((q) => ({ cliCount: HEADER_RE, gitCount: HEADER_RE, ...q }));
}
