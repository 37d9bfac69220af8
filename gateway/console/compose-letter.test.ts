import { describe, expect, it } from 'vitest';
import { composeFormOf, envelopeOf } from './compose-letter.ts';

const form = (fields: Record<string, string | string[]>) => composeFormOf((name) => [fields[name] ?? []].flat());

const typed = {
  sender: '100011000016002',
  recipient: '200011000016004',
  recipientName: 'Testby Kommune, Socialpsykiatri',
  cpr: '250947 9989',
  given: 'Nancy Ann',
  family: '',
  category: 'other',
  topic: 'Udskrivelse',
  text: '  Linje 1\n  Linje 2  ',
  authorName: 'Else Jensen',
  authorRole: 'sygeplejerske',
  authorPhone: '+45 12345678',
  acknowledgedWarnings: ['first-contact', ''],
};

describe('a letter composed in the console becomes the API’s letter', () => {
  it('carries the recipient name the person chose, leaves out empty fields and keeps the warnings confirmed', () => {
    const envelope = envelopeOf(form(typed), []);
    expect(envelope).toEqual({
      sender: { sorId: '100011000016002' },
      recipient: { sorId: '200011000016004', expectedName: 'Testby Kommune, Socialpsykiatri' },
      patient: { cpr: '2509479989', name: { given: 'Nancy Ann' } },
      category: 'other',
      topic: 'Udskrivelse',
      text: 'Linje 1\n  Linje 2',
      author: { name: 'Else Jensen', role: 'sygeplejerske', phone: '+45 12345678' },
      acknowledgedWarnings: ['first-contact'],
    });
  });

  it('declares each file by the browser’s type when allowed, else by its first bytes', () => {
    const pdfHead = Buffer.from('%PDF-1.7\n');
    const pngHead = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const envelope = envelopeOf(form(typed), [
      { filename: 'brev.pdf', mimeType: 'application/pdf', head: pdfHead, size: 9 },
      { filename: 'foto', mimeType: 'application/octet-stream', head: pngHead, size: 8 },
      { filename: 'scan.jpg', mimeType: 'image/jpg', head: Buffer.alloc(0), size: 0 },
      { filename: 'notes.txt', mimeType: 'text/plain', head: Buffer.from('hello'), size: 5 },
    ]);
    expect(envelope.attachments).toEqual([
      { title: 'brev.pdf', contentType: 'application/pdf' },
      { title: 'foto', contentType: 'image/png' },
      { title: 'scan.jpg', contentType: 'image/jpeg' },
      // Not an allowed type: the API's schema refuses it, and the page names the file.
      { title: 'notes.txt', contentType: 'text/plain' },
    ]);
  });
});
