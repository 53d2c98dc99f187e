// Chinese renders on any machine: the CJK font ships with the page (served by the service, never a CDN).
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import { DICTIONARIES, type Key, type Lang } from './i18n';
import { stackedBars, type DayPoint } from './chart';

/**
 * The service's console: a small page over /console/api. Every request carries the session
 * cookie (HttpOnly: this script never sees it) and, for changes, the CSRF token the session
 * call returns. All text goes in with textContent; nothing from the server becomes markup.
 */

type Role = 'admin' | 'reviewer' | 'auditor';
interface Session { user: string; role: Role; mustChange: boolean; csrf: string }
interface Row { biz: string; ticketId: string; status: -1 | 0 | 1 | 2; similarityScore: number | null; auditConclusions: string | null; idMasked: string | null; source: string | null; createdAt: string; submittedAt: string | null; hasMaterials: boolean }

let lang: Lang = (localStorage.getItem('rz-console-lang') as Lang | null) ?? (navigator.language.startsWith('zh') ? 'zh-CN' : 'en');
const t = (key: Key) => DICTIONARIES[lang][key];
let session: Session | undefined;
let screen = 'records';
const app = document.getElementById('app')!;

type Child = Node | string | null | undefined | false;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, unknown> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value as EventListener);
    else if (name === 'value') (el as HTMLInputElement).value = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

async function api<T = any>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: method === 'POST' ? { 'content-type': 'application/json', 'x-csrf-token': session?.csrf ?? '' } : {},
    body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new ApiError(response.status, json?.error?.code ?? 'Error', json?.error?.message ?? response.statusText);
    if (response.status === 401 && path !== '/console/api/login') {
      session = undefined;
      render();
    }
    throw error;
  }
  return json as T;
}

const statusText = (s: number) => t(s === -1 ? 'status_m1' : (`status_${s}` as Key));
const sourceText = (s: string | null) => (s ? t(`source_${s}` as Key) : '—');
const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString(lang) : '—');
const enc = encodeURIComponent;

function errorLine(): HTMLParagraphElement {
  return h('p', { class: 'error', role: 'alert' });
}
function showError(line: HTMLElement, error: unknown) {
  line.textContent = error instanceof ApiError && error.status === 403 && error.code === 'Forbidden' ? t('forbidden') : error instanceof Error ? error.message : String(error);
}

/** Swaps the main area and moves focus to its heading, so keyboard and screen-reader users land on the new screen. */
function show(title: string, ...content: Child[]) {
  const main = document.querySelector('main')!;
  const heading = h('h2', { tabindex: '-1' }, title);
  main.replaceChildren(heading, ...content.filter((c): c is Node | string => !!c));
  heading.focus();
}

// ---------- login and password ----------

function loginScreen() {
  const error = errorLine();
  const form = h('form', { class: 'card login', 'data-screen': 'login' },
    h('h2', {}, t('title')),
    h('label', {}, t('user'), h('input', { name: 'user', autocomplete: 'username', required: true, autofocus: true })),
    h('label', {}, t('password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit' }, t('login')),
    error,
    h('button', { type: 'button', class: 'secondary', onclick: toggleLanguage }, t('language')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    try {
      session = await api<Session>('POST', '/console/api/login', { user: data.get('user'), password: data.get('password') });
      screen = 'records';
      render();
    } catch (err) {
      showError(error, err);
    }
  });
  app.replaceChildren(form);
  (form.querySelector('input') as HTMLInputElement).focus();
}

function passwordScreen() {
  const error = errorLine();
  const form = h('form', { class: 'card login', 'data-screen': 'password' },
    h('h2', {}, t('changePassword')),
    session?.mustChange ? h('p', { class: 'notice' }, t('mustChange')) : null,
    h('label', {}, t('currentPassword'), h('input', { name: 'current', type: 'password', autocomplete: 'current-password', required: true })),
    h('label', {}, t('newPassword'), h('input', { name: 'next', type: 'password', autocomplete: 'new-password', required: true, minlength: '12' })),
    h('button', { type: 'submit' }, t('save')),
    error,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    try {
      await api('POST', '/console/api/password', { current: data.get('current'), next: data.get('next') });
      session = await api<Session>('GET', '/console/api/session');
      render();
    } catch (err) {
      showError(error, err);
    }
  });
  app.replaceChildren(form);
  (form.querySelector('input') as HTMLInputElement).focus();
}

