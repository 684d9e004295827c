package io.conclave.schemas;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;

/**
 * Apicurio's datum provider, but making one reader per writer schema and thread instead of one per
 * record: building a {@code SpecificDatumReader} costs several times more than decoding a record
 * with it, and replaying an event log decodes millions. The schemas are the resolver's cached
 * instances, so identity is equality here.
 */
public final class ReaderCachingDatumProvider<T> extends DefaultAvroDatumProvider<T> {
  // per thread: a reader's resolver is tuned for the thread that made it
  private final ThreadLocal<Map<Schema, DatumReader<T>>> readers =
      ThreadLocal.withInitial(IdentityHashMap::new);

  @Override
  public DatumReader<T> createDatumReader(Schema schema) {
    return readers.get().computeIfAbsent(schema, super::createDatumReader);
  }
}
