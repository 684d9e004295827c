/**
 * What an agent says to a model and what the model answers: chat messages (system, user, assistant,
 * tool), the parameters of a call, a JSON schema the answer must follow, and the tools the model
 * may call. Plain values, independent of any model library; the worker maps them to the client it
 * runs and records them, so a re-drive can answer the same request from the recording.
 */
package io.conclave.agent.chat;
