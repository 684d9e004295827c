package io.conclave.worker.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.agent.CompensationRequest;
import io.conclave.agent.DecisionKinds;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.eventlog.KnowledgeUpdate;
import io.conclave.model.eventlog.LatestState;
import io.conclave.model.saga.SagaStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The remote-agent protocol's JSON ({@code docs/api/remote-agent.yaml}): the request the worker
 * sends for a step or a compensation, and the answer it reads back. Pure. Reading is strict: an
 * answer that breaks the protocol is an {@link IllegalArgumentException} saying what is wrong.
 */
final class RemoteWire {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The decision kind that records the state a remote agent returned (its fold: latest wins). */
  static final String STATE = LatestState.KIND;

  /** Kinds only the worker appends: a remote agent's decisions may not take them. */
  static final Set<String> RESERVED_KINDS =
      Set.of(
          STATE,
          DecisionKinds.MODEL_CALL,
          "LLM_CALL_FAILED",
          KnowledgeUpdate.KIND,
          DecisionKinds.FAILURE,
          DecisionKinds.COMPENSATION_FAILURE);

  private RemoteWire() {}

  /**
   * Where the agent's model calls go for this attempt.
   *
   * @param baseUrl the per-step base URL of the OpenAI-compatible endpoint
   * @param apiKey the attempt's token, as an OpenAI client sends its key
   * @param model the name of the model that answers
   */
  record ModelAccess(String baseUrl, String apiKey, String model) {}

  /**
   * What every request says of the agent and the attempt.
   *
   * @param state the agent's state, JSON text
   * @param redrive whether this is a re-drive over a recording: the agent should perform no effect
   *     outside Conclave
   */
  record Attempt(
      String agentId, String state, Instant deadline, ModelAccess model, boolean redrive) {}

  /** A decision the agent asks to append. */
  record Proposed(String kind, String payload) {}

  /**
   * A well-formed answer.
   *
   * @param state the agent's new state as JSON text, if it returned one
   */
  record Answer(
      StepResult result,
      List<Proposed> decisions,
      Optional<String> state,
      List<KnowledgeOp> knowledge) {}

  /** The body of {@code kind: act}. */
  static ObjectNode act(StepRequest request, Attempt attempt) {
    ObjectNode body =
        common(
            "act",
            request.step(),
            request.sagaId(),
            request.taskId(),
            request.stepIndex(),
            request.attempt(),
            request.idempotencyKey(),
            attempt);
    body.put("input", request.input());
    return body;
  }

  /** The body of {@code kind: compensate}. */
  static ObjectNode compensate(CompensationRequest request, Attempt attempt) {
    ObjectNode body =
        common(
            "compensate",
            request.step(),
            request.sagaId(),
            request.taskId(),
            request.stepIndex(),
            request.attempt(),
            request.idempotencyKey(),
            attempt);
    body.put("output", request.output()).put("reason", request.reason());
    return body;
  }

  private static ObjectNode common(
      String kind,
      SagaStep step,
      String sagaId,
      String taskId,
      int stepIndex,
      int attemptNumber,
      String idempotencyKey,
      Attempt attempt) {
    ObjectNode body = JSON.createObjectNode().put("kind", kind);
    body.put("agentType", step.agentType())
        .put("agentId", attempt.agentId())
        .put("sagaId", sagaId)
        .put("taskId", taskId)
        .put("stepIndex", stepIndex)
        .put("attempt", attemptNumber)
        .put("idempotencyKey", idempotencyKey);
    ObjectNode s =
        body.putObject("step")
            .put("agentType", step.agentType())
            .put("action", step.action())
            .put("input", step.input())
            .put("compensation", step.compensation())
            .put("parallel", step.parallel());
    s.putObject("policy")
        .put("timeoutMs", step.policy().timeout().toMillis())
        .put("maxAttempts", step.policy().maxAttempts())
        .put("backoffMs", step.policy().backoff().toMillis());
    body.set("state", tree(attempt.state()));
    body.put("deadline", attempt.deadline().toString());
    body.put("redrive", attempt.redrive());
    body.putObject("model")
        .put("baseUrl", attempt.model().baseUrl())
        .put("apiKey", attempt.model().apiKey())
        .put("model", attempt.model().model());
    return body;
  }

