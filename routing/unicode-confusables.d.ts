// The package ships JavaScript only; these are the parts routing/skeleton.ts uses.
declare module 'unicode-confusables' {
  export function confusables(text: string): Array<{ point: string; similarTo?: string }>;
  export function rectifyConfusion(text: string): string;
}
