// What an import reports as it goes, and how it is told to run: shared by the scan and
// layout importer (import-images.ts) and the line-folder importer (import-lines.ts).
import type { Split } from '../../shared/api.ts';
import type { DecodeOptions } from '../images/decode.ts';

export interface ImportProgress {
  file: string;
  done: number;
  total: number;
  /** Pages stored so far of a multi-page file, and how many it has. */
  page?: number;
  pages?: number;
}

export interface ImportOptions extends DecodeOptions {
  onProgress?: (p: ImportProgress) => void;
  /** Split for every line imported from PAGE/ALTO files (default: stable, from content). */
  split?: Split;
  maxImageBytes?: number;
  maxXmlBytes?: number;
}
