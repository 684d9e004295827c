#!/usr/bin/env node
// Produces one Conclave task to the tasks topic the way any non-Java producer can: the value is
// Avro in the Confluent framing (byte 0, the schema's 4-byte id, the Avro body), the schema is the
// one registered under the subject "<tasks topic>-value", looked up through the registry's
// Confluent-compatible API (/apis/ccompat/v7), and the key is the task id.
//
//   node produce-task.js --bootstrap-servers localhost:9092 \
//     --registry http://localhost:8081/apis/ccompat/v7 \
//     --task-id hello-1 --prompt "Why is the sky blue?" [--topic conclave.tasks] [--tenant default]
//
// Prints one JSON line: where the record went and which schema id it carries.
'use strict';

const { Kafka, Partitioners, logLevel } = require('kafkajs');
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry');

function options(argv) {
  const opts = { topic: 'conclave.tasks', tenant: 'default' };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    opts[m[1]] = m[2] !== undefined ? m[2] : argv[++i];
  }
  for (const required of ['bootstrap-servers', 'registry', 'task-id', 'prompt']) {
    if (!opts[required]) throw new Error(`--${required} is required`);
  }
  return opts;
}

async function main() {
  const opts = options(process.argv.slice(2));
  const topic = opts.topic;
  const subject = `${topic}-value`;

  const registry = new SchemaRegistry({ host: opts.registry });
  // the 4-byte id the ccompat API hands out (the registry's content id), written before the body
  const schemaId = await registry.getLatestSchemaId(subject);
  const value = await registry.encode(schemaId, {
    taskId: opts['task-id'],
    prompt: opts.prompt,
    submittedAt: Date.now(), // timestamp-millis
    plan: null, // the shard leader plans the saga
    tenant: opts.tenant,
  });

  const kafka = new Kafka({
    clientId: 'conclave-producer-node',
    brokers: opts['bootstrap-servers'].split(','),
    logLevel: logLevel.WARN,
  });
  // Java's partitioner (murmur2 of the key): the task lands on the partition, and so the shard,
  // that Conclave's own producers would pick for it
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const [sent] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key: opts['task-id'], value }],
    });
    console.log(
      JSON.stringify({ topic, partition: sent.partition, offset: sent.baseOffset, subject, schemaId })
    );
  } finally {
    await producer.disconnect();
  }
}

main().catch((e) => {
  console.error(`could not produce the task: ${e.message}`);
  process.exit(1);
});
