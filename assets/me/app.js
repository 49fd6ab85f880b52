// The learner's dashboard (served at /me/ by a personal-data intermediary). No framework and no build step: the
// page talks to the person's own API (/api/v1/me/...) with the session cookie set at sign-in. Text never goes
// through innerHTML: everything the server sends is set as text, so nothing it holds can inject markup.
import { STRINGS } from './strings.js';

const main = document.getElementById('main');
const statusLine = document.getElementById('status');
let lang = document.documentElement.lang === 'en' ? 'en' : 'fr';
let me;

const t = (key, vars = {}) => (STRINGS[lang][key] ?? STRINGS.en[key] ?? key).replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));

/** Builds an element: h('p', { class: 'x' }, 'text', child). Strings become text nodes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function say(message, isError = false) {
  statusLine.textContent = message;
  statusLine.classList.toggle('error', isError);
}

const when = (iso) => (iso ? new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '');

class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}

/** A problem+json answer as a sentence for the person (the field at fault when the server names one). */
function problemText(e) {
  if (!(e instanceof ApiError)) return t('error.network');
  if (e.status === 429) return t('error.tooMany');
  if (e.status === 401) return t('error.credentials');
  const field = e.body?.errors?.[0];
  return field ? `${e.message} (${field.path.replace(/^\/body\//, '')}: ${field.message})` : e.message;
}

function page(title, ...content) {
  document.title = `${title} · ${t('brand')}`;
  main.replaceChildren(h('h1', {}, title), ...content.flat(2).filter((c) => c !== undefined && c !== null && c !== false));
}

function focusMain() {
  main.focus();
}

// ---- signed out: sign in and sign up --------------------------------------------------------------------------

function field(name, label, attrs = {}) {
  const id = `f-${name}`;
  return h('label', { for: id }, label, h('input', { id, name, required: true, ...attrs }));
}

function signedOut(mode = 'in') {
  const signIn = mode === 'in';
  const form = h(
    'form',
    { novalidate: false, 'aria-describedby': 'form-hint' },
    field('login', t('field.login'), { autocomplete: 'username', minlength: 3, maxlength: 100 }),
    signIn ? null : field('name', t('field.name'), { autocomplete: 'name', required: false, maxlength: 200 }),
    field('password', t('field.password'), { type: 'password', autocomplete: signIn ? 'current-password' : 'new-password', minlength: signIn ? 1 : 10, maxlength: 200 }),
    h('p', { id: 'form-hint', class: 'hint' }, signIn ? t('signin.hint') : t('signup.hint')),
    h('button', { type: 'submit', class: 'primary' }, signIn ? t('signin.submit') : t('signup.submit')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      if (!signIn) {
        await api('POST', '/api/v1/me/sign-up', { login: data.login, password: data.password, language: lang, ...(data.name ? { name: data.name } : {}) });
      }
      await api('POST', '/api/v1/me/sessions', { login: data.login, password: data.password });
      say(t('signin.done'));
      await start();
    } catch (e) {
      say(problemText(e), true);
      button.disabled = false;
    }
  });
  page(
    signIn ? t('signin.title') : t('signup.title'),
    h('p', {}, t('intro')),
    form,
    h('p', {}, h('button', { type: 'button', onclick: () => signedOut(signIn ? 'up' : 'in') }, signIn ? t('signin.toSignup') : t('signup.toSignin'))),
  );
}

// ---- signed in ------------------------------------------------------------------------------------------------

const TABS = ['consents', 'history', 'links', 'data'];

function tabs(current) {
  return h(
    'nav',
    { 'aria-label': t('nav.label') },
    h('ul', { class: 'tabs' }, TABS.map((tab) => h('li', {}, h('a', { href: `#${tab}`, 'aria-current': tab === current ? 'page' : false }, t(`nav.${tab}`))))),
  );
}

function header(current) {
  return [
    h('p', {}, t('hello', { name: me.name || me.login }), ' ', h('button', { type: 'button', onclick: signOut }, t('signout'))),
    tabs(current),
  ];
}

async function signOut() {
  try {
    await api('DELETE', '/api/v1/me/sessions/current');
  } catch {
    // Signed out already.
  }
  me = undefined;
  location.hash = '';
  say(t('signout.done'));
  signedOut();
}

const badge = (status) => h('span', { class: `badge ${status}` }, t(`status.${status}`));

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

