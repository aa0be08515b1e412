/**
 * The JSON lines of a log's text, parsed: what Powertools writes (log lines and EMF metrics), as
 * CloudWatch would hold them; the runtime's plain lines (START, REPORT, errors) are left out.
 * Free of vitest, so the load harness reads the extractor's log with it too.
 */
export function jsonLines(text: string): Record<string, any>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);
}
