/**
 * `npm run bench:xml`: what building and checking one letter's MedCom XML costs the gateway's
 * CPU, the largest share of its time per 4 KB letter in `bench:e2e` profiles. One process, no
 * services; prints microseconds of CPU per letter (process.cpuUsage, so other load on the machine
 * disturbs it less than wall time would) and the letters/s one core would do, for build, check and both.
 *
 * Settings: BENCH_SECONDS (each measurement, default 3).
 */
import { buildLetterXml, type LetterDraft } from '../../gateway/medcom/letter-xml.ts';
import { checkBuiltLetterXml, checkLetterXml, prepareLetterXmlCheck } from '../../gateway/medcom/letter-xml-check.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);

/** A letter like bench:e2e's 4 KB one: a referral with one attachment and a few lines of text. */
function draft(i: number): LetterDraft {
  return {
    letterId: `6f1f3c7e-2b1a-4c1d-9a55-${String(i).padStart(12, '0')}`,
    communicationId: `0b7c9a51-3f0e-4c6e-8a4c-${String(i).padStart(12, '0')}`,
    sentAt: '2026-11-23T10:15:00+01:00',
    sender: { sorId: '441211000016000', ean: '5790001987244', name: 'Klinik for Ældresygdomme, AUH, Skejby' },
    recipient: { sorId: '330461000016004', ean: '5790001353308', name: 'Sundhedsplejen, Aabenraa kommune' },
    patient: { cpr: '2509479989', given: 'Bruno Test', family: 'Elmer' },
    category: 'psychiatry-social-disability',
    text: 'Patienten udskrives fredag.\nKontakt venligst bostøtten & egen læge.\n'.repeat(8),
    author: { name: 'Else Jensen', role: 'sygeplejerske', phone: '+45 12345678' },
    attachments: [{ title: 'Udskrivningsbrev', contentType: 'application/pdf', position: 0 }],
  };
}

function measure(name: string, run: (i: number) => void): void {
  for (let i = 0; i < 200; i += 1) run(i); // warm up the JIT
  const deadline = performance.now() + seconds * 1000;
  const started = process.cpuUsage();
  let count = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 50; i += 1) run(count + i);
    count += 50;
  }
  const used = process.cpuUsage(started);
  const ms = (used.user + used.system) / 1000;
  const perLetterUs = (ms * 1000) / count;
  console.log(
    `${name.padEnd(16)} ${Math.round((count * 1000) / ms)
      .toString()
      .padStart(7)} letters/s  ${perLetterUs.toFixed(0).padStart(6)} µs/letter`,
  );
}

prepareLetterXmlCheck();
const built = buildLetterXml(draft(0));
console.log(`letter XML: ${built.length} characters (no attachment bytes)`);
measure('build', (i) => void buildLetterXml(draft(i)));
measure('check (inbound)', () => {
  if (!checkLetterXml(built).ok) throw new Error('the bench letter does not check');
});
measure('check (built)', () => {
  if (!checkBuiltLetterXml(built).ok) throw new Error('the bench letter does not check');
});
measure('build + check', (i) => {
  if (!checkBuiltLetterXml(buildLetterXml(draft(i))).ok) throw new Error('the bench letter does not check');
});
