package io.conclave.runtime.admin;

/**
 * A consumer group cannot be reset while it has members: their next commit would overwrite the
 * reset. Stop them and try again.
 */
public final class GroupActiveException extends IllegalStateException {
  private final String group;
  private final int members;

  /**
   * @param members how many members the group had (0 if it was between states or they were not
   *     counted)
   */
  public GroupActiveException(String group, int members, String message) {
    super(message);
    this.group = group;
    this.members = members;
  }

  /** The group was described with {@code members} members in {@code state}. */
  static GroupActiveException described(String group, int members, String state) {
    return new GroupActiveException(
        group,
        members,
        "group "
            + group
            + " is active ("
            + members
            + " members, "
            + state
            + "); stop its members before resetting it");
  }

  public String group() {
    return group;
  }

  /** How many members the group had (0 if it was between states or they were not counted). */
  public int members() {
    return members;
  }
}
