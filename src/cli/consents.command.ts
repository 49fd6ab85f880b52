import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { receiptHash, verifyConsentReceipt } from '../consent/index.js';
import { callAndPrint, withClient, type CallOptions } from './node-client.js';

const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Every compact JWS of a consent receipt in a file: one receipt, one per line, or anywhere in JSON (an export). */
export function receiptsIn(text: string): string[] {
  const trimmed = text.trim();
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return trimmed.split(/\s+/).filter((t) => JWS.test(t));
  }
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (JWS.test(v)) {
        const header = JSON.parse(Buffer.from(v.split('.')[0]!, 'base64url').toString('utf8') || '{}') as { typ?: unknown };
        if (header.typ === 'dases-consent-receipt+jwt') found.push(v);
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  try {
    walk(json);
  } catch {
    // A string that looked like a JWS but whose header is not JSON is not a receipt.
  }
  return found;
}

/**
 * `dases consents verify`: every receipt's signature and shape, and each consent's chain (every receipt names the
 * hash of the one before it, from the first). Exit 0 when everything holds.
 */
export function verifyReceiptsCommand(file: string, o: { didDocument?: string; json?: boolean }): { code: number; output: string } {
  let receipts: string[];
  let didDocument: { id: string; verificationMethod?: Array<{ id: string; publicKeyJwk?: Record<string, unknown> }> } | undefined;
  try {
    receipts = receiptsIn(readFileSync(file, 'utf8'));
    if (o.didDocument) didDocument = JSON.parse(readFileSync(o.didDocument, 'utf8')) as typeof didDocument;
  } catch (e) {
    return { code: 1, output: `cannot read the input: ${(e as Error).message}\nINVALID\n` };
  }
  const results: Array<{ consentId?: string; seq?: number; state?: string; at?: string; signer?: string; binding?: string; problem?: string }> = [];
  const chains = new Map<string, Array<{ seq: number; previous: string | null; hash: string }>>();
  for (const jws of receipts) {
    const v = verifyConsentReceipt(jws, didDocument as Parameters<typeof verifyConsentReceipt>[1]);
    if (!v.ok) {
      results.push({ problem: v.reason });
      continue;
    }
    const r = v.value.receipt;
    results.push({ consentId: r.consentId, seq: r.seq, state: r.record.state, at: r.event.time, signer: r.signer.did, binding: v.value.keyBinding });
    chains.set(r.consentId, [...(chains.get(r.consentId) ?? []), { seq: r.seq, previous: r.previous, hash: receiptHash(jws) }]);
  }
  const problems = results.filter((r) => r.problem).map((r) => r.problem!);
  for (const [consentId, chain] of chains) {
    chain.sort((a, b) => a.seq - b.seq);
    chain.forEach((link, i) => {
      const before = chain[i - 1];
      if (link.seq !== i + 1) problems.push(`${consentId}: receipt ${i + 1} is missing (found ${link.seq})`);
      else if (link.previous !== (before ? before.hash : null)) problems.push(`${consentId}: receipt ${link.seq} does not follow receipt ${link.seq - 1}`);
    });
  }
  if (receipts.length === 0) problems.push('no consent receipt in the file');
  const valid = problems.length === 0;
  if (o.json) return { code: valid ? 0 : 1, output: `${JSON.stringify({ valid, receipts: results, problems }, null, 2)}\n` };
  const lines = [`consent receipts in ${file}: ${receipts.length}`];
  for (const r of results) if (!r.problem) lines.push(`  ${r.consentId} #${r.seq} ${r.state} at ${r.at}, signed by ${r.signer} (key ${r.binding})`);
  if (results.some((r) => r.binding === 'self-asserted')) lines.push("  note: self-asserted keys are only the receipts' own; pass --did-document to bind them to the intermediary's DID");
  for (const p of problems) lines.push(`  problem: ${p}`);
  lines.push(valid ? 'VALID: every receipt verifies and every consent chain is complete' : 'INVALID');
  return { code: valid ? 0 : 1, output: `${lines.join('\n')}\n` };
}

/** `dases consents …`: ask an intermediary for a person's consent, list consents, verify receipts offline. */
export function registerConsentCommands(program: Command): void {
  const consents = program.command('consents').description("People's consents: requests, the consents this node holds or is party to, offline receipt checks");
  withClient(consents.command('list').description('Consents this node holds (intermediary) or is party to')).action((o: CallOptions) => callAndPrint(o, 'GET', '/api/v1/consents'));
  withClient(consents.command('request').description("Consumer: ask a person's intermediary for their consent (the person decides on their dashboard)"))
    .requiredOption('--intermediary <did>', "the person's intermediary")
    .requiredOption('--provider <did>', 'the provider holding the data')
    .requiredOption('--dataset <id>', "the dataset's DSP id (urn:uuid:…)")
    .requiredOption('--purpose <purpose>', 'what the data is for')
    .requiredOption('--subject <id>', "the person's id at this node (linked at the intermediary)")
    .option('--offer <id>', "the provider's offer, when the dataset has several")
    .action((o: CallOptions & { intermediary: string; provider: string; dataset: string; purpose: string; subject: string; offer?: string }) =>
      callAndPrint(o, 'POST', '/api/v1/consent-requests', { intermediary: o.intermediary, provider: o.provider, datasetId: o.dataset, purpose: o.purpose, subjectId: o.subject, ...(o.offer ? { offerId: o.offer } : {}) }),
    );
  consents
    .command('verify <file>')
    .description('Verify consent receipts offline (a receipt, or an export from the dashboard): signatures, records, each chain complete (exit 1 if not)')
    .option('--did-document <file>', "the intermediary's DID document, to bind its key to its DID")
    .option('--json', 'print the report as JSON')
    .action((file: string, o: { didDocument?: string; json?: boolean }) => {
      const { code, output } = verifyReceiptsCommand(file, o);
      process.stdout.write(output);
      process.exitCode = code;
    });
}
