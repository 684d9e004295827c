#!/bin/sh
# kafka-run-class.sh of this image: runs a class of /opt/kafka/libs, logging warnings only (tools print their output)
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_OPTS:-} -Dlogback.configurationFile=/opt/kafka/config/tools-logback.xml \
  -cp '/opt/kafka/libs/*' "$@"
