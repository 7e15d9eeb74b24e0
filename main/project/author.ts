// Who is making the edit being run. A team server runs each call of a signed-in account
// inside `actingAs` (the dispatcher does), and the edits record that account's name as their
// author: a transcription, a reshaped line, a removed or restored line, an undo step. On the
// desktop and in the `quire` command no one is signed in, and the author is the project's
// owner, 'me', as it always was. An async context rather than a parameter: it follows the
// call through the edit queue and the layout code down to the rows, however deep.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from '../../shared/roles.ts';

const acting = new AsyncLocalStorage<Caller>();

export const OWNER_AUTHOR = 'me';

export const actingAs = <T>(caller: Caller, fn: () => T): T => acting.run(caller, fn);

/** The signed-in account making this call, if any. */
export const currentCaller = (): Caller | undefined => acting.getStore();

/**
 * The author to record: the signed-in account's name (a server account cannot write under
 * another name), else the name the caller gave, else the owner.
 */
export const authorName = (given?: string): string => acting.getStore()?.name ?? given ?? OWNER_AUTHOR;
