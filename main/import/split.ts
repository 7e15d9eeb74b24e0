// Stable dataset split: a line's split follows from a hash of its document and its name,
// so re-importing gives the same split and adding lines never moves existing ones.
import { createHash } from 'node:crypto';
import type { Split } from '../../shared/api.ts';

export function stableSplit(key: string, validation = 0.1, test = 0.1): Split {
  const u = createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
  return u < test ? 'test' : u < test + validation ? 'validation' : 'train';
}
