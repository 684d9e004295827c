package io.conclave.launcher.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a production cluster asks of the Kubernetes manifests under {@code deploy/k8s}, beside their
 * agreeing with the code ({@link DeploymentFiles}). Each problem is one line naming the file, the
 * object and what is wrong.
 *
 * <ul>
 *   <li>{@code kustomization.yaml} lists every manifest, so {@code kubectl apply -k} applies them
 *       all, and makes the Secrets from files the user writes ({@code secretGenerator} {@code
 *       envs}, whose keys an {@code <file>.example} beside them names); no applied file holds a
 *       Secret with values (a placeholder such as {@code change-me} would be applied as the
 *       password);
 *   <li>every pod meets the "restricted" Pod Security Standard: a numeric non-root user and group,
 *       the runtime's seccomp profile, no privilege escalation, every capability dropped; its root
 *       filesystem is read-only, with an {@code emptyDir} at {@code /tmp} and under the Kafka
 *       Streams state directory ({@code CONCLAVE_STATE_DIR});
 *   <li>every secret volume is optional: against a PLAINTEXT cluster there is no CA, and a pod
 *       waiting for one would never start;
 *   <li>every Deployment spreads its pods over nodes and zones and has a PodDisruptionBudget;
 *   <li>a Deployment behind a Service is ready by {@code /health/readiness}: {@code /health} also
 *       counts the schema registry, whose outage would take every instance out of the Service.
 * </ul>
 */
final class KubernetesRules {
  static final String KUSTOMIZATION = "kustomization.yaml";
  static final String READINESS_PATH = "/health/readiness";
  private static final List<String> SPREAD_KEYS =
      List.of("kubernetes.io/hostname", "topology.kubernetes.io/zone");

  /** One object of a manifest, and the file ({@code k8s/<name>.yaml}) it is in. */
  record Manifest(String file, Map<String, Object> doc) {
    String kind() {
      return String.valueOf(doc.get("kind"));
    }

    String name() {
      return String.valueOf(DeploymentFiles.map(doc.get("metadata"), "metadata").get("name"));
    }

    String where() {
      return file + " " + kind() + " " + name();
    }
  }

  private final Path k8s;
  private final List<String> problems;

  private KubernetesRules(Path k8s, List<String> problems) {
    this.k8s = k8s;
    this.problems = problems;
  }

  /**
   * The Secrets {@code kustomization.yaml} in {@code k8s} generates, by name, with the keys their
   * example files name; what is wrong with them goes to {@code problems}.
   */
  static Map<String, Set<String>> generatedSecrets(Path k8s, List<String> problems) {
    Map<String, Set<String>> secrets = new HashMap<>();
    Map<String, Object> kustomization = kustomization(k8s);
    for (Object g : DeploymentFiles.list(kustomization.get("secretGenerator"))) {
      Map<String, Object> generator = DeploymentFiles.map(g, "secretGenerator");
      String where = "k8s/" + KUSTOMIZATION + " secretGenerator " + generator.get("name");
      Set<String> keys = new TreeSet<>();
      for (Object env : DeploymentFiles.list(generator.get("envs"))) {
        Path example = k8s.resolve(env + ".example");
        if (Files.isRegularFile(example)) {
          keys.addAll(envKeys(example));
        } else {
          problems.add(
              where + ": no " + env + ".example names the keys a user must write in " + env);
        }
      }
      if (!DeploymentFiles.list(generator.get("literals")).isEmpty()) {
        problems.add(
            where + ": literals put the secret's values in the applied files; read them from envs");
      }
      secrets.put(String.valueOf(generator.get("name")), keys);
    }
    return secrets;
  }

  /** The problems of {@code manifests}, the objects of every manifest in {@code k8s}. */
  static List<String> problems(Path k8s, List<Manifest> manifests) {
    KubernetesRules rules = new KubernetesRules(k8s, new ArrayList<>());
    rules.applied(manifests);
    for (Manifest m : manifests) {
      switch (m.kind()) {
        case "Secret" -> rules.secret(m);
        case "Deployment", "Job" -> rules.pod(m, manifests);
        default -> {}
      }
    }
    return rules.problems;
  }

