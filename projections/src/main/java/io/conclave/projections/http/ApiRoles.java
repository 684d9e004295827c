package io.conclave.projections.http;

import java.util.List;
import java.util.Locale;

/**
 * The roles an API token carries, each implying the ones before it: {@value #READER} reads (when
 * reads need a token, {@code conclave.security.read-access=authenticated}), {@value #WRITER} also
 * submits tasks and sagas and decides approvals, {@value #ADMIN} also replays, resets consumer
 * groups and rebuilds the projections ({@code /admin/**}). The constants are what {@code @Secured}
 * on the controllers names.
 */
public final class ApiRoles {
  static final String READER = "reader";
  public static final String WRITER = "writer";
  public static final String ADMIN = "admin";
  private static final List<String> ORDERED = List.of(READER, WRITER, ADMIN);

  private ApiRoles() {}

  /**
   * The roles a token of {@code role} holds: {@code role} and every role below it.
   *
   * @throws IllegalArgumentException if {@code role} is none of {@value #READER}, {@value #WRITER},
   *     {@value #ADMIN}
   */
  static List<String> implied(String role) {
    int index = ORDERED.indexOf(role == null ? "" : role.trim().toLowerCase(Locale.ROOT));
    if (index < 0) {
      throw new IllegalArgumentException(
          "unknown role '" + role + "' (one of " + String.join(", ", ORDERED) + ")");
    }
    return ORDERED.subList(0, index + 1);
  }
}