// ---------- the shell ----------

const SCREENS: { id: string; label: Key; roles: Role[] }[] = [
  { id: 'records', label: 'records', roles: ['admin', 'reviewer', 'auditor'] },
  { id: 'review', label: 'review', roles: ['admin', 'reviewer'] },
  { id: 'stats', label: 'stats', roles: ['admin', 'reviewer', 'auditor'] },
  { id: 'keys', label: 'keys', roles: ['admin'] },
  { id: 'access-log', label: 'accessLog', roles: ['admin', 'auditor'] },
  { id: 'erase', label: 'erase', roles: ['admin'] },
  { id: 'users', label: 'users', roles: ['admin'] },
];

function toggleLanguage() {
  lang = lang === 'zh-CN' ? 'en' : 'zh-CN';
  localStorage.setItem('rz-console-lang', lang);
  document.documentElement.lang = lang;
  render();
}

function render() {
  document.documentElement.lang = lang;
  document.title = t('title');
  if (!session) return loginScreen();
  if (session.mustChange) return passwordScreen();
  const nav = h('nav', { 'aria-label': t('title') },
    ...SCREENS.filter((s) => s.roles.includes(session!.role)).map((s) =>
      h('button', { type: 'button', 'data-nav': s.id, 'aria-current': screen === s.id ? 'page' : undefined, onclick: () => go(s.id) }, t(s.label)),
    ),
  );
  app.replaceChildren(
    h('header', {},
      h('h1', {}, t('title')),
      nav,
      h('span', {}, `${session.user} (${session.role})`),
      h('button', { type: 'button', onclick: toggleLanguage }, t('language')),
      h('button', { type: 'button', 'data-action': 'logout', onclick: async () => { await api('POST', '/console/api/logout').catch(() => undefined); session = undefined; render(); } }, t('logout')),
    ),
    h('main', { 'data-screen': screen }),
  );
  void SCREEN_RENDERERS[screen]?.();
}

function go(id: string) {
  screen = id;
  render();
}

// ---------- records ----------

let lastQuery = '';

function recordsTable(rows: Row[], onOpen: (r: Row) => void) {
  if (!rows.length) return h('p', { 'data-empty': true }, t('noRows'));
  return h('table', { 'data-table': 'records' },
    h('thead', {}, h('tr', {}, ...[t('biz'), t('ticket'), t('status'), t('score'), t('idNumber'), t('source'), t('submitted'), ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r) =>
      h('tr', { 'data-ticket': r.ticketId },
        h('td', {}, r.biz), h('td', {}, r.ticketId),
        h('td', { class: `status-${r.status}` }, statusText(r.status)),
        h('td', {}, r.similarityScore === null ? '—' : r.similarityScore.toFixed(2)),
        h('td', {}, r.idMasked ?? '—'), h('td', {}, sourceText(r.source)), h('td', {}, time(r.submittedAt ?? r.createdAt)),
        h('td', {}, h('button', { type: 'button', class: 'secondary', 'data-open': r.ticketId, onclick: () => onOpen(r) }, t('open'))),
      ),
    )),
  );
}

