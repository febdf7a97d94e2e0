import type { ObjectType } from './pack-read.js';

/** One object's type and inflated content (objects.ts reads them, object-cache.ts keeps them). */
export interface GitObject {
  type: ObjectType;
  content: Buffer;
}
