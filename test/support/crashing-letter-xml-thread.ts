// A letter-XML thread that stops, as a failing thread would, when sent the letter id `crashLetterId`;
// any other task it answers as the real thread does. Imported elsewhere, it only names that id.
import { parentPort } from 'node:worker_threads';
import { answerLetterXmlTask, type LetterXmlTask } from '../../gateway/medcom/letter-xml-build.ts';

export const crashLetterId = '00000000-0000-4000-8000-00000000dead';

const port = parentPort;
port?.on('message', (task: LetterXmlTask) => {
  if (task.draft.letterId === crashLetterId) process.exit(3);
  port.postMessage(answerLetterXmlTask(task));
});
