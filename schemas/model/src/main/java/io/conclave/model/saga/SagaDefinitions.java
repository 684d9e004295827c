package io.conclave.model.saga;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link SagaDefinition} as a tree of maps and lists, the shape JSON and YAML parsers produce:
 *
 * <pre>
 * steps:
 *   - {agentType: research, action: gather, compensation: discard, timeout: 2m, retry: {maxAttempts: 3, backoff: 500ms}}
 *   - parallel:
 *       - {agentType: analysis, action: analyze, compensation: retract}
 *       - {agentType: fact-check, action: verify, compensation: forget}
 *   - {approval: editor-sign-off, timeout: 4h}
 *   - {agentType: write, action: draft, compensation: unpublish, input: "${prompt}\n\n${previous}"}
 * </pre>
 *
 * Durations are {@code 500ms}, {@code 30s}, {@code 5m}, {@code 4h}, ISO-8601 ({@code PT30S}) or a
 * number of milliseconds. Every error names the offending path, e.g. {@code
 * steps[1].parallel[0].action is required}.
 */
public final class SagaDefinitions {
  private static final Set<String> STEP_FIELDS =
      Set.of("agentType", "action", "compensation", "input", "timeout", "retry");
  private static final Set<String> APPROVAL_FIELDS = Set.of("approval", "timeout", "retry");
  private static final Set<String> RETRY_FIELDS = Set.of("maxAttempts", "backoff");
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

  private SagaDefinitions() {}

  /**
   * Reads a definition from {@code tree}: a map with a {@code steps} list.
   *
   * @throws IllegalArgumentException naming what is wrong and where
   */
  public static SagaDefinition fromTree(Object tree) {
    Map<?, ?> root = map(tree, "saga");
    unknown(root, Set.of("steps"), "saga");
    Object stepsNode = root.get("steps");
    if (stepsNode == null) {
      throw new IllegalArgumentException("steps is required: a list of steps");
    }
    List<?> entries = list(stepsNode, "steps");
    List<SagaStep> steps = new ArrayList<>();
    List<String> paths =
        new ArrayList<>(); // where each step is in the tree: ${steps.N} counts branches too
    for (int i = 0; i < entries.size(); i++) {
      String path = "steps[" + i + "]";
      Map<?, ?> entry = map(entries.get(i), path);
      if (entry.containsKey("parallel")) {
        unknown(entry, Set.of("parallel"), path);
        List<?> branches = list(entry.get("parallel"), path + ".parallel");
        if (branches.size() < 2) {
          throw new IllegalArgumentException(path + ".parallel needs at least two branches");
        }
        for (int b = 0; b < branches.size(); b++) {
          SagaStep branch =
              step(
                  map(branches.get(b), path + ".parallel[" + b + "]"),
                  path + ".parallel[" + b + "]");
          steps.add(b == 0 ? branch : branch.inParallel());
          paths.add(path + ".parallel[" + b + "]");
        }
      } else {
        steps.add(step(entry, path));
        paths.add(path);
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      try {
        SagaDefinition.checkStep(steps, i);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(paths.get(i) + ": " + e.getMessage(), e);
      }
    }
    try {
      return new SagaDefinition(steps);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid saga: " + e.getMessage(), e);
    }
  }

  /** The tree {@link #fromTree} reads back into {@code definition}. */
  public static Map<String, Object> toTree(SagaDefinition definition) {
    List<Object> entries = new ArrayList<>();
    List<Object> group = null;
    for (SagaStep s : definition.steps()) {
      Map<String, Object> node = node(s);
      if (s.parallel()) {
        if (group == null) {
          // the previous entry opens the group
          Object first = entries.remove(entries.size() - 1);
          group = new ArrayList<>(List.of(first));
          entries.add(Map.of("parallel", group));
        }
        group.add(node);
      } else {
        group = null;
        entries.add(node);
      }
    }
    return Map.of("steps", entries);
  }

  private static Map<String, Object> node(SagaStep s) {
    Map<String, Object> n = new LinkedHashMap<>();
    if (s.isApproval()) {
      n.put("approval", s.action());
    } else {
      n.put("agentType", s.agentType());
      n.put("action", s.action());
      n.put("compensation", s.compensation());
      if (!s.input().isEmpty()) {
        n.put("input", s.input());
      }
    }
    if (s.policy().hasDeadline()) {
      n.put("timeout", text(s.policy().timeout()));
    }
    n.put(
        "retry",
        Map.of("maxAttempts", s.policy().maxAttempts(), "backoff", text(s.policy().backoff())));
    return n;
  }

  /** {@code d} as {@link #duration} reads it back exactly. */
  private static String text(Duration d) {
    // "Nms" holds neither a part of a millisecond nor more than the 9 digits the short form reads
    boolean shortForm =
        d.getNano() % 1_000_000 == 0 && d.compareTo(Duration.ofMillis(999_999_999)) <= 0;
    return shortForm ? d.toMillis() + "ms" : d.toString();
  }

  private static SagaStep step(Map<?, ?> node, String path) {
    StepPolicy policy = policy(node, path);
    if (node.containsKey("approval")) {
      unknown(node, APPROVAL_FIELDS, path);
      return SagaStep.approval(text(node, "approval", path, true), policy);
    }
    unknown(node, STEP_FIELDS, path);
    String compensation = text(node, "compensation", path, false);
    return new SagaStep(
        text(node, "agentType", path, true),
        text(node, "action", path, true),
        text(node, "input", path, false),
        compensation,
        false,
        policy);
  }

  private static StepPolicy policy(Map<?, ?> node, String path) {
    StepPolicy p = StepPolicy.DEFAULT;
    if (node.get("timeout") != null) {
      Duration timeout = duration(node.get("timeout"), path + ".timeout");
      try {
        p = p.withTimeout(timeout);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + "." + e.getMessage(), e);
      }
    }
    if (node.get("retry") != null) {
      Map<?, ?> retry = map(node.get("retry"), path + ".retry");
      unknown(retry, RETRY_FIELDS, path + ".retry");
      int attempts = p.maxAttempts();
      if (retry.get("maxAttempts") != null) {
        Object a = retry.get("maxAttempts");
        if (!(a instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
          throw new IllegalArgumentException(
              path + ".retry.maxAttempts must be a whole number, was " + describe(a));
        }
        // checked before intValue(), which would wrap a long such as 4294967298 around to a valid 2
        if (n.doubleValue() < 1 || n.doubleValue() > StepPolicy.MAX_ATTEMPTS) {
          throw new IllegalArgumentException(
              path
                  + ".retry: maxAttempts must be between 1 and "
                  + StepPolicy.MAX_ATTEMPTS
                  + ", was "
                  + describe(a));
        }
        attempts = n.intValue();
      }
      Duration backoff =
          retry.get("backoff") == null
              ? p.backoff()
              : duration(retry.get("backoff"), path + ".retry.backoff");
      try {
        p = p.withRetries(attempts, backoff);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + ".retry: " + e.getMessage(), e);
      }
    }
    return p;
  }

