package io.conclave.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The OpenAPI document the build generates from the controllers' Javadoc (micronaut-openapi; served
 * at {@code /swagger/conclave-projections.yml}) reads as prose: no Javadoc tag or member reference
 * left in a summary or description, braces and code spans closed, and a plain one-sentence summary
 * for every operation, which Swagger UI shows as it is.
 */
class OpenApiDocumentTest {
  private static final String DOCUMENT = "META-INF/swagger/conclave-projections.yml";
  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private static final List<String> JAVADOC = List.of("{@", "@code", "@link");

  /** {@code Type#member}, {@code #member(Type)}: what a Javadoc link to a member becomes. */
  private static final Pattern MEMBER_REFERENCE = Pattern.compile("#[A-Za-z]\\w*");

  @Test
  void everySummaryAndDescriptionReadsAsProse() {
    assertThat(textProblems(document())).isEmpty();
  }

  @Test
  void everyOperationHasAPlainSummary() {
    assertThat(summaryProblems(document())).isEmpty();
  }

  @Test
  void theChecksNameWhatJavadocLeftInTheDocument() {
    // given: what micronaut-openapi made of Javadoc before the controllers' first sentences were
    // rewritten
    Map<String, Object> broken =
        Map.of(
            "paths",
            Map.of(
                "/admin/projections/rebuild",
                    Map.of(
                        "post",
                        Map.of(
                            "summary",
                                "Rebuilds the projections from `\"fromOffset\": N}`, @code \"fromTime\": \".",
                            "description",
                                "Rebuilds the projections from `{\"fromOffset\": N}, `{\"fromTime\": \"...\"}`.")),
                "/sagas",
                    Map.of("post", Map.of("description", "As #start(JsonNode), the body in YAML.")),
                "/agents/{agentId}/decisions",
                    Map.of(
                        "get",
                        Map.of(
                            "summary",
                                "Decisions of the agent, optionally only those with sequence in \\[from, to\\].",
                            "description", "Decisions of the agent."))));

    // when, then
    assertThat(textProblems(broken))
        .containsExactlyInAnyOrder(
            "paths./admin/projections/rebuild.post.summary has Javadoc left in it (@code): "
                + "Rebuilds the projections from `\"fromOffset\": N}`, @code \"fromTime\": \".",
            "paths./admin/projections/rebuild.post.summary has unbalanced braces: "
                + "Rebuilds the projections from `\"fromOffset\": N}`, @code \"fromTime\": \".",
            "paths./admin/projections/rebuild.post.description has an unclosed code span: "
                + "Rebuilds the projections from `{\"fromOffset\": N}, `{\"fromTime\": \"...\"}`.",
            "paths./sagas.post.description has a Javadoc member reference (#start): As #start(JsonNode), the body in YAML.");
    assertThat(summaryProblems(broken))
        .containsExactlyInAnyOrder(
            "POST /admin/projections/rebuild: the summary is not plain text (a backslash or backtick): "
                + "Rebuilds the projections from `\"fromOffset\": N}`, @code \"fromTime\": \".",
            "POST /sagas has no summary",
            "GET /agents/{agentId}/decisions: the summary is not plain text (a backslash or backtick): "
                + "Decisions of the agent, optionally only those with sequence in \\[from, to\\].");
  }

  private static Map<String, Object> document() {
    try (InputStream in =
        OpenApiDocumentTest.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
      assertThat(in)
          .as(DOCUMENT + " on the class path: the build generates it (micronaut-openapi)")
          .isNotNull();
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every summary and description anywhere in the document (operations, parameters, schemas,
   * properties).
   */
  private static List<String> textProblems(Map<String, Object> document) {
    List<String> problems = new ArrayList<>();
    walk("", document, problems);
    return problems;
  }

  private static void walk(String at, Object node, List<String> problems) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> {
            String where = at.isEmpty() ? String.valueOf(k) : at + "." + k;
            if ((k.equals("summary") || k.equals("description")) && v instanceof String text) {
              check(where, text, problems);
            } else {
              walk(where, v, problems);
            }
          });
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(at + "[" + i + "]", list.get(i), problems);
      }
    }
  }

  private static void check(String where, String text, List<String> problems) {
    JAVADOC.stream()
        .filter(text::contains)
        .findFirst()
        .ifPresent(tag -> problems.add(where + " has Javadoc left in it (" + tag + "): " + text));
    MEMBER_REFERENCE
        .matcher(text)
        .results()
        .findFirst()
        .ifPresent(
            r ->
                problems.add(
                    where + " has a Javadoc member reference (" + r.group() + "): " + text));
    int depth = 0;
    for (char c : text.toCharArray()) {
      depth += c == '{' ? 1 : c == '}' ? -1 : 0;
      if (depth < 0) {
        break;
      }
    }
    if (depth != 0) {
      problems.add(where + " has unbalanced braces: " + text);
    }
    if (text.chars().filter(c -> c == '`').count() % 2 != 0) {
      problems.add(where + " has an unclosed code span: " + text);
    }
  }

  /**
   * Each operation's summary: there, and plain text (Swagger UI does not render it as Markdown).
   */
  private static List<String> summaryProblems(Map<String, Object> document) {
    List<String> problems = new ArrayList<>();
    Map<?, ?> paths = (Map<?, ?>) document.get("paths");
    assertThat(paths).as("the document's paths").isNotEmpty();
    paths.forEach(
        (path, operations) ->
            ((Map<?, ?>) operations)
                .forEach(
                    (method, operation) -> {
                      if (!HTTP_METHODS.contains(String.valueOf(method))) {
                        return;
                      }
                      String name =
                          String.valueOf(method).toUpperCase(java.util.Locale.ROOT) + " " + path;
                      Object summary = ((Map<?, ?>) operation).get("summary");
                      if (!(summary instanceof String s) || s.isBlank()) {
                        problems.add(name + " has no summary");
                      } else if (s.contains("\\") || s.contains("`")) {
                        problems.add(
                            name
                                + ": the summary is not plain text (a backslash or backtick): "
                                + s);
                      }
                    }));
    return problems;
  }
}
