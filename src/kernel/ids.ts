import { randomUUID } from 'node:crypto';

/** Identifiers come from here so tests can make them predictable. */
export interface IdGenerator {
  /** A fresh UUID (RFC 9562). */
  uuid(): string;
}

export const randomIds: IdGenerator = { uuid: () => randomUUID() };

/** Predictable ids for tests: 00000000-0000-4000-8000-000000000001, …002, … */
export class SequentialIds implements IdGenerator {
  #n = 0;
  uuid(): string {
    this.#n += 1;
    return `00000000-0000-4000-8000-${this.#n.toString(16).padStart(12, '0')}`;
  }
}