async function noticeOf(consent, details) {
  if (details.dataset.loaded) return;
  details.dataset.loaded = 'yes';
  const body = details.querySelector('.notice-body');
  try {
    const pending = consent.reconfirmationRequired && consent.pendingNotice ? '&pending=true' : '';
    const n = await api('GET', `/api/v1/me/consents/${encodeURIComponent(consent.id)}/notice?lang=${lang}${pending}`);
    body.replaceChildren(
      ...n.sections.map((s) => h('section', {}, h('h4', {}, s.heading), ...s.sentences.map((p) => h('p', {}, p)))),
      n.missing?.length ? h('p', { class: 'missing' }, t('notice.missing', { fields: n.missing.join(', ') })) : null,
      h('p', { class: 'muted' }, n.versionLine),
    );
  } catch (e) {
    body.replaceChildren(h('p', { class: 'error' }, problemText(e)));
  }
}

async function act(consent, action, confirmText) {
  if (confirmText && !window.confirm(confirmText)) return;
  try {
    await api('POST', `/api/v1/me/consents/${encodeURIComponent(consent.id)}/${action}`, {});
    say(t(`done.${action}`));
    await showConsents();
  } catch (e) {
    say(problemText(e), true);
  }
}

const titleIn = (map) => (map ? (map[lang] ?? map.en ?? map.fr ?? Object.values(map)[0]) : undefined);

function consentCard(c) {
  const provider = c.names?.provider ?? c.provider;
  const consumer = c.names?.consumer ?? c.consumer;
  const notice = h('details', { class: 'notice' }, h('summary', {}, t('notice.read')), h('div', { class: 'notice-body' }, h('p', {}, t('loading'))));
  notice.addEventListener('toggle', () => notice.open && noticeOf(c, notice));
  const buttons = [];
  if (c.status === 'requested') {
    buttons.push(h('button', { type: 'button', class: 'primary', onclick: () => act(c, 'grant') }, t('action.grant')));
    buttons.push(h('button', { type: 'button', onclick: () => act(c, 'refuse') }, t('action.refuse')));
  }
  if (c.status === 'granted' && !c.reconfirmationRequired) buttons.push(h('button', { type: 'button', class: 'danger', onclick: () => act(c, 'withdraw', t('confirm.withdraw')) }, t('action.withdraw')));
  if (c.status === 'expired' || (c.status === 'granted' && c.reconfirmationRequired)) {
    buttons.push(h('button', { type: 'button', class: 'primary', onclick: () => act(c, 'reconfirm') }, t('action.reconfirm')));
    if (c.status === 'granted') buttons.push(h('button', { type: 'button', class: 'danger', onclick: () => act(c, 'withdraw', t('confirm.withdraw')) }, t('action.withdraw')));
  }
  return h(
    'article',
    { class: 'card', 'aria-labelledby': `c-${c.id}`, 'data-consent': c.id },
    h('h3', { id: `c-${c.id}` }, t('consent.title', { consumer, provider }), ' ', badge(c.status)),
    c.reconfirmationRequired ? h('p', { class: 'missing' }, t('consent.reconfirm')) : null,
    facts([
      [t('consent.purpose'), c.purpose],
      [t('consent.data'), titleIn(c.names?.dataset) ?? c.datasetId],
      [t('consent.from'), provider],
      [t('consent.to'), consumer],
      [t('consent.expires'), when(c.expiresAt)],
      [t('consent.changed'), when(c.updatedAt)],
    ]),
    notice,
    buttons.length ? h('div', { class: 'actions' }, buttons) : null,
  );
}

async function showConsents() {
  const list = await api('GET', '/api/v1/me/consents');
  const items = list.items ?? [];
  const pending = items.filter((c) => c.status === 'requested');
  const others = items.filter((c) => c.status !== 'requested');
  page(
    t('consents.title'),
    ...header('consents'),
    h('h2', {}, t('consents.pending', { n: pending.length })),
    pending.length ? pending.map(consentCard) : h('p', { class: 'muted' }, t('consents.nonePending')),
    h('h2', {}, t('consents.decided')),
    others.length ? others.map(consentCard) : h('p', { class: 'muted' }, t('consents.none')),
  );
}

