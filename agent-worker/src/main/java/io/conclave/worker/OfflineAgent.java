package io.conclave.worker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The deterministic agent used when no model is configured: no network, and the same request always gives the
 * same output, so sagas, replays and tests are reproducible.
 */
public final class OfflineAgent implements Agent {
  private final String type;

  public OfflineAgent(String type) {
    this.type = type;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public StepResult act(StepRequest request) {
    String digest = digest(request.step().action() + "\n" + request.step().input() + "\n" + request.input());
    String output = type + "." + request.step().action() + "[" + digest + "]: " + request.step().input()
        + " <- " + abbreviate(request.input());
    return new StepResult.Completed(output,
        List.of(new StepResult.DecisionDraft(StepEngine.RESULT_DECISION, output)));
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private static String digest(String s) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
