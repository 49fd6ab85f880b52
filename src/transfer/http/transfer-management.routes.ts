import type { App } from '../../node/http-app.js';
import { fetchData } from '../app/fetch.oneshot.js';
import { act, startAsConsumer, type OperatorAction } from '../app/operator.actions.js';
import type { TransferContext } from '../app/transfer.context.js';
import { TransferProblem } from '../app/transfer.problem.js';
import type { Transfer } from '../domain/transfer.js';
import * as S from './transfer.schemas.js';
import { transferView } from './transfer.views.js';

const read = { auth: { management: 'read' as const } };
const write = { auth: { management: 'write' as const } };
const tags = ['transfers'];
const DEFAULT_TIMEOUT_S = 60;

async function mustGet(ctx: TransferContext, id: string): Promise<Transfer> {
  const t = await ctx.store.get(id);
  if (!t) throw new TransferProblem('DS_TRANSFER_NOT_FOUND', `no transfer ${id}`, [{ path: '/params/id', message: 'no such transfer' }]);
  return t;
}

/** The operator's side of transfers: start one as consumer, follow it, suspend, resume, terminate; and the one-call fetch. */
export function transferManagementRoutes(ctx: TransferContext) {
  return async (app: App) => {
    app.post('/api/v1/transfers', { config: write, schema: { tags, summary: 'Consumer: request a transfer under an agreement (pull, or push into a dataDestination)', body: S.StartBody, response: { 201: S.Created } } }, async (request, reply) => {
      const t = await startAsConsumer(ctx, request.body);
      return reply.code(201).send({ id: t.id });
    });

    app.post(
      '/api/v1/transfers/fetch',
      { config: write, schema: { tags, summary: 'One call: reuse or negotiate an agreement, transfer, and stream the data back (no dataDestination) or store it', body: S.FetchBody, response: { 200: S.Stored } } },
      async (request, reply) => {
        const b = request.body;
        const r = await fetchData(ctx, { ...b, format: b.format ?? 'HttpData-PULL', timeoutS: b.timeoutS ?? DEFAULT_TIMEOUT_S });
        if (r.kind === 'stored') return { transferId: r.transferId, agreementId: r.agreementId, state: r.state as Transfer['state'], bytes: r.bytes, sha256: r.sha256 };
        // A stream bypasses the response serializer; the typed reply only knows the JSON answer of the stored case.
        return reply.header('x-dases-transfer-id', r.transfer.id).header('x-dases-agreement-id', r.agreementId).type(r.contentType ?? 'application/octet-stream').send(r.body as never);
      },
    );

    app.get('/api/v1/transfers', { config: read, schema: { tags, summary: 'Transfers (both roles), newest first', querystring: S.ListQuery, response: { 200: S.TransferList } } }, async (request) => {
      const page = await ctx.store.list(request.query);
      return { total: page.total, items: page.items.map(transferView) };
    });

    app.get('/api/v1/transfers/:id', { config: read, schema: { tags, summary: 'One transfer with its DSP state (and the reason once terminated)', params: S.IdParams, response: { 200: S.TransferView } } }, async (request) =>
      transferView(await mustGet(ctx, request.params.id)),
    );

    app.get(
      '/api/v1/transfers/:id/data-address',
      { config: read, schema: { tags, summary: "Consumer, started pull: the DataAddress (endpoint and token) our systems read the data from", params: S.IdParams, response: { 200: S.DataAddressView } } },
      async (request) => {
        const t = await mustGet(ctx, request.params.id);
        if (t.role !== 'consumer' || t.format !== 'HttpData-PULL' || t.state !== 'STARTED' || !t.dataAddress) {
          throw new TransferProblem('DS_TRANSFER_NOT_STARTED', `transfer ${t.id} is a ${t.role} ${t.format} transfer in state ${t.state}: only a started pull of ours has a data address`, [{ path: '/params/id', message: `no data address in state ${t.state}` }], t);
        }
        return t.dataAddress;
      },
    );

    const action = (path: string, summary: string, body: typeof S.SuspendBody | typeof S.EmptyBody | typeof S.TerminateBody, toAction: (b: Record<string, unknown>) => OperatorAction) =>
      app.post(`/api/v1/transfers/:id/${path}`, { config: write, schema: { tags, summary, params: S.IdParams, body, response: { 200: S.TransferView } } }, async (request) => {
        const { id } = request.params as { id: string };
        return transferView(await act(ctx, id, toAction((request.body ?? {}) as Record<string, unknown>)));
      });
    action('suspend', 'Either role: suspend a started transfer (streams stop)', S.SuspendBody, (b) => ({ action: 'suspend', reason: b.reason as string | undefined }));
    action('resume', 'Either role: resume a suspended transfer (a fresh start)', S.EmptyBody, () => ({ action: 'resume' }));
    action('terminate', 'Either role: terminate with a reason code', S.TerminateBody, (b) => ({ action: 'terminate', code: b.code as string | undefined, reason: b.reason as string | undefined }));
  };
}
