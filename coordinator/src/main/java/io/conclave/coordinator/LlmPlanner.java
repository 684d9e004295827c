package io.conclave.coordinator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.ResponseSchema;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.SagaDefinitions;
import io.conclave.model.saga.SagaStep;
import io.conclave.models.CallLedger;
import io.conclave.models.ModelCall;
import io.conclave.models.Models;
import io.conclave.models.OpenAiWire;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.env.EnvironmentLookup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A planner that asks a model for the saga: the system prompt lists the agent types the
 * installation runs and the registered definitions, and the answer must follow {@link #SCHEMA}
 * (structured output): either {@code {"definition": "<name>"}}, a registered definition, or {@code
 * {"steps": [...]}}, a saga in the {@link SagaDefinitions} format. An answer that is not one, names
 * a definition nobody registered, or breaks a saga's rules is refused, saying why; the shard leader
 * then checks the agent types ({@link TaskPlanning#checked}). The call is recorded either way (an
 * {@code LLM_CALL} decision of the planner's log, before its plan or refusal), so the log shows
 * what the model answered.
 *
 * <p>Thread-safe if the model client is. The model client carries the policies of every model call
 * (retries, time limits, breaker, budgets); a failure it gives up on is the planning's, and the
 * task is planned again.
 */
public final class LlmPlanner implements Planner {
  /** The name that selects it ({@link Planners#PLANNER}). */
  public static final String NAME = "llm";

  /** The JSON schema of the model's answer. */
  public static final ResponseSchema SCHEMA =
      new ResponseSchema(
          "saga_plan",
          """
          {"type": "object",
           "properties": {
             "definition": {"type": "string",
               "description": "the name of a registered saga definition that fits the task"},
             "steps": {"type": "array", "description": "the saga's steps in order, when no registered definition fits",
               "items": {"type": "object",
                 "properties": {
                   "agentType": {"type": "string"},
                   "action": {"type": "string"},
                   "compensation": {"type": "string", "description": "the action that undoes the step"},
                   "input": {"type": "string", "description": "optional; ${prompt}, ${previous} and ${steps.N} are replaced"},
                   "parallel": {"type": "array", "description": "instead of one step: two or more steps run at the same time",
                     "items": {"type": "object"}}}}}}}
          """);

  /** The most of a bad answer a refusal quotes: the whole answer is in the recorded call. */
  private static final int QUOTE = 200;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LlmClient model;
  private final List<String> agentTypes;
  private final CallLedger ledger;
  private final Clock clock;

  /**
   * @param model the model client, with its call policies
   * @param agentTypes the agent types the installation runs, which the prompt lists
   * @param ledger what a call costs, and whether its texts are recorded or only their digests
   */
  public LlmPlanner(LlmClient model, List<String> agentTypes, CallLedger ledger, Clock clock) {
    this.model = model;
    this.agentTypes = List.copyOf(agentTypes);
    this.ledger = ledger;
    this.clock = clock;
  }

  /** A planner whose calls cost nothing and are recorded in full. */
  public LlmPlanner(LlmClient model, List<String> agentTypes, Clock clock) {
    this(model, agentTypes, CallLedger.FREE, clock);
  }

  /**
   * Registers the LLM planner under the name {@value #NAME}: it asks the model the worker settings
   * configure ({@code conclave.llm.*}, {@link Models}), behind a call pipeline of its own (breaker
   * {@code model:<model>/planner}), the offline model without a model server.
   */
  public static final class Provider implements PlannerProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Planner planner(ConclaveSettings settings, EnvironmentLookup env) {
      Clock clock = Clock.systemUTC();
      return new LlmPlanner(
          Models.client(env, clock, CoordinatorHandler.PLANNER_TYPE, new SimpleMeterRegistry()),
          settings.agentTypes(),
          Models.ledger(env, Models.modelName(env)),
          clock);
    }
  }

  /** The plan, without definitions to choose among. */
  @Override
  public List<SagaStep> plan(TaskSubmission task) {
    Planning planning = plan(task, TreeMap::new);
    if (planning instanceof Planning.Refused refused) {
      throw new IllegalArgumentException(refused.reason());
    }
    return ((Planning.Planned) planning).steps();
  }

  @Override
  public Planning plan(
      TaskSubmission task, Supplier<SortedMap<String, RegisteredSaga>> definitions) {
    SortedMap<String, RegisteredSaga> registered = definitions.get();
    ChatRequest request =
        ChatRequest.of(
                ChatMessage.system(systemPrompt(registered)), ChatMessage.user(task.prompt()))
            .withResponseSchema(SCHEMA)
            .withTemperature(0);
    long start = clock.millis();
    ChatResponse answer = model.chat(request);
    List<Planning.Recorded> call = List.of(recorded(request, answer, clock.millis() - start));
    String refusal = "the model's plan is refused: ";
    // an answer cut short or filtered is no plan even if it parses; a server that does not say
    // why it stopped (OTHER) is taken at its word
    if (answer.finishReason() != ChatResponse.FinishReason.STOP
        && answer.finishReason() != ChatResponse.FinishReason.OTHER) {
      return new Planning.Refused(
          refusal + "the answer did not end normally (" + answer.finishReason() + ")", call);
    }
    Object tree;
    try {
      tree = JSON.readValue(answer.text(), Object.class);
    } catch (JsonProcessingException e) {
      return new Planning.Refused(
          refusal + "the answer is not JSON: '" + quote(answer.text()) + "'", call);
    }
    if (tree instanceof Map<?, ?> root && root.get("definition") instanceof String name) {
      RegisteredSaga named = registered.get(name);
      if (named == null || root.containsKey("steps")) {
        return new Planning.Refused(
            refusal
                + (named == null
                    ? "no saga definition named '" + name + "' is registered"
                    : "it names a definition and has steps too"),
            call);
      }
      return new Planning.Planned(named.definition().steps(), call);
    }
    try {
      return new Planning.Planned(SagaDefinitions.fromTree(tree).steps(), call);
    } catch (IllegalArgumentException e) {
      return new Planning.Refused(refusal + e.getMessage(), call);
    }
  }

  /** What the model is told: the agent types, the definitions, the answer's shape. */
  String systemPrompt(SortedMap<String, RegisteredSaga> registered) {
    StringBuilder p = new StringBuilder();
    p.append("You plan the saga that carries out a task, as a JSON object.\n")
        .append("The agent types that can run a step: ")
        .append(String.join(", ", agentTypes))
        .append(
            ". Use no other; a step may also be a human approval: {\"approval\": \"<name>\"}.\n")
        .append("Each step: {\"agentType\", \"action\", \"compensation\" (what undoes it), ")
        .append("\"input\" (optional; ${prompt} is the task, ${previous} the previous output)}; ")
        .append("{\"parallel\": [step, step, ...]} runs steps at the same time.\n");
    if (registered.isEmpty()) {
      p.append("Answer {\"steps\": [...]}.");
    } else {
      p.append("Registered saga definitions; answer {\"definition\": \"<name>\"} to run one as")
          .append(" it is, or {\"steps\": [...]} if none fits:\n");
      registered.forEach(
          (name, d) ->
              p.append("- ")
                  .append(name)
                  .append(": ")
                  .append(TaskIntake.describe(d.definition().steps()))
                  .append('\n'));
    }
    return p.toString();
  }

  /** The call as the workers record theirs ({@link ModelCall}), for the planner's log. */
  private Planning.Recorded recorded(ChatRequest request, ChatResponse answer, long latencyMs) {
    var call =
        new ModelCall(
            answer.model(),
            ledger.recorded(OpenAiWire.canonical(request)),
            ledger.recorded(answer.text()),
            List.of(),
            answer.finishReason(),
            answer.usage(),
            ledger.costMicros(answer.model(), answer.usage()),
            latencyMs);
    return new Planning.Recorded(ModelCall.KIND, call.payload(), Optional.of(call.model()));
  }

  private static String quote(String text) {
    return text.length() <= QUOTE ? text : text.substring(0, QUOTE) + "...";
  }
}