  /** Every manifest is among the kustomization's resources, and every resource is a manifest. */
  private void applied(List<Manifest> manifests) {
    Map<String, Object> kustomization = kustomization(k8s);
    if (kustomization.isEmpty()) {
      problems.add("k8s/" + KUSTOMIZATION + ": missing (kubectl apply -k deploy/k8s needs it)");
      return;
    }
    Set<String> resources = new TreeSet<>();
    DeploymentFiles.list(kustomization.get("resources")).forEach(r -> resources.add("k8s/" + r));
    Set<String> files = new TreeSet<>();
    manifests.forEach(m -> files.add(m.file()));
    for (String file : files) {
      if (!resources.contains(file)) {
        problems.add(
            "k8s/" + KUSTOMIZATION + ": " + file + " is not among the resources: -k leaves it out");
      }
    }
    for (String resource : resources) {
      if (!files.contains(resource)) {
        problems.add("k8s/" + KUSTOMIZATION + ": resource " + resource + " is no manifest");
      }
    }
  }

  private void secret(Manifest m) {
    // the keys only: the values stay out of the test's report
    Set<Object> valued = new TreeSet<>();
    for (String field : List.of("stringData", "data")) {
      mapOrEmpty(m.doc().get(field))
          .forEach(
              (k, v) -> {
                if (v != null && !String.valueOf(v).isEmpty()) {
                  valued.add(k);
                }
              });
    }
    if (!valued.isEmpty()) {
      problems.add(
          m.where()
              + ": an applied file holds values of "
              + valued
              + "; make the Secret with kustomization.yaml's secretGenerator from a file the user"
              + " writes");
    }
  }

  private void pod(Manifest m, List<Manifest> manifests) {
    Map<String, Object> template =
        DeploymentFiles.map(
            DeploymentFiles.map(m.doc().get("spec"), "spec").get("template"), "template");
    Map<String, Object> pod = DeploymentFiles.map(template.get("spec"), "pod spec");
    Map<?, ?> labels =
        template.get("metadata") instanceof Map<?, ?> meta
                && meta.get("labels") instanceof Map<?, ?> l
            ? l
            : Map.of();
    Map<?, ?> podSecurity = mapOrEmpty(pod.get("securityContext"));
    Map<String, Map<?, ?>> volumes = new HashMap<>();
    for (Object v : DeploymentFiles.list(pod.get("volumes"))) {
      Map<?, ?> volume = mapOrEmpty(v);
      volumes.put(String.valueOf(volume.get("name")), volume);
      if (volume.get("secret") instanceof Map<?, ?> secret
          && !Boolean.TRUE.equals(secret.get("optional"))) {
        problems.add(
            m.where()
                + ": volume "
                + volume.get("name")
                + " (Secret "
                + secret.get("secretName")
                + ") is not optional: without that Secret (a PLAINTEXT cluster has no CA) the pod"
                + " never starts");
      }
    }
    for (Object c : DeploymentFiles.list(pod.get("containers"))) {
      Map<?, ?> container = mapOrEmpty(c);
      container(m.where() + " container " + container.get("name"), podSecurity, container, volumes);
    }
    if (m.kind().equals("Deployment")) {
      spread(m, pod, labels);
      disruptionBudget(m, labels, manifests);
      readiness(m, pod, labels, manifests);
    }
  }

  private void container(
      String where, Map<?, ?> podSecurity, Map<?, ?> container, Map<String, Map<?, ?>> volumes) {
    Map<?, ?> own = mapOrEmpty(container.get("securityContext"));
    // a container's own setting wins over the pod's
    Map<Object, Object> security = new HashMap<>(podSecurity);
    security.putAll(own);
    if (!Boolean.TRUE.equals(security.get("runAsNonRoot"))) {
      problems.add(where + ": runAsNonRoot is not true");
    }
    for (String id : List.of("runAsUser", "runAsGroup")) {
      if (!(security.get(id) instanceof Integer n) || n <= 0) {
        problems.add(
            where + ": " + id + " is no numeric id other than root's: " + security.get(id));
      }
    }
    Object seccomp = mapOrEmpty(security.get("seccompProfile")).get("type");
    if (!"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp)) {
      problems.add(where + ": seccompProfile type is " + seccomp + ", not RuntimeDefault");
    }
    if (!Boolean.FALSE.equals(own.get("allowPrivilegeEscalation"))) {
      problems.add(where + ": allowPrivilegeEscalation is not false");
    }
    if (!DeploymentFiles.list(mapOrEmpty(own.get("capabilities")).get("drop")).contains("ALL")) {
      problems.add(where + ": capabilities do not drop ALL");
    }
    if (!Boolean.TRUE.equals(own.get("readOnlyRootFilesystem"))) {
      problems.add(where + ": readOnlyRootFilesystem is not true");
    }
    Map<String, String> writable = new HashMap<>();
    for (Object mount : DeploymentFiles.list(container.get("volumeMounts"))) {
      Map<?, ?> m = mapOrEmpty(mount);
      Map<?, ?> volume = volumes.getOrDefault(String.valueOf(m.get("name")), Map.of());
      if (volume.containsKey("emptyDir") && !Boolean.TRUE.equals(m.get("readOnly"))) {
        writable.put(String.valueOf(m.get("mountPath")), String.valueOf(m.get("name")));
      }
    }
    if (!writable.containsKey("/tmp")) {
      problems.add(where + ": no emptyDir at /tmp, where the JVM writes on a read-only root");
    }
    for (Object e : DeploymentFiles.list(container.get("env"))) {
      Map<?, ?> env = mapOrEmpty(e);
      if ("CONCLAVE_STATE_DIR".equals(env.get("name")) && env.get("value") != null) {
        Path dir = Path.of(String.valueOf(env.get("value")));
        if (writable.keySet().stream().noneMatch(p -> dir.startsWith(Path.of(p)))) {
          problems.add(
              where
                  + ": the Kafka Streams state directory "
                  + dir
                  + " is on no emptyDir: the root filesystem is read-only");
        }
      }
    }
  }

