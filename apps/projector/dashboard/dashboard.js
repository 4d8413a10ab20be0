// The migration dashboard: reads the query API with the page's session and redraws every few
// seconds (polling: the numbers come from a few counter rows, so a poll costs little).
/* global document, window, fetch, FormData, Option, URLSearchParams, setTimeout, performance */
'use strict';

const pollMs = 3000;
// The criteria aggregate over every user (not a few counter rows): read every 10th poll.
const donePolls = 10;
const pageSize = 25;
const statuses = ['migrated', 'imported', 'exported', 'import-failed', 'disabled', 'unexported'];
let operator = false;
let chart = null;
let routeChart = null;
const pager = { cursors: [null], index: 0, next: null, filter: {} };
const stuckPager = { cursors: [null], index: 0, next: null, filter: {} };
// The spec reads the charts' data through this (the numbers drawn must be the API's).
window.dashboardCharts = {};

const $ = (selector, root = document) => root.querySelector(selector);
const format = (n) => (typeof n === 'number' ? n.toLocaleString('en') : String(n));

async function api(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (response.status === 401) {
    window.location.assign('/dashboard/login');
    throw new Error('signed out');
  }
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

function valueAt(object, path) {
  return path.split('.').reduce((o, key) => (o == null ? undefined : o[key]), object);
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  if (className) td.className = className;
  return td;
}

function renderCompletion(metrics) {
  for (const element of document.querySelectorAll('[data-metric]')) {
    element.textContent = format(valueAt(metrics, element.dataset.metric));
  }
  const statusBody = $('[data-testid=statuses] tbody');
  statusBody.replaceChildren(
    ...statuses.map((status) => {
      const tr = document.createElement('tr');
      tr.dataset.status = status;
      tr.append(cell(status), cell(format(metrics.byStatus[status]), 'n'));
      return tr;
    }),
  );
  const federationBody = $('[data-testid=federation] tbody');
  federationBody.replaceChildren(
    ...metrics.federation.map((f) => {
      const tr = document.createElement('tr');
      tr.append(cell(f.provider), cell(format(f.rebound), 'n'), cell(format(f.expected), 'n'));
      return tr;
    }),
  );
}

function renderBurnDown(days) {
  const data = [
    days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000),
    days.map((d) => d.remaining),
    days.map((d) => d.migratedTotal),
    days.map((d) => d.importedTotal),
  ];
  const element = $('#burn-down');
  if (chart) {
    chart.setData(data);
    return;
  }
  chart = window.dashboardCharts.burnDown = new window.uPlot(
    {
      width: Math.max(element.clientWidth, 400),
      height: 260,
      series: [
        {},
        { label: 'not yet migrated', stroke: '#c62828', width: 2 },
        { label: 'migrated', stroke: '#2e7d32', width: 2 },
        { label: 'imported', stroke: '#1565c0', width: 1, dash: [4, 4] },
      ],
      axes: [{}, { size: 60 }],
    },
    data,
    element,
  );
}

/** A criterion's value or threshold in its unit, as `ledger status` prints it. */
function measure(criterion, value) {
  if (value === null) return 'unmeasured';
  return criterion.unit === 'share' ? `${(value * 100).toFixed(2)} %` : `${format(value)} ${criterion.unit}`;
}

function projectedDone(status) {
  if (status.projectedDoneAt === null) return 'projected done: unknown (nobody migrated within the observation window)';
  if (Date.parse(status.projectedDoneAt) <= Date.now()) return 'projected done: reached';
  return `projected done ${status.projectedDoneAt.slice(0, 10)} at the observation window's migration rate`;
}

