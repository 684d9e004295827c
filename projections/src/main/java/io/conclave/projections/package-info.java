/**
 * The projections service. Its beans (this package and those below) are the projections
 * application's alone: a coordinator or worker application on the same class path (the CLI's
 * children) leaves them out.
 */
@Configuration
@Requires(notEnv = ConclaveApplication.SERVICE_ENVIRONMENT)
package io.conclave.projections;

import io.conclave.runtime.service.ConclaveApplication;
import io.micronaut.context.annotation.Configuration;
import io.micronaut.context.annotation.Requires;
