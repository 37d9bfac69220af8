// A letter-XML thread (letter-xml-threads.ts): answers each task it is sent.
import { parentPort } from 'node:worker_threads';
import { answerLetterXmlTask, type LetterXmlTask } from './letter-xml-build.ts';
import { prepareLetterXmlCheck } from './letter-xml-check.ts';

const port = parentPort;
if (!port) throw new Error('letter-xml-thread runs as a worker thread');
prepareLetterXmlCheck();
port.on('message', (task: LetterXmlTask) => port.postMessage(answerLetterXmlTask(task)));
