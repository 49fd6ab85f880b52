import { Type } from '@sinclair/typebox';

export const tags = ['log'];
const Index = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const B64 = Type.String({ description: 'base64 of a SHA-256 hash', contentEncoding: 'base64' });

export const HeadSchema = Type.Object({
  head: Type.String({ description: 'Compact JWS (EdDSA, typ dases-sth+jwt) whose payload is { iss, size, rootHash, timestamp }' }),
  size: Index,
  rootHash: B64,
  timestamp: Type.String({ format: 'date-time' }),
});

export const EntrySchema = Type.Object(
  {
    index: Index,
    type: Type.String(),
    actor: Type.String(),
    timestamp: Type.String({ format: 'date-time' }),
    subject: Type.String(),
    payload: Type.Object({}, { additionalProperties: true }),
  },
  { description: 'The hashed entry (RFC 8785 JSON of everything but index) plus its index' },
);

export const EntriesQuery = Type.Object(
  {
    start: Type.Optional(Index),
    end: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Last index, inclusive (as RFC 6962 get-entries)' })),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this instant' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before this instant' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);

export const EntriesPage = Type.Object({
  entries: Type.Array(EntrySchema),
  next: Type.Optional(Type.Integer({ description: 'start of the next page, when this one is full' })),
});

export const InclusionQuery = Type.Object({ index: Index, size: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Tree size (default: the current size)' })) }, { additionalProperties: false });
export const InclusionProof = Type.Object({ index: Index, size: Index, leafHash: B64, auditPath: Type.Array(B64, { description: 'RFC 9162 §2.1.3.1 order' }) });

export const ConsistencyQuery = Type.Object({ from: Index, to: Index }, { additionalProperties: false });
export const ConsistencyProof = Type.Object({ from: Index, to: Index, proof: Type.Array(B64, { description: 'RFC 9162 §2.1.4.1 order' }) });

export const ReceiptSchema = Type.Object({
  entry: EntrySchema,
  treeHead: Type.String({ description: 'Compact JWS of the signed tree head the proof leads to' }),
  inclusionProof: Type.Array(B64),
  signer: Type.Object({ did: Type.String(), kid: Type.String(), publicKeyJwk: Type.Object({}, { additionalProperties: true }) }),
});

export const VerifyReportSchema = Type.Object({
  ok: Type.Boolean(),
  size: Index,
  checkedEntries: Index,
  checkedHeads: Index,
  firstBadIndex: Type.Optional(Index),
  problems: Type.Array(Type.Object({ index: Index, reason: Type.String(), detail: Type.String() })),
  durationMs: Type.Number(),
});
