// A server's URL as it may be printed or logged: its password hidden wherever the URL holds
// one. The PostgreSQL and Redis clients both take a password from the query string too
// (`?password=…`), so hiding the user-info part alone would still print it.

/** The URL with every password in it replaced by `mask`, or undefined when it is not a URL. */
export function hideUrlPassword(url: string, mask: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.password) u.password = mask;
  // Only a query that holds one is rewritten: rewriting re-encodes it (a socket folder's slashes).
  for (const key of [...u.searchParams.keys()]) if (/pass/i.test(key)) u.searchParams.set(key, mask);
  return u.toString();
}
