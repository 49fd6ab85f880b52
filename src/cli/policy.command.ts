import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { randomIds, systemClock, type AppError } from '../kernel/index.js';
import { evaluateDocuments, validatePolicy } from '../policy/index.js';

/**
 * `dases policy …`: the ODRL engine offline, on files (JSON-LD or Turtle, told apart by extension, else by
 * content). Stdout carries the report and nothing else; problems go to stderr with exit code 1.
 */
export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('ODRL 2.2 policies: validation and evaluation (offline: nothing is fetched)');

  policy
    .command('evaluate')
    .description('Evaluate a policy against an evaluation request and a state of the world; prints the compliance report')
    .requiredOption('--policy <file>', 'the ODRL policy (JSON-LD or Turtle)')
    .requiredOption('--request <file>', 'the evaluation request (JSON-LD or Turtle)')
    .option('--state <file>', 'the state of the world (JSON-LD or Turtle): current time, memberships, performed duties')
    .addOption(new Option('--format <format>', 'syntax of the report').choices(['jsonld', 'turtle']).default('jsonld'))
    .action(async (o: { policy: string; request: string; state?: string; format: 'jsonld' | 'turtle' }) => {
      const [policyText, requestText, stateText] = await Promise.all([readText(o.policy), readText(o.request), o.state ? readText(o.state) : undefined]);
      if (policyText === undefined || requestText === undefined || (o.state && stateText === undefined)) return;
      const outcome = await evaluateDocuments(
        { policy: policyText, request: requestText, ...(stateText !== undefined ? { state: stateText } : {}), format: o.format, names: { policy: o.policy, request: o.request, ...(o.state ? { state: o.state } : {}) } },
        { clock: systemClock, ids: randomIds },
      );
      if (!outcome.ok) return fail(outcome.error);
      for (const w of outcome.value.warnings) process.stderr.write(`warning: ${w.path ? `${w.path}: ` : ''}${w.message}\n`);
      const { report } = outcome.value;
      process.stdout.write(typeof report === 'string' ? report : `${JSON.stringify(report, null, 2)}\n`);
    });

  policy
    .command('validate')
    .description('Check a policy against the ODRL 2.2 information model (exit 1 when it is not valid)')
    .requiredOption('--policy <file>', 'the ODRL policy (JSON-LD or Turtle)')
    .action(async (o: { policy: string }) => {
      const text = await readText(o.policy);
      if (text === undefined) return;
      const checked = await validatePolicy(text, { fileName: o.policy });
      if (!checked.ok) return fail(checked.error);
      const { valid, errors, warnings, rules } = checked.value;
      process.stdout.write(`${JSON.stringify({ valid, rules, errors, warnings }, null, 2)}\n`);
      if (!valid) process.exitCode = 1;
    });
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    process.stderr.write(`error: cannot read ${file}: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return undefined;
  }
}

function fail(e: AppError): void {
  process.stderr.write(`error: ${e.code}: ${e.message}\n`);
  for (const f of e.errors ?? []) process.stderr.write(`  ${f.path || '/'}: ${f.message}\n`);
  process.exitCode = 1;
}