async function showHistory() {
  const [list, consents] = await Promise.all([api('GET', '/api/v1/me/exchanges'), api('GET', '/api/v1/me/consents')]);
  const items = list.items ?? [];
  const datasets = new Map((consents.items ?? []).map((c) => [c.id, titleIn(c.names?.dataset)]));
  const party = (p) => p?.name ?? p?.did ?? '';
  page(
    t('history.title'),
    ...header('history'),
    h('p', {}, t('history.intro')),
    items.length
      ? h(
          'table',
          {},
          h('caption', { class: 'muted' }, t('history.caption', { n: items.length })),
          h('thead', {}, h('tr', {}, [t('history.when'), t('history.who'), t('history.what'), t('history.from'), t('history.state')].map((x) => h('th', { scope: 'col' }, x)))),
          h(
            'tbody',
            {},
            items.map((x) =>
              h(
                'tr',
                { 'data-transfer': x.transferId },
                h('td', {}, when(x.startedAt ?? x.endedAt)),
                h('td', {}, party(x.consumer)),
                h('td', {}, datasets.get(x.consentId) ?? x.datasetId),
                h('td', {}, party(x.provider)),
                h('td', {}, t(`exchange.${x.state}`), x.endedAt ? ` (${when(x.endedAt)})` : ''),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('history.none')),
  );
}

async function showLinks(newCode) {
  const list = await api('GET', '/api/v1/me/links');
  const items = (list.items ?? []).filter((l) => l.status !== 'revoked');
  const form = h('form', {}, field('participant', t('links.participant'), { placeholder: 'did:web:…', pattern: 'did:web:.+', autocomplete: 'off' }), h('button', { type: 'submit', class: 'primary' }, t('links.create')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('POST', '/api/v1/me/links', { participant: new FormData(form).get('participant') });
      await showLinks(r);
    } catch (e) {
      say(problemText(e), true);
    }
  });
  page(
    t('links.title'),
    ...header('links'),
    h('p', {}, t('links.intro')),
    newCode ? h('div', { class: 'card', role: 'alert' }, h('p', {}, t('links.code')), h('p', { class: 'code' }, newCode.code), h('p', { class: 'muted' }, t('links.codeExpires', { at: when(newCode.expiresAt) }))) : null,
    items.length
      ? items.map((l) =>
          h('article', { class: 'card' }, h('h3', {}, l.participantDid, ' ', badge(l.status)), facts([[t('links.subject'), l.subjectId], [t('links.since'), when(l.confirmedAt ?? l.createdAt)]])),
        )
      : h('p', { class: 'muted' }, t('links.none')),
    h('h2', {}, t('links.new')),
    form,
  );
}

async function showData() {
  const erasure = h('button', { type: 'button', class: 'danger' }, t('data.erase'));
  erasure.addEventListener('click', async () => {
    if (!window.confirm(t('confirm.erase'))) return;
    try {
      await api('POST', '/api/v1/me/erasure-requests', {});
      say(t('done.erase'));
      await showData();
    } catch (e) {
      say(problemText(e), true);
    }
  });
  let requests = [];
  try {
    requests = (await api('GET', '/api/v1/me/erasure-requests')).items ?? [];
  } catch {
    requests = [];
  }
  page(
    t('data.title'),
    ...header('data'),
    h('h2', {}, t('data.exportTitle')),
    h('p', {}, t('data.exportIntro')),
    h('p', {}, h('a', { class: 'button', href: '/api/v1/me/export', download: 'dases-export.json' }, t('data.export'))),
    h('h2', {}, t('data.eraseTitle')),
    h('p', {}, t('data.eraseIntro')),
    erasure,
    requests.length
      ? h('ul', { class: 'requests' }, requests.map((r) => h('li', {}, t('data.request', { at: when(r.requestedAt) }), ' ', badge(r.status), (r.parties ?? []).length ? ` (${r.parties.map((p) => `${p.name ?? p.did}: ${t(`status.${p.status}`)}`).join(', ')})` : '')))
      : null,
  );
}

const VIEWS = { consents: showConsents, history: showHistory, links: () => showLinks(), data: showData };

async function route() {
  if (!me) return signedOut();
  const tab = location.hash.replace(/^#/, '') || 'consents';
  try {
    await (VIEWS[tab] ?? showConsents)();
    focusMain();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      me = undefined;
      say(t('error.expired'), true);
      return signedOut();
    }
    say(problemText(e), true);
  }
}

async function start() {
  try {
    me = await api('GET', '/api/v1/me');
  } catch {
    me = undefined;
  }
  await route();
}

function setLanguage(next) {
  lang = next;
  document.documentElement.lang = next;
  document.cookie = `dases_lang=${next}; Path=/me; SameSite=Strict; Max-Age=31536000`;
  for (const b of document.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === next));
  document.querySelector('.brand').textContent = t('brand');
  document.querySelector('.skip').textContent = t('skip');
  document.querySelector('.langs').setAttribute('aria-label', t('language'));
  void route();
}

for (const b of document.querySelectorAll('[data-lang]')) b.addEventListener('click', () => setLanguage(b.dataset.lang));
for (const b of document.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
window.addEventListener('hashchange', () => void route());
void start();
