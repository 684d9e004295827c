package io.conclave;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering rules of Conclave, checked over every module's main classes. It lives in the bench
 * module because that module sits on top of every other, so its test class path holds them all.
 */
@AnalyzeClasses(packages = "io.conclave", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  /** The services and the tools, the packages on top of the shared ones. */
  private static final String[] SERVICES_AND_TOOLS = {
    "io.conclave.coordinator..",
    "io.conclave.worker..",
    "io.conclave.projections..",
    "io.conclave.launcher..",
    "io.conclave.testkit..",
    "io.conclave.bench.."
  };

  /** Avro stays at the edges: only the schemas package sees the generated classes. */
  @ArchTest
  static final ArchRule generatedAvroStaysInSchemas =
      noClasses()
          .that()
          .resideOutsideOfPackages("io.conclave.schemas..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.conclave.schemas.avro..");

  /**
   * The model (conclave-model: sagas, event logs, knowledge, CRDTs, cluster records) is plain Java:
   * no Kafka, no Micronaut, no Avro, and it knows neither its wire format nor the runtime.
   */
  @ArchTest
  static final ArchRule domainIsPlainJava =
      noClasses()
          .that()
          .resideInAPackage("io.conclave.model..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.kafka..",
              "io.micronaut..",
              "org.apache.avro..",
              "io.apicurio..",
              "io.conclave.schemas..",
              "io.conclave.runtime..");

  /**
   * The wire format (conclave-avro) maps the model; it does not depend on the runtime built on it.
   */
  @ArchTest
  static final ArchRule wireFormatBelowRuntime =
      noClasses()
          .that()
          .resideInAPackage("io.conclave.schemas..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.conclave.runtime..");

  /** The runtime (conclave-runtime) serves the services and tools; it never reaches into them. */
  @ArchTest
  static final ArchRule runtimeBelowServices =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.conclave.model..", "io.conclave.schemas..", "io.conclave.runtime..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.conclave.coordinator..",
              "io.conclave.worker..",
              "io.conclave.projections..",
              "io.conclave.launcher..",
              "io.conclave.testkit..",
              "io.conclave.bench..",
              "io.conclave.agent..");

  /** No two packages of Conclave depend on each other, directly or through others. */
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("io.conclave.(**)").should().beFreeOfCycles();

  /**
   * An agent is built against the agent API (conclave-agent-api) alone: nothing of the worker that
   * runs it, of the runtime, of Kafka, Avro or Micronaut.
   */
  @ArchTest
  static final ArchRule agentApiStandsAlone =
      noClasses()
          .that()
          .resideInAPackage("io.conclave.agent..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.conclave.worker..",
              "io.conclave.coordinator..",
              "io.conclave.projections..",
              "io.conclave.launcher..",
              "io.conclave.runtime..",
              "io.conclave.schemas..",
              "org.apache.kafka..",
              "io.micronaut..",
              "org.apache.avro..",
              "io.apicurio..",
              "dev.failsafe..");

  /**
   * The model clients (conclave-models) serve the services that ask a model, the worker and the
   * coordinator alike: they know none of them.
   */
  @ArchTest
  static final ArchRule modelsBelowServices =
      noClasses()
          .that()
          .resideInAPackage("io.conclave.models..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(SERVICES_AND_TOOLS);

  /**
   * Micronaut stays in the services' applications: the projections, and the runtime's service
   * package, which runs the coordinator and the worker; their components know none of it.
   */
  @ArchTest
  static final ArchRule micronautOnlyInTheApplications =
      noClasses()
          .that()
          .resideOutsideOfPackages("io.conclave.projections..", "io.conclave.runtime.service..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.micronaut..");

  /** The benchmarks sit on top: nothing else, the CLI included, depends on them. */
  @ArchTest
  static final ArchRule benchmarksOnTop =
      noClasses()
          .that()
          .resideOutsideOfPackages("io.conclave.bench..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.conclave.bench..");

  /** Services do not reach into each other (they meet on Kafka topics), nor into the tools. */
  @ArchTest static final ArchRule coordinatorStandsAlone = independent("io.conclave.coordinator..");

  @ArchTest static final ArchRule workerStandsAlone = independent("io.conclave.worker..");

  @ArchTest static final ArchRule projectionsStandAlone = independent("io.conclave.projections..");

  private static ArchRule independent(String service) {
    String[] others =
        java.util.stream.Stream.of(SERVICES_AND_TOOLS)
            .filter(p -> !p.equals(service))
            .toArray(String[]::new);
    return noClasses()
        .that()
        .resideInAPackage(service)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(others);
  }
}
