/**
 * Entry of a worker thread that builds index lines for a range of commits
 * (see parallel-lines.ts); scripts/build.mjs bundles it as dist/index-worker.cjs.
 */
import { workerData } from 'node:worker_threads';
import { runLinesWorker, type LinesWorkerInput } from './parallel-lines.js';

runLinesWorker(workerData as LinesWorkerInput);