function renderDone(status) {
  const { readiness } = status;
  const needed = new Set(readiness.criteria.map((c) => c.id));
  $('[data-testid=phase]').textContent = status.cutover.phase;
  $('[data-testid=next-phase]').textContent =
    readiness.next === null
      ? 'Cognito is retired'
      : readiness.blocking.length === 0
        ? `next: ${readiness.next}, nothing blocks it`
        : `next: ${readiness.next}, blocked by ${readiness.blocking.map((c) => c.id).join(', ')}`;
  $('[data-testid=next-phase]').dataset.blocking = readiness.blocking.map((c) => c.id).join(',');
  $('[data-testid=criteria] tbody').replaceChildren(
    ...status.criteria.map((c) => {
      const tr = document.createElement('tr');
      tr.dataset.criterion = c.id;
      tr.dataset.value = c.value === null ? '' : String(c.value);
      tr.dataset.threshold = String(c.threshold);
      tr.dataset.met = String(c.met);
      tr.className = c.met ? 'met' : 'unmet';
      tr.append(
        cell(`${needed.has(c.id) ? '★ ' : ''}${c.id}`),
        cell(measure(c, c.value), 'n'),
        cell(`${c.comparison === 'at-least' ? '≥' : '≤'} ${measure(c, c.threshold)}`, 'n'),
        cell(c.met ? 'yes' : 'no'),
      );
      return tr;
    }),
  );
  // The domain's projectDoneDate (libs/domain), as `ledger status` gives it: not computed here.
  const projected = $('[data-testid=projection]');
  projected.textContent = projectedDone(status);
  projected.dataset.at = status.projectedDoneAt ?? '';
  const timeline = $('[data-testid=timeline]');
  if (status.timeline.length === 0) {
    const li = document.createElement('li');
    li.textContent = `${status.cutover.phase} since the first import: no phase change decided yet`;
    timeline.replaceChildren(li);
    return;
  }
  timeline.replaceChildren(
    ...status.timeline.map((change) => {
      const li = document.createElement('li');
      li.dataset.sequence = String(change.sequence);
      li.dataset.override = String(change.override);
      const who = change.decidedBy === 'operator' ? `operator ${change.operator ?? ''}`.trim() : 'the reconciler';
      const head = document.createElement('b');
      head.textContent = `#${change.sequence} ${change.fromPhase} → ${change.toPhase}`;
      const overridden = change.criteria.filter((c) => !c.met).map((c) => c.id);
      const detail = document.createElement('span');
      detail.textContent = ` ${new Date(change.decidedAt).toISOString().slice(0, 16).replace('T', ' ')} by ${who}: ${change.reason}`;
      li.append(head, detail);
      if (change.override) {
        const flag = document.createElement('em');
        flag.className = 'override';
        flag.textContent = ` override of ${overridden.join(', ')}`;
        li.append(flag);
      }
      return li;
    }),
  );
}

const cohortTitles = {
  'cognito-status': 'Cognito status',
  mfa: 'MFA',
  provider: 'identity provider',
  import: 'import outcome',
};

function renderCohorts(cohorts) {
  $('[data-testid=cohorts]').replaceChildren(
    ...Object.entries(cohortTitles).map(([kind, title]) => {
      const table = document.createElement('table');
      table.dataset.kind = kind;
      const head = document.createElement('tr');
      for (const label of [title, 'users', 'migrated']) {
        const th = document.createElement('th');
        th.textContent = label;
        head.append(th);
      }
      table.createTHead().append(head);
      const body = table.createTBody();
      for (const c of cohorts.filter((c) => c.kind === kind)) {
        const tr = document.createElement('tr');
        tr.dataset.value = c.value;
        tr.append(cell(c.value), cell(format(c.users), 'n'), cell(format(c.migrated), 'n'));
        body.append(tr);
      }
      if (body.rows.length === 0) body.append(cell('none'));
      return table;
    }),
  );
}

// Route, its label in the table, its short label in the chart's legend, its colour.
const routes = [
  ['jit', 'JIT (PasswordMigrated at sign-in)', 'JIT', '#2e7d32'],
  ['reset', 'reset (ResetSent, then completed)', 'reset', '#f9a825'],
  ['federation', 'federation (FederationRebound)', 'federation', '#6a1b9a'],
];

