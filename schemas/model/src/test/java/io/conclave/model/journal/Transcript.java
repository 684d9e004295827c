package io.conclave.model.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.StateFold;
import java.util.ArrayList;
import java.util.List;

/**
 * A test fold that remembers every decision in order, so any loss, repeat or reordering shows in
 * the state.
 */
final class Transcript implements StateFold<List<String>> {
  static final Transcript FOLD = new Transcript();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String id() {
    return "transcript/1";
  }

  @Override
  public List<String> initial() {
    return List.of();
  }

  @Override
  public List<String> apply(List<String> state, Decision d) {
    List<String> next = new ArrayList<>(state);
    next.add(d.sequence() + ":" + d.kind() + ":" + d.payload());
    return List.copyOf(next);
  }

  @Override
  public String encode(List<String> state) {
    try {
      return JSON.writeValueAsString(state);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public List<String> decode(String encoded) {
    try {
      return List.copyOf(JSON.readValue(encoded, new TypeReference<List<String>>() {}));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
