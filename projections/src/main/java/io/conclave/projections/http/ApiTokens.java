package io.conclave.projections.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API tokens the HTTP API accepts, from {@code conclave.security.tokens} ({@code
 * CONCLAVE_API_TOKENS}): entries {@code name:role:secret} separated by commas, {@code role} one of
 * {@link ApiRoles}, {@code secret} the token itself (at least {@value #MIN_SECRET_LENGTH}
 * characters) or {@code sha256:} and the hex SHA-256 of the token (so that the configuration does
 * not hold the token). Only the SHA-256 of each token is kept, and a presented token is compared
 * with every one in constant time. Immutable.
 */
record ApiTokens(List<Token> tokens) {
  static final int MIN_SECRET_LENGTH = 16;
  static final String SHA256_PREFIX = "sha256:";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

  /**
   * One configured token: its name (for logs and {@code Authentication}), its role, the SHA-256 of
   * its secret.
   */
  record Token(String name, String role, byte[] sha256) {
    List<String> roles() {
      return ApiRoles.implied(role);
    }
  }

  ApiTokens {
    tokens = List.copyOf(tokens);
  }

  /**
   * Parses the configured entries; blank ones are skipped.
   *
   * @throws IllegalArgumentException naming the entry (by position and name, never its secret) that
   *     is malformed, or a name given twice
   */
  static ApiTokens parse(List<String> entries) {
    List<Token> tokens = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int position = 0;
    for (String raw : entries) {
      for (String entry : raw.split(",")) {
        if (entry.isBlank()) {
          continue;
        }
        position++;
        Token token = token(entry.trim(), position);
        if (!names.add(token.name())) {
          throw new IllegalArgumentException(
              "API token '" + token.name() + "' is configured twice");
        }
        tokens.add(token);
      }
    }
    return new ApiTokens(tokens);
  }

  private static Token token(String entry, int position) {
    String[] parts = entry.split(":", 3);
    // an entry without a ':' may be a bare secret: only a name before a ':' is shown
    String where =
        "API token #"
            + position
            + (parts.length > 1 && NAME.matcher(parts[0]).matches() ? " ('" + parts[0] + "')" : "");
    if (parts.length != 3 || parts[2].isEmpty()) {
      throw new IllegalArgumentException(
          where + " is not name:role:secret (or name:role:sha256:<hex>)");
    }
    if (!NAME.matcher(parts[0]).matches()) {
      throw new IllegalArgumentException(
          where + ": the name must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    String role;
    try {
      List<String> implied = ApiRoles.implied(parts[1]);
      role = implied.get(implied.size() - 1);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
    String secret = parts[2];
    if (secret.startsWith(SHA256_PREFIX)) {
      String hex = secret.substring(SHA256_PREFIX.length());
      if (!SHA256_HEX.matcher(hex).matches()) {
        throw new IllegalArgumentException(
            where + ": after 'sha256:' come the 64 hex digits of the token's SHA-256");
      }
      return new Token(parts[0], role, HexFormat.of().parseHex(hex.toLowerCase()));
    }
    if (secret.length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException(
          where + ": the token is shorter than " + MIN_SECRET_LENGTH + " characters");
    }
    return new Token(parts[0], role, sha256(secret));
  }

  boolean isEmpty() {
    return tokens.isEmpty();
  }

  /**
   * The configured token {@code presented} is, if any; every token is compared, each in constant
   * time.
   */
  Optional<Token> find(String presented) {
    if (presented == null || presented.isEmpty()) {
      return Optional.empty();
    }
    byte[] digest = sha256(presented);
    Token found = null;
    for (Token token : tokens) {
      if (MessageDigest.isEqual(token.sha256(), digest)) {
        found = token;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The names of the tokens, for a log line. */
  List<String> names() {
    return tokens.stream().map(t -> t.name() + " (" + t.role() + ")").toList();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
