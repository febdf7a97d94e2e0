/** Field-level diffs of YAML/JSON config files (pure: no I/O). */
export { parseConfig, treeFormatOf } from './parse-config.js';
export type { ParseOptions, ParsedConfig, ParseError, YamlSchema } from './parse-config.js';
export { diffTrees, diffDocuments, diffWholeFile } from './diff-trees.js';
export type { TreeChange } from './diff-trees.js';
export { kubernetesIdentity, identityText } from './k8s-identity.js';
export type { DocumentIdentity } from './k8s-identity.js';
export { diffFile, isBinary } from './diff-file.js';
export type { DiffOptions } from './diff-file.js';
export { isSecretKey, redactChanges, redactValue, createRedactor } from './redact.js';
export type { Redactor, RedactorOptions } from './redact.js';
export { compileSecretRules, classifyBuiltIn } from './redact-rules.js';
export type { SecretRules, SecretRuleOptions } from './redact-rules.js';
export { redactLine } from './redact-text.js';
export { redactText, createLineRedactor } from './redact-lines.js';
export { redactPatch } from './redact-patch.js';
export { fieldMatches } from './field-match.js';
export { parsePathText, formatPathText } from './path-text.js';
