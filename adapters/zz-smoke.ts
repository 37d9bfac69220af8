import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { startDemoReceiver } from './demo-receiver.ts';
import { startFakeGateway } from './test-support/fake-gateway.ts';
import { createBrokerFixture, waitFor } from './test-support/broker-fixture.ts';

const broker = await createBrokerFixture([1000, 5000, 30000, 120000]);
const gateway = await startFakeGateway('smoke-key');
const receiverLines: string[] = [];
const receiver = await startDemoReceiver(0, pino({}, { write: (l: string) => { receiverLines.push(l); } } as never));
const letterId = randomUUID();
gateway.letters.set(letterId, { xml: Buffer.from('<Bundle>CPR 0101011234</Bundle>'), status: 'queued' });
const child = spawn('npx', ['tsx', 'adapters/main.ts'], {
  cwd: '/work/main',
  env: { ...process.env, POSTBUD_ADAPTER_KEY: 'smoke-key', POSTBUD_GATEWAY_URL: gateway.url, POSTBUD_AMQP_PREFIX: broker.prefix,
    GP_ENDPOINT: `${receiver.url}/gp`, REGION_ENDPOINT: `${receiver.url}/region`, MUNICIPALITY_ENDPOINT: `${receiver.url}/municipality` },
});
let out = '';
child.stdout.on('data', (d) => (out += d));
child.stderr.on('data', (d) => (out += d));
await waitFor(() => out.includes('adapters running'), 'adapters running', 20000);
await broker.publishLetter({ letterId, sector: 'gp', recipient: { sorId: '1', ean: '2' }, xmlPath: `/v1/messages/${letterId}/xml` });
const receipts = await broker.waitForReceipts(1);
child.kill('SIGTERM');
const code = await new Promise((r) => child.on('exit', r));
console.log('receipt', receipts[0]);
console.log('exit code', code);
console.log('adapter log lines:\n' + out.split('\n').filter(Boolean).map((l) => l.slice(0, 220)).join('\n'));
console.log('receiver log:', receiverLines.join('').slice(0, 300));
console.log('leaks CPR:', out.includes('0101011234') || receiverLines.join('').includes('0101011234'), 'leaks key:', out.includes('smoke-key'));
await receiver.close(); await gateway.close(); await broker.cleanup();
