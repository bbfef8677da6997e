// The search page: runs the query in the form through Pagefind's prebuilt client over
// the index attest wrote to /pagefind/, with the form's filters, and lists the results.
//
// Pagefind finds pages; attest's index makes each clause of a document page a section
// under an anchored heading, so a page's `sub_results` are its clauses that matched.
// The results listed are those clauses, from the best pages, ranked by how many of the
// query's words each holds. Pagefind filters pages, so a page's `_clauses` meta says
// which party, modality and phase each clause has, and the clauses without what a
// filter asks are left out. (The preview's own client answers clause by clause, already
// filtered, and has no `sub_results` or `_clauses`.)
//
// "Version in force only" is ticked at first, and a search then loads only the index of
// the current versions. Unticked, the search runs on a second Pagefind instance that
// merges in the index of the other versions' clauses (/pagefind-other-versions/),
// loaded then and not before; the first query stays small.
//
// Without JavaScript the form still submits (GET) and the page says search needs it.
// Results are built with DOM methods and text nodes only: nothing a query or a page
// holds is ever parsed as HTML, so no markup in either can run.

const form = document.getElementById('search-form');
const input = document.getElementById('search-input');
const status = document.getElementById('search-status');
const list = document.getElementById('search-results');
const FILTERS = ['kind', 'document', 'party', 'modality', 'phase'];
const MAX_QUERY = 500;
const SHOWN = 10;
// The pages whose clauses are looked at: each is a download of its own.
const PAGES = 10;
// BM25's constants, and the length in words of a typical clause.
const BM25_K = 1.2;
const BM25_B = 0.75;
const AVERAGE_CLAUSE = 40;
// The facets a clause has of its own, beyond its page's.
const CLAUSE_FACETS = ['party', 'modality', 'phase'];
// Question words carry no meaning for the index and would make Pagefind, which wants
// every word it knows in a result, miss the clause that answers. For the same reason a
// query whose words are not all in one clause is relaxed (see `relaxed`).
const STOP = new Set(['what', 'who', 'whom', 'which', 'when', 'where', 'why', 'how', 'do',
  'does', 'did', 'is', 'are', 'the', 'a', 'an', 'of', 'to', 'for', 'in', 'on', 'by', 'i',
  'we', 'our', 'can', 'has', 'have', 'need', 'there', 'any', 'and', 'or']);

let pagefind = null;
let everyVersion = null;
async function client(all) {
  if (!pagefind) {
    pagefind = await import(`${form.dataset.pagefind}pagefind.js`);
    // Without Pagefind's web worker: one download fewer (42 KB) for the first query,
    // and this page has nothing else for its main thread to do while it searches.
    await pagefind.options({ excerptLength: 40, noWorker: true });
  }
  if (!all) return pagefind;
  if (!everyVersion) {
    // The same client and wasm (cached), over both indexes.
    const both = pagefind.createInstance({ basePath: form.dataset.pagefind, noWorker: true });
    await both.options({ excerptLength: 40 });
    await both.mergeIndex(form.dataset.pagefindOther, { excerptLength: 40 });
    everyVersion = both;
  }
  return everyVersion;
}

/** Whether the other versions are searched too: "version in force only" is unticked. */
function allVersions() {
  const box = form.elements.current;
  return Boolean(box && !box.checked);
}

/**
 * What Pagefind is asked: no control characters or markup, no question words outside
 * a quoted phrase (inside one, every word is part of what is asked).
 */
