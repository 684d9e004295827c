package io.conclave.launcher;

import picocli.CommandLine.Command;

/**
 * {@code conclave bench ...}: measurements of Conclave on this machine, with a real embedded broker and registry.
 * Never part of the test suite.
 */
@Command(name = "bench", description = "Benchmarks (real broker and registry, embedded).",
    mixinStandardHelpOptions = true, subcommands = {AllBench.class, ChartBench.class, FailoverBench.class,
        EventLogBench.class, SagaBench.class, KnowledgeBench.class, PipelineBench.class, ScaleBench.class,
        SystemBench.class})
final class BenchCommand {
}
