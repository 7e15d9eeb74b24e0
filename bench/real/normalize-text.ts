// One way of writing the same text across collections, so the base model learns letters
// rather than each collection's transcription conventions: Unicode NFC, superscript and
// modifier letters as plain letters (Mʳ → Mr), the caret that some collections put before
// superscripts dropped, and lines with struck-out passages (>…< in Copiste d'un jour) left
// out, since their ink shows words the text does not say.
import type { RealSource } from './sources.ts';

// Modifier letters (ʳ ᵉ ᵒ …), superscript and subscript digits and letters.
const SUPERSCRIPT = /[\u02B0-\u02FF\u1D2C-\u1D6A\u1D9B-\u1DBF\u2070-\u209F]/gu;

/** The normalised text, or null when the line should not be trained on. */
export function normalizeLineText(text: string, quirks: RealSource['quirks'] = []): string | null {
  let t = text.normalize('NFC');
  if (quirks.includes('struck-out-angles') && /[<>]/.test(t)) return null;
  if (quirks.includes('caret-superscript')) t = t.replace(/\^/g, '');
  t = t.replace(SUPERSCRIPT, (ch) => ch.normalize('NFKC'));
  t = t
    .replace(/[\u00A0\u2000-\u200B\u202F\t]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > 0 ? t.normalize('NFC') : null;
}
