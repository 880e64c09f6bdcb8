/** Markdown tables for the terminal (GitHub-flavoured, aligned). */
export function markdownTable(
  header: string[],
  rows: (string | number)[][],
  align: ('l' | 'r')[] = [],
): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(3, ...cells.map((r) => (r[c] ?? '').length)));
  const fmt = (r: string[]) =>
    `| ${r.map((v, c) => (align[c] === 'r' ? v.padStart(widths[c]!) : v.padEnd(widths[c]!))).join(' | ')} |`;
  const sep = `| ${widths.map((w, c) => (align[c] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [fmt(header), sep, ...rows.map((r) => fmt(r.map(String)))].join('\n');
}
