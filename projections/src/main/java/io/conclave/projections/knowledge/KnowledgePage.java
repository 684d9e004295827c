package io.conclave.projections.knowledge;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A page of knowledge entries, by key: what {@code GET /knowledge?prefix=...} answers. Immutable.
 *
 * @param entries at most the page's limit, sorted by key
 * @param truncated whether more entries matched than the page holds
 */
record KnowledgePage(List<KnowledgeEntry> entries, boolean truncated) {
  KnowledgePage {
    entries = List.copyOf(entries);
  }

  /**
   * One page of the pages of several partitions or instances, each holding distinct keys: their
   * entries by key, the first {@code limit} of them, truncated if any page was (it left out
   * entries) or more than {@code limit} matched.
   */
  static KnowledgePage merge(Collection<KnowledgePage> pages, int limit) {
    List<KnowledgeEntry> all = new ArrayList<>();
    boolean truncated = false;
    for (KnowledgePage page : pages) {
      all.addAll(page.entries());
      truncated |= page.truncated();
    }
    all.sort(KnowledgeEntry.BY_KEY);
    if (all.size() > limit) {
      return new KnowledgePage(all.subList(0, limit), true);
    }
    return new KnowledgePage(all, truncated);
  }
}
