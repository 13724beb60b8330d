// PostgreSQL text cannot hold NUL (SQLite's can): a query with one in a parameter fails there. No stored
// id or name has one, so a look-up by such a key finds nothing on either engine without asking.
export const matchesNothing = (key: string): boolean => typeof key === 'string' && key.includes('\0');
