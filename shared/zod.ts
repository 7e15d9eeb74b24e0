// zod as every shared module must use it: configured before any schema is made. Without
// compiled validators zod never probes for eval with `new Function`, which the renderer's
// CSP (no 'unsafe-eval') refuses and reports as an error on every load; a module that
// makes schemas imports z from here, so it is configured whatever loads first.
import { z } from 'zod';

z.config({ jitless: true });

export { z };

/** A failed parse's issues as one line: "path: message; …" (`whole` names an issue of the whole value). */
export const describeIssues = (error: z.ZodError, whole = 'request'): string =>
  error.issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`).join('; ');