async function recordsScreen() {
  const error = errorLine();
  const results = h('div', { 'data-results': true });
  const exportLink = h('a', { class: 'secondary', 'data-action': 'export', download: 'renzheng-records.csv', href: `/console/api/records.csv?${lastQuery}` }, t('exportCsv'));
  const statusSelect = h('select', { name: 'status' }, h('option', { value: '' }, t('any')), ...[-1, 0, 1, 2].map((s) => h('option', { value: String(s) }, statusText(s))));
  const sourceSelect = h('select', { name: 'source' }, h('option', { value: '' }, t('any')), ...['kiosk', 'h5', 'api'].map((s) => h('option', { value: s }, sourceText(s))));
  const form = h('form', { class: 'filters', role: 'search' },
    h('label', {}, t('from'), h('input', { type: 'date', name: 'from' })),
    h('label', {}, t('to'), h('input', { type: 'date', name: 'to' })),
    h('label', {}, t('biz'), h('input', { name: 'biz', size: '12' })),
    h('label', {}, t('status'), statusSelect),
    h('label', {}, t('idNumber'), h('input', { name: 'id', size: '20', autocomplete: 'off' })),
    h('label', {}, t('source'), sourceSelect),
    h('button', { type: 'submit' }, t('search')),
    session!.role !== 'reviewer' ? exportLink : null,
  );
  const search = async () => {
    const data = new FormData(form);
    const q = new URLSearchParams();
    for (const [k, v] of data) {
      if (!v) continue;
      // Dates are days in the browser's zone; "to" includes its whole day.
      if (k === 'from') q.set(k, new Date(`${v}T00:00:00`).toISOString());
      else if (k === 'to') q.set(k, new Date(new Date(`${v}T00:00:00`).getTime() + 86_400_000).toISOString());
      else q.set(k, String(v));
    }
    lastQuery = q.toString();
    exportLink.setAttribute('href', `/console/api/records.csv?${lastQuery}`);
    try {
      const { rows } = await api<{ rows: Row[] }>('GET', `/console/api/records?${lastQuery}`);
      results.replaceChildren(recordsTable(rows, (r) => void detailScreen(r.biz, r.ticketId)));
      error.textContent = '';
    } catch (err) {
      showError(error, err);
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void search();
  });
  show(t('records'), form, error, results);
  await search();
}

