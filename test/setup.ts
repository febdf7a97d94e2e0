// Native git is the tests' witness; a fresh machine may have no git identity,
// so give every test process one (tests that check identity resolution set their own env).
process.env.GIT_AUTHOR_NAME ??= 'cfgtrail tests';
process.env.GIT_AUTHOR_EMAIL ??= 'tests@cfgtrail.invalid';
process.env.GIT_COMMITTER_NAME ??= 'cfgtrail tests';
process.env.GIT_COMMITTER_EMAIL ??= 'tests@cfgtrail.invalid';
