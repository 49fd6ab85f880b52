import { AppError, type FieldError } from '../../kernel/index.js';
import { amend, hashOf, isParty, parseContractDocument, requiredParties, type AmendmentChanges, type ContractDocument, type ContractMember } from '../domain/contract-document.js';
import type { SignaturePayload } from '../domain/contract-signature.js';
import { canAmend, contractStatus, type ContractStatus } from '../domain/contract-status.machine.js';
import type { Verified } from './contract-keys.js';
import { audienceOf, notFound, type ContractsContext } from './contracts.context.js';

export interface BilateralProposal {
  counterParty: string;
  /** This node's side of the contract. */
  role: 'provider' | 'consumer';
  offerId: string;
  policy: Record<string, unknown>;
  purpose?: string | undefined;
  validUntil?: string | undefined;
}

export interface EcosystemProposal {
  ecosystemId: string;
  title: string;
  members: ContractMember[];
  rulebookHash: string;
  validUntil?: string | undefined;
}

export interface Proposed {
  contractId: string;
  versionHash: string;
}

const invalid = (errors: FieldError[]) => new AppError('DS_CONTRACT_INVALID', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);

/** Proposing versions (new contracts and amendments) to the other parties, and receiving their proposals. */
export function createProposals(ctx: ContractsContext) {
  const now = () => ctx.clock.now();

  function checkValidUntil(doc: ContractDocument): void {
    if (doc.validUntil !== undefined && Date.parse(doc.validUntil) <= now().getTime()) throw invalid([{ path: '/body/validUntil', message: 'must be in the future' }]);
  }

  /** Signs `doc` as its proposer, stores it and sends it to every other party (all of them must be reachable). */
  async function propose(doc: ContractDocument, pathOf: (did: string) => string): Promise<Proposed> {
    checkValidUntil(doc);
    const audience = await audienceOf(ctx, { parties: requiredParties(doc), previousHash: doc.previousVersion ?? null });
    const { found, missing } = await ctx.messages.endpoints(audience);
    if (missing.length) {
      throw new AppError(
        'DS_CONTRACT_PARTY_UNREACHABLE',
        `not active trusted participants with a DSP endpoint: ${missing.join(', ')}`,
        missing.map((did) => ({ path: pathOf(did), message: 'not an active trusted participant with a DSP endpoint' })),
      );
    }
    const mine = await ctx.keys.sign(doc);
    await ctx.db.transaction().execute(async (tx) => {
      const { version } = await ctx.recorder.ensureVersion(tx, doc);
      await ctx.recorder.addSignatures(tx, version, [mine]);
      await ctx.recorder.activateIfComplete(tx, doc.id, version.hash);
      await ctx.messages.proposal(tx, found, doc, [mine.jws]);
    });
    return { contractId: doc.id, versionHash: hashOf(doc) };
  }

  function parsed(value: unknown, toBody: (path: string) => string): ContractDocument {
    const r = parseContractDocument(value);
    if (!r.ok) throw invalid(r.errors.map((e) => ({ path: toBody(e.path), message: e.message })));
    return r.value;
  }

  return {
    async proposeBilateral(input: BilateralProposal): Promise<Proposed> {
      if (input.counterParty === ctx.did) throw invalid([{ path: '/body/counterParty', message: 'must be another participant' }]);
      const [provider, consumer] = input.role === 'provider' ? [ctx.did, input.counterParty] : [input.counterParty, ctx.did];
      const doc = parsed(
        {
          type: 'BilateralContract',
          id: `urn:uuid:${ctx.ids.uuid()}`,
          version: 1,
          proposer: ctx.did,
          createdAt: now().toISOString(),
          provider,
          consumer,
          offerId: input.offerId,
          policy: input.policy,
          ...(input.purpose !== undefined ? { purpose: input.purpose } : {}),
          ...(input.validUntil !== undefined ? { validUntil: input.validUntil } : {}),
        },
        (p) => (/^\/(provider|consumer)/.test(p) ? '/body/counterParty' : `/body${p}`),
      );
      return propose(doc, () => '/body/counterParty');
    },

    async proposeEcosystem(input: EcosystemProposal): Promise<Proposed> {
      const doc = parsed(
        {
          type: 'EcosystemContract',
          id: `urn:uuid:${ctx.ids.uuid()}`,
          version: 1,
          proposer: ctx.did,
          createdAt: now().toISOString(),
          ecosystemId: input.ecosystemId,
          title: input.title,
          members: input.members,
          rulebookHash: input.rulebookHash,
          ...(input.validUntil !== undefined ? { validUntil: input.validUntil } : {}),
        },
        (p) => (p === '/proposer' ? '/body/members' : `/body${p}`),
      );
      return propose(doc, (did) => `/body/members/${input.members.findIndex((m) => m.did === did)}/did`);
    },

    async amend(contractId: string, changes: AmendmentChanges): Promise<Proposed> {
      const contract = await ctx.store.get(contractId);
      if (!contract) throw notFound(contractId);
      const allowed = canAmend(contractStatus(contract, now()), contract.latestHash !== contract.currentHash);
      if (!allowed.ok) throw new AppError('DS_CONTRACT_ILLEGAL_TRANSITION', allowed.reason);
      const current = (await ctx.store.version(contract.currentHash!))!;
      if (!isParty(current.document, ctx.did)) throw new AppError('DS_CONTRACT_NOT_A_PARTY', `${ctx.did} is not a party of ${contractId}`);
      const next = amend(current.document, changes, { proposer: ctx.did, createdAt: now().toISOString() }, '/body');
      if (!next.ok) throw invalid(next.errors.map((e) => (e.path === '/body/proposer' ? { path: '/body/members', message: 'this node must stay a member' } : e)));
      const members = next.value.type === 'EcosystemContract' ? next.value.members : [];
      return propose(next.value, (did) => `/body/members/${members.findIndex((m) => m.did === did)}/did`);
    },

    /** A version proposed by another party's node (`caller`, which must be its proposer). */
    async receive(caller: string, body: { document: unknown; signatures: string[] }): Promise<Proposed & { status: ContractStatus; created: boolean }> {
      const doc = parsed(body.document, (p) => `/body/document${p}`);
      const previous = doc.previousVersion ? await ctx.store.version(doc.previousVersion) : undefined;
      const allowed = new Set([...requiredParties(doc), ...(previous?.contractId === doc.id ? previous.parties : [])].map((p) => p.did));
      // Neither a stranger nor a contract we are no party of is acknowledged.
      if (!allowed.has(caller) || !allowed.has(ctx.did)) throw notFound(doc.id, '/body/document/id');
      if (doc.proposer !== caller) throw invalid([{ path: '/body/document/proposer', message: 'must be the sending participant' }]);
      if (doc.type === 'BilateralContract' && doc.agreementId !== undefined) {
        throw invalid([{ path: '/body/document/agreementId', message: 'the contract of a DSP agreement is signed in its negotiation, not proposed' }]);
      }
      const verified: Array<Verified<SignaturePayload>> = [];
      for (const [i, jws] of body.signatures.entries()) verified.push(await ctx.keys.verifySignature(doc, jws, `/body/signatures/${i}`));
      const created = await ctx.db
        .transaction()
        .execute(async (tx) => {
          const { version, created } = await ctx.recorder.ensureVersion(tx, doc);
          await ctx.recorder.addSignatures(tx, version, verified);
          await ctx.recorder.activateIfComplete(tx, doc.id, version.hash);
          return created;
        })
        .catch((e: unknown) => {
          throw e instanceof AppError && e.errors ? new AppError(e.code, e.message, e.errors.map((f) => ({ ...f, path: `/body${f.path}` }))) : e;
        });
      const contract = (await ctx.store.get(doc.id))!;
      return { contractId: doc.id, versionHash: hashOf(doc), status: contractStatus(contract, now()), created };
    },
  };
}

export type Proposals = ReturnType<typeof createProposals>;
