package io.conclave.launcher.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The build's own files as the checks of documentation and deployment files read them: a module's
 * main sources and its {@code application.yml}. Shared by {@link DeploymentFiles} and {@link
 * ConfigurationReference}.
 */
public final class SourceTree {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z0-9_.-]+)");

  private SourceTree() {}

  /**
   * The repository's root: the first directory above the working directory with a pom.xml and
   * deploy/.
   */
  public static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p.normalize();
      }
    }
    throw new IllegalStateException("no deploy/ above " + Path.of("").toAbsolutePath());
  }

  /**
   * The text of each {@code .java} file under {@code module/src/main/java}, by path relative to
   * {@code root}.
   */
  static Map<String, String> mainSources(Path root, String module) {
    Map<String, String> sources = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        sources.put(root.relativize(file).toString(), read(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sources;
  }

  /** The module's {@code src/main/resources/application.yml}, or null if it has none. */
  static Path applicationYml(Path root, String module) {
    Path config = root.resolve(module).resolve("src/main/resources/application.yml");
    return Files.isRegularFile(config) ? config : null;
  }

  /**
   * Every key of a YAML mapping, dotted: {@code a}, {@code a.b}, {@code a.b.c} for nested mappings.
   */
  static Set<String> keys(Map<?, ?> yml) {
    Set<String> keys = new TreeSet<>();
    flatten("", yml, keys);
    return keys;
  }

  /** The names inside {@code ${name}} and {@code ${name:default}} placeholders of a text. */
  static Set<String> placeholders(String text) {
    Set<String> names = new TreeSet<>();
    PLACEHOLDER.matcher(text).results().forEach(r -> names.add(r.group(1)));
    return names;
  }

  private static void flatten(String prefix, Map<?, ?> yml, Set<String> into) {
    yml.forEach(
        (k, v) -> {
          String key = prefix + k;
          into.add(key);
          if (v instanceof Map<?, ?> m) {
            flatten(key + ".", m, into);
          }
        });
  }

  /** The documents of a YAML file. */
  public static List<Object> yaml(Path file) {
    List<Object> docs = new ArrayList<>();
    new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(read(file)).forEach(docs::add);
    return docs;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
