/**
 * EAN location numbers (GS1 GLN): the 13-digit electronic mailbox a letter is delivered to. A
 * mistyped digit would deliver to someone else's mailbox, so the GS1 check digit is verified
 * wherever a number enters the directory.
 */

/** The GS1 mod-10 check digit for the first twelve digits of an EAN-13. */
export function eanCheckDigit(first12: string): number {
  if (!/^[0-9]{12}$/.test(first12)) throw new RangeError('an EAN check digit needs exactly twelve digits');
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    // Counted from the left of a 13-digit number, even positions weigh 3 and odd ones 1.
    sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  }
  return (10 - (sum % 10)) % 10;
}

/** Thirteen digits whose last one is the right check digit. */
export function isValidEan(ean: string): boolean {
  return /^[0-9]{13}$/.test(ean) && eanCheckDigit(ean.slice(0, 12)) === Number(ean[12]);
}