  private void spread(Manifest m, Map<String, Object> pod, Map<?, ?> labels) {
    Set<String> keys = new LinkedHashSet<>();
    for (Object c : DeploymentFiles.list(pod.get("topologySpreadConstraints"))) {
      Map<?, ?> constraint = mapOrEmpty(c);
      if (selects(mapOrEmpty(constraint.get("labelSelector")), labels)) {
        keys.add(String.valueOf(constraint.get("topologyKey")));
      }
    }
    for (String key : SPREAD_KEYS) {
      if (!keys.contains(key)) {
        problems.add(m.where() + ": no topologySpreadConstraint of its pods over " + key);
      }
    }
  }

  private void disruptionBudget(Manifest m, Map<?, ?> labels, List<Manifest> manifests) {
    boolean budgeted =
        manifests.stream()
            .filter(b -> b.kind().equals("PodDisruptionBudget"))
            .anyMatch(b -> selects(selector(b), labels));
    if (!budgeted) {
      problems.add(m.where() + ": no PodDisruptionBudget selects its pods");
    }
  }

  private void readiness(
      Manifest m, Map<String, Object> pod, Map<?, ?> labels, List<Manifest> manifests) {
    boolean served =
        manifests.stream()
            .filter(s -> s.kind().equals("Service"))
            .anyMatch(
                s ->
                    selects(
                        mapOrEmpty(
                            DeploymentFiles.map(s.doc().get("spec"), "spec").get("selector")),
                        labels));
    if (!served) {
      return;
    }
    for (Object c : DeploymentFiles.list(pod.get("containers"))) {
      Map<?, ?> container = mapOrEmpty(c);
      for (String probe : List.of("readinessProbe", "startupProbe")) {
        Object path = mapOrEmpty(mapOrEmpty(container.get(probe)).get("httpGet")).get("path");
        if (!READINESS_PATH.equals(path) && (path != null || probe.equals("readinessProbe"))) {
          problems.add(
              m.where()
                  + " container "
                  + container.get("name")
                  + ": behind a Service, its "
                  + probe
                  + " asks "
                  + path
                  + ", not "
                  + READINESS_PATH
                  + " (/health counts the schema registry, whose outage would take every instance"
                  + " out of the Service)");
        }
      }
    }
  }

  /** The matchLabels of a PodDisruptionBudget's selector. */
  private static Map<?, ?> selector(Manifest budget) {
    return mapOrEmpty(
        mapOrEmpty(DeploymentFiles.map(budget.doc().get("spec"), "spec").get("selector"))
            .get("matchLabels"));
  }

  /**
   * Whether {@code selector} (matchLabels, or a labelSelector holding them) selects pods labelled
   * {@code labels}.
   */
  private static boolean selects(Map<?, ?> selector, Map<?, ?> labels) {
    Map<?, ?> match = selector.get("matchLabels") instanceof Map<?, ?> m ? m : selector;
    return !match.isEmpty()
        && match.entrySet().stream()
            .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
  }

  private static Map<String, Object> kustomization(Path k8s) {
    Path file = k8s.resolve(KUSTOMIZATION);
    return Files.isRegularFile(file)
        ? DeploymentFiles.map(SourceTree.yaml(file).get(0), file.toString())
        : Map.of();
  }

  /** The keys of a {@code key=value} file, as kustomize reads it (# starts a comment line). */
  private static Set<String> envKeys(Path file) {
    Set<String> keys = new TreeSet<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String trimmed = line.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
          int eq = trimmed.indexOf('=');
          keys.add(eq < 0 ? trimmed : trimmed.substring(0, eq));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return keys;
  }

  private static Map<?, ?> mapOrEmpty(Object value) {
    return value instanceof Map<?, ?> m ? m : Map.of();
  }
}
