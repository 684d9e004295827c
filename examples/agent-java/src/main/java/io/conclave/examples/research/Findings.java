package io.conclave.examples.research;

import java.util.List;

/**
 * What the research agent found: the output of its {@code gather} step, the input of the writer's
 * {@code draft} step, and the structured answer it asks the model for.
 */
public record Findings(String topic, List<String> sources, String summary) {
  public Findings {
    sources = List.copyOf(sources);
  }
}