  /**
   * The answer of a 200.
   *
   * @throws IllegalArgumentException naming what breaks the protocol
   */
  static Answer answer(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    String status = text(root, "status", "status");
    StepResult result =
        switch (status) {
          case "completed" -> new StepResult.Completed(text(root, "output", "output"));
          case "failed" -> new StepResult.Failed(text(root, "reason", "reason"));
          default ->
              throw new IllegalArgumentException(
                  "status must be completed or failed, was '" + status + "'");
        };
    List<Proposed> decisions = new ArrayList<>();
    JsonNode ds = array(root, "decisions");
    for (int i = 0; i < ds.size(); i++) {
      String where = "decisions[" + i + "]";
      JsonNode d = object(ds.get(i), where);
      String kind = text(d, "kind", where + ".kind");
      if (kind.isBlank()) {
        throw new IllegalArgumentException(where + ".kind is blank");
      }
      if (RESERVED_KINDS.contains(kind)) {
        throw new IllegalArgumentException(
            where + ".kind " + kind + " is the worker's own (reserved: " + RESERVED_KINDS + ")");
      }
      decisions.add(new Proposed(kind, text(d, "payload", where + ".payload")));
    }
    Optional<String> state =
        root.has("state") ? Optional.of(root.get("state").toString()) : Optional.empty();
    List<KnowledgeOp> knowledge = new ArrayList<>();
    JsonNode ks = array(root, "knowledge");
    for (int i = 0; i < ks.size(); i++) {
      knowledge.add(knowledgeOp(object(ks.get(i), "knowledge[" + i + "]"), "knowledge[" + i + "]"));
    }
    return new Answer(result, List.copyOf(decisions), state, List.copyOf(knowledge));
  }

  private static KnowledgeOp knowledgeOp(JsonNode k, String where) {
    String op = text(k, "op", where + ".op");
    String key = text(k, "key", where + ".key");
    if (key.isBlank()) {
      throw new IllegalArgumentException(where + ".key is blank");
    }
    return switch (op) {
      case "increment" -> {
        long n = k.has("n") ? integer(k, "n", where + ".n") : 1;
        if (n < 1) {
          throw new IllegalArgumentException(where + ".n must be at least 1 to increment");
        }
        yield new KnowledgeOp.Increment(key, n);
      }
      case "add" -> new KnowledgeOp.Add(key, integer(k, "n", where + ".n"));
      case "addToSet" -> new KnowledgeOp.AddToSet(key, text(k, "element", where + ".element"));
      case "removeFromSet" ->
          new KnowledgeOp.RemoveFromSet(key, text(k, "element", where + ".element"));
      case "put" -> new KnowledgeOp.Put(key, text(k, "value", where + ".value"));
      case "clear" -> new KnowledgeOp.Clear(key);
      case "putField" ->
          new KnowledgeOp.PutField(
              key, text(k, "field", where + ".field"), text(k, "value", where + ".value"));
      case "removeField" -> new KnowledgeOp.RemoveField(key, text(k, "field", where + ".field"));
      default ->
          throw new IllegalArgumentException(
              where
                  + ".op must be increment, add, addToSet, removeFromSet, put, clear, putField or"
                  + " removeField, was '"
                  + op
                  + "'");
    };
  }

  /**
   * A problem document's {@code title: detail} ({@code application/problem+json}), or the start of
   * the body if it is none.
   */
  static String problem(String body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root != null && (root.path("title").isTextual() || root.path("detail").isTextual())) {
        String title = root.path("title").asText("");
        String detail = root.path("detail").asText("");
        return title.isEmpty() ? detail : detail.isEmpty() ? title : title + ": " + detail;
      }
    } catch (JsonProcessingException e) {
      // not a problem document: the body itself says what happened
    }
    return abbreviate(body);
  }

  /** One line, at most 300 characters. */
  static String abbreviate(String s) {
    String one = s == null ? "" : s.replaceAll("\\s+", " ").trim();
    return one.length() <= 300 ? one : one.substring(0, 300) + "...";
  }

  /** The JSON text as a tree (the state, which the fold keeps valid). */
  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(where + " must be a string" + found(v));
    }
    return v.asText();
  }

  private static long integer(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(where + " must be an integer" + found(v));
    }
    return v.asLong();
  }

  private static JsonNode array(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return JSON.createArrayNode();
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(field + " must be an array" + found(v));
    }
    return v;
  }

  private static JsonNode object(JsonNode v, String where) {
    if (!v.isObject()) {
      throw new IllegalArgumentException(where + " must be an object" + found(v));
    }
    return v;
  }

  private static String found(JsonNode v) {
    return v == null ? ", is missing" : ", was " + abbreviate(v.toString());
  }
}