function routeBasis(projection) {
  const share = `${(projection.thresholdShare * 100).toFixed(2)} %`;
  if (projection.basis === 'reached')
    return `The active-migrated threshold (${share} of ${format(projection.active)} active users) is reached.`;
  const rate =
    projection.basis === 'no-rate'
      ? `nobody migrated within the ${format(projection.windowDays)}-day observation window, so there is no rate to project from`
      : `at ${format(projection.perDay)} users a day (${format(projection.migratedInWindow)} migrated in the last ${format(projection.windowDays)} days)`;
  return `Basis: ${format(projection.needed)} more active users to reach ${share} of ${format(projection.active)} active (${format(projection.activeMigrated)} migrated), ${rate}.`;
}

function renderRouteBurnDown(answer) {
  const { days, projection } = answer;
  const last = days[days.length - 1];
  const totals = {
    jit: last ? last.jitTotal : 0,
    reset: last ? last.resetTotal : 0,
    federation: last ? last.federationTotal : 0,
    'not-yet': last ? last.notYetMigrated : 0,
  };
  $('[data-testid=route-day]').textContent = last ? `to ${last.day}` : '';
  $('[data-testid=routes] tbody').replaceChildren(
    ...[...routes, ['not-yet', 'not yet migrated']].map(([route, label]) => {
      const tr = document.createElement('tr');
      tr.dataset.route = route;
      tr.append(cell(label), cell(format(totals[route]), 'n'));
      return tr;
    }),
  );
  const projected = $('[data-testid=route-projection]');
  projected.dataset.at = projection.projectedDoneAt ?? '';
  projected.dataset.basis = projection.basis;
  projected.textContent =
    projection.basis === 'reached'
      ? 'projected done: reached'
      : projection.projectedDoneAt === null
        ? 'projected done: unknown'
        : `projected done ${projection.projectedDoneAt.slice(0, 10)}`;
  $('[data-testid=route-basis]').textContent = routeBasis(projection);
  const data = [
    days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000),
    days.map((d) => d.notYetMigrated),
    days.map((d) => d.jitTotal),
    days.map((d) => d.resetTotal),
    days.map((d) => d.federationTotal),
  ];
  if (routeChart) {
    routeChart.setData(data);
    return;
  }
  const element = $('#route-burn-down');
  routeChart = window.dashboardCharts.routeBurnDown = new window.uPlot(
    {
      width: Math.max(element.clientWidth, 400),
      height: 240,
      series: [
        {},
        { label: 'not yet migrated', stroke: '#c62828', width: 2 },
        ...routes.map(([, , label, stroke]) => ({ label, stroke, width: 2 })),
      ],
      axes: [{}, { size: 60 }],
    },
    data,
    element,
  );
}

function renderPipeline(pipeline) {
  const rows = [
    ['due.users', 'due now (e-mail)', format(pipeline.due.users)],
    ['due.disabledInCognito', 'due, disabled in Cognito (skipped)', format(pipeline.due.disabledInCognito)],
    ['sent.attempts', 'sent (e-mails)', format(pipeline.sent.attempts)],
    ['sent.users', 'sent (users)', format(pipeline.sent.users)],
    ['sent.awaiting', 'sent, not migrated yet', format(pipeline.sent.awaiting)],
    ['completed', 'completed (password set by reset)', format(pipeline.completed)],
    ...pipeline.skipped.map((s) => [
      `skipped.${s.reason}`,
      `skipped: ${s.reason} (users)`,
      format(s.attempts) + ` (${format(s.users)})`,
    ]),
    ['bounces', 'bounces', 'not recorded'],
  ];
  if (pipeline.skipped.length === 0) rows.splice(rows.length - 1, 0, ['skipped', 'skipped', '0']);
  $('[data-testid=pipeline] tbody').replaceChildren(
    ...rows.map(([key, label, value]) => {
      const tr = document.createElement('tr');
      tr.dataset.pipeline = key;
      tr.append(cell(label), cell(value, 'n'));
      return tr;
    }),
  );
}

