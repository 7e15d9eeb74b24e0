// Names of PAGE/ALTO files: `.xml`, and `.alto` / `.page` as kraken and eScriptorium name
// them. What a file is, is decided by its content on import (main/import/collect.ts); these
// names decide which files a folder walk picks up, what the file choosers offer, and when
// the browser's upload stages files together (a layout file needs the image it names).
export const LAYOUT_EXTENSIONS = ['.xml', '.alto', '.page'] as const;

export const isLayoutFileName = (name: string): boolean => LAYOUT_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e));
