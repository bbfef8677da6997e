// The search page: runs the query in the form through Pagefind's prebuilt client over
// the index attest wrote to /pagefind/, with the form's filters, and lists the results.
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
// Question words carry no meaning for the index and would make Pagefind, which wants
// every word it knows in a result, miss the clause that answers. For the same reason a
// query whose words are not all in one clause is relaxed (see `relaxed`).
const STOP = new Set(['what', 'who', 'whom', 'which', 'when', 'where', 'why', 'how', 'do',
  'does', 'did', 'is', 'are', 'the', 'a', 'an', 'of', 'to', 'for', 'in', 'on', 'by', 'i',
  'we', 'our', 'can', 'has', 'have', 'need', 'there', 'any', 'and', 'or']);

let pagefind = null;
async function client() {
  if (!pagefind) {
    pagefind = await import(`${form.dataset.pagefind}pagefind.js`);
    await pagefind.options({ excerptLength: 40 });
  }
  return pagefind;
}

/** What Pagefind is asked: no control characters or markup, no question words. */
export function normalise(raw) {
  const text = Array.from(raw).slice(0, MAX_QUERY).join('')
    .replace(/[\u0000-\u001f\u007f<>]/g, ' ');
  const words = text.split(/\s+/).filter((w) => w && !STOP.has(w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')));
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
  for (let drop = 0; drop <= maxDrop && order.length < SHOWN; drop++) {
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
  // The index holds the current version of each document only (the version in force,
  // or the latest draft while none is), so that needs no filter.
  return filters;
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

function resultItem(data) {
  const meta = data.meta || {};
  const li = el('li', 'search-result');
  const h = el('h2', 'search-result__title heading-s');
  const a = el('a', 'search-result__link');
  a.href = data.url;
  a.textContent = meta.document ? `${meta.document} ${meta.title}` : meta.title;
  h.appendChild(a);
  li.appendChild(h);
  const facts = [];
  if (meta.document_title) facts.push(meta.document_title);
  if (meta.version) facts.push(`version ${meta.version}`);
  if (meta.in_force) facts.push('in force');
  else if (meta.status) facts.push(meta.status.toLowerCase());
  if (facts.length) li.appendChild(el('p', 'search-result__meta secondary-text', facts.join(' · ')));
  const p = el('p', 'search-result__excerpt');
  // The synonyms indexed with a clause follow a "¦"; they are not its words.
  const excerpt = (data.excerpt || '').split('\u00a6')[0].trim();
  if (excerpt.replace(/<\/?mark>/g, '').trim()) appendExcerpt(p, excerpt);
  else p.textContent = meta.summary || '';
  li.appendChild(p);
  return li;
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
    found = await relaxed(await client(), query, chosenFilters());
  } catch (e) {
    status.textContent = 'Search is not available: its index could not be loaded.';
    return;
  }
  const results = await Promise.all(found.slice(0, SHOWN).map((r) => r.data()));
  for (const data of results) list.appendChild(resultItem(data));
  const n = found.length;
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
  return true;
}

function toUrl() {
  const params = new URLSearchParams();
  params.set('q', input.value);
  for (const name of FILTERS) if (form.elements[name].value) params.set(name, form.elements[name].value);
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

if (form) {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    toUrl();
    run();
  });
  for (const name of FILTERS) {
    form.elements[name].addEventListener('change', () => {
      if (input.value.trim()) {
        toUrl();
        run();
      }
    });
  }
  if (fromUrl()) run();
}
