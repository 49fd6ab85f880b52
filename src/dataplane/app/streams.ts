import type { DataDestination, DistributionSource } from './ports.js';
import type { Sink, SinkOptions } from './sink.js';
import type { OpenedSource, SourceRequest } from './source.js';

/** The technologies behind sources and sinks (files, REST, SQL), as the use cases see them. */
export interface Streams {
  openSource(source: DistributionSource, req: SourceRequest, mediaType?: string): Promise<OpenedSource>;
  openSink(destination: DataDestination, opts: SinkOptions): Promise<Sink>;
}
