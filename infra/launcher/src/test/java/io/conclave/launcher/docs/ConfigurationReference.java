package io.conclave.launcher.docs;

import io.conclave.coordinator.Coordinator;
import io.conclave.coordinator.TokenBudgets;
import io.conclave.models.Models;
import io.conclave.projections.http.Backpressure;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.env.Setting;
import io.conclave.runtime.security.KafkaClientSecurity;
import io.conclave.worker.AgentWorker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration reference ({@code docs/configuration.md}) against the code: the {@code
 * conclave.*} settings the services read, each with the environment variable and the default it is
 * read with, and the rows of its tables that document them (rows whose first cell holds backticked
 * {@code conclave.} keys, under a header with an {@code environment} column and a {@code default}
 * or {@code meaning} one). A setting read but documented by no row, documented but read nowhere, or
 * documented with another variable or default than the code's, is a problem.
 *
 * <p>Where the code says what: the {@link Setting}s the services declare ({@link #DECLARED}); the
 * projections' {@code application.yml} (a value, or a placeholder {@code ${VARIABLE:default}}, and
 * Micronaut's mapping of {@code CONCLAVE_X_Y} to {@code conclave.x.y} otherwise); Micronaut reads
 * without a default ({@code getProperty("conclave.x", T.class).orElse(null)}). Settings below a
 * pass-through prefix (any Kafka client or Streams property) are one setting, {@code
 * <prefix>.<key>}, as the reference writes them, without variable or default.
 */
final class ConfigurationReference {
  /**
   * The modules whose processes read Conclave's settings (the model's and the runtime's code runs
   * in each).
   */
  private static final List<String> MODULES =
      List.of(
          "schemas/model",
          "schemas/avro",
          "infra/runtime",
          "coordinator",
          "agent-worker/api",
          "agent-worker/engine",
          "projections");

  /** The settings the services declare, by where they are declared. */
  private static final Map<String, List<Setting>> DECLARED =
      Map.of(
          "ConclaveSettings.SETTINGS",
          ConclaveSettings.SETTINGS,
          "TokenBudgets.SETTINGS",
          TokenBudgets.SETTINGS,
          "Models.SETTINGS",
          Models.SETTINGS,
          "AgentWorker.SETTINGS",
          AgentWorker.SETTINGS,
          "Coordinator.SETTINGS",
          Coordinator.SETTINGS,
          "Backpressure.SETTINGS",
          Backpressure.SETTINGS);

  /** A property literal followed by its environment name: a Setting's declaration. */
  private static final Pattern LOOKUP =
      Pattern.compile("\"(conclave\\.[a-z0-9.-]*[a-z0-9])\",\\s*\"[A-Z][A-Z0-9_]*\"");

  /** System.getProperty and Micronaut's Environment.getProperty. */
  private static final Pattern GET_PROPERTY =
      Pattern.compile("getProperty\\(\\s*\"(conclave\\.[a-z0-9.-]*[a-z0-9])\"");

  /** Micronaut's Environment.getProperty without a default. */
  private static final Pattern GET_PROPERTY_OR_NULL =
      Pattern.compile(
          "getProperty\\(\\s*\"(conclave\\.[a-z0-9.-]*[a-z0-9])\",\\s*[\\w.]+\\.class\\)\\s*\\.orElse\\(null\\)");

  /** Micronaut's Environment.getProperties(prefix): every key below it. */
  private static final Pattern GET_PROPERTIES =
      Pattern.compile("getProperties\\(\\s*\"(conclave\\.[a-z0-9.-]*[a-z0-9])\"");

  /** A YAML value that is one placeholder, {@code ${NAME}} or {@code ${NAME:default}}. */
  private static final Pattern WHOLE_PLACEHOLDER =
      Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::(.*))?}");

  /** A placeholder of a Conclave setting anywhere in a YAML file. */
  private static final Pattern SETTING_PLACEHOLDER =
      Pattern.compile("\\$\\{(conclave\\.[a-z0-9.-]*[a-z0-9])(?::([^}]*))?}");

  private static final String ANY_KEY = "<key>";

  /** Settings the code reads that are no operator's to set, each with why. */
  static final Map<String, String> NOT_SETTINGS =
      Map.of(
          "conclave.parent-pid",
          "set by bin/conclave on the processes it starts, so that they exit when it dies");

  private static final Pattern CELL_SEPARATOR = Pattern.compile("(?<!\\\\)\\|");
  private static final Pattern HEADER_SEPARATOR = Pattern.compile("^\\|\\s*:?-{3,}.*");
  private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
  private static final Pattern KEY = Pattern.compile("\\.?[a-z0-9][a-z0-9.<>-]*");
  private static final Pattern VARIABLE = Pattern.compile("`(_?[A-Z][A-Z0-9_]*)`|\\.\\.\\.|…");
  private static final Pattern DEFAULT_ITEM = Pattern.compile("`([^`]*)`|none\\b");
  private static final Pattern MARKED_DEFAULT = Pattern.compile("`([^`]*)` \\(default\\)");

  private ConfigurationReference() {}

  /**
   * What one place of the code says of a setting.
   *
   * @param where the place: a declaration, a file
   * @param variable the environment variable it is read from; null: this place does not say (a
   *     pass-through, or a read of a setting declared elsewhere)
   * @param fallback its default; null: none
   */
  record Reading(String where, String variable, String fallback) {
    Reading {
      fallback = fallback == null || fallback.isBlank() ? null : fallback;
    }

    static Reading keyOnly(String where) {
      return new Reading(where, null, null);
    }
  }

  /**
   * A row of a reference table that documents settings.
   *
   * @param line its line in the reference, from 1
   * @param keys the keys of its first cell
   * @param variables the environment variable it gives each key (null: none stated, as for a
   *     pass-through)
   * @param defaults the default it gives each key (null: none)
   * @param problems what cannot be read from it
   */
  record Row(
      int line,
      List<String> keys,
      List<String> variables,
      List<String> defaults,
      List<String> problems) {}

  /**
   * The {@code conclave.*} settings the services of the build at {@code root} read, each with its
   * readings.
   */
  static Map<String, List<Reading>> codeSettings(Path root) {
    Map<String, List<Reading>> read = new TreeMap<>();
    Set<String> prefixes = new TreeSet<>();
    prefixes.add(KafkaClientSecurity.EXTRA_PREFIX);
    DECLARED.forEach(
        (where, settings) ->
            settings.forEach(
                s -> add(read, s.property(), new Reading(where, s.variable(), s.fallback()))));
    for (String module : MODULES) {
      SourceTree.mainSources(root, module)
          .forEach(
              (file, text) -> {
                for (Pattern p : List.of(LOOKUP, GET_PROPERTY)) {
                  p.matcher(text)
                      .results()
                      .forEach(r -> add(read, r.group(1), Reading.keyOnly(file)));
                }
                GET_PROPERTY_OR_NULL
                    .matcher(text)
                    .results()
                    .forEach(
                        r ->
                            add(
                                read,
                                r.group(1),
                                new Reading(file, environmentForm(r.group(1)), null)));
                GET_PROPERTIES.matcher(text).results().forEach(r -> prefixes.add(r.group(1) + "."));
              });
      Path config = SourceTree.applicationYml(root, module);
      if (config != null) {
        readYml(root, config, read);
      }
    }
    Map<String, List<Reading>> settings = new TreeMap<>();
    read.forEach(
        (key, readings) -> {
          if (!NOT_SETTINGS.containsKey(key)) {
            String collapsed = collapse(key, prefixes);
            settings
                .computeIfAbsent(collapsed, k -> new ArrayList<>())
                .addAll(
                    collapsed.equals(key)
                        ? readings
                        : List.of(Reading.keyOnly(readings.get(0).where())));
          }
        });
    prefixes.forEach(p -> add(settings, p + ANY_KEY, Reading.keyOnly("a pass-through prefix")));
    return settings;
  }

  /**
   * The leaves of {@code conclave.*} (values, or placeholders of a variable), and placeholders of
   * settings anywhere.
   */
  private static void readYml(Path root, Path config, Map<String, List<Reading>> read) {
    String where = root.relativize(config).toString();
    Object yml = SourceTree.yaml(config).get(0);
    Map<String, Object> leaves = new TreeMap<>();
    if (yml instanceof Map<?, ?> m) {
      leaves(m, "", leaves);
    }
    leaves.forEach(
        (key, value) -> {
          if (!key.startsWith("conclave.")) {
            return;
          }
          Matcher placeholder = WHOLE_PLACEHOLDER.matcher(String.valueOf(value));
          if (!placeholder.matches()) {
            add(
                read,
                key,
                new Reading(
                    where, environmentForm(key), value == null ? null : String.valueOf(value)));
          } else if (placeholder.group(1).equals(placeholder.group(1).toUpperCase(Locale.ROOT))) {
            add(read, key, new Reading(where, placeholder.group(1), unquote(placeholder.group(2))));
          } else {
            add(
                read,
                key,
                Reading.keyOnly(
                    where)); // the value of another setting: that one's reading says what
          }
        });
    SETTING_PLACEHOLDER
        .matcher(SourceTree.read(config))
        .results()
        .forEach(
            r ->
                add(
                    read,
                    r.group(1),
                    new Reading(where, environmentForm(r.group(1)), unquote(r.group(2)))));
  }

  private static void leaves(Map<?, ?> yml, String prefix, Map<String, Object> into) {
    yml.forEach(
        (k, v) -> {
          if (v instanceof Map<?, ?> m) {
            leaves(m, prefix + k + ".", into);
          } else {
            into.put(prefix + k, v);
          }
        });
  }

  /** A placeholder's default: Micronaut's backticks keep a value with colons whole. */
  private static String unquote(String value) {
    return value != null && value.length() >= 2 && value.startsWith("`") && value.endsWith("`")
        ? value.substring(1, value.length() - 1)
        : value;
  }

  private static void add(Map<String, List<Reading>> read, String key, Reading reading) {
    read.computeIfAbsent(key, k -> new ArrayList<>()).add(reading);
  }

  private static String collapse(String key, Set<String> prefixes) {
    return prefixes.stream().filter(key::startsWith).findFirst().map(p -> p + ANY_KEY).orElse(key);
  }

  /**
   * {@code conclave.x.y-z} → {@code CONCLAVE_X_Y_Z}: the variable Micronaut maps to a key, and the
   * one a reference row means by {@code ...} after the variables it names.
   */
  static String environmentForm(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The keys the tables of a reference document ({@link #documentedRows}). */
  static Set<String> documentedSettings(String reference) {
    Set<String> keys = new TreeSet<>();
    documentedRows(reference).forEach(row -> keys.addAll(row.keys()));
    return keys;
  }

  /**
   * The rows of a reference's tables that document settings. The keys are the backticked keys of a
   * row's first cell; a key without the {@code conclave.} prefix after one with it names a sibling:
   * {@code `conclave.llm.timeout-ms`, `max-attempts`} is also {@code conclave.llm.max-attempts},
   * {@code `...truststore.location`, `.password`} also {@code ...truststore.password}. The
   * environment cell names a variable per key: {@code `_PASSWORD`} after {@code
   * `KAFKA_SSL_TRUSTSTORE_LOCATION`} is {@code KAFKA_SSL_TRUSTSTORE_PASSWORD}, and {@code ...}
   * stands for the {@link #environmentForm} of each key left. A {@code default} cell starts with
   * the defaults, {@code `value`} or {@code none}, separated by commas: one per key, or one for
   * all; a {@code meaning} cell marks the default as {@code `value` (default)}, and without one
   * there is none.
   */
  static List<Row> documentedRows(String reference) {
    List<Row> rows = new ArrayList<>();
    String[] lines = reference.split("\n", -1);
    List<String> header = List.of();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (!line.startsWith("|") || HEADER_SEPARATOR.matcher(line).matches()) {
        continue;
      }
      List<String> cells = cells(line);
      if (i + 1 < lines.length && HEADER_SEPARATOR.matcher(lines[i + 1]).matches()) {
        header = cells.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
        continue;
      }
      List<String> keys = keys(cells.get(0));
      if (!keys.isEmpty()) {
        rows.add(row(i + 1, keys, header, cells));
      }
    }
    return rows;
  }

  private static List<String> cells(String line) {
    String inner =
        line.substring(1).endsWith("|") ? line.substring(1, line.length() - 1) : line.substring(1);
    return CELL_SEPARATOR.splitAsStream(inner).map(String::trim).toList();
  }

  private static List<String> keys(String cell) {
    List<String> keys = new ArrayList<>();
    String full = null;
    Matcher b = BACKTICKED.matcher(cell);
    while (b.find()) {
      String token = b.group(1).trim();
      if (token.startsWith("conclave.") && KEY.matcher(token).matches()) {
        full = token;
        keys.add(token);
      } else if (full != null && KEY.matcher(token).matches()) {
        String sibling = token.startsWith(".") ? token.substring(1) : token;
        keys.add(full.substring(0, full.lastIndexOf('.') + 1) + sibling);
      }
    }
    return keys;
  }

  private static Row row(int line, List<String> keys, List<String> header, List<String> cells) {
    List<String> problems = new ArrayList<>();
    List<String> none = Collections.nCopies(keys.size(), null);
    if (keys.stream().allMatch(k -> k.endsWith(ANY_KEY))) {
      return new Row(
          line, keys, none, none, problems); // a pass-through: any key, no variable, no default
    }
    int environment = header.indexOf("environment");
    int defaults = header.indexOf("default");
    int meaning = header.indexOf("meaning");
    if (environment < 0 || (defaults < 0 && meaning < 0) || cells.size() < header.size()) {
      problems.add(
          "its table has no environment and default (or meaning) columns, or the row too few cells");
      return new Row(line, keys, none, none, problems);
    }
    return new Row(
        line,
        keys,
        variables(keys, cells.get(environment), problems),
        defaults >= 0
            ? defaults(keys, cells.get(defaults), problems)
            : marked(keys, cells.get(meaning)),
        problems);
  }

  private static List<String> variables(List<String> keys, String cell, List<String> problems) {
    List<String> names = new ArrayList<>();
    Matcher m = VARIABLE.matcher(cell);
    while (m.find() && names.size() < keys.size() + 1) {
      if (m.group(1) == null) { // ...: the rest are named after their keys
        keys.subList(names.size(), keys.size()).forEach(k -> names.add(environmentForm(k)));
        break;
      }
      String name = m.group(1);
      if (name.startsWith("_")) {
        String previous = names.isEmpty() ? "" : names.get(names.size() - 1);
        name = previous.substring(0, Math.max(previous.lastIndexOf('_'), 0)) + name;
      }
      names.add(name);
    }
    return fit(keys, names, "environment variables", problems);
  }

  private static List<String> defaults(List<String> keys, String cell, List<String> problems) {
    List<String> values = new ArrayList<>();
    String rest = cell;
    Matcher m = DEFAULT_ITEM.matcher(rest);
    while (m.lookingAt()) {
      values.add(m.group(1)); // null for none
      rest = rest.substring(m.end());
      if (!rest.startsWith(", ")) {
        break;
      }
      rest = rest.substring(2);
      m = DEFAULT_ITEM.matcher(rest);
    }
    if (values.isEmpty()) {
      problems.add("the default cell does not start with the default (`value` or none)");
      return Collections.nCopies(keys.size(), null);
    }
    return values.size() == 1
        ? Collections.nCopies(keys.size(), values.get(0))
        : fit(keys, values, "defaults", problems);
  }

  private static List<String> marked(List<String> keys, String cell) {
    Matcher m = MARKED_DEFAULT.matcher(cell);
    return Collections.nCopies(keys.size(), m.find() ? m.group(1) : null);
  }

  private static List<String> fit(
      List<String> keys, List<String> values, String what, List<String> problems) {
    if (values.size() != keys.size()) {
      problems.add("it names " + values.size() + " " + what + " for " + keys.size() + " keys");
    }
    List<String> fitted = new ArrayList<>(values.subList(0, Math.min(values.size(), keys.size())));
    while (fitted.size() < keys.size()) {
      fitted.add(null);
    }
    return fitted;
  }

  /**
   * One line per problem, none if the reference and the code agree: a setting read but not
   * documented, documented but not read, or read with another variable or default than its row says
   * (naming the row's line and key), a row that cannot be read, and a setting whose variable and
   * default nothing in the code states.
   */
  static List<String> problems(Map<String, List<Reading>> read, List<Row> rows) {
    List<String> problems = new ArrayList<>();
    Map<String, Row> documented = new LinkedHashMap<>();
    rows.forEach(row -> row.keys().forEach(k -> documented.putIfAbsent(k, row)));
    read.forEach(
        (key, readings) -> {
          if (!documented.containsKey(key)) {
            problems.add(
                key
                    + " is read ("
                    + readings.get(0).where()
                    + ") but no table of docs/configuration.md documents it");
          }
          if (!key.endsWith(ANY_KEY) && readings.stream().allMatch(r -> r.variable() == null)) {
            problems.add(
                key
                    + " is read ("
                    + readings.get(0).where()
                    + ") but nothing says its environment variable and "
                    + "default: declare it as a Setting the check reads, or give it a value in application.yml");
          }
        });
    for (Row row : rows) {
      String at = "docs/configuration.md line " + row.line() + ", ";
      row.problems().forEach(p -> problems.add(at + row.keys().get(0) + ": " + p));
      for (int i = 0; i < row.keys().size(); i++) {
        String key = row.keys().get(i);
        if (!read.containsKey(key)) {
          problems.add(key + " is in a table of docs/configuration.md but no service reads it");
          continue;
        }
        for (Reading r : read.get(key)) {
          if (r.variable() == null) {
            continue;
          }
          if (!r.variable().equals(row.variables().get(i))) {
            problems.add(
                at
                    + key
                    + ": environment "
                    + Objects.requireNonNullElse(row.variables().get(i), "none")
                    + ", but "
                    + r.where()
                    + " reads "
                    + r.variable());
          }
          if (!Objects.equals(r.fallback(), row.defaults().get(i))) {
            problems.add(
                at
                    + key
                    + ": default "
                    + shown(row.defaults().get(i))
                    + ", but "
                    + r.where()
                    + " has "
                    + shown(r.fallback()));
          }
        }
      }
    }
    return problems;
  }

  private static String shown(String value) {
    return value == null ? "none" : "`" + value + "`";
  }
}
