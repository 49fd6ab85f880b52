import { Type } from '@sinclair/typebox';

export const dataTags = ['data plane'];
export const connectionTags = ['data plane connections'];

const TransferId = Type.String({ minLength: 1, maxLength: 200, description: 'The transfer process id the token was issued for' });
export const PullParams = Type.Object({ transferId: TransferId });
export const ProxyParams = Type.Object({ transferId: TransferId, '*': Type.String({ maxLength: 2000, description: 'API path under the data address (api sources only)' }) });
export const DataHeaders = Type.Object(
  {
    authorization: Type.Optional(Type.String({ description: 'Bearer <transfer token> from the DataAddress' })),
    range: Type.Optional(Type.String({ description: 'A single bytes= range (file sources)' })),
    'if-range': Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export const PushAnswer = Type.Object({ bytes: Type.Integer({ minimum: 0 }), sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) }, { additionalProperties: false });

export const ConnectionName = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'Letters, digits, "_", "." and "-"' });
export const ConnectionBody = Type.Object(
  {
    name: ConnectionName,
    kind: Type.Union([Type.Literal('postgres'), Type.Literal('http')]),
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'postgres: the connection URL (with its password: sealed whole); http: the base URL the credentials are for' }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 8192 }), { description: 'http only: credential headers (sealed, never returned)' })),
  },
  { additionalProperties: false },
);
export const ConnectionView = Type.Object(
  {
    name: Type.String(),
    kind: Type.Union([Type.Literal('postgres'), Type.Literal('http')]),
    url: Type.String({ description: 'The base URL, or the PostgreSQL URL without its password' }),
    headerNames: Type.Optional(Type.Array(Type.String())),
    hasSecret: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export const ConnectionList = Type.Object({ items: Type.Array(ConnectionView) }, { additionalProperties: false });
export const NameParams = Type.Object({ name: ConnectionName });
