import { Type } from '@sinclair/typebox';

export const tags = ['log'];
const Jws = (description: string) => Type.String({ minLength: 1, maxLength: 20_000, description });
const Did = Type.String({ minLength: 8, maxLength: 500 });
export const Page = { limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }) };

export const HeadAnswer = Type.Object({
  head: Jws('the latest signed tree head (compact JWS)'),
  size: Type.Integer({ minimum: 0 }),
  consistencyProof: Type.Optional(Type.Array(Type.String(), { description: 'RFC 9162 consistency proof from `from` to `size`, base64 hashes' })),
});

export const CosignatureBody = Type.Object(
  { head: Jws('one of this node\'s signed tree heads, exactly as served'), cosignature: Jws('the witness\'s JWS over { subject, size, rootHash, timestamp, witness }') },
  { additionalProperties: false },
);

export const Received = Type.Object({ size: Type.Integer(), witness: Type.String(), cosignature: Type.String(), receivedAt: Type.String({ format: 'date-time' }) });

export const Witnessed = Type.Object({
  participant: Type.String(),
  size: Type.Integer(),
  rootHash: Type.String(),
  timestamp: Type.String({ format: 'date-time' }),
  head: Type.String({ description: 'the participant\'s signed tree head' }),
  cosignature: Type.String({ description: 'this node\'s cosignature of it' }),
  observedAt: Type.String({ format: 'date-time' }),
});
export const Outcome = Type.Intersect([Witnessed, Type.Object({ delivered: Type.Boolean({ description: 'whether the participant accepted the cosignature' }) })]);

export const SplitView = Type.Object({
  id: Type.Integer(),
  participant: Type.String(),
  size: Type.Integer(),
  reason: Type.String(),
  knownHead: Type.String({ description: 'the head verified before' }),
  presentedHead: Type.String({ description: 'the contradicting head' }),
  detectedAt: Type.String({ format: 'date-time' }),
});

export const WitnessBody = Type.Object({ participant: Did }, { additionalProperties: false });
export const ParticipantQuery = Type.Object({ participant: Type.Optional(Did), ...Page }, { additionalProperties: false });
export const WitnessQuery = Type.Object({ witness: Type.Optional(Did), ...Page }, { additionalProperties: false });
