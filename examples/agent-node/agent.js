// A Conclave remote agent in Node.js.
//
// The Conclave worker drives it over HTTP, one POST per step ("act") or undo ("compensate"), and
// hands it, in each request, an OpenAI-compatible endpoint for that step: every model call goes
// there, so the worker budgets it, breaks it when the model fails, and records it in the agent's log.
//
// Run: node agent.js [port]       (or PORT=8601 node agent.js)
// Environment:
//   PORT          the port (default 8601; 0 picks a free one); an argument wins
//   HOST          the address to listen on (default 127.0.0.1)
//   EFFECTS_FILE  a file of the effects done, one JSON line per idempotency key (default: memory only)
//   SLOW_MS       waits this long before answering a step (to kill a worker in the middle of one)
//   FAULT         500 | hang | garbage: answers every step with a server error, never, or non-JSON
//   FAULT_KINDS   the request kinds FAULT applies to, comma-separated (default: act)

import { createServer } from 'node:http';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import OpenAI from 'openai';

const port = Number(process.argv[2] ?? process.env.PORT ?? 8601);
const host = process.env.HOST ?? '127.0.0.1';
const effectsFile = process.env.EFFECTS_FILE;
const slowMs = Number(process.env.SLOW_MS ?? 0);
const fault = process.env.FAULT ?? '';
const faultKinds = (process.env.FAULT_KINDS ?? 'act').split(',');

// The effects done, by idempotency key: a request seen before gets the answer it got then, and its
// effect is not done twice. A request still being worked on is joined, not started again (a worker
// that took over from a killed one sends the same key while the first request may still run); if
// that one fails, it did nothing, and the joined request does the work itself.
const done = new Map();
if (effectsFile && existsSync(effectsFile)) {
  for (const line of readFileSync(effectsFile, 'utf8').split('\n').filter(Boolean)) {
    const effect = JSON.parse(line);
    done.set(effect.idempotencyKey, Promise.resolve(effect.answer));
  }
}

/** A request that can never succeed: the worker dead-letters the command. */
class Unprocessable extends Error {}

/** A failure worth trying again (the model endpoint could not be reached, say). */
class Transient extends Error {}

function validate(request) {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw new Unprocessable('the body is not a JSON object');
  }
  if (request.kind !== 'act' && request.kind !== 'compensate') {
    throw new Unprocessable(`kind must be "act" or "compensate", not ${JSON.stringify(request.kind)}`);
  }
  if (typeof request.idempotencyKey !== 'string' || request.idempotencyKey === '') {
    throw new Unprocessable('idempotencyKey is missing');
  }
  if (request.kind === 'act') {
    if (typeof request.input !== 'string') throw new Unprocessable('input is missing');
    if (typeof request.model?.baseUrl !== 'string') throw new Unprocessable('model.baseUrl is missing');
  }
}

async function act(request) {
  const model = new OpenAI({
    baseURL: request.model.baseUrl,
    apiKey: request.model.apiKey,
    // the worker decides about retries: it re-sends the step, with the same idempotency key
    maxRetries: 0,
    // until the step's deadline (within what a timer holds)
    timeout: Math.min(600_000, Math.max(1000, Date.parse(request.deadline) - Date.now() || 60_000)),
  });
  let answer;
  try {
    const completion = await model.chat.completions.create({
      model: request.model.model,
      messages: [
        {
          role: 'system',
          content: `You are the ${request.agentType} agent of a Conclave saga. Do the step "${request.step?.action}" and answer with its result only.`,
        },
        { role: 'user', content: request.input },
      ],
    });
    answer = completion.choices[0]?.message?.content ?? '';
  } catch (e) {
    // the model refused the request itself: this step fails, and the saga compensates; anything
    // else (a spent budget, an open breaker, a rate limit, no answer) goes back to the worker as a
    // failure that may pass, which it then treats as it would a Java agent's model failure
    if (e instanceof OpenAI.APIError && e.status === 400) {
      return { status: 'failed', reason: `the model refused the request: ${e.message}` };
    }
    throw new Transient(`the model call failed: ${e.message}`);
  }
  const steps = (request.state?.steps ?? 0) + 1;
  return {
    status: 'completed',
    output: answer,
    decisions: [{ kind: 'STEP_RESULT', payload: answer }],
    state: { steps },
    knowledge: [{ op: 'increment', key: `${request.agentType}.steps`, n: 1 }],
  };
}

function compensate(request) {
  return {
    status: 'completed',
    output: `undone: ${request.output ?? ''}`,
    decisions: [{ kind: 'COMPENSATED', payload: `undid step ${request.stepIndex}: ${request.reason ?? ''}` }],
  };
}

/**
 * Does the request's effect once per idempotency key, and answers the same to every repeat. A
 * re-drive (the worker replays a recorded saga against this agent, answering its model calls from
 * the recording) does the step afresh and keeps nothing: it must have no effect.
 */
async function once(request) {
  if (request.redrive === true) {
    return request.kind === 'act' ? act(request) : compensate(request);
  }
  const key = request.idempotencyKey;
  while (done.has(key)) {
    try {
      return await done.get(key);
    } catch {
      // that try did nothing (its worker died with its model endpoint, say): this one does it
    }
  }
  console.log(`${request.kind} ${key}: started`);
  const work = (async () => {
    if (slowMs > 0) await new Promise((resolve) => setTimeout(resolve, slowMs));
    const answer = request.kind === 'act' ? await act(request) : compensate(request);
    if (effectsFile) appendFileSync(effectsFile, JSON.stringify({ idempotencyKey: key, kind: request.kind, answer }) + '\n');
    return answer;
  })();
  done.set(key, work);
  work.catch(() => {
    if (done.get(key) === work) done.delete(key);
  });
  return work;
}

function send(response, status, body, type = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function problem(response, status, title, detail) {
  send(response, status, { title, detail }, 'application/problem+json');
}

const server = createServer((req, res) => {
  if (req.method === 'GET') return send(res, 200, { status: 'up' });
  if (req.method !== 'POST') return problem(res, 405, 'Method Not Allowed', `${req.method} is not served`);
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    let request;
    try {
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        throw new Unprocessable(`the body is not JSON: ${e.message}`);
      }
      validate(request);
      if (fault && faultKinds.includes(request.kind)) {
        console.log(`fault ${fault} for ${request.idempotencyKey}`);
        if (fault === 'hang') return; // never answers: the worker's timeout is what ends it
        if (fault === 'garbage') return send(res, 200, 'this is not JSON {', 'application/json');
        return problem(res, 500, 'Internal Server Error', 'FAULT=500');
      }
      const answer = await once(request);
      console.log(`${request.kind} ${request.idempotencyKey}: ${answer.status}`);
      send(res, 200, answer);
    } catch (e) {
      if (e instanceof Unprocessable) {
        console.log(`unprocessable: ${e.message}`);
        return problem(res, 422, 'Unprocessable Content', e.message);
      }
      console.log(`${request?.idempotencyKey ?? 'request'} failed: ${e.message}`);
      if (e instanceof Transient) return problem(res, 503, 'Service Unavailable', e.message);
      problem(res, 500, 'Internal Server Error', e.message);
    }
  });
});

server.listen(port, host, () => console.log(`listening on ${server.address().port}`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // the hanging ones too
  });
}
