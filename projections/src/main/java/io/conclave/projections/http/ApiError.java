package io.conclave.projections.http;

import io.micronaut.serde.annotation.Serdeable;

/** Error body of every 4xx/5xx answer Conclave itself makes. */
@Serdeable
public record ApiError(int status, String message) {}
