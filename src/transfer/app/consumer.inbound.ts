import { invalidField } from '../../kernel/index.js';
import { advance, isPush, type Transfer } from '../domain/transfer.js';
import type { DataAddress } from '../domain/transfer.types.js';
import { adopt, receive, type Ack, type Received } from './inbound.common.js';
import { inbound, must, type TransferContext } from './transfer.context.js';

/**
 * POST /transfers/:consumerPid/start, from the provider: the transfer started (or, after our resumption, started
 * again with a fresh DataAddress). A pull start must carry the DataAddress. When our node stores the data itself
 * (a pull into a destination), the pull job starts once this is committed.
 */
export function receiveStart(ctx: TransferContext, m: Received, read?: Transfer): Promise<Ack> {
  return receive(ctx, m, (t) => {
    const address = m.body.dataAddress as DataAddress | undefined;
    if (!isPush(t.format) && !address) throw invalidField('/body/dataAddress', 'a pull transfer starts with the DataAddress to pull from');
    // A redelivered start changes nothing.
    if (t.state === 'STARTED' && JSON.stringify(address) === JSON.stringify(t.dataAddress)) return undefined;
    const pulls = !isPush(t.format) && t.destination !== undefined;
    const next = must(advance(t, 'start', inbound(ctx), { ...adopt(t, m.body), ...(address && !isPush(t.format) ? { dataAddress: address } : {}), ...(pulls ? { job: 'pull' as const } : {}) }), t, 'message');
    return { next, ...(pulls ? { after: () => ctx.jobs.kick(t.id) } : {}) };
  }, read);
}
