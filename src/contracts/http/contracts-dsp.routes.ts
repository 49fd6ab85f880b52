import type { FastifyRequest } from 'fastify';
import { AppError } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { Views } from '../app/contract-views.js';
import { DSP_PATHS } from '../app/contract-messages.js';
import { notFound, partiesOfContract, type ContractsContext } from '../app/contracts.context.js';
import type { Ending } from '../app/ending.js';
import type { Proposals } from '../app/proposals.js';
import type { Signing } from '../app/signing.js';
import { ContractFile, dspTags as tags, IdParams, NoticeBody, ProposalBody, Received, SignaturesBody } from './contracts.schemas.js';

const dsp = { auth: 'dsp' as const, dspErrorType: 'ContractError' };

const callerOf = (req: FastifyRequest): string => {
  // auth 'dsp' guarantees a participant principal; the check narrows the type.
  if (req.principal.kind !== 'participant') throw new AppError('DS_AUTH_MISSING_CREDENTIALS');
  return req.principal.did;
};

/**
 * The contract protocol between parties' nodes. Only a party of the contract gets an answer about it: anyone
 * else gets 404, as for a contract that does not exist.
 */
export function contractDspRoutes(deps: { ctx: ContractsContext; views: Views; proposals: Proposals; signing: Signing; ending: Ending }) {
  const { proposals, signing, ending, views } = deps;
  return async (app: App) => {
    app.post(
      DSP_PATHS.proposals,
      {
        config: dsp,
        schema: { tags, summary: 'A version proposed by its proposer, with the signatures it holds (201 new, 200 known)', body: ProposalBody, response: { 200: Received, 201: Received } },
      },
      async (req, reply) => {
        const r = await proposals.receive(callerOf(req), req.body);
        return reply.code(r.created ? 201 : 200).send({ contractId: r.contractId, versionHash: r.versionHash, status: r.status });
      },
    );
    app.get(DSP_PATHS.contract, { config: dsp, schema: { tags, summary: 'The contract file of the version in force (for a party catching up)', params: IdParams, response: { 200: ContractFile } } }, async (req) => {
      if (!(await partiesOfContract(deps.ctx, req.params.id)).has(callerOf(req))) throw notFound(req.params.id);
      return views.file(req.params.id);
    });
    app.post(
      DSP_PATHS.signatures,
      { config: dsp, schema: { tags, summary: "Parties' signatures of a version (the proposer's node hands every party the whole set)", params: IdParams, body: SignaturesBody, response: { 200: Received } } },
      async (req) => signing.receive(callerOf(req), req.params.id, req.body.versionHash, req.body.signatures),
    );
    app.post(
      DSP_PATHS.notices,
      { config: dsp, schema: { tags, summary: "A party's signed termination or revocation notice", params: IdParams, body: NoticeBody, response: { 200: Received } } },
      async (req) => ending.receive(callerOf(req), req.params.id, req.body.notice),
    );
  };
}
