package io.conclave.launcher.docs;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.GroupTimings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the deployment files under {@code deploy/} against the code, since they cannot be run here
 * (no Docker): the compose file, the Kubernetes manifests and the Dockerfile. Each problem is one
 * line naming the file, the service and what is wrong; none means the files agree with the code.
 *
 * <ul>
 *   <li>every image Conclave builds names a Maven module of the build and a main class that module
 *       holds, and every {@code conclave/*} image a manifest runs is one the compose file builds;
 *   <li>every environment variable (and {@code -D} key in {@code JAVA_TOOL_OPTIONS}) set for a
 *       Conclave service is one the service reads: an environment name read in its module's or the
 *       shared libraries' sources (the schemas, the runtime, and the model clients where the module
 *       depends on them), the variables of {@link ConclaveSettings#SETTINGS}, and for the
 *       projections (Micronaut, which maps {@code A_B} to {@code a.b}) a key or placeholder of its
 *       {@code application.yml};
 *   <li>the ConfigMaps and Secrets a manifest refers to exist with the keys it names (a Secret of
 *       {@code kustomization.yaml}'s generator with the keys of its example files);
 *   <li>every HTTP probe asks a path the service serves on a port the container declares;
 *   <li>compose {@code depends_on} names existing services, and the brokers allow Conclave's group
 *       sessions and its replication;
 *   <li>every Dockerfile of {@code deploy/docker} takes its base image as the build argument {@code
 *       BASE_IMAGE}, runs as a numeric {@code USER} and copies staged files, not the whole context
 *       ({@code COPY . .}), with no Maven build inside;
 *   <li>the compose registry has a health check, the third-party images are variables with a
 *       default ({@code ${KAFKA_IMAGE:-apache/kafka:4.3.1}}), and every broker advertises, besides
 *       its in-network listener, one on {@code localhost} whose port it publishes, for clients on
 *       the host;
 *   <li>the Kubernetes manifests are fit for a production cluster: {@link KubernetesRules}.
 * </ul>
 */
final class DeploymentFiles {
  /** Read by the JVM itself, not by Conclave. */
  private static final Set<String> JVM_ENV = Set.of("JAVA_TOOL_OPTIONS");

  /**
   * Micronaut's server port. The Kubernetes manifests set it for the coordinators and workers too,
   * beside their own probe port variables (which their probe servers read), to the same port: the
   * one a coordinator or worker that runs as a Micronaut application serves its probes on.
   */
  private static final Set<String> SERVER_PORT_ENV = Set.of("MICRONAUT_SERVER_PORT");

  private static final Pattern IMAGE_VARIABLE = Pattern.compile("\\$\\{[A-Z0-9_]+:-[^}]+}");
  private static final Pattern NUMERIC_USER = Pattern.compile("(?m)^USER\\s+(\\S+)\\s*$");

  private static final Pattern ENV_LITERAL =
      Pattern.compile("\"((?:CONCLAVE|KAFKA)_[A-Z0-9_]*[A-Z0-9])\"");
  private static final Pattern PROPERTY_LITERAL =
      Pattern.compile("\"(conclave\\.[a-z0-9.-]*[a-z0-9])\"");
  private static final Pattern SERVED_CONTEXT =
      Pattern.compile("createContext\\(\\s*\"(/[^\"]*)\"");
  private static final Pattern SYSTEM_PROPERTY = Pattern.compile("-D([a-zA-Z0-9_.-]+)=");

  /**
   * The configuration every coordinator and worker application reads besides its own {@code
   * application-<name>.yml} (ConclaveApplication).
   */
  private static final String SERVICE_YML =
      "infra/runtime/src/main/resources/application-conclave-service.yml";

  private final Path root;
  private final Path deploy;
  private final List<String> problems = new ArrayList<>();

  /** image name → Maven module, from the compose file's builds */
  private final Map<String, String> builtImages = new LinkedHashMap<>();

  private final Map<String, Service> services = new HashMap<>();

  /** What a module's process reads and serves. */
  private record Service(Set<String> env, Set<String> properties, Set<String> paths) {}

  private DeploymentFiles(Path root, Path deploy) {
    this.root = root;
    this.deploy = deploy;
  }

  /**
   * The problems of the files under {@code deploy} (compose.yaml, k8s/*.yaml, docker/Dockerfile) of
   * the build at {@code root}; empty if they agree with the code.
   */
  static List<String> problems(Path root, Path deploy) {
    DeploymentFiles check = new DeploymentFiles(root, deploy);
    check.dockerfile();
    check.dockerfiles();
    check.compose();
    check.composeForContainers();
    check.kubernetes();
    return List.copyOf(check.problems);
  }

  private void dockerfile() {
    String text = read(deploy.resolve("docker/Dockerfile"));
    for (String arg : List.of("MODULE", "MAIN_CLASS")) {
      if (!Pattern.compile("(?m)^ARG " + arg + "\\b").matcher(text).find()) {
        problems.add("docker/Dockerfile: no ARG " + arg + " (the compose builds pass it)");
      }
    }
  }

  /** The rules of every image Dockerfile: base image argument, numeric user, no build inside. */
  private void dockerfiles() {
    List<Path> files;
    try (Stream<Path> all = Files.list(deploy.resolve("docker"))) {
      files =
          all.filter(f -> f.getFileName().toString().matches("Dockerfile(\\.[a-z]+)?"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path file : files) {
      String where = "docker/" + file.getFileName();
      String text = read(file);
      List<String> froms =
          Pattern.compile("(?m)^FROM\\s+(\\S+)")
              .matcher(text)
              .results()
              .map(r -> r.group(1))
              .toList();
      int arg = text.indexOf("ARG BASE_IMAGE");
      if (froms.isEmpty()
          || !froms.get(froms.size() - 1).equals("${BASE_IMAGE}")
          || arg < 0
          || arg > text.indexOf("FROM ")) {
        problems.add(
            where
                + ": the base image is no build argument (ARG BASE_IMAGE=... then FROM ${BASE_IMAGE})");
      }
      List<String> users = NUMERIC_USER.matcher(text).results().map(r -> r.group(1)).toList();
      if (users.isEmpty() || !users.get(users.size() - 1).matches("\\d+(:\\d+)?")) {
        problems.add(
            where
                + ": the image runs as "
                + (users.isEmpty() ? "root" : users.get(users.size() - 1))
                + ", not a numeric USER");
      }
      if (Pattern.compile("(?m)^COPY\\s+(--\\S+\\s+)*\\.\\s").matcher(text).find()) {
        problems.add(where + ": COPY . copies the whole context; copy the jars Maven staged");
      }
      if (Pattern.compile("(?m)^RUN\\b.*\\bmvnw?\\b").matcher(text).find()) {
        problems.add(where + ": runs Maven inside the image build; copy the jars Maven staged");
      }
    }
  }

  /** What running the compose file as containers needs: health, image choice, host access. */
  private void composeForContainers() {
    composeServices()
        .forEach(
            (name, value) -> {
              Map<String, Object> service = map(value, "compose.yaml " + name);
              String where = "compose.yaml service " + name;
              String image = String.valueOf(service.get("image"));
              boolean thirdParty = service.get("build") == null;
              if (thirdParty && !IMAGE_VARIABLE.matcher(image).matches()) {
                problems.add(
                    where
                        + ": image "
                        + image
                        + " is no variable with a default (${NAME:-"
                        + image
                        + "})");
              }
              if (image.contains("apicurio")
                  && !(service.get("healthcheck") instanceof Map<?, ?>)) {
                problems.add(where + ": the registry has no healthcheck");
              }
              Map<String, String> env = composeEnv(service.get("environment"), where);
              if (env.getOrDefault("KAFKA_PROCESS_ROLES", "").contains("broker")) {
                hostListener(where, env, service.get("ports"));
              }
            });
  }

  /**
   * A broker advertises a listener on localhost whose port it publishes, and one in the network.
   */
  private void hostListener(String where, Map<String, String> env, Object ports) {
    String advertised = env.getOrDefault("KAFKA_ADVERTISED_LISTENERS", "");
    List<String> published =
        list(ports).stream().map(p -> String.valueOf(p).replaceAll(":.*", "")).toList();
    boolean host = false;
    boolean network = false;
    for (String listener : advertised.split(",")) {
      Matcher m = Pattern.compile("[A-Z_]+://([^:]+):(\\d+)").matcher(listener.trim());
      if (m.matches()) {
        boolean local = m.group(1).equals("localhost") || m.group(1).equals("127.0.0.1");
        host |= local && published.contains(m.group(2));
        network |= !local;
      }
    }
    if (!host) {
      problems.add(
          where
              + ": no advertised listener on localhost with a published port: clients on the host cannot reach it");
    }
    if (!network) {
      problems.add(where + ": no advertised listener for the services of the compose network");
    }
  }

  private Map<String, Object> composeServices() {
    Map<String, Object> compose = map(yaml(deploy.resolve("compose.yaml")).get(0), "compose.yaml");
    return map(compose.get("services"), "compose.yaml services");
  }

  private void compose() {
    Map<String, Object> all = composeServices();
    // images first: a service may run an image another one builds
    all.forEach(
        (name, value) -> {
          Map<String, Object> service = map(value, "compose.yaml " + name);
          if (service.get("build") instanceof Map<?, ?> build) {
            String where = "compose.yaml service " + name;
            // the Dockerfile copies what Maven staged under MODULE/target: the context is the
            // repository's root
            Object contextName = build.get("context") == null ? "." : build.get("context");
            Object dockerfileName =
                build.get("dockerfile") == null ? "Dockerfile" : build.get("dockerfile");
            Path context = root.resolve("deploy").resolve(String.valueOf(contextName)).normalize();
            Path dockerfile = context.resolve(String.valueOf(dockerfileName)).normalize();
            if (!context.equals(root)) {
              problems.add(
                  where
                      + ": the build context "
                      + build.get("context")
                      + " is not the repository's root");
            } else if (!dockerfile.startsWith(root.resolve("deploy"))
                || !Files.isRegularFile(
                    deploy.resolve(root.resolve("deploy").relativize(dockerfile)))) {
              problems.add(
                  where + ": dockerfile " + build.get("dockerfile") + " is not a file of deploy/");
            }
            Map<String, Object> args =
                build.get("args") == null ? Map.of() : map(build.get("args"), where + " args");
            String module = (String) args.get("MODULE");
            String mainClass = (String) args.get("MAIN_CLASS");
            if (module == null || mainClass == null) {
              problems.add(where + ": the build needs args MODULE and MAIN_CLASS");
            } else if (module(module, mainClass, where)
                && service.get("image") instanceof String image) {
              builtImages.put(image, module);
            }
          }
        });
    all.forEach(
        (name, value) -> {
          Map<String, Object> service = map(value, "compose.yaml " + name);
          String where = "compose.yaml service " + name;
          for (String dependency : dependsOn(service.get("depends_on"))) {
            if (!all.containsKey(dependency)) {
              problems.add(where + ": depends_on names no service: " + dependency);
            }
          }
          String image = String.valueOf(service.get("image"));
          Map<String, String> env = composeEnv(service.get("environment"), where);
          if (env.getOrDefault("KAFKA_PROCESS_ROLES", "").contains("broker")) {
            broker(where, env, all);
          }
          String module = conclaveModule(image, where);
          if (module != null) {
            env.forEach((key, v) -> envKey(where, module, key, v));
            int replication =
                Integer.parseInt(env.getOrDefault("CONCLAVE_REPLICATION_FACTOR", "1"));
            if (replication > brokers(all)) {
              problems.add(
                  where
                      + ": CONCLAVE_REPLICATION_FACTOR "
                      + replication
                      + " with "
                      + brokers(all)
                      + " brokers: its topics could not be created");
            }
          }
        });
  }

  private long brokers(Map<String, Object> all) {
    return all.values().stream()
        .map(s -> composeEnv(map(s, "").get("environment"), ""))
        .filter(e -> e.getOrDefault("KAFKA_PROCESS_ROLES", "").contains("broker"))
        .count();
  }

  private void broker(String where, Map<String, String> env, Map<String, Object> all) {
    long session = GroupTimings.defaults().sessionTimeout().toMillis();
    // the broker's default group.min.session.timeout.ms is 6000: it would refuse Conclave's groups
    long min = Long.parseLong(env.getOrDefault("KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS", "6000"));
    if (min > session) {
      problems.add(
          where
              + ": KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS "
              + min
              + " refuses Conclave's "
              + session
              + " ms group sessions");
    }
    long brokers = brokers(all);
    int rf = Integer.parseInt(env.getOrDefault("KAFKA_DEFAULT_REPLICATION_FACTOR", "1"));
    int isr = Integer.parseInt(env.getOrDefault("KAFKA_MIN_INSYNC_REPLICAS", "1"));
    if (rf > brokers || isr >= rf && rf > 1) {
      problems.add(
          where
              + ": replication "
              + rf
              + " with min ISR "
              + isr
              + " on "
              + brokers
              + " brokers: a broker "
              + "down would stop the writes");
    }
  }

  private void kubernetes() {
    Path k8s = deploy.resolve("k8s");
    List<Map<String, Object>> docs = new ArrayList<>();
    Map<String, String> fileOf = new HashMap<>();
    List<KubernetesRules.Manifest> manifests = new ArrayList<>();
    try (Stream<Path> files = Files.list(k8s)) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".yaml"))
              .filter(f -> !f.getFileName().toString().equals(KubernetesRules.KUSTOMIZATION))
              .sorted()
              .toList()) {
        for (Object doc : yaml(file)) {
          if (doc != null) {
            Map<String, Object> m = map(doc, file.toString());
            docs.add(m);
            fileOf.put(identity(m), "k8s/" + file.getFileName());
            manifests.add(new KubernetesRules.Manifest("k8s/" + file.getFileName(), m));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    problems.addAll(KubernetesRules.problems(k8s, manifests));
    Map<String, Set<String>> configMaps = new HashMap<>();
    Map<String, Set<String>> secrets =
        new HashMap<>(KubernetesRules.generatedSecrets(k8s, problems));
    for (Map<String, Object> doc : docs) {
      String name = String.valueOf(map(doc.get("metadata"), "metadata").get("name"));
      if ("ConfigMap".equals(doc.get("kind"))) {
        configMaps.put(name, keys(doc.get("data")));
      } else if ("Secret".equals(doc.get("kind"))) {
        Set<String> keys = keys(doc.get("stringData"));
        keys.addAll(keys(doc.get("data")));
        secrets.put(name, keys);
      }
    }
    for (Map<String, Object> doc : docs) {
      Object kind = doc.get("kind");
      if (!"Deployment".equals(kind) && !"Job".equals(kind)) {
        continue;
      }
      Map<String, Object> pod =
          map(
              map(map(doc.get("spec"), "spec").get("template"), "template").get("spec"),
              "pod spec");
      for (Object c : list(pod.get("containers"))) {
        Map<String, Object> container = map(c, "container");
        String where =
            fileOf.get(identity(doc))
                + " "
                + kind
                + " "
                + map(doc.get("metadata"), "").get("name")
                + " container "
                + container.get("name");
        container(where, container, configMaps, secrets);
      }
    }
  }

  private void container(
      String where,
      Map<String, Object> container,
      Map<String, Set<String>> configMaps,
      Map<String, Set<String>> secrets) {
    String module = conclaveModule(String.valueOf(container.get("image")), where);
    Map<String, String> env = new LinkedHashMap<>();
    for (Object f : list(container.get("envFrom"))) {
      Map<String, Object> from = map(f, where + " envFrom");
      if (from.get("configMapRef") instanceof Map<?, ?> ref) {
        Set<String> keys = configMaps.get(String.valueOf(ref.get("name")));
        if (keys == null) {
          problems.add(where + ": envFrom names no ConfigMap of these files: " + ref.get("name"));
        } else {
          keys.forEach(k -> env.put(k, ""));
        }
      }
      if (from.get("secretRef") instanceof Map<?, ?> ref) {
        Set<String> keys = secrets.get(String.valueOf(ref.get("name")));
        if (keys == null) {
          problems.add(where + ": envFrom names no Secret of these files: " + ref.get("name"));
        } else {
          keys.forEach(k -> env.put(k, ""));
        }
      }
    }
    for (Object e : list(container.get("env"))) {
      Map<String, Object> entry = map(e, where + " env");
      String name = String.valueOf(entry.get("name"));
      env.put(name, entry.get("value") == null ? "" : String.valueOf(entry.get("value")));
      if (entry.get("valueFrom") instanceof Map<?, ?> from) {
        if (from.get("secretKeyRef") instanceof Map<?, ?> ref) {
          reference(where, name, "Secret", secrets, ref);
        } else if (from.get("configMapKeyRef") instanceof Map<?, ?> ref) {
          reference(where, name, "ConfigMap", configMaps, ref);
        }
      }
    }
    if (module == null) {
      return;
    }
    env.forEach((key, value) -> envKey(where, module, key, value));
    Set<Object> ports = new LinkedHashSet<>();
    for (Object p : list(container.get("ports"))) {
      Map<String, Object> port = map(p, where + " ports");
      ports.add(port.get("containerPort"));
      if (port.get("name") != null) {
        ports.add(port.get("name"));
      }
    }
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      if (container.get(probe) instanceof Map<?, ?> p
          && p.get("httpGet") instanceof Map<?, ?> get) {
        Object path = get.get("path");
        if (!service(module).paths().contains(String.valueOf(path))) {
          problems.add(
              where
                  + ": "
                  + probe
                  + " asks "
                  + path
                  + ", which "
                  + module
                  + " does not serve (it serves "
                  + new TreeSet<>(service(module).paths())
                  + ")");
        }
        if (!ports.contains(get.get("port"))) {
          problems.add(
              where
                  + ": "
                  + probe
                  + " asks port "
                  + get.get("port")
                  + ", which the container does not declare");
        }
      }
    }
  }

  private void reference(
      String where, String variable, String kind, Map<String, Set<String>> known, Map<?, ?> ref) {
    Set<String> keys = known.get(String.valueOf(ref.get("name")));
    if (keys == null || !keys.contains(String.valueOf(ref.get("key")))) {
      problems.add(
          where
              + ": "
              + variable
              + " refers to "
              + kind
              + " "
              + ref.get("name")
              + " key "
              + ref.get("key")
              + ", which these files do not define");
    }
  }

  /**
   * The module of a {@code conclave/*} image, null for a third party's; a problem for an image
   * nothing builds.
   */
  private String conclaveModule(String image, String where) {
    String module = builtImages.get(image);
    if (module == null && image.startsWith("conclave/")) {
      problems.add(
          where
              + ": image "
              + image
              + " is built by no service of compose.yaml "
              + builtImages.keySet());
    }
    return module;
  }

  private boolean module(String module, String mainClass, String where) {
    Path dir = root.resolve(module).normalize();
    if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
      problems.add(
          where + ": MODULE " + module + " is no Maven module (no " + module + "/pom.xml)");
      return false;
    }
    // the module must be part of the build: listed in the <modules> of each pom above it
    for (Path m = dir; !m.equals(root); m = m.getParent()) {
      Path parentPom = m.getParent().resolve("pom.xml");
      if (!Files.isRegularFile(parentPom)
          || !read(parentPom).contains("<module>" + m.getFileName() + "</module>")) {
        problems.add(
            where
                + ": MODULE "
                + module
                + " is not among the modules of "
                + root.relativize(parentPom));
        return false;
      }
    }
    Path source = dir.resolve("src/main/java").resolve(mainClass.replace('.', '/') + ".java");
    if (!Files.isRegularFile(source) || !read(source).contains("public static void main(")) {
      problems.add(where + ": MAIN_CLASS " + mainClass + " is no main class of " + module);
      return false;
    }
    return true;
  }

  private void envKey(String where, String module, String key, String value) {
    Service service = service(module);
    if (!JVM_ENV.contains(key)
        && !SERVER_PORT_ENV.contains(key)
        && !service.env().contains(key)
        && !micronautKey(module, service, key)) {
      problems.add(where + ": " + key + " is no setting " + module + " reads");
    }
    if (JVM_ENV.contains(key)) {
      Matcher m = SYSTEM_PROPERTY.matcher(value);
      while (m.find()) {
        // other -D keys (the JVM's, logback's) are not Conclave's to check
        if (m.group(1).startsWith("conclave.") && !service.properties().contains(m.group(1))) {
          problems.add(where + ": -D" + m.group(1) + " is no setting " + module + " reads");
        }
      }
    }
  }

  /**
   * Micronaut reads {@code A_B_C} as {@code a.b.c} (and {@code a.b-c}, ...): any key of the
   * service's configuration (every service is a Micronaut application).
   */
  private static boolean micronautKey(String module, Service service, String key) {
    String dotted = key.toLowerCase(Locale.ROOT).replace('_', '.');
    return service.properties().stream().anyMatch(p -> p.replace('-', '.').equals(dotted));
  }

  private Service service(String module) {
    return services.computeIfAbsent(module, this::readService);
  }

  private Service readService(String module) {
    Set<String> env = new TreeSet<>();
    Set<String> properties = new TreeSet<>(ConclaveSettings.PROPERTY_KEYS);
    Set<String> paths = new TreeSet<>();
    ConclaveSettings.SETTINGS.forEach(s -> env.add(s.variable()));
    List<String> dirs =
        new ArrayList<>(List.of(module, "schemas/model", "schemas/avro", "infra/runtime"));
    // the model clients read their settings in the processes of the modules that use them
    if (read(root.resolve(module).resolve("pom.xml"))
        .contains("<artifactId>conclave-models</artifactId>")) {
      dirs.add("agent-worker/models");
    }
    for (String dir : dirs) {
      for (String text : SourceTree.mainSources(root, dir).values()) {
        ENV_LITERAL.matcher(text).results().forEach(r -> env.add(r.group(1)));
        PROPERTY_LITERAL.matcher(text).results().forEach(r -> properties.add(r.group(1)));
        SERVED_CONTEXT.matcher(text).results().forEach(r -> paths.add(r.group(1)));
      }
    }
    for (Path config : configFiles(module)) {
      Map<String, Object> yml = map(yaml(config).get(0), config.toString());
      properties.addAll(SourceTree.keys(yml));
      SourceTree.placeholders(read(config))
          .forEach(
              name -> (name.equals(name.toUpperCase(Locale.ROOT)) ? env : properties).add(name));
      // Micronaut's management endpoints, when application.yml enables them
      Map<?, ?> endpoints = yml.get("endpoints") instanceof Map<?, ?> e ? e : Map.of();
      if (enabled(endpoints.get("health"))) {
        paths.addAll(List.of("/health", "/health/liveness", "/health/readiness"));
      }
      if (enabled(endpoints.get("prometheus"))) {
        paths.add("/prometheus");
      }
    }
    return new Service(env, properties, paths);
  }

  /**
   * The configuration files of a module's application: the projections' {@code application.yml}; a
   * coordinator's or worker's {@code application-<name>.yml} and the one they share.
   */
  private List<Path> configFiles(String module) {
    Path own = SourceTree.applicationYml(root, module);
    if (own != null) {
      return List.of(own);
    }
    List<Path> files = new ArrayList<>();
    try (var listed = Files.list(root.resolve(module).resolve("src/main/resources"))) {
      listed
          .filter(f -> f.getFileName().toString().matches("application-.+\\.yml"))
          .forEach(files::add);
    } catch (IOException e) {
      return List.of();
    }
    if (!files.isEmpty()) {
      files.add(root.resolve(SERVICE_YML));
    }
    return files;
  }

  private static boolean enabled(Object endpoint) {
    return endpoint instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("enabled"));
  }

  private static List<String> dependsOn(Object value) {
    if (value instanceof Map<?, ?> m) {
      return m.keySet().stream().map(String::valueOf).toList();
    }
    return list(value).stream().map(String::valueOf).toList();
  }

  private Map<String, String> composeEnv(Object value, String where) {
    Map<String, String> env = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    } else {
      for (Object entry : list(value)) {
        String s = String.valueOf(entry);
        int eq = s.indexOf('=');
        env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    }
    return env;
  }

  private static String identity(Map<String, Object> doc) {
    return doc.get("kind")
        + "/"
        + (doc.get("metadata") instanceof Map<?, ?> m ? m.get("name") : "");
  }

  private static Set<String> keys(Object map) {
    Set<String> keys = new TreeSet<>();
    if (map instanceof Map<?, ?> m) {
      m.keySet().forEach(k -> keys.add(String.valueOf(k)));
    }
    return keys;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value, String what) {
    if (value instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IllegalArgumentException(what + " is not a mapping: " + value);
  }

  static List<?> list(Object value) {
    return value instanceof List<?> l ? l : List.of();
  }

  private static List<Object> yaml(Path file) {
    return SourceTree.yaml(file);
  }

  private static String read(Path file) {
    return SourceTree.read(file);
  }
}
