// Log entries that exercise every branch of the text log formats (shared by the log format tests).
import type { AuditEntry } from '../../src/core/types.js';

export function entry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    commit: '3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    parents: ['0a1b2c3d4e5f60718293a4b5c6d7e8f901234567'],
    changeId: 'I4f5a6b7c8d9e0f12',
    title: 'Raise pool size',
    body: 'Body text.',
    author: { name: 'Jane Doe', email: 'jane@example.com' },
    date: '2026-11-26T15:19:07+01:00',
    trailers: [
      { key: 'Change-Id', value: 'I4f5a6b7c8d9e0f12' },
      { key: 'Risk', value: 'high' },
      { key: 'Component', value: 'database' },
    ],
    files: [{ path: 'config.yaml', status: 'modified' }],
    ...over,
  };
}

export const tricky: AuditEntry[] = [
  entry(),
  entry({ changeId: null, trailers: [], files: [], body: '' }),
  entry({ title: '', body: '' }),
  entry({ title: '', body: 'only body' }),
  entry({ title: 'Tab\there "quoted" \\ back', body: 'Line one\nline two\n\nPara 2' }),
  entry({ trailers: [{ key: 'Risk', value: 'multi\nline' }, { key: 'change-ID', value: 'Ix' }, { key: 'Note', value: 'a\\b "c"' }] }),
  entry({ trailers: [{ key: 'Ris\u212A', value: 'critical' }, { key: 'Risk', value: 'low' }] }),
  entry({ trailers: [{ key: 'RISK', value: 'Critical' }, { key: 'risk', value: 'low' }] }),
  entry({ trailers: [{ key: 'Component', value: 'x' }, { key: 'risk', value: 'medium' }] }),
  entry({ changeId: 'I12', title: 'Ünïcödé tïtle — ✓', author: { name: 'Zoë Ålund', email: 'zoe@exämple.com' } }),
  entry({ changeId: 'Iéèêëēėęabcdef' }),
  entry({ changeId: 'I"quoted"\\x' }),
  entry({ parents: ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)] }),
  entry({ parents: [] }),
  entry({ files: ['added', 'modified', 'deleted', 'mode', 'typechange'].map((status, i) => ({ path: `f${i} "x".yaml`, status: status as 'added' })) }),
  entry({ files: [{ path: 'a.yaml', status: 'added' }, { path: 'b.yaml', status: 'modified' }, { path: 'c.yaml', status: 'added' }] }),
  entry({ files: [{ path: 'weird.yaml', status: 'renamed' as 'added' }] }),
  entry({ files: [{ path: 'pa\\th\nnew.yaml', status: 'deleted' }] }),
  ...['2026-11-26T15:19:07Z', '2026-11-26T15:19:07.123+01:00', '2026-11-26T15:19:07+0530', '0050-03-01T00:00:00+00:00', '0500-03-01T00:00:00+00:00', '2026-01-05T01:02:03+00:00', '2024-02-29T23:59:59-08:00', '2023-02-29T12:00:00+00:00', '2026-13-01T00:00:00+00:00', '2026-04-31T00:00:00+00:00', 'not a date', '1900-01-01T00:00:00+00:00', '2000-12-31T00:00:00+14:00'].map((date) => entry({ date })),
];
