/**
 * What the DSP context needs from others. The lead wires the real implementations (catalog, identity,
 * participants); the types are structural subsets, so richer real types fit.
 */
export interface OfferedDataset {
  dataset: {
    id: string;
    title: Record<string, string>;
    description: Record<string, string>;
    keywords: string[];
    themes: string[];
    languages: string[];
    license?: string | undefined;
    publisher?: string | undefined;
    containsPersonalData: boolean;
    distributions: Array<{ id?: string | undefined; title?: string | undefined; format: string; mediaType?: string | undefined }>;
    createdAt: string;
    updatedAt: string;
  };
  /** ODRL policies under which the dataset is offered; `id` is `urn:uuid:…`. */
  offers: Array<{ id: string; policy: Record<string, unknown> }>;
}

export interface CatalogQuery {
  text?: string | undefined;
  keywords?: string[] | undefined;
  themes?: string[] | undefined;
  limit: number;
  /** Datasets to skip; ignored when `cursor` is given. */
  offset?: number | undefined;
  /** The `nextCursor` of a previous page (opaque). */
  cursor?: string | undefined;
}

/** One page, oldest first; `nextCursor` is present when more datasets follow (no total: counting costs). */
export interface CatalogPage {
  items: OfferedDataset[];
  nextCursor?: string | undefined;
}

export interface CatalogReader {
  listOfferedDatasets(q: CatalogQuery): Promise<CatalogPage>;
  getOfferedDataset(id: string): Promise<OfferedDataset | undefined>;
}

/** Makes the compact JWT (audience = the receiver's DID) sent as `Authorization: Bearer <jwt>`. */
export interface TokenSigner {
  sign(audienceDid: string): Promise<string>;
}

export interface DirectoryParticipant {
  did: string;
  name: string;
  /** `dsp`: the participant's DSP base URL, e.g. http://127.0.0.1:3001/dsp. */
  endpoints: { dsp?: string | undefined };
}

export interface ParticipantDirectory {
  listActive(): Promise<DirectoryParticipant[]>;
}
