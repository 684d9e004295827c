package io.conclave.launcher;

import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.KafkaClientSecurity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's configuration reference against the code: the {@code conclave.*} settings the services read, and the
 * keys the README's tables document (rows whose first cell holds backticked {@code conclave.} keys). A setting read
 * but documented by no table, or documented but read nowhere, is a problem.
 *
 * <p>Settings below a pass-through prefix (any Kafka client or Streams property) are one setting,
 * {@code <prefix>.<key>}, as the README writes them.
 */
final class ConfigurationReference {
  /** The modules whose processes read Conclave's settings (the schemas' code runs in each of them). */
  private static final List<String> MODULES = List.of("schemas", "coordinator", "agent-worker", "projections");
  /** A property literal followed by its environment name: EnvironmentLookup's calls and their wrappers. */
  private static final Pattern LOOKUP = Pattern.compile("\"(conclave\\.[a-z0-9.-]*[a-z0-9])\",\\s*\"[A-Z][A-Z0-9_]*\"");
  /** System.getProperty and Micronaut's Environment.getProperty. */
  private static final Pattern GET_PROPERTY = Pattern.compile("getProperty\\(\\s*\"(conclave\\.[a-z0-9.-]*[a-z0-9])\"");
  /** Micronaut's Environment.getProperties(prefix): every key below it. */
  private static final Pattern GET_PROPERTIES =
      Pattern.compile("getProperties\\(\\s*\"(conclave\\.[a-z0-9.-]*[a-z0-9])\"");
  private static final String ANY_KEY = "<key>";
  /** Settings the code reads that are no operator's to set, each with why. */
  static final Map<String, String> NOT_SETTINGS = Map.of(
      "conclave.parent-pid", "set by bin/conclave on the processes it starts, so that they exit when it dies");
  private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\|(.*?)(?<!\\\\)\\|");
  private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
  private static final Pattern KEY = Pattern.compile("\\.?[a-z0-9][a-z0-9.<>-]*");

  private ConfigurationReference() {
  }

  /** The {@code conclave.*} settings the services of the build at {@code root} read, each with where it is read. */
  static Map<String, String> codeSettings(Path root) {
    Map<String, String> read = new TreeMap<>();
    ConclaveSettings.PROPERTY_KEYS.forEach(k -> read.put(k, "ConclaveSettings.PROPERTY_KEYS"));
    Set<String> prefixes = new TreeSet<>();
    prefixes.add(KafkaClientSecurity.EXTRA_PREFIX);
    for (String module : MODULES) {
      SourceTree.mainSources(root, module).forEach((file, text) -> {
        for (Pattern p : List.of(LOOKUP, GET_PROPERTY)) {
          p.matcher(text).results().forEach(r -> read.putIfAbsent(r.group(1), file));
        }
        GET_PROPERTIES.matcher(text).results().forEach(r -> prefixes.add(r.group(1) + "."));
      });
      Path config = SourceTree.applicationYml(root, module);
      if (config != null) {
        String where = root.relativize(config).toString();
        Object yml = SourceTree.yaml(config).get(0);
        Set<String> keys = yml instanceof Map<?, ?> m ? SourceTree.keys(m) : Set.of();
        // the leaves: a key some other key is below is only a mapping
        keys.stream().filter(k -> k.startsWith("conclave."))
            .filter(k -> keys.stream().noneMatch(o -> o.startsWith(k + ".")))
            .forEach(k -> read.putIfAbsent(k, where));
        SourceTree.placeholders(SourceTree.read(config)).stream().filter(k -> k.startsWith("conclave."))
            .forEach(k -> read.putIfAbsent(k, where));
      }
    }
    Map<String, String> settings = new TreeMap<>();
    read.forEach((key, where) -> {
      if (!NOT_SETTINGS.containsKey(key)) {
        settings.putIfAbsent(collapse(key, prefixes), where);
      }
    });
    prefixes.forEach(p -> settings.putIfAbsent(p + ANY_KEY, "a pass-through prefix"));
    return settings;
  }

  private static String collapse(String key, Set<String> prefixes) {
    return prefixes.stream().filter(key::startsWith).findFirst().map(p -> p + ANY_KEY).orElse(key);
  }

  /**
   * The keys the tables of a README document: the backticked keys of each row's first cell. A key without the
   * {@code conclave.} prefix after one with it names a sibling: {@code `conclave.llm.timeout-ms`, `max-attempts`} is
   * also {@code conclave.llm.max-attempts}, {@code `...truststore.location`, `.password`} also
   * {@code ...truststore.password}.
   */
  static Set<String> documentedSettings(String readme) {
    Set<String> keys = new TreeSet<>();
    Matcher row = TABLE_ROW.matcher(readme);
    while (row.find()) {
      String full = null;
      Matcher b = BACKTICKED.matcher(row.group(1));
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
    }
    return keys;
  }

  /** One line per setting read but not documented, and per setting documented but not read; none if they agree. */
  static List<String> problems(Map<String, String> read, Set<String> documented) {
    List<String> problems = new ArrayList<>();
    read.forEach((key, where) -> {
      if (!documented.contains(key)) {
        problems.add(key + " is read (" + where + ") but no README table documents it");
      }
    });
    for (String key : documented) {
      if (!read.containsKey(key)) {
        problems.add(key + " is in a README table but no service reads it");
      }
    }
    return problems;
  }
}