function stuckColumns() {
  return [
    ['kind', 'cause'],
    ['sub', 'sub'],
    ...(operator
      ? [
          ['username', 'username'],
          ['email', 'e-mail'],
        ]
      : []),
    ['status', 'status'],
    ['reason', 'reason'],
    ['since', 'since'],
    ['factType', 'fact'],
  ];
}

async function renderStuck() {
  const query = new URLSearchParams({ limit: String(pageSize) });
  for (const [key, value] of Object.entries(stuckPager.filter)) if (value !== '') query.set(key, value);
  const cursor = stuckPager.cursors[stuckPager.index];
  if (cursor) query.set('after', cursor);
  const page = await api(`/api/stuck-users?${query}`);
  const columns = stuckColumns();
  const head = document.createElement('tr');
  for (const [, label] of columns) {
    const th = document.createElement('th');
    th.textContent = label;
    head.append(th);
  }
  $('[data-testid=stuck] thead').replaceChildren(head);
  const body = $('[data-testid=stuck] tbody');
  body.replaceChildren(
    ...page.items.map((row) => {
      const tr = document.createElement('tr');
      tr.dataset.sub = row.sub;
      tr.dataset.kind = row.kind;
      tr.title = 'show the history of this user';
      for (const [key] of columns)
        tr.append(cell(key === 'since' && row.since ? row.since.slice(0, 16).replace('T', ' ') : row[key]));
      tr.addEventListener('click', () => void showHistory(row.sub));
      return tr;
    }),
  );
  if (page.items.length === 0) {
    const tr = document.createElement('tr');
    tr.append(cell('nobody is stuck'));
    body.append(tr);
  }
  stuckPager.next = page.nextCursor;
  $('[data-testid=stuck-next]').disabled = page.nextCursor === null;
  $('[data-testid=stuck-previous]').disabled = stuckPager.index === 0;
  $('[data-testid=stuck-page]').textContent = `page ${stuckPager.index + 1}`;
}

function renderLag(report) {
  const element = $('[data-testid=lag]');
  element.textContent = report.lag === 0 ? 'up to date' : `${format(report.lag)} facts behind`;
  element.dataset.lag = String(report.lag);
  element.classList.toggle('behind', report.lag > 0);
}

function userColumns() {
  return [
    ['sub', 'sub'],
    ...(operator
      ? [
          ['username', 'username'],
          ['email', 'e-mail'],
        ]
      : []),
    ['status', 'status'],
    ['sourceStatus', 'Cognito status'],
    ['passwordMigratedVia', 'password'],
    ['resetsSent', 'resets'],
    ['lastImportFailure', 'import failure'],
  ];
}

async function renderUsers() {
  const query = new URLSearchParams({ limit: String(pageSize) });
  for (const [key, value] of Object.entries(pager.filter)) if (value !== '') query.set(key, value);
  const cursor = pager.cursors[pager.index];
  if (cursor) query.set('after', cursor);
  const page = await api(`/api/users?${query}`);
  const columns = userColumns();
  const head = document.createElement('tr');
  for (const [, label] of columns) {
    const th = document.createElement('th');
    th.textContent = label;
    head.append(th);
  }
  $('[data-testid=users] thead').replaceChildren(head);
  $('[data-testid=users] tbody').replaceChildren(
    ...page.items.map((user) => {
      const tr = document.createElement('tr');
      tr.dataset.sub = user.sub;
      for (const [key] of columns) tr.append(cell(user[key]));
      tr.addEventListener('click', () => void showHistory(user.sub));
      return tr;
    }),
  );
  pager.next = page.nextCursor;
  $('[data-testid=next]').disabled = page.nextCursor === null;
  $('[data-testid=previous]').disabled = pager.index === 0;
  $('[data-testid=page]').textContent = `page ${pager.index + 1}`;
}

