// A second test reporter beside TAP: collects every failed test (not the suites that merely contain one) and prints
// them once more at the very end, with their suite path, file and error. CI keeps only the tail of a long run's
// output, so a failure reported in the middle of 1,400 tests must be repeated where it will be read.
import { relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function describeError(error) {
  const cause = error?.cause ?? error;
  if (!(cause instanceof Error)) return String(cause);
  const lines = (cause.stack ?? `${cause.name}: ${cause.message}`).split('\n');
  return lines.filter((line) => !/\(node:|at node:|at async Promise\.all/.test(line)).slice(0, 16).join('\n');
}

export default async function* failuresReporter(source) {
  const stacks = new Map(); // file -> names of the tests started at each nesting level
  const failures = [];
  for await (const event of source) {
    const { data } = event;
    if (event.type === 'test:start') {
      const stack = stacks.get(data.file) ?? [];
      stack.length = data.nesting;
      stack.push(data.name);
      stacks.set(data.file, stack);
    } else if (event.type === 'test:fail' && data.details?.error?.failureType !== 'subtestsFailed') {
      const path = (stacks.get(data.file) ?? []).slice(0, data.nesting).concat(data.name);
      const where = data.file ? `${relative(root, data.file)}${data.line ? `:${data.line}` : ''}` : 'unknown file';
      failures.push(`✖ ${path.join(' › ')}\n  at ${where}\n${describeError(data.details?.error).replace(/^/gm, '    ')}`);
    }
  }
  if (failures.length > 0) {
    yield `\n# ${failures.length} failed test${failures.length === 1 ? '' : 's'} (repeated from above):\n\n${failures.join('\n\n')}\n`;
  }
}
