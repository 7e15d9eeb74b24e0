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
