package io.conclave.worker;

import java.nio.ByteBuffer;
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
    String digest = digest(request.step().action(), request.step().input(), request.input());
    String output = type + "." + request.step().action() + "[" + digest + "]: " + request.step().input()
        + " <- " + abbreviate(request.input());
    return new StepResult.Completed(output,
        List.of(new StepResult.DecisionDraft(StepEngine.RESULT_DECISION, output)));
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** Digest of the parts, each length-prefixed so that no two different splits of the same text collide. */
  private static String digest(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        sha.update(bytes);
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
