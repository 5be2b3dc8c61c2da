/** Associated data binding an export document's ciphertext to its row. */
export function exportAad(id: string): string {
  return `export:${id}`;
}
