package io.conclave.model.saga;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a step's input mapping: {@code ${prompt}}, {@code ${previous}} and {@code ${steps.N}} are
 * replaced by the task's prompt, the previous stage's output and step N's output; {@code $$} is a
 * literal {@code $}. A reference to a step that has no output (yet) renders empty. Pure.
 */
public final class InputMapping {
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\$\\$|\\$\\{([a-z]+)(?:\\.(\\d{1,4}))?}");
  // anything in ${...}: a typo such as ${Previous} or ${steps.x} must be reported, not left in the
  // text
  private static final Pattern CANDIDATE = Pattern.compile("\\$\\$|\\$\\{[^}]*}");

  private InputMapping() {}

  /** The step's input with its placeholders replaced, as of {@code slip}. */
  public static String render(RoutingSlip slip, int stepIndex) {
    String template = slip.steps().get(stepIndex).input();
    if (template.indexOf('$') < 0) {
      return template;
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(value(slip, stepIndex, m)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Checks the placeholders of step {@code index}'s mapping in a plan of {@code size} steps.
   *
   * @throws IllegalArgumentException naming the step and the placeholder that is wrong
   */
  static void check(String template, int index, int size) {
    Matcher c = CANDIDATE.matcher(template);
    while (c.find()) {
      if (c.group().equals("$$")) {
        continue;
      }
      Matcher m = PLACEHOLDER.matcher(c.group());
      boolean ok =
          m.matches()
              && switch (m.group(1)) {
                case "prompt", "previous" -> m.group(2) == null;
                case "steps" -> m.group(2) != null && Integer.parseInt(m.group(2)) < index;
                default -> false;
              };
      if (!ok) {
        throw new IllegalArgumentException(
            "step "
                + index
                + ": input placeholder '"
                + c.group()
                + "' is not ${prompt}, ${previous} or ${steps.N} with N an earlier step (N < "
                + index
                + ")");
      }
    }
    if (size <= 0) {
      throw new IllegalArgumentException("a saga needs at least one step");
    }
  }

  private static String value(RoutingSlip slip, int stepIndex, Matcher m) {
    if (m.group().equals("$$")) {
      return "$";
    }
    return switch (m.group(1)) {
      case "prompt" -> slip.prompt();
      case "previous" -> slip.previousOutput(slip.stageOf(stepIndex));
      case "steps" -> slip.outputs().getOrDefault(Integer.parseInt(m.group(2)), "");
      default -> m.group();
    };
  }
}
