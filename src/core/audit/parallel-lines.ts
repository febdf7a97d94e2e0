/**
 * Index lines for many commits built on several threads: each line depends
 * only on its commit and that commit's first parent, so contiguous ranges of
 * the history are independent. The calling thread builds the first range
 * while worker threads build the others, and waits for them without giving up
 * its synchronous signature (Atomics.wait + receiveMessageOnPort).
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { openObjectStore, type ObjectStore } from '../git/objects.js';
import type { Settings } from '../store/settings.js';
import { recordSettings, type RecordOptions } from './record.js';
import { recordLines } from './record-lines.js';

export interface ParallelOptions {
  /** Threads to use, the calling one included. @default min(available parallelism, 4) */
  threads?: number;
  /** Fewest commits per thread worth a worker (one costs ~0.1 s to start). @default 2000 */
  minPerThread?: number;
  /** The worker script; null builds every line on the calling thread. @default `index-worker.cjs` beside the bundle, when it exists */
  workerScript?: string | null;
  /** A worker that reports no progress for this long is given up, and its range built here. @default 60000 */
  stallMs?: number;
  /** Told, range by range, how many commits it held and which thread built its lines. */
  onRange?: (range: { index: number; commits: number; by: 'caller' | 'worker' }) => void;
}

/** What a worker is given (structured-cloned). */
export interface LinesWorkerInput {
  gitdir: string;
  settings: Pick<RecordOptions, 'schema' | 'maxBytes' | 'identifiers'>;
  oids: string[];
  /** Int32Array over it: [lines done, finished (0/1)]. */
  state: SharedArrayBuffer;
  port: MessagePort;
}

const DONE_LINES = 0;
const FINISHED = 1;

/**
 * The index lines of `oids`, byte for byte what `recordLines` builds on one
 * thread. A worker that fails or stalls costs time, never lines: its range is
 * then built on the calling thread (which throws the real error, if any).
 * @example recordLinesParallel(store, oids) // Buffer of oids.length lines
 */
export function recordLinesParallel(store: { gitdir: string; objects: ObjectStore; settings: Settings }, oids: readonly string[], opts: ParallelOptions = {}): Buffer {
  const settings = recordSettings(store.settings);
  const script = opts.workerScript === undefined ? defaultWorkerScript() : opts.workerScript;
  const wanted = opts.threads ?? Math.min(availableParallelism(), 4);
  const threads = Math.max(1, Math.min(wanted, Math.floor(oids.length / (opts.minPerThread ?? 2000))));
  const report = (index: number, commits: number, by: 'caller' | 'worker') => opts.onRange?.({ index, commits, by });
  if (!script || threads <= 1) {
    report(0, oids.length, 'caller');
    return recordLines(store.objects, settings, oids);
  }
  const size = Math.ceil(oids.length / threads);
  const ranges = Array.from({ length: threads }, (_, i) => oids.slice(i * size, (i + 1) * size));
  const jobs = ranges.slice(1).map((range) => startWorker(script, store.gitdir, settings, range));
  try {
    const pieces = [recordLines(store.objects, settings, ranges[0]!)];
    report(0, ranges[0]!.length, 'caller');
    jobs.forEach((job, i) => {
      const range = ranges[i + 1]!;
      const lines = collect(job, opts.stallMs ?? 60_000);
      report(i + 1, range.length, lines ? 'worker' : 'caller');
      pieces.push(lines ?? recordLines(store.objects, settings, range));
    });
    return Buffer.concat(pieces);
  } finally {
    // after an error here (a damaged store), workers still running are of no use
    for (const job of jobs) void job.worker?.terminate();
  }
}

interface Job {
  worker: Worker | null;
  state: Int32Array;
  port: MessagePort;
}

function startWorker(script: string, gitdir: string, settings: LinesWorkerInput['settings'], oids: string[]): Job {
  const shared = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  const input: LinesWorkerInput = { gitdir, settings, oids, state: shared, port: port2 };
  let worker: Worker | null = null;
  try {
    worker = new Worker(script, { workerData: input, transferList: [port2] });
    worker.unref(); // never keeps the process alive, even if given up
    // A worker that throws before it can report leaves FINISHED unset: collect gives it up after
    // stallMs and its range is built here. Unheard, the 'error' event would end the process.
    worker.on('error', () => {});
  } catch {
    worker = null; // could not start (no threads here): the range is built on this thread
  }
  return { worker, state: new Int32Array(shared), port: port1 };
}

/** The worker's lines once it finished; null when it failed, stalled or never started. */
function collect(job: Job, stallMs: number): Buffer | null {
  if (!job.worker) return null;
  let seen = Atomics.load(job.state, DONE_LINES);
  let since = performance.now();
  while (Atomics.load(job.state, FINISHED) === 0) {
    Atomics.wait(job.state, FINISHED, 0, Math.min(1000, stallMs));
    const done = Atomics.load(job.state, DONE_LINES);
    if (done !== seen) [seen, since] = [done, performance.now()];
    else if (performance.now() - since >= stallMs) break;
  }
  const reply = receiveMessageOnPort(job.port)?.message as { bytes?: Uint8Array } | undefined;
  job.port.close();
  void job.worker.terminate();
  return reply?.bytes ? Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength) : null;
}

/**
 * A worker's whole job (index-worker.ts runs it): its lines, or the error's
 * message, on the port; then FINISHED is set, whatever happened.
 */
export function runLinesWorker(input: LinesWorkerInput): void {
  const state = new Int32Array(input.state);
  // Its packs' descriptors belong to the process, not the thread: they outlive a worker that does not close them.
  const objects = openObjectStore(input.gitdir);
  try {
    const bytes = recordLines(objects, input.settings, input.oids, () => Atomics.add(state, DONE_LINES, 1));
    // moved, not copied, when the lines own their memory (not a slice of Node's small-buffer pool)
    const own = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length && bytes.buffer instanceof ArrayBuffer;
    input.port.postMessage({ bytes }, own ? [bytes.buffer as ArrayBuffer] : []);
  } catch (e) {
    input.port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    objects.close();
    Atomics.store(state, FINISHED, 1);
    Atomics.notify(state, FINISHED);
  }
}

/** `index-worker.cjs` beside the running bundle (dist/), or null (e.g. running from the sources). */
function defaultWorkerScript(): string | null {
  try {
    return require.resolve('./index-worker.cjs');
  } catch {
    return null; // no built worker: build every line on this thread
  }
}
