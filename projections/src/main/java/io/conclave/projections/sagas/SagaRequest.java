package io.conclave.projections.sagas;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaDefinition;
import io.conclave.model.saga.SagaDefinitions;
import io.conclave.projections.http.StrictJson;
import io.conclave.projections.tasks.TaskRequest;
import io.micronaut.json.tree.JsonNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Body of {@code POST /sagas}, in JSON or YAML: {@code {"taskId"?: "...", "prompt": "...", "steps":
 * [...]}} where {@code steps} is a saga in the {@link SagaDefinitions} format. Read strictly: no
 * unknown fields, no coercion.
 *
 * @param task the task to run the saga for
 * @param saga the client's saga
 */
public record SagaRequest(TaskRequest task, SagaDefinition saga) {
  private static final Set<String> FIELDS = Set.of("taskId", "prompt", "tenant", "steps");
  private static final String EXAMPLE =
      "{\"prompt\": \"...\", \"steps\": [{\"agentType\": \"research\", "
          + "\"action\": \"gather\", \"compensation\": \"discard\"}]}";
  // as micronaut.server.max-request-size (application.yml), which bounds the body before it gets
  // here
  private static final int MAX_CODE_POINTS = 1024 * 1024;

  /**
   * @throws IllegalArgumentException naming what is wrong, and where in the saga
   */
  static SagaRequest fromJson(JsonNode body) {
    return fromTree(body == null ? null : StrictJson.plain(body));
  }

  /**
   * Reads YAML into plain maps, lists and scalars only: no tags that make objects, no duplicate
   * keys, and bounded nesting and aliases, so a body cannot make the server build arbitrary types
   * or expand without end.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static SagaRequest fromYaml(String body) {
    return fromTree(readYaml(body));
  }

  /**
   * {@code body} as plain maps, lists and scalars, read as {@link #fromYaml} reads it (JSON is YAML
   * too).
   *
   * @throws IllegalArgumentException if it is not valid YAML, saying where
   */
  public static Object readYaml(String body) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(50);
    options.setNestingDepthLimit(50);
    options.setCodePointLimit(MAX_CODE_POINTS);
    Object tree;
    try {
      tree = new Yaml(new SafeConstructor(options)).load(body);
    } catch (YAMLException e) {
      throw new IllegalArgumentException("the body is not valid YAML: " + e.getMessage(), e);
    }
    return tree;
  }

  /** The task to submit: a new id unless the request names one, the saga as its plan. */
  public TaskSubmission submission(Instant now) {
    return task.submission(now, Optional.of(saga.steps()));
  }

  private static SagaRequest fromTree(Object tree) {
    if (!(tree instanceof Map<?, ?> root)) {
      throw new IllegalArgumentException("the body must be an object such as " + EXAMPLE);
    }
    root.keySet().forEach(field -> StrictJson.requireKnown(field, FIELDS));
    String prompt = string(root, "prompt");
    if (prompt == null) {
      throw new IllegalArgumentException("prompt is required");
    }
    Map<String, Object> saga = new HashMap<>();
    saga.put("steps", root.get("steps"));
    return new SagaRequest(
        new TaskRequest(string(root, "taskId"), prompt, string(root, "tenant")),
        SagaDefinitions.fromTree(saga));
  }

  private static String string(Map<?, ?> root, String field) {
    Object value = root.get(field);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return (String) value;
  }
}
