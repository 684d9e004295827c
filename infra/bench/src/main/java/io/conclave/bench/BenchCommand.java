package io.conclave.bench;

import io.conclave.launcher.ConclaveCli;
import picocli.CommandLine.Command;

/**
 * {@code conclave bench ...}: measurements of Conclave on this machine, with a real embedded broker
 * and registry. Never part of the test suite.
 */
@Command(
    name = "bench",
    description = ConclaveCli.BENCH_DESCRIPTION,
    mixinStandardHelpOptions = true,
    subcommands = {
      AllBench.class,
      ChartBench.class,
      FailoverBench.class,
      EventLogBench.class,
      SagaBench.class,
      KnowledgeBench.class,
      PipelineBench.class,
      ScaleBench.class,
      SystemBench.class
    })
final class BenchCommand {}
