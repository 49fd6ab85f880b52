import { Type } from '@sinclair/typebox';
import type { App } from '../../node/http-app.js';
import type { Views } from '../app/contract-views.js';
import type { Ending } from '../app/ending.js';
import type { Proposals } from '../app/proposals.js';
import type { Signing } from '../app/signing.js';
import {
  AmendBody,
  BilateralBody,
  ContractDetail,
  ContractFile,
  ContractView,
  EcosystemBody,
  Ended,
  FileQuery,
  IdParams,
  ListQuery,
  Proposed,
  ReasonBody,
  SignBody,
  Signed,
  tags,
  VersionParams,
  VersionView,
} from './contracts.schemas.js';

export interface ContractRouteDeps {
  views: Views;
  proposals: Proposals;
  signing: Signing;
  ending: Ending;
}

const read = { auth: { management: 'read' as const } };
const write = { auth: { management: 'write' as const } };

/** The operator's contract API: reading needs `read`; proposing, signing, amending and ending need `write`. */
export function contractRoutes(deps: ContractRouteDeps) {
  const { views, proposals, signing, ending } = deps;
  return async (app: App) => {
    app.get(
      '/api/v1/contracts',
      { config: read, schema: { tags, summary: 'Contracts this node is a party of, newest change first', querystring: ListQuery, response: { 200: Type.Object({ items: Type.Array(ContractView), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) } } },
      async (req) => ({ ...(await views.list(req.query)), limit: req.query.limit, offset: req.query.offset }),
    );
    app.post(
      '/api/v1/contracts',
      {
        config: write,
        schema: { tags, summary: 'Propose a bilateral contract: signs version 1 and sends it to the counterparty, whose operator signs it', body: BilateralBody, response: { 201: Proposed } },
      },
      async (req, reply) => reply.code(201).send(await proposals.proposeBilateral(req.body)),
    );
    app.post(
      '/api/v1/contracts/ecosystem',
      {
        config: write,
        schema: { tags, summary: 'Propose a multi-party ecosystem contract (this node is the hub and a member): sent to every member to sign', body: EcosystemBody, response: { 201: Proposed } },
      },
      async (req, reply) => reply.code(201).send(await proposals.proposeEcosystem(req.body)),
    );
    app.get('/api/v1/contracts/:id', { config: read, schema: { tags, summary: 'A contract with every version, signature and notice', params: IdParams, response: { 200: ContractDetail } } }, async (req) =>
      views.get(req.params.id),
    );
    app.get('/api/v1/contracts/:id/versions', { config: read, schema: { tags, summary: "A contract's versions, oldest first", params: IdParams, response: { 200: Type.Array(VersionView) } } }, async (req) =>
      views.versions(req.params.id),
    );
    app.get('/api/v1/contracts/:id/versions/:hash', { config: read, schema: { tags, summary: 'One version', params: VersionParams, response: { 200: VersionView } } }, async (req) =>
      views.version(req.params.id, req.params.hash),
    );
    app.get(
      '/api/v1/contracts/:id/file',
      {
        config: read,
        schema: { tags, summary: 'The contract file of a version (default: the one in force): document, signatures, notices and keys, verifiable offline', params: IdParams, querystring: FileQuery, response: { 200: ContractFile } },
      },
      async (req) => views.file(req.params.id, req.query.version),
    );
    app.post(
      '/api/v1/contracts/:id/sign',
      { config: write, schema: { tags, summary: "Sign a pending version (the hash the operator reviewed) with this node's DID key", params: IdParams, body: SignBody, response: { 200: Signed } } },
      async (req) => signing.sign(req.params.id, req.body.versionHash),
    );
    app.post(
      '/api/v1/contracts/:id/amend',
      {
        config: write,
        schema: {
          tags,
          summary: 'Propose an amendment: a new version needing new signatures; the version in force stays until it is active',
          params: IdParams,
          body: AmendBody,
          response: { 201: Proposed },
        },
      },
      async (req, reply) => reply.code(201).send(await proposals.amend(req.params.id, req.body)),
    );
    app.post(
      '/api/v1/contracts/:id/terminate',
      { config: write, schema: { tags, summary: 'Terminate an active contract with a reason (a signed notice sent to every party)', params: IdParams, body: ReasonBody, response: { 200: Ended } } },
      async (req) => ending.end(req.params.id, 'terminate', req.body.reason),
    );
    app.post(
      '/api/v1/contracts/:id/revoke',
      { config: write, schema: { tags, summary: 'Revoke a pending or active contract with a reason (a signed notice sent to every party)', params: IdParams, body: ReasonBody, response: { 200: Ended } } },
      async (req) => ending.end(req.params.id, 'revoke', req.body.reason),
    );
  };
}
