// The preview's stand-in for Pagefind's client (see src/serve/search.rs): the calls the
// search page makes, answered by the preview server from its index, which follows every
// edit. Served only by `attest serve`, at the path of Pagefind's client; never written
// into a published site.

const endpoint = new URL('/__attest/search', import.meta.url);

export async function options() {}

export async function init() {}

export async function search(query, opts = {}, everyVersion = false) {
  const params = new URLSearchParams({ q: query });
  if (everyVersion) params.set('current', 'no');
  for (const [name, value] of Object.entries((opts && opts.filters) || {})) {
    const v = Array.isArray(value) ? value[0] : value;
    if (v) params.set(name, v);
  }
  const res = await fetch(`${endpoint}?${params}`);
  if (!res.ok) throw new Error(`search failed: ${res.status}`);
  const body = await res.json();
  return {
    results: body.results.map((r) => ({ id: r.id, score: r.score, data: async () => r })),
  };
}

// The published page merges in the index of the other versions (Pagefind's
// `createInstance` and `mergeIndex`); here the same server answers with them included.
export function createInstance() {
  let everyVersion = false;
  return {
    options: async () => {},
    init: async () => {},
    mergeIndex: async () => {
      everyVersion = true;
    },
    search: (query, opts = {}) => search(query, opts, everyVersion),
  };
}
