// The Conclave dashboard: polls the projections' HTTP API and renders what it answers. Everything from the server is
// put into the page as text (textContent), never as markup. The API token lives in sessionStorage: this tab only.
'use strict';

const FAST_MS = 2000;            // leaders, sagas, the tasks submitted here, the open saga
const SLOW_EVERY = 5;            // breakers, knowledge, dead letters and the open agent every 5th refresh: each reads a
                                 // topic or fans out
const RECENT_DECISIONS = 20;
const REQUEST_TIMEOUT_MS = 10000;
const TOKEN_KEY = 'conclave.token';
const TASKS_KEY = 'conclave.tasks';

const $ = (selector) => document.querySelector(selector);
let tick = 0;
let openSaga = null;
let openAgent = null;
// what the page has seen, for the agent ids it offers: <agent type>-<partition>, the partitions being the shards
const knownShards = new Set();
const knownTypes = new Set(['planner']);

function token() {
  return $('#token').value.trim();
}

/** GET or POST against the API; resolves to the parsed JSON, rejects with the API's message ("401: ..."). */
async function api(path, options = {}) {
  const headers = Object.assign({Accept: 'application/json'}, options.headers || {});
  if (token()) {
    headers.Authorization = 'Bearer ' + token();
  }
  // a request that hangs must not stall the refreshes behind it
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, Object.assign({cache: 'no-store', signal: abort.signal}, options, {headers}));
  } catch (e) {
    throw new Error(e.name === 'AbortError' ? 'no answer after ' + REQUEST_TIMEOUT_MS / 1000 + ' s' : e.message);
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.message ? body.message : text || response.statusText;
    throw new Error(response.status + ': ' + message);
  }
  return body;
}

function cell(value) {
  const td = document.createElement('td');
  td.textContent = value === null || value === undefined ? '' : String(value);
  return td;
}

/** A button that runs {@code onClick}, with {@code data} as data-* attributes (for tests and styles). */
function button(label, onClick, data = {}) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  Object.entries(data).forEach(([name, value]) => { b.dataset[name] = String(value); });
  b.addEventListener('click', (event) => {
    event.stopPropagation(); // a button in a clickable row does its own thing only
    onClick();
  });
  return b;
}

/** Shows {@code text} in {@code element} as an outcome: green if {@code ok}, red otherwise. */
function outcome(element, ok, text) {
  element.textContent = text;
  element.className = ok ? 'ok' : 'error';
}

