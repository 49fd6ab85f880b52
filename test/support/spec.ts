import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/spec beside the repository, where the standard artifacts used as test data live. */
export const SPEC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'spec');
export const specAvailable = existsSync(SPEC_DIR);
/** Pass as `{ skip }` to tests that read ../shared/spec. */
export const specSkip: string | false = specAvailable ? false : `../shared/spec not found at ${SPEC_DIR}: standard test data unavailable in this clone`;
