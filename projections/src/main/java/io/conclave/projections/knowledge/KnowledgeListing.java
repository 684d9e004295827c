package io.conclave.projections.knowledge;

import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.projections.http.StrictJson;

/**
 * Query of {@code GET /knowledge}: the keys starting with {@code prefix} (default: every key;
 * letters, digits, '-', '_' and '.', at most {@value KnowledgeDelta#MAX_KEY_LENGTH}), at most
 * {@code limit} of them (default {@value #DEFAULT_LIMIT}, 1 to {@value #MAX_LIMIT}). Immutable.
 */
record KnowledgeListing(String prefix, int limit) {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final int MAX_KEY_LENGTH = KnowledgeDelta.MAX_KEY_LENGTH;

  KnowledgeListing {
    checkPrefix(prefix);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
    }
  }

  /**
   * From the raw query parameters (each may be null). @throws IllegalArgumentException naming what
   * is wrong
   */
  static KnowledgeListing parse(String prefix, String limit) {
    Long n = StrictJson.optionalLong("limit", limit);
    if (n != null && (n < 1 || n > MAX_LIMIT)) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + n);
    }
    return new KnowledgeListing(
        prefix == null ? "" : prefix, n == null ? DEFAULT_LIMIT : n.intValue());
  }

  private static void checkPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("prefix must not be null");
    }
    if (prefix.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "prefix must be at most " + MAX_KEY_LENGTH + " characters, as keys are");
    }
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      boolean legal =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || c == '-'
              || c == '_'
              || c == '.';
      if (!legal) {
        throw new IllegalArgumentException(
            "prefix may only contain letters, digits, '-', '_' and '.', as keys do; was '"
                + prefix
                + "'");
      }
    }
  }
}
