/** Escapes LIKE metacharacters so a search for `50%_off` matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The LIKE/ILIKE pattern of "contains `text`", matched literally. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
