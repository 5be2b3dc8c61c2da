/** Whether a database error is a unique-constraint violation (PostgreSQL and PGlite: 23505). */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '23505';
}