function time(iso) {
  return iso ? String(iso).replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

function short(text, max = 120) {
  if (text === null || text === undefined) {
    return '';
  }
  const s = typeof text === 'string' ? text : JSON.stringify(text);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** Replaces the rows of table {@code selector} with one per item ({@code columns(item)} gives the cells' values). */
function fill(selector, items, columns, decorate) {
  const table = $(selector);
  const body = table.tBodies[0];
  const rows = items.map((item) => {
    const tr = document.createElement('tr');
    columns(item).forEach((value) => tr.appendChild(cell(value)));
    if (decorate) {
      decorate(tr, item);
    }
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell('none');
    td.colSpan = table.tHead.rows[0].cells.length;
    td.className = 'muted';
    tr.appendChild(td);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
  table.dataset.loaded = 'true';
}

/** Runs {@code load} for the section holding {@code selector}, showing its error in the section instead of data. */
/** Replaces the entries of description list {@code selector} with [name, value] pairs, values as text. */
function describe(selector, pairs) {
  $(selector).replaceChildren(...pairs.flatMap(([name, value]) => {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value === null || value === undefined ? '' : String(value);
    return [dt, dd];
  }));
}

async function section(selector, load) {
  const error = $(selector).closest('section').querySelector('[data-error]');
  try {
    await load();
    error.textContent = '';
  } catch (e) {
    error.textContent = e.message;
  }
}

function statusClass(tr, status) {
  if (/^[A-Z_]+$/.test(String(status))) {
    tr.classList.add('status-' + String(status).toLowerCase().replace(/_/g, '-'));
  }
}

function submittedTasks() {
  try {
    return JSON.parse(sessionStorage.getItem(TASKS_KEY) || '[]');
  } catch (e) {
    return [];
  }
}

async function refreshTasks() {
  const ids = submittedTasks();
  const views = await Promise.all(ids.map((id) => api('/tasks/' + encodeURIComponent(id))
      .catch((e) => ({taskId: id, status: e.message.startsWith('404') ? 'SUBMITTED' : e.message}))));
  fill('#tasks', views, (t) => [t.taskId, t.status,
    (t.steps || []).map((s) => s.agentType + ':' + s.status).join(' '), time(t.submittedAt), time(t.finishedAt)],
  (tr, t) => {
    tr.dataset.task = t.taskId;
    tr.cells[1].classList.add('status');
    statusClass(tr, t.status);
    if (t.sagaId) {
      tr.classList.add('clickable');
      tr.addEventListener('click', () => showSaga(t.sagaId));
    }
  });
}

async function refreshLeaders() {
  const leaders = await api('/leaders');
  fill('#leaders', leaders || [], (l) => [l.shard, l.epoch, l.memberId, l.host, time(l.since)],
      (tr, l) => { tr.dataset.shard = l.shard; });
  (leaders || []).forEach((l) => knownShards.add(l.shard));
  renderAgentIds();
}

async function refreshSagas() {
  const status = $('#saga-status').value;
  const sagas = await api('/sagas' + (status ? '?status=' + encodeURIComponent(status) : ''));
  fill('#sagas', sagas || [], (s) => [s.sagaId, s.taskId, s.status, time(s.startedAt), time(s.endedAt), s.currentStep,
    s.failedStep], (tr, s) => {
    tr.dataset.saga = s.sagaId;
    tr.classList.add('clickable');
    statusClass(tr, s.status);
    tr.addEventListener('click', () => showSaga(s.sagaId));
  });
}

async function refreshSaga() {
  if (!openSaga) {
    return;
  }
  const saga = await api('/sagas/' + encodeURIComponent(openSaga));
  $('#detail-id').textContent = saga.sagaId;
  const summary = [['status', saga.status], ['task', saga.taskId], ['prompt', short(saga.prompt, 300)],
    ['reason', saga.reason], ['shard / leader epoch', saga.shard === undefined ? '' : saga.shard + ' / ' + saga.leaderEpoch],
    ['started', time(saga.startedAt)], ['ended', time(saga.endedAt)],
    ['duration', saga.durationMs === undefined || saga.durationMs === null ? '' : saga.durationMs + ' ms'],
    ['tenant', saga.tenant], ['tokens spent / budget', saga.tokensSpent + ' / ' + (saga.tokenBudget ?? 'no limit')]];
  describe('#detail-summary', summary);
  const awaiting = (saga.steps || []).filter((s) => s.status === 'AWAITING_APPROVAL');
  fill('#detail-steps', saga.steps || [], (s) => [s.index, s.agentType, s.action, s.status, short(s.output), short(s.error),
    s.tokens, s.compensation ? s.compensation.action + ' ' + s.compensation.status + ' (attempt '
      + s.compensation.attempt + ')' + (s.compensation.error ? ': ' + short(s.compensation.error, 80) : '') : '', ''],
  (tr, s) => {
    tr.dataset.step = s.index;
    statusClass(tr, s.status);
    if (s.status === 'AWAITING_APPROVAL') {
      const sagaId = saga.sagaId;
      tr.cells[8].replaceChildren(
          button('Approve', () => decide(sagaId, s.index, true), {decision: 'approve'}),
          button('Reject', () => decide(sagaId, s.index, false), {decision: 'reject'}));
    }
  });
  // the comment field stays as typed across refreshes; it is only hidden while no step waits for a decision
  $('#approval-controls').hidden = awaiting.length === 0;
  fill('#detail-compensations', saga.compensations || [], (c) => [c.step, c.agentType, c.action, c.status]);
  (saga.steps || []).filter((s) => s.agentType !== 'approval').forEach((s) => knownTypes.add(s.agentType));
  const planner = saga.shard === undefined || saga.shard === null ? null : 'planner-' + saga.shard;
  const agents = $('#detail-agents');
  if (agents.dataset.agent !== String(planner)) {
    agents.dataset.agent = String(planner);
    agents.replaceChildren(...(planner ? [agentLink(planner)] : []));
  }
  renderAgentIds();
}

/** Decides approval step {@code step} of {@code sagaId} with the comment typed in the drill-down. */
async function decide(sagaId, step, approved) {
  const result = $('#approval-result');
  const request = {approved};
  const comment = $('#approval-comment').value.trim();
  if (comment) {
    request.comment = comment;
  }
  try {
    await api('/sagas/' + encodeURIComponent(sagaId) + '/approvals/' + step, {method: 'POST',
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify(request)});
    outcome(result, true, (approved ? 'approved' : 'rejected') + ' step ' + step + ' of ' + sagaId);
    $('#approval-comment').value = '';
    section('#detail-steps', refreshSaga);
  } catch (e) {
    outcome(result, false, 'refused: ' + e.message);
  }
}

function showSaga(sagaId) {
  if (openSaga !== sagaId) {
    $('#approval-result').textContent = '';
    $('#approval-comment').value = '';
  }
  openSaga = sagaId;
  $('#saga-detail').hidden = false;
  $('#detail-id').textContent = sagaId;
  section('#detail-steps', refreshSaga);
}

async function refreshBreakers() {
  const breakers = await api('/breakers');
  fill('#breakers', breakers || [], (b) => [b.breaker, (b.agentTypes || []).join(', '), b.worker, b.state, time(b.since)],
      (tr, b) => statusClass(tr, b.state));
  (breakers || []).forEach((b) => (b.agentTypes || []).forEach((t) => knownTypes.add(t)));
  renderAgentIds();
}

/** A button that opens agent {@code agentId}. */
function agentLink(agentId) {
  const link = button(agentId, () => showAgent(agentId), {agent: agentId});
  link.className = 'agent-link';
  return link;
}

/** The agent ids the page can tell from what it has seen; redrawn only when they change, so a click is not lost. */
function renderAgentIds() {
  const shards = [...knownShards].sort((a, b) => a - b);
  const ids = [...knownTypes].sort().flatMap((t) => shards.map((p) => t + '-' + p));
  const list = $('#agent-ids');
  if (ids.length === 0 || list.dataset.ids === ids.join(' ')) {
    return;
  }
  list.dataset.ids = ids.join(' ');
  list.className = '';
  list.replaceChildren(...ids.map(agentLink));
}

async function refreshAgent() {
  if (!openAgent) {
    return;
  }
  const agentId = openAgent;
  const path = '/agents/' + encodeURIComponent(agentId);
  const state = await api(path + '/state');
  const from = Math.max(0, state.lastSequence - RECENT_DECISIONS + 1);
  const decisions = await api(path + '/decisions?from=' + from);
  if (openAgent !== agentId) {
    return; // another agent was opened meanwhile
  }
  const summary = [['agent type', state.agentType], ['fold', state.fold],
    ['partition of decisions', state.partition], ['read up to offset', state.readUntilOffset],
    ['last sequence', state.lastSequence], ['decisions folded', state.decisionsFolded],
    ['snapshot', state.snapshot ? 'sequence ' + state.snapshot.nextSequence + ' at offset '
      + state.snapshot.decisionsOffset + ', ' + time(state.snapshot.takenAt) : 'none'],
    ['gaps in the log', state.gaps]];
  describe('#agent-state', summary);
  $('#agent-fold').textContent = JSON.stringify(state.state, null, 2);
  fill('#agent-decisions', (decisions || []).slice().reverse(), (d) => [d.sequence, d.kind, d.sagaId, d.stepIndex,
    short(d.payload, 200), time(d.at), d.leaderEpoch], (tr, d) => {
    tr.dataset.sequence = d.sequence;
    if (d.sagaId) {
      tr.classList.add('clickable');
      tr.addEventListener('click', () => showSaga(d.sagaId));
    }
  });
}

function showAgent(agentId) {
  openAgent = agentId;
  $('#agent-id').value = agentId;
  $('#agent-title').textContent = agentId;
  $('#agent-detail').hidden = false;
  $('#agent-state').replaceChildren();
  $('#agent-fold').textContent = '';
  $('#agent-decisions').tBodies[0].replaceChildren();
  $('#agent-decisions').dataset.loaded = 'false';
  section('#agent-decisions', refreshAgent);
}

async function refreshKnowledge() {
  const listing = await api('/knowledge');
  fill('#knowledge', (listing && listing.entries) || [], (k) => [k.key, k.type, short(k.value),
    (k.replicas || []).length, time(k.updatedAt)]);
}

async function refreshDeadLetters() {
  const letters = await api('/dead-letters');
  fill('#dead-letters', letters || [], (d) => [d.partition + '@' + d.offset,
    d.sourceTopic ? d.sourceTopic + '-' + d.sourcePartition + '@' + d.sourceOffset : '', short(d.key, 60),
    short((d.errorClass ? d.errorClass + ': ' : '') + d.errorMessage, 200), time(d.at), ''], (tr, d) => {
    tr.dataset.deadLetter = d.partition + '@' + d.offset;
    if (d.sourceTopic) { // an unreadable dead letter has no record to re-drive
      tr.cells[5].replaceChildren(button('Re-drive', () => redrive(d.partition, d.offset),
          {redrive: tr.dataset.deadLetter}));
    }
  });
}

/** Writes dead letter {@code partition}@{@code offset}'s record back to where it came from (needs an admin token). */
async function redrive(partition, offset) {
  const result = $('#redrive-result');
  try {
    const done = await api('/admin/dead-letters/' + partition + '/' + offset + '/redrive', {method: 'POST'});
    outcome(result, true, 're-drove ' + done.deadLetterPartition + '@' + done.deadLetterOffset + ' to ' + done.topic
        + '-' + done.partition + '@' + done.offset);
    section('#dead-letters', refreshDeadLetters);
  } catch (e) {
    outcome(result, false, 'refused: ' + e.message);
  }
}

async function refresh() {
  try {
    const slow = tick % SLOW_EVERY === 0;
    tick++;
    const loads = [section('#tasks', refreshTasks), section('#leaders', refreshLeaders),
      section('#sagas', refreshSagas), section('#detail-steps', refreshSaga)];
    if (slow) {
      loads.push(section('#breakers', refreshBreakers), section('#knowledge', refreshKnowledge),
          section('#dead-letters', refreshDeadLetters), section('#agent-decisions', refreshAgent));
    }
    await Promise.all(loads);
    $('#refreshed').textContent = 'refreshed ' + new Date().toLocaleTimeString();
  } finally {
    setTimeout(refresh, FAST_MS);
  }
}

async function submit(event) {
  event.preventDefault();
  const result = $('#submit-result');
  const request = {prompt: $('#prompt').value};
  if ($('#task-id').value.trim()) {
    request.taskId = $('#task-id').value.trim();
  }
  try {
    const accepted = await api('/tasks', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(request)});
    result.textContent = 'accepted: ' + accepted.taskId;
    result.className = 'ok';
    const ids = submittedTasks().filter((id) => id !== accepted.taskId);
    ids.unshift(accepted.taskId);
    sessionStorage.setItem(TASKS_KEY, JSON.stringify(ids.slice(0, 20)));
    $('#prompt').value = '';
    $('#task-id').value = '';
    section('#tasks', refreshTasks);
  } catch (e) {
    result.textContent = 'refused: ' + e.message;
    result.className = 'error';
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('#token').value = sessionStorage.getItem(TOKEN_KEY) || '';
  $('#token').addEventListener('input', () => sessionStorage.setItem(TOKEN_KEY, token()));
  $('#submit-form').addEventListener('submit', submit);
  $('#saga-status').addEventListener('change', () => section('#sagas', refreshSagas));
  $('#detail-close').addEventListener('click', () => {
    openSaga = null;
    $('#saga-detail').hidden = true;
  });
  $('#agent-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const agentId = $('#agent-id').value.trim();
    if (agentId) {
      showAgent(agentId);
    }
  });
  $('#agent-close').addEventListener('click', () => {
    openAgent = null;
    $('#agent-detail').hidden = true;
  });
  refresh();
});
