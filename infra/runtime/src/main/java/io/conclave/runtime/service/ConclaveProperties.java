package io.conclave.runtime.service;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.GroupTimings;
import io.conclave.schemas.RegistrySettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Positive;
import java.util.List;

/**
 * The {@code conclave.*} keys of {@link ConclaveSettings} as a Micronaut service reads them, from
 * {@code application.yml}, system properties or the environment ({@code CONCLAVE_PARTITIONS} is
 * {@code conclave.partitions}), converted and validated by Micronaut: a value out of range stops
 * the service at start with the key named. Mutable because Micronaut binds it so; {@link
 * ConclaveBeans} turns it into the immutable {@link ConclaveSettings} the components take. The
 * defaults are those of {@link ConclaveSettings#from}, which the CLI reads with.
 */
@ConfigurationProperties("conclave")
public class ConclaveProperties {
  @NotBlank private String topicPrefix = "conclave";
  @NotEmpty private List<String> agentTypes = ConclaveSettings.DEFAULT_AGENT_TYPES;

  @Min(1)
  private int partitions = 3;

  @Min(1)
  @Max(Short.MAX_VALUE)
  private int replicationFactor = 1;

  private Registry registry = new Registry();
  private Group group = new Group();
  private Snapshot snapshot = new Snapshot();
  private Saga saga = new Saga();

  public String getTopicPrefix() {
    return topicPrefix;
  }

  public void setTopicPrefix(String topicPrefix) {
    this.topicPrefix = topicPrefix;
  }

  public List<String> getAgentTypes() {
    return agentTypes;
  }

  public void setAgentTypes(List<String> agentTypes) {
    this.agentTypes = agentTypes.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public int getPartitions() {
    return partitions;
  }

  public void setPartitions(int partitions) {
    this.partitions = partitions;
  }

  public int getReplicationFactor() {
    return replicationFactor;
  }

  public void setReplicationFactor(int replicationFactor) {
    this.replicationFactor = replicationFactor;
  }

  public Registry getRegistry() {
    return registry;
  }

  public void setRegistry(Registry registry) {
    this.registry = registry;
  }

  public Group getGroup() {
    return group;
  }

  public void setGroup(Group group) {
    this.group = group;
  }

  public Snapshot getSnapshot() {
    return snapshot;
  }

  public void setSnapshot(Snapshot snapshot) {
    this.snapshot = snapshot;
  }

  public Saga getSaga() {
    return saga;
  }

  public void setSaga(Saga saga) {
    this.saga = saga;
  }

  /** {@code conclave.registry.*}: the schema registry. */
  @ConfigurationProperties("registry")
  public static class Registry {
    @NotBlank private String url = ConclaveSettings.DEFAULT_REGISTRY;
    private boolean autoRegister = true;
    @Positive private long timeoutMs = RegistrySettings.DEFAULT_TIMEOUT.toMillis();

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public boolean isAutoRegister() {
      return autoRegister;
    }

    public void setAutoRegister(boolean autoRegister) {
      this.autoRegister = autoRegister;
    }

    public long getTimeoutMs() {
      return timeoutMs;
    }

    public void setTimeoutMs(long timeoutMs) {
      this.timeoutMs = timeoutMs;
    }
  }

  /** {@code conclave.group.*}: failure detection of the coordinator and worker groups. */
  @ConfigurationProperties("group")
  public static class Group {
    @Positive private long sessionTimeoutMs = GroupTimings.defaults().sessionTimeout().toMillis();
    @Positive private long heartbeatIntervalMs = GroupTimings.defaults().heartbeat().toMillis();

    @Positive private long maxPollIntervalMs = GroupTimings.defaults().maxPollInterval().toMillis();

    public long getSessionTimeoutMs() {
      return sessionTimeoutMs;
    }

    public void setSessionTimeoutMs(long sessionTimeoutMs) {
      this.sessionTimeoutMs = sessionTimeoutMs;
    }

    public long getHeartbeatIntervalMs() {
      return heartbeatIntervalMs;
    }

    public void setHeartbeatIntervalMs(long heartbeatIntervalMs) {
      this.heartbeatIntervalMs = heartbeatIntervalMs;
    }

    public long getMaxPollIntervalMs() {
      return maxPollIntervalMs;
    }

    public void setMaxPollIntervalMs(long maxPollIntervalMs) {
      this.maxPollIntervalMs = maxPollIntervalMs;
    }
  }

  /** {@code conclave.snapshot.every}: decisions of an agent between two snapshots (0: none). */
  @ConfigurationProperties("snapshot")
  public static class Snapshot {
    @Min(0)
    private int every = ConclaveSettings.DEFAULT_SNAPSHOT_EVERY;

    public int getEvery() {
      return every;
    }

    public void setEvery(int every) {
      this.every = every;
    }
  }

  /** {@code conclave.saga.deadline-grace-ms}. */
  @ConfigurationProperties("saga")
  public static class Saga {
    @Min(0)
    private long deadlineGraceMs = ConclaveSettings.DEFAULT_DEADLINE_GRACE_MS;

    public long getDeadlineGraceMs() {
      return deadlineGraceMs;
    }

    public void setDeadlineGraceMs(long deadlineGraceMs) {
      this.deadlineGraceMs = deadlineGraceMs;
    }
  }
}
