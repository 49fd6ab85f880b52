import { Type, type TSchema } from '@sinclair/typebox';
import { DSP_CONTEXT, messageValidator } from '../../kernel/index.js';
import { STATES } from './transfer.machine.js';

/*
 * Our own schemas of the DSP 2025-1 transfer process messages, written from the protocol text (the spec's schema
 * files are test data only). Extra properties are allowed: receivers ignore terms they do not know.
 */
const open = { additionalProperties: true } as const;
const Str = (o: object = {}) => Type.String({ minLength: 1, maxLength: 2000, ...o });
const Pid = Str({ description: 'process id (an IRI such as urn:uuid:…)' });
const DspContext = Type.Array(Type.String(), { contains: Type.Literal(DSP_CONTEXT), description: `must contain "${DSP_CONTEXT}"` });
const header = <T extends string>(type: T) => ({ '@context': DspContext, '@type': Type.Literal(type) });

export const EndpointProperty = Type.Object({ '@type': Type.Literal('EndpointProperty'), name: Type.String({ maxLength: 500 }), value: Type.String({ maxLength: 20_000 }) }, open);
export const DataAddress = Type.Object(
  {
    '@type': Type.Literal('DataAddress'),
    endpointType: Str(),
    endpoint: Type.Optional(Type.String({ maxLength: 2000 })),
    endpointProperties: Type.Optional(Type.Array(EndpointProperty, { minItems: 1, maxItems: 50 })),
  },
  open,
);

export const TransferRequestMessage = Type.Object(
  { ...header('TransferRequestMessage'), consumerPid: Pid, agreementId: Str(), format: Str({ maxLength: 200 }), dataAddress: Type.Optional(DataAddress), callbackAddress: Str() },
  open,
);
export const TransferStartMessage = Type.Object({ ...header('TransferStartMessage'), providerPid: Pid, consumerPid: Pid, dataAddress: Type.Optional(DataAddress) }, open);
export const TransferCompletionMessage = Type.Object({ ...header('TransferCompletionMessage'), providerPid: Pid, consumerPid: Pid }, open);

const codeMessage = <T extends string>(type: T) =>
  Type.Object({ ...header(type), providerPid: Pid, consumerPid: Pid, code: Type.Optional(Type.String({ maxLength: 500 })), reason: Type.Optional(Type.Array(Type.Unknown(), { minItems: 1, maxItems: 50 })) }, open);
export const TransferSuspensionMessage = codeMessage('TransferSuspensionMessage');
export const TransferTerminationMessage = codeMessage('TransferTerminationMessage');
/** Errors may name an empty pid when the process is not known (the spec requires both properties, not values). */
export const TransferError = Type.Object(
  { ...header('TransferError'), providerPid: Type.String(), consumerPid: Type.String(), code: Type.Optional(Type.String()), reason: Type.Optional(Type.Array(Type.Unknown(), { minItems: 1 })) },
  open,
);
export const TransferProcess = Type.Object({ ...header('TransferProcess'), providerPid: Type.String(), consumerPid: Type.String(), state: Type.Union(STATES.map((s) => Type.Literal(s))) }, open);

const v = (s: TSchema) => messageValidator(s);
export const validateDataAddress = v(DataAddress);
export const validateTransferRequestMessage = v(TransferRequestMessage);
export const validateTransferStartMessage = v(TransferStartMessage);
export const validateTransferCompletionMessage = v(TransferCompletionMessage);
export const validateTransferSuspensionMessage = v(TransferSuspensionMessage);
export const validateTransferTerminationMessage = v(TransferTerminationMessage);
export const validateTransferError = v(TransferError);
export const validateTransferProcess = v(TransferProcess);