async function detailScreen(biz: string, ticketId: string) {
  const error = errorLine();
  try {
    const d = await api<Row & { name: string | null; images: string[]; reviews: { reviewer: string; decision: number; reason: string; at: string }[]; liveness: string | null }>('GET', `/console/api/records/${enc(biz)}/${enc(ticketId)}`);
    const facts = h('dl', { class: 'facts' },
      ...([
        [t('biz'), d.biz], [t('ticket'), d.ticketId], [t('status'), statusText(d.status)],
        [t('score'), d.similarityScore === null ? '—' : d.similarityScore.toFixed(2)], [t('name'), d.name ?? '—'],
        [t('idNumber'), d.idMasked ?? '—'], [t('source'), sourceText(d.source)], [t('submitted'), time(d.submittedAt)],
        [t('conclusion'), d.auditConclusions || '—'], [t('liveness'), d.liveness ?? t('livenessNone')],
      ] as const).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    );
    const images = !d.hasMaterials
      ? h('p', {}, t('noMaterials'))
      : d.images.length
        ? h('div', { class: 'pair' }, ...d.images.map((type) => h('figure', {}, h('img', { src: `/console/api/records/${enc(biz)}/${enc(ticketId)}/images/${enc(type)}`, alt: type }), h('figcaption', {}, type))))
        : h('p', {}, t('imagesHidden'));
    const reviews = d.reviews.length
      ? h('ul', {}, ...d.reviews.map((r) => h('li', {}, `${time(r.at)} · ${r.reviewer} · ${statusText(r.decision)} · ${r.reason}`)))
      : null;
    const del = session!.role === 'admin'
      ? h('button', { type: 'button', class: 'danger', 'data-action': 'delete-ticket', onclick: async () => {
          if (!confirm(t('confirmDelete'))) return;
          try {
            await api('POST', '/console/api/delete/ticket', { biz, ticketId });
            go('records');
          } catch (err) {
            showError(error, err);
          }
        } }, t('deleteTicket'))
      : null;
    show(`${t('detail')} ${d.biz}/${d.ticketId}`, h('div', { class: 'card', 'data-detail': d.ticketId }, facts), h('h3', {}, t('materials')), images,
      reviews && h('h3', {}, t('reviews')), reviews, h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', onclick: () => go('records') }, t('back')), del), error);
  } catch (err) {
    show(t('detail'), error);
    showError(error, err);
  }
}

// ---------- review ----------

async function reviewScreen() {
  const error = errorLine();
  const { rows } = await api<{ rows: Row[] }>('GET', '/console/api/review');
  if (!rows.length) return show(t('queue'), h('p', { 'data-empty': true }, t('queueEmpty')));
  show(t('queue'), recordsTable(rows, (r) => void reviewTicket(r)), error);
}

async function reviewTicket(r: Row) {
  const error = errorLine();
  const d = await api<{ images: string[] }>('GET', `/console/api/records/${enc(r.biz)}/${enc(r.ticketId)}`);
  const reference = ['IDPic', 'IdCardFrontPic', 'FaceRetainedPic'].find((x) => d.images.includes(x));
  const img = (type: string | undefined, caption: string) =>
    h('figure', {}, type ? h('img', { src: `/console/api/records/${enc(r.biz)}/${enc(r.ticketId)}/images/${type}`, alt: caption }) : h('p', {}, '—'), h('figcaption', {}, caption));
  const reason = h('textarea', { name: 'reason', rows: '2', cols: '50', required: true });
  const decide = async (decision: 1 | 2) => {
    try {
      await api('POST', `/console/api/review/${enc(r.biz)}/${enc(r.ticketId)}`, { decision, reason: reason.value });
      await reviewScreen();
      const notice = h('p', { class: 'notice', role: 'status' }, t('decided'));
      document.querySelector('main')!.append(notice);
    } catch (err) {
      showError(error, err);
    }
  };
  show(`${t('review')} ${r.biz}/${r.ticketId}`,
    h('p', {}, `${t('score')}: ${r.similarityScore?.toFixed(2) ?? '—'} · ${t('idNumber')}: ${r.idMasked ?? '—'}`),
    h('div', { class: 'pair', 'data-review': r.ticketId }, img(reference, t('chipPhoto')), img(d.images.includes('FacePic') ? 'FacePic' : undefined, t('liveFace'))),
    h('label', {}, t('reason'), reason),
    h('div', { class: 'row' },
      h('button', { type: 'button', 'data-decide': 'approve', onclick: () => void decide(1) }, t('approve')),
      h('button', { type: 'button', class: 'danger', 'data-decide': 'reject', onclick: () => void decide(2) }, t('reject')),
      h('button', { type: 'button', class: 'secondary', onclick: () => void reviewScreen() }, t('back')),
    ),
    error,
  );
}

// ---------- statistics ----------

async function statsScreen(days: 7 | 30 = 7, biz = '') {
  const [data, { biz: scenarios }] = await Promise.all([
    api<{ days: string[]; rows: (DayPoint & { biz: string })[]; totals: (DayPoint & { biz: string })[] }>('GET', `/console/api/stats?days=${days}${biz ? `&biz=${enc(biz)}` : ''}`),
    api<{ biz: { biz: string }[] }>('GET', '/console/api/biz'),
  ]);
  const all = data.rows.filter((r) => r.biz === '*');
  const picker = h('div', { class: 'row' },
    h('button', { type: 'button', class: days === 7 ? '' : 'secondary', 'aria-pressed': String(days === 7), onclick: () => void statsScreen(7, biz) }, t('days7')),
    h('button', { type: 'button', class: days === 30 ? '' : 'secondary', 'aria-pressed': String(days === 30), onclick: () => void statsScreen(30, biz) }, t('days30')),
    h('label', {}, t('biz'), h('select', { name: 'stats-biz', onchange: (e: Event) => void statsScreen(days, (e.target as HTMLSelectElement).value) },
      h('option', { value: '' }, t('allBiz')), ...scenarios.map((b) => h('option', { value: b.biz, selected: b.biz === biz }, b.biz)))),
  );
  const legend = h('div', { class: 'legend' },
    h('span', { style: '--c:#2a9d8f' }, t('pass')), h('span', { style: '--c:#e76f51' }, t('fail')), h('span', { style: '--c:#e9c46a' }, t('inReview')), h('span', { style: '--c:#1d3557' }, t('passRate')),
  );
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  const table = (rows: (DayPoint & { biz: string })[], first: 'day' | 'biz') =>
    h('table', { 'data-table': first === 'day' ? 'stats-days' : 'stats-biz' },
      h('thead', {}, h('tr', {}, ...[first === 'day' ? t('day') : t('biz'), ...(first === 'day' ? [t('biz')] : []), t('verifications'), t('pass'), t('fail'), t('inReview'), t('passRate'), t('medianScore')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows.map((r) => h('tr', {},
        h('td', {}, first === 'day' ? r.day : r.biz === '*' ? t('allBiz') : r.biz), ...(first === 'day' ? [h('td', {}, r.biz === '*' ? t('allBiz') : r.biz)] : []),
        h('td', {}, String(r.verifications)), h('td', {}, String(r.pass)), h('td', {}, String(r.fail)), h('td', {}, String(r.review)),
        h('td', {}, pct(r.passRate)), h('td', {}, r.medianScore === null ? '—' : r.medianScore.toFixed(2)),
      ))),
    );
  show(t('stats'), picker, h('div', { class: 'chart' }, legend, stackedBars(all, { label: `${t('verifications')} / ${t('passRate')}` })),
    h('h3', {}, t('allBiz')), table(data.totals, 'biz'), h('h3', {}, t('day')), table(data.rows.filter((r) => r.verifications > 0), 'day'));
}

// ---------- keys and scenarios ----------

async function keysScreen() {
  const error = errorLine();
  const secretBox = h('div', { 'data-secret': true });
  const [{ keys }, { biz }] = await Promise.all([
    api<{ keys: { AccessKeyId: string; Status: string; CreateDate: string }[] }>('GET', '/console/api/keys'),
    api<{ biz: { biz: string; scheme: string; retentionDays: number | null; reviewLow: number | null; reviewHigh: number | null }[] }>('GET', '/console/api/biz'),
  ]);
  const keyTable = h('table', { 'data-table': 'keys' },
    h('thead', {}, h('tr', {}, ...['AccessKeyId', t('status'), t('created'), ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...keys.map((k) => h('tr', {}, h('td', {}, k.AccessKeyId), h('td', {}, k.Status === 'Active' ? t('active') : t('inactive')), h('td', {}, time(k.CreateDate)),
      h('td', {}, k.Status === 'Active' ? h('button', { type: 'button', class: 'danger', onclick: async () => { try { await api('POST', `/console/api/keys/${enc(k.AccessKeyId)}/revoke`); await keysScreen(); } catch (err) { showError(error, err); } } }, t('revoke')) : null),
    ))),
  );
  const createKey = h('button', { type: 'button', 'data-action': 'create-key', onclick: async () => {
    try {
      const key = await api<{ AccessKeyId: string; AccessKeySecret: string }>('POST', '/console/api/keys');
      await keysScreen();
      document.querySelector('[data-secret]')!.replaceChildren(h('p', { class: 'notice', role: 'status' }, t('secretOnce')), h('p', { class: 'secret' }, `AccessKeyId: ${key.AccessKeyId}\nAccessKeySecret: ${key.AccessKeySecret}`));
    } catch (err) {
      showError(error, err);
    }
  } }, t('createKey'));
  const num = (name: string, label: Key) => h('label', {}, t(label), h('input', { name, type: 'number', min: '0', max: name === 'retentionDays' ? '3650' : '100', step: name === 'retentionDays' ? '1' : '0.01' }));
  const bizForm = h('form', { class: 'filters', 'data-form': 'biz' },
    h('label', {}, t('biz'), h('input', { name: 'name', required: true, pattern: '[A-Za-z0-9_.\\-]{1,64}' })),
    h('label', {}, t('scheme'), h('select', { name: 'scheme' }, ...['RPMin', 'RPBasic', 'RPManual', 'RPBioID', 'RPBioOnly', 'RPBioOnlyPro', 'RPH5BioOnly', 'FVBioOnly'].map((s) => h('option', { value: s }, s)))),
    num('retentionDays', 'retentionDays'), num('reviewLow', 'reviewLow'), num('reviewHigh', 'reviewHigh'),
    h('button', { type: 'submit' }, t('createBiz')),
  );
  bizForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(bizForm);
    const n = (k: string) => (f.get(k) ? Number(f.get(k)) : null);
    try {
      await api('POST', '/console/api/biz', { name: f.get('name'), scheme: f.get('scheme'), settings: { retentionDays: n('retentionDays'), reviewLow: n('reviewLow'), reviewHigh: n('reviewHigh') } });
      await keysScreen();
    } catch (err) {
      showError(error, err);
    }
  });
  const bizTable = h('table', { 'data-table': 'biz' },
    h('thead', {}, h('tr', {}, ...[t('biz'), t('scheme'), t('retentionDays'), t('reviewLow'), t('reviewHigh')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...biz.map((b) => h('tr', {}, h('td', {}, b.biz), h('td', {}, b.scheme), h('td', {}, b.retentionDays === null ? '—' : String(b.retentionDays)), h('td', {}, b.reviewLow === null ? '—' : String(b.reviewLow)), h('td', {}, b.reviewHigh === null ? '—' : String(b.reviewHigh))))),
  );
  show(t('keys'), h('h3', {}, t('accessKeys')), createKey, secretBox, keyTable, h('h3', {}, t('scenarios')), bizForm, bizTable, error);
}

// ---------- access log and erasure ----------

async function accessLogScreen() {
  const { entries } = await api<{ entries: { at: string; user: string; action: string; target: string; detail: string }[] }>('GET', '/console/api/access-log');
  show(t('accessLog'), h('table', { 'data-table': 'access-log' },
    h('thead', {}, h('tr', {}, ...[t('when'), t('user'), t('action'), t('target'), t('detailCol')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...entries.map((e) => h('tr', {}, h('td', {}, time(e.at)), h('td', {}, e.user), h('td', {}, e.action), h('td', {}, e.target), h('td', {}, e.detail)))),
  ));
}

function eraseScreen() {
  const error = errorLine();
  const result = h('p', { role: 'status', 'data-result': true });
  const form = h('form', { class: 'filters', 'data-form': 'erase' },
    h('label', {}, t('idNumber'), h('input', { name: 'id', required: true, autocomplete: 'off', size: '22' })),
    h('button', { type: 'submit', class: 'danger' }, t('erase')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!confirm(t('confirmDelete'))) return;
    try {
      const r = await api<{ tickets: number; objects: number }>('POST', '/console/api/delete/id-number', { id: new FormData(form).get('id') });
      result.textContent = `${t('eraseDone')}: ${r.tickets} / ${r.objects}`;
      result.setAttribute('data-tickets', String(r.tickets));
    } catch (err) {
      showError(error, err);
    }
  });
  show(t('eraseTitle'), h('p', {}, t('eraseHelp')), form, result, error);
}

// ---------- users ----------

async function usersScreen() {
  const error = errorLine();
  const created = h('div', { 'data-created': true });
  const { users } = await api<{ users: { name: string; role: string; mustChange: boolean; locked: boolean; createdAt: string }[] }>('GET', '/console/api/users');
  const table = h('table', { 'data-table': 'users' },
    h('thead', {}, h('tr', {}, ...[t('user'), t('role'), t('mustChangeCol'), t('locked'), ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...users.map((u) => h('tr', { 'data-user': u.name }, h('td', {}, u.name), h('td', {}, u.role), h('td', {}, u.mustChange ? t('yes') : t('no')), h('td', {}, u.locked ? t('yes') : t('no')),
      h('td', {}, u.locked ? h('button', { type: 'button', class: 'secondary', 'data-unlock': u.name, onclick: async () => { try { await api('POST', `/console/api/users/${enc(u.name)}/unlock`); await usersScreen(); } catch (err) { showError(error, err); } } }, t('unlock')) : null),
    ))),
  );
  const form = h('form', { class: 'filters', 'data-form': 'user' },
    h('label', {}, t('user'), h('input', { name: 'name', required: true, pattern: '[A-Za-z0-9._\\-]{2,64}', autocomplete: 'off' })),
    h('label', {}, t('role'), h('select', { name: 'role' }, ...['reviewer', 'auditor', 'admin'].map((r) => h('option', { value: r }, r)))),
    h('button', { type: 'submit' }, t('createUser')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    try {
      const user = await api<{ user: string; password: string }>('POST', '/console/api/users', { name: f.get('name'), role: f.get('role') });
      await usersScreen();
      document.querySelector('[data-created]')!.replaceChildren(h('p', { class: 'notice', role: 'status' }, t('oneTimePassword')), h('p', { class: 'secret' }, `${user.user}: ${user.password}`));
    } catch (err) {
      showError(error, err);
    }
  });
  show(t('users'), form, created, table, error);
}

const SCREEN_RENDERERS: Record<string, () => unknown> = {
  records: recordsScreen,
  review: reviewScreen,
  stats: () => statsScreen(7),
  keys: keysScreen,
  'access-log': accessLogScreen,
  erase: eraseScreen,
  users: usersScreen,
};

async function start() {
  try {
    session = await api<Session>('GET', '/console/api/session');
  } catch {
    session = undefined;
  }
  render();
}
void start();
