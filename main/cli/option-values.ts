// Parsers of CLI option values, shared by every command. A refused value is commander's
// InvalidArgumentError, so it exits 2 with the option named, like a value outside an
// option's choices (main.ts), instead of becoming NaN further down.
import { InvalidArgumentError } from 'commander';

export const int =
  (name: string, min = 1) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}`);
    return n;
  };

export const fraction =
  (name: string) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
      throw new InvalidArgumentError(`${name} must be a number from 0 to 1`);
    return n;
  };

/** A model version id, or "base" for the model that ships with Quire. */
export const modelRef = (value: string): number | 'base' => (value === 'base' ? 'base' : int('model id')(value));

/** A variadic option of ids (`--pages 3 4 5`): each a whole number ≥ 1. */
export const intList =
  (name: string) =>
  (value: string, previous: number[] = []): number[] => [...previous, int(name)(value)];

/** A Redis URL (redis:// or rediss://), for the distributed jobs' queue. */
export const redisUrl = (value: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`--redis must be a URL such as redis://host:6379, not ${value}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new InvalidArgumentError(`--redis must be a redis:// or rediss:// URL`);
  return value;
};

/** A repeatable option of folders, each also a comma-separated list (`--projects a,b --projects c`). */
export const folderList = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean),
];
