import type { FastifyReply } from 'fastify';

/** `"3"`, `W/"3"` or `3` -> 3 (the schema has already checked the shape). */
export const parseIfMatch = (h: string | undefined): number | undefined => (h === undefined ? undefined : Number(h.replace(/^W\//, '').replace(/"/g, '')));

/** Sets the ETag and returns a JSON-friendly copy (timestamps as ISO strings). */
export const withEtag = <T extends { version: number; createdAt: Date; updatedAt: Date }>(reply: FastifyReply, entity: T) => {
  reply.header('etag', `"${entity.version}"`);
  return view(entity);
};

export const view = <T extends { createdAt: Date; updatedAt: Date }>(e: T): Omit<T, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string } => ({
  ...e,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});
