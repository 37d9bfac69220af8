import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../platform/log.ts';
import {
  buildAndCheckLetterXml,
  type BuiltLetterXml,
  type LetterXmlAnswer,
  type LetterXmlTask,
} from './letter-xml-build.ts';
import type { LetterDraft } from './letter-xml.ts';

/** Builds and checks letters' XML (DESIGN.md step 5), in threads of their own or in the caller's. */
export interface LetterXmlBuilder {
  build(draft: LetterDraft): Promise<BuiltLetterXml>;
  /** Stops the threads; a build still waiting for one fails with LetterXmlThreadStopped. */
  close(): Promise<void>;
}

/** A build's thread stopped (it failed, or the gateway is stopping) before it answered. */
export class LetterXmlThreadStopped extends Error {}

/** The request's own thread builds: for tests and tools, and with `POSTBUD_XML_THREADS=0`. */
export const inThreadLetterXml: LetterXmlBuilder = {
  build: async (draft) => buildAndCheckLetterXml(draft),
  close: async () => {},
};

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve(built: BuiltLetterXml): void; reject(error: Error): void }>;
}

const threadEntry = new URL(
  import.meta.url.endsWith('.ts') ? './letter-xml-thread.ts' : './letter-xml-thread.js',
  import.meta.url,
);

/**
 * `threads` worker threads that build and check letters' XML, started at once (a thread takes
 * about half a second to load and compile the schema: not a wait for the first letter) and again
 * for the next build after one stops. Building and parsing back a letter is a fifth of the
 * gateway's CPU for a small letter; done in the event loop's thread it held up every other
 * request meanwhile, and the event loop's one core was the gateway's limit. A draft goes to the
 * thread with the fewest waiting; a thread that fails (its heap is capped) fails only the builds
 * it held.
 */
export function letterXmlThreads(options: { threads: number; log: Logger; entry?: URL }): LetterXmlBuilder {
  const { threads: count, log, entry = threadEntry } = options;
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError('letter XML threads: at least one thread');
  const slots: (Thread | undefined)[] = Array.from({ length: count });
  let nextId = 1;
  let closed = false;

  const start = (slot: number): Thread => {
    const thread: Thread = { worker: newWorker(entry), pending: new Map() };
    const { worker, pending } = thread;
    // Never what keeps the process alive: a request waiting for an answer does that.
    worker.unref();
    worker.on('message', (answer: LetterXmlAnswer) => {
      const waiting = pending.get(answer.id);
      if (!waiting) return;
      pending.delete(answer.id);
      if ('built' in answer) waiting.resolve(answer.built);
      else waiting.reject(rebuiltError(answer.thrown));
    });
    worker.on('error', (error) => log.error({ err: { message: error.message } }, 'letter XML thread failed'));
    worker.once('exit', (code) => {
      if (slots[slot] === thread) slots[slot] = undefined;
      if (!closed) log.error({ code, builds: pending.size }, 'letter XML thread stopped');
      for (const waiting of pending.values())
        waiting.reject(new LetterXmlThreadStopped('the letter XML thread stopped before it answered'));
      pending.clear();
    });
    slots[slot] = thread;
    return thread;
  };

  // The least busy thread; a stopped one's slot is started again when every running one has work.
  const pick = (): Thread => {
    let best: Thread | undefined;
    for (let slot = 0; slot < slots.length; slot++) {
      const thread = slots[slot];
      if (thread === undefined) {
        if (best === undefined || best.pending.size > 0) return start(slot);
      } else if (best === undefined || thread.pending.size < best.pending.size) best = thread;
    }
    return best!;
  };

  for (let slot = 0; slot < count; slot++) start(slot);
  return {
    build(draft) {
      if (closed) return Promise.reject(new LetterXmlThreadStopped('the letter XML threads are closed'));
      const thread = pick();
      const id = nextId++;
      return new Promise<BuiltLetterXml>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject });
        thread.worker.postMessage({ id, draft } satisfies LetterXmlTask);
      });
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((thread) => thread?.worker.terminate()));
    },
  };
}

function newWorker(entry: URL): Worker {
  const options = {
    name: 'letter-xml',
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 },
  };
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  // The TypeScript itself (tests, tsx): the thread loads its entry through tsx, a devDependency.
  // Its ESM API by file (a thread's eval'd script resolves bare names from the working directory).
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const source = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)}))`;
  return new Worker(source, { ...options, eval: true });
}

/** The build's own error, as the request's thread would have thrown it. */
function rebuiltError({ name, message }: { name: string; message: string }): Error {
  const Kind = name === 'RangeError' ? RangeError : name === 'TypeError' ? TypeError : Error;
  const error = new Kind(message);
  if (error.name !== name) error.name = name;
  return error;
}
