package io.conclave.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering rules of Conclave, checked over every module's main classes. */
@AnalyzeClasses(packages = "io.conclave", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  /** Avro stays at the edges: only the schemas package sees the generated classes. */
  @ArchTest
  static final ArchRule generatedAvroStaysInSchemas = noClasses()
      .that().resideOutsideOfPackages("io.conclave.schemas..")
      .should().dependOnClassesThat().resideInAPackage("io.conclave.schemas.avro..");

  /** The domain records and the CRDTs are plain Java: no Kafka, no Micronaut, no Avro. */
  @ArchTest
  static final ArchRule domainIsPlainJava = noClasses()
      .that().resideInAnyPackage("io.conclave.core..", "io.conclave.crdt..")
      .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.micronaut..", "org.apache.avro..",
          "io.apicurio..");

  /** Only the projections service is a Micronaut application. */
  @ArchTest
  static final ArchRule micronautOnlyInProjections = noClasses()
      .that().resideOutsideOfPackages("io.conclave.projections..")
      .should().dependOnClassesThat().resideInAPackage("io.micronaut..");

  /** Services do not reach into each other (they meet on Kafka topics), nor into the tools. */
  @ArchTest
  static final ArchRule coordinatorStandsAlone = independent("io.conclave.coordinator..");

  @ArchTest
  static final ArchRule workerStandsAlone = independent("io.conclave.worker..");

  @ArchTest
  static final ArchRule projectionsStandAlone = independent("io.conclave.projections..");

  private static ArchRule independent(String service) {
    String[] others = java.util.stream.Stream.of("io.conclave.coordinator..", "io.conclave.worker..",
            "io.conclave.projections..", "io.conclave.launcher..", "io.conclave.testkit..")
        .filter(p -> !p.equals(service)).toArray(String[]::new);
    return noClasses().that().resideInAPackage(service).should().dependOnClassesThat().resideInAnyPackage(others);
  }
}