async function showHistory(sub) {
  const { history } = await api(`/api/users/${encodeURIComponent(sub)}`);
  const section = $('[data-testid=history]');
  $('[data-testid=history-sub]').textContent = sub;
  $('tbody', section).replaceChildren(
    ...history.map((fact, i) => {
      const tr = document.createElement('tr');
      tr.append(cell(i + 1), cell(fact.time), cell(fact.type), cell(fact.eventId));
      return tr;
    }),
  );
  section.hidden = false;
}

let polls = 0;

/**
 * The criteria and the cohorts aggregate every user's row (seconds at 300,000 users on a busy
 * machine): they fill their panels when they arrive and never hold back the rest of the page.
 */
async function refreshAggregates() {
  const [done, cohorts, byRoute, pipeline] = await Promise.all([
    api('/api/cutover/status'),
    api('/api/metrics/cohorts'),
    api('/api/metrics/burn-down/by-route'),
    api('/api/resets/pipeline'),
  ]);
  renderDone(done);
  renderCohorts(cohorts);
  renderRouteBurnDown(byRoute);
  renderPipeline(pipeline);
  document.body.dataset.aggregatesReady = 'true';
}

async function refresh() {
  if (polls % donePolls === 0) {
    void refreshAggregates().catch((error) => {
      if (error.message !== 'signed out') $('[data-testid=updated]').textContent = `update failed: ${error.message}`;
    });
  }
  polls += 1;
  const [completion, burnDown, lag] = await Promise.all([
    api('/api/metrics/completion'),
    api('/api/metrics/burn-down'),
    api('/api/projector/lag'),
  ]);
  renderCompletion(completion);
  renderBurnDown(burnDown);
  renderLag(lag);
  document.body.dataset.users = String(completion.users);
  $('[data-testid=updated]').textContent = `updated ${new Date().toLocaleTimeString('en-GB')}`;
}

async function start() {
  operator = (await api('/dashboard/me')).operator;
  const select = $('select[name=status]');
  for (const status of statuses) select.append(new Option(status, status));
  $('[data-testid=filters]').addEventListener('submit', (event) => {
    event.preventDefault();
    pager.filter = Object.fromEntries(new FormData(event.target));
    pager.cursors = [null];
    pager.index = 0;
    void renderUsers();
  });
  $('[data-testid=next]').addEventListener('click', () => {
    pager.cursors[pager.index + 1] = pager.next;
    pager.index += 1;
    void renderUsers();
  });
  $('[data-testid=previous]').addEventListener('click', () => {
    pager.index = Math.max(0, pager.index - 1);
    void renderUsers();
  });
  $('[data-testid=stuck-filters]').addEventListener('submit', (event) => {
    event.preventDefault();
    stuckPager.filter = Object.fromEntries(new FormData(event.target));
    stuckPager.cursors = [null];
    stuckPager.index = 0;
    void renderStuck();
  });
  $('[data-testid=stuck-next]').addEventListener('click', () => {
    stuckPager.cursors[stuckPager.index + 1] = stuckPager.next;
    stuckPager.index += 1;
    void renderStuck();
  });
  $('[data-testid=stuck-previous]').addEventListener('click', () => {
    stuckPager.index = Math.max(0, stuckPager.index - 1);
    void renderStuck();
  });
  await Promise.all([refresh(), renderUsers(), renderStuck()]);
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = 'true';
  const loop = async () => {
    try {
      await refresh();
    } catch (error) {
      if (error.message !== 'signed out') $('[data-testid=updated]').textContent = `update failed: ${error.message}`;
    }
    setTimeout(loop, pollMs);
  };
  setTimeout(loop, pollMs);
}

void start();
