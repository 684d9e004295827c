package io.conclave.testkit;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests a {@link ConclaveStack}: one real broker and one real registry per
 * test JVM, started on first use and stopped when the JVM's tests are done.
 *
 * <pre>{@code
 * @ExtendWith(ConclaveStackExtension.class)
 * class SomethingIT {
 *   @Test void works(ConclaveStack stack) { var settings = stack.isolated("something"); ... }
 * }
 * }</pre>
 */
public final class ConclaveStackExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(ConclaveStackExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    stack(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ConclaveStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return stack(context);
  }

  private static ConclaveStack stack(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NS)
        .getOrComputeIfAbsent(
            "stack", k -> new Closing(ConclaveStack.start(Path.of("target"))), Closing.class)
        .stack();
  }

  private record Closing(ConclaveStack stack)
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      stack.close();
    }
  }
}
