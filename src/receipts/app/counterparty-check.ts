import type { JWK } from 'jose';
import { AppError } from '../../kernel/index.js';
import { verifyReceipt } from '../../ledger/index.js';
import { verifyReceiptJws, type ReceiptDocument } from '../domain/receipt-document.js';
import type { ReceiptsResolver } from './receipts.ports.js';

type DidDoc = Awaited<ReturnType<ReceiptsResolver['resolve']>>;

const findKey = (doc: DidDoc, kid: string): JWK | undefined =>
  kid.startsWith(`${doc.id}#`) ? doc.verificationMethod?.find((m) => (m.id === kid || `${doc.id}${m.id}` === kid) && m.publicKeyJwk)?.publicKeyJwk : undefined;

/**
 * Checks what a counterparty sends: its signature over the receipt (key from its DID document, resolved again once
 * when the key is unknown, as it may have rotated) and its log receipt, verified offline against that document.
 */
export function createCounterpartyCheck(resolver: ReceiptsResolver) {
  async function documentWithKey(did: string, kid: string): Promise<{ doc: DidDoc; key: JWK | undefined }> {
    let doc = await resolver.resolve(did);
    let key = findKey(doc, kid);
    if (!key && resolver.invalidate) {
      resolver.invalidate(did);
      doc = await resolver.resolve(did);
      key = findKey(doc, kid);
    }
    return { doc, key };
  }

  return {
    /** The signer's verified document of the exchange; DS_RECEIPT_INVALID at `path` otherwise. */
    async signature(jws: string, kid: string, signer: string, path: string, document?: ReceiptDocument): Promise<{ document: ReceiptDocument; didDocument: DidDoc }> {
      const fail = (why: string) => new AppError('DS_RECEIPT_INVALID', `${path}: ${why}`, [{ path, message: why }]);
      const { doc, key } = await documentWithKey(signer, kid);
      if (!key) throw fail(`${kid} is not a verification method of ${signer}`);
      const checked = await verifyReceiptJws(jws, key, { signer, ...(document ? { document } : {}) });
      if (!checked.ok) throw fail(checked.reason);
      return { document: checked.value, didDocument: doc };
    },

    /** The sender's log receipt proves an `exchange.receipt` entry by the sender about exactly this document. */
    async ledgerReceipt(receipt: unknown, didDocument: DidDoc, hash: string, path: string): Promise<void> {
      const fail = (why: string) => new AppError('DS_RECEIPT_PROOF_INVALID', `${path}: ${why}`, [{ path, message: why }]);
      const verified = await verifyReceipt(receipt, { didDocument });
      if (!verified.ok) throw fail(verified.reason);
      const entry = (receipt as { entry: { type?: unknown; actor?: unknown; payload?: { documentHash?: unknown } } }).entry;
      if (entry.type !== 'exchange.receipt') throw fail(`the entry is a ${String(entry.type)}, not an exchange.receipt`);
      if (entry.actor !== didDocument.id) throw fail(`the entry was made by ${String(entry.actor)}, not ${didDocument.id}`);
      if (entry.payload?.documentHash !== hash) throw fail('the entry is about another receipt');
    },
  };
}

export type CounterpartyCheck = ReturnType<typeof createCounterpartyCheck>;