  /**
   * Reads {@code 500ms}, {@code 30s}, {@code 5m}, {@code 4h}, {@code 1d}, ISO-8601 or a number of
   * milliseconds.
   */
  public static Duration duration(Object value, String path) {
    if (value instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && n.longValue() >= 0) {
      return Duration.ofMillis(n.longValue());
    }
    if (value instanceof String s) {
      Matcher m = SHORT_DURATION.matcher(s.trim());
      if (m.matches()) {
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(v);
          case "s" -> Duration.ofSeconds(v);
          case "m" -> Duration.ofMinutes(v);
          case "h" -> Duration.ofHours(v);
          default -> Duration.ofDays(v);
        };
      }
      try {
        Duration d = Duration.parse(s.trim());
        if (!d.isNegative()) {
          return d;
        }
      } catch (DateTimeParseException e) {
        // fall through to the message below
      }
    }
    throw new IllegalArgumentException(
        path + " must be a duration such as 500ms, 30s, 5m, 4h or PT30S, was " + describe(value));
  }

  private static String text(Map<?, ?> node, String field, String path, boolean required) {
    Object v = node.get(field);
    if (v == null) {
      if (required) {
        throw new IllegalArgumentException(path + "." + field + " is required");
      }
      return "";
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(
          path + "." + field + " must be a string, was " + describe(v));
    }
    if (required && s.isBlank()) {
      throw new IllegalArgumentException(path + "." + field + " must not be blank");
    }
    return s;
  }

  private static Map<?, ?> map(Object node, String path) {
    if (!(node instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(path + " must be an object, was " + describe(node));
    }
    return m;
  }

  private static List<?> list(Object node, String path) {
    if (!(node instanceof List<?> l)) {
      throw new IllegalArgumentException(path + " must be a list, was " + describe(node));
    }
    return l;
  }

  private static void unknown(Map<?, ?> node, Set<String> known, String path) {
    for (Object k : node.keySet()) {
      if (!known.contains(String.valueOf(k))) {
        throw new IllegalArgumentException(
            path + " has an unknown field '" + k + "'; known: " + known.stream().sorted().toList());
      }
    }
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof List) {
      return "a list";
    }
    return v.toString();
  }
}
