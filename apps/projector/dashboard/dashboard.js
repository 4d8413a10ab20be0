// The migration dashboard: reads the query API with the page's session and redraws every few
// seconds (polling: the numbers come from a few counter rows, so a poll costs little).
/* global document, window, fetch, FormData, Option, URLSearchParams, setTimeout, performance */
'use strict';

const pollMs = 3000;
const pageSize = 25;
const statuses = ['migrated', 'imported', 'exported', 'import-failed', 'disabled', 'unexported'];
let operator = false;
let chart = null;
const pager = { cursors: [null], index: 0, next: null, filter: {} };

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

/** Done when the remaining users go at the average pace of the last 7 days with any migration. */
function projection(days) {
  if (days.length === 0) return 'no facts yet';
  const last = days[days.length - 1];
  if (last.remaining === 0) return 'done';
  const recent = days.slice(-7);
  const pace = recent.reduce((sum, d) => sum + d.migrated, 0) / recent.length;
  if (pace === 0) return `no migration in the last ${recent.length} days: no projected date`;
  const done = new Date(`${last.day}T00:00:00Z`);
  done.setUTCDate(done.getUTCDate() + Math.ceil(last.remaining / pace));
  return `projected done ${done.toISOString().slice(0, 10)} (${format(last.remaining)} left at ${pace.toFixed(1)}/day, the average of the last ${recent.length} days)`;
}

function renderBurnDown(days) {
  $('[data-testid=projection]').textContent = projection(days);
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
  chart = new window.uPlot(
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

async function refresh() {
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
  await Promise.all([refresh(), renderUsers()]);
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
