/** A message as its topic's handler sees it. */
export interface OutboxMessage {
  id: string;
  topic: string;
  url: string;
  audience: string;
  body: unknown;
  key?: string;
  attempts: number;
}

export type OutboxOutcome = { ok: true; status: number; body: unknown } | { ok: false; status?: number; error: string };
export type OutcomeHandler = (msg: OutboxMessage, outcome: OutboxOutcome) => Promise<void>;