export function normalise(raw) {
  const text = Array.from(raw).slice(0, MAX_QUERY).join('')
    .replace(/[\u0000-\u001f\u007f<>]/g, ' ');
  const words = (text.match(/"[^"]*"|\S+/g) || []).filter((w) => w.startsWith('"') && w.endsWith('"') && w.length > 1
    || !STOP.has(w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')));
  return words.join(' ').trim();
}

/** Every way of leaving `drop` words out of `words`, keeping their order. */
function subsets(words, drop) {
  if (drop === 0) return [words];
  const out = [];
  for (let i = 0; i < words.length; i++) {
    for (const rest of subsets(words.slice(i + 1), drop - 1)) out.push([...words.slice(0, i), ...rest]);
  }
  return out.filter((s) => s.length === words.length - drop);
}

/**
 * Pagefind's results for the query, relaxed when too few clauses have all its words:
 * then the clauses with all but one word follow, then all but two (down to half the
 * words), each level ranked by how many of its queries found the clause, then by
 * Pagefind's score. Quoted phrases are kept whole.
 */
async function relaxed(pf, query, filters) {
  const words = query.match(/"[^"]*"|\S+/g) || [];
  const seen = new Map();
  const order = [];
  const maxDrop = words.length > 7 ? 0 : Math.floor(words.length / 2);
  for (let drop = 0; drop <= maxDrop && order.length < PAGES; drop++) {
    const level = new Map();
    for (const sub of subsets(words, drop)) {
      const found = await pf.search(sub.join(' '), { filters });
      for (const r of found.results) {
        if (seen.has(r.id)) continue;
        const l = level.get(r.id) || { result: r, hits: 0, score: 0 };
        l.hits += 1;
        l.score = Math.max(l.score, r.score);
        level.set(r.id, l);
      }
    }
    const ranked = [...level.values()].sort((a, b) => b.hits - a.hits || b.score - a.score);
    for (const l of ranked) {
      seen.set(l.result.id, true);
      order.push(l.result);
    }
  }
  return order;
}

function chosenFilters() {
  const filters = {};
  for (const name of FILTERS) {
    const value = form.elements[name].value;
    if (value) filters[name] = value;
  }
  // Which versions are searched is which index is (see `client`), not a filter.
  return filters;
}

/** A word as compared: lower case, letters and digits only. */
function bare(word) {
  return word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Whether a word of the text is a form of a query word, as Pagefind's stemming matched
 * it: they share all but the last three letters of the query word (at least four).
 */
function formOf(word, term) {
  const need = Math.min(term.length, Math.max(4, term.length - 3));
  let same = 0;
  while (same < word.length && same < term.length && word[same] === term[same]) same += 1;
  return same >= need;
}

/** Whether a clause has the party, modality and phase the filters ask. */
function passes(facts, filters) {
  return CLAUSE_FACETS.every((name) => !filters[name] || ((facts || {})[name] || []).includes(filters[name]));
}

/**
 * The clauses of the pages found that match the filters, best first: those that hold
 * every query word, then the others; each by a BM25 score of the query words in it (so
 * that a long clause that mentions everything, such as a list of definitions, does not
 * come before the short one that answers), then by its page's rank.
 */
async function clauseResults(found, query, filters) {
  const terms = [...new Set(query.split(/\s+/).map(bare).filter(Boolean))];
  const pages = await Promise.all(found.slice(0, PAGES).map((r) => r.data()));
  const out = [];
  pages.forEach((data, rank) => {
    const meta = data.meta || {};
    let facts = null;
    try {
      facts = meta._clauses ? JSON.parse(meta._clauses) : null;
    } catch (e) {
      facts = {};
    }
    const words = (data.raw_content || '').split(/\s+/);
    // Where each section starts, to tell each clause's length in words.
    const starts = (data.anchors || []).map((a) => a.location).sort((x, y) => x - y);
    const length = (sub) => {
      const from = sub.anchor ? sub.anchor.location : 0;
      const next = starts.find((l) => l > from);
      return Math.max(1, (next === undefined ? words.length : next) - from);
    };
    const subs = data.sub_results && data.sub_results.length ? data.sub_results : [data];
    for (const sub of subs) {
      const anchor = sub.url.includes('#') ? sub.url.slice(sub.url.indexOf('#') + 1) : '';
      if (facts && !passes(facts[anchor], filters)) continue;
      // BM25 over the clause: each query word found counts once at its best weight
      // (Pagefind's `balanced_score`, which knows how rare the word is), more for
      // more uses but with diminishing returns, and less in a long clause.
      // Two query words side by side count twice as much.
      const at = new Set(sub.locations || []);
      const found = (sub.weighted_locations || []).map((l) => ({
        word: bare(words[l.location] || ''),
        score: (l.balanced_score || 0) * (at.has(l.location - 1) || at.has(l.location + 1) ? 2 : 1),
      }));
      const norm = 1 - BM25_B + BM25_B * (length(sub) / AVERAGE_CLAUSE);
      let held = 0;
      let score = 0;
      for (const t of terms) {
        const uses = found.filter((f) => formOf(f.word, t));
        if (!uses.length) continue;
        held += 1;
        const best = Math.max(...uses.map((u) => u.score));
        score += (best * uses.length * (BM25_K + 1)) / (uses.length + BM25_K * norm);
      }
      out.push({ data, sub, rank, held, score, facts: facts && facts[anchor] });
    }
  });
  const all = (r) => (r.held >= terms.length ? 1 : 0);
  out.sort((a, b) => all(b) - all(a) || b.score - a.score || a.rank - b.rank);
  // Results that are clauses already (the preview's) are all counted, looked at or not.
  const flat = pages.every((d) => !d.sub_results);
  out.total = flat ? found.length : out.length;
  return out;
}

/** Appends Pagefind's excerpt, whose only markup is <mark>, as text and <mark>s. */
function appendExcerpt(parent, excerpt) {
  const parts = excerpt.split(/(<mark>|<\/mark>)/);
  let marked = false;
  for (const part of parts) {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part) {
      const text = document.createTextNode(part);
      if (marked) {
        const m = document.createElement('mark');
        m.appendChild(text);
        parent.appendChild(m);
      } else parent.appendChild(text);
    }
  }
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
}

function resultItem({ data, sub, facts: own }) {
  const meta = data.meta || {};
  const li = el('li', 'search-result');
  const h = el('h2', 'search-result__title heading-s');
  const a = el('a', 'search-result__link');
  // A clause of another version is in a page gathering the document's other versions,
  // which says where the clause is, and its version.
  a.href = (own && own.url) || sub.url;
  const title = sub === data ? meta.title : sub.title || meta.title;
  a.textContent = meta.document ? `${meta.document} ${title}` : title;
  h.appendChild(a);
  li.appendChild(h);
  const facts = [];
  if (meta.document_title) facts.push(meta.document_title);
  // A clause of other versions with the same words is one result, at the last of them.
  const first = (own && own.first_version) || meta._first_version;
  const version = (own && own.version) || meta._version;
  const status = (own && own.status) || meta._status;
  if (version) facts.push(first ? `versions ${first} to ${version}` : `version ${version}`);
  if (meta._in_force) facts.push('in force');
  else if (status) facts.push(status.toLowerCase());
  if (meta._current === 'no') facts.push('not the current version');
  if (facts.length) li.appendChild(el('p', 'search-result__meta secondary-text', facts.join(' · ')));
  const p = el('p', 'search-result__excerpt');
  // The synonyms indexed with a clause follow a "¦"; they are not its words.
  const excerpt = (sub.excerpt || '').split('\u00a6')[0].trim();
  if (excerpt.replace(/<\/?mark>/g, '').trim()) appendExcerpt(p, excerpt);
  else p.textContent = meta._summary || opening(data, sub);
  li.appendChild(p);
  return li;
}

/** The first words of a clause, for one found by a synonym only. */
function opening(data, sub) {
  if (!sub.anchor || !data.raw_content) return '';
  const words = data.raw_content.split(/\s+/).slice(sub.anchor.location, sub.anchor.location + 30);
  return `${words.join(' ').split('\u00a6')[0].trim()}…`;
}

async function run() {
  const raw = input.value;
  const query = normalise(raw);
  list.replaceChildren();
  if (!query) {
    status.textContent = raw.trim() ? 'Type some words to search for.' : '';
    return;
  }
  status.textContent = 'Searching…';
  let found;
  try {
    const filters = chosenFilters();
    found = await clauseResults(await relaxed(await client(allVersions()), query, filters), query, filters);
  } catch (e) {
    status.textContent = 'Search is not available: its index could not be loaded.';
    return;
  }
  for (const r of found.slice(0, SHOWN)) list.appendChild(resultItem(r));
  const n = found.total;
  const shown = n > SHOWN ? ` (the first ${SHOWN} are shown)` : '';
  status.textContent = n === 0
    ? `No results for “${raw.trim()}”. Try fewer words, or widen the filters.`
    : `${n} result${n === 1 ? '' : 's'} for “${raw.trim()}”${shown}.`;
}

function fromUrl() {
  const params = new URLSearchParams(location.search);
  if (!params.has('q')) return false;
  input.value = params.get('q');
  for (const name of FILTERS) {
    const v = params.get(name);
    if (v && [...form.elements[name].options].some((o) => o.value === v)) form.elements[name].value = v;
  }
  if (form.elements.current) form.elements.current.checked = params.get('current') !== 'no';
  return true;
}

function toUrl() {
  const params = new URLSearchParams();
  params.set('q', input.value);
  for (const name of FILTERS) if (form.elements[name].value) params.set(name, form.elements[name].value);
  if (allVersions()) params.set('current', 'no');
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

if (form) {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    toUrl();
    run();
  });
  for (const name of [...FILTERS, 'current']) {
    if (!form.elements[name]) continue;
    form.elements[name].addEventListener('change', () => {
      if (input.value.trim()) {
        toUrl();
        run();
      }
    });
  }
  if (fromUrl()) run();
}
