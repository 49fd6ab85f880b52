import { Type } from '@sinclair/typebox';
import { AppError } from '../../../kernel/index.js';
import type { App } from '../../../node/http-app.js';
import type { ReceivedCosignature, SqlWitnessStore } from '../adapters/sql-witness.store.js';
import type { WitnessOutcome } from '../app/witness.service.js';
import type { WitnessLedger } from '../app/witness.ports.js';
import { CosignatureBody, HeadAnswer, Outcome, ParticipantQuery, Received, SplitView, Witnessed, WitnessBody, WitnessQuery, tags } from './witness.schemas.js';

export interface WitnessRouteDeps {
  store: SqlWitnessStore;
  ledger: WitnessLedger;
  witness(participant: string): Promise<WitnessOutcome>;
  receive(witness: string, head: string, cosignature: string): Promise<ReceivedCosignature>;
}

/** The DSP-authenticated log routes trusted participants call to witness us, and the operator's witnessing API. */
export function witnessRoutes(deps: WitnessRouteDeps) {
  const { store, ledger } = deps;
  return async (app: App) => {
    app.get(
      '/dsp/log/head',
      {
        config: { auth: 'dsp', dspErrorType: 'LogError' },
        schema: {
          tags,
          summary: 'The latest signed tree head, with a consistency proof from the size the witness saw last',
          querystring: Type.Object({ from: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })) }, { additionalProperties: false }),
          response: { 200: HeadAnswer },
        },
      },
      async (req) => {
        const { head, size } = await ledger.latestHead();
        const from = req.query.from ?? 0;
        if (from > size) throw new AppError('DS_HTTP_VALIDATION', `/querystring/from: must not exceed the log size ${size}`, [{ path: '/querystring/from', message: `must not exceed the log size ${size}` }]);
        if (from === 0) return { head, size };
        const { proof } = await ledger.consistencyProof(from, size);
        return { head, size, consistencyProof: proof.map((h) => Buffer.from(h).toString('base64')) };
      },
    );
    app.post(
      '/dsp/log/cosignatures',
      { config: { auth: 'dsp', dspErrorType: 'LogError' }, schema: { tags, summary: 'A witness hands in its cosignature of one of our tree heads', body: CosignatureBody, response: { 201: Received } } },
      async (req, reply) => {
        // auth 'dsp' guarantees a participant principal; the check narrows the type.
        if (req.principal.kind !== 'participant') throw new AppError('DS_AUTH_MISSING_CREDENTIALS');
        return reply.code(201).send(await deps.receive(req.principal.did, req.body.head, req.body.cosignature));
      },
    );

    app.post(
      '/api/v1/log/witness',
      {
        config: { auth: { management: 'write' } },
        schema: { tags, summary: "Witness a trusted participant's log now: verify, check consistency, counter-sign (409 on a split view)", body: WitnessBody, response: { 200: Outcome } },
      },
      async (req) => deps.witness(req.body.participant),
    );
    app.get(
      '/api/v1/log/witnessed',
      { config: { auth: { management: 'read' } }, schema: { tags, summary: "Participants' heads this node verified and cosigned, newest first", querystring: ParticipantQuery, response: { 200: Type.Object({ items: Type.Array(Witnessed), total: Type.Integer() }) } } },
      async (req) => store.listWitnessed(req.query),
    );
    app.get(
      '/api/v1/log/cosignatures',
      { config: { auth: { management: 'read' } }, schema: { tags, summary: "Witnesses' cosignatures of this node's tree heads", querystring: WitnessQuery, response: { 200: Type.Object({ items: Type.Array(Received), total: Type.Integer() }) } } },
      async (req) => store.listCosignatures(req.query),
    );
    app.get(
      '/api/v1/log/split-views',
      { config: { auth: { management: 'read' } }, schema: { tags, summary: 'Split views detected while witnessing, with both signed heads as evidence', querystring: ParticipantQuery, response: { 200: Type.Object({ items: Type.Array(SplitView), total: Type.Integer() }) } } },
      async (req) => store.listSplitViews(req.query),
    );
  };
}
