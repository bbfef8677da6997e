// Browser checks of a built attest site, served at BASE_URL, in Debian's headless
// Chromium driven by playwright-core (no browser download):
//
//   - axe-core finds no WCAG 2.2 AA violation (tags wcag2a, wcag2aa, wcag21a, wcag21aa,
//     wcag22aa) on every built HTML page, at 1280 px and at 320 px wide;
//   - no page scrolls sideways at 320 px (WCAG 1.4.10 Reflow);
//   - keyboard only: Tab reaches the skip link first, it shows when focused and moves
//     focus to the main content; Tab then reaches the contents list of a document page
//     and every contents link in order, each with a visible focus indicator (its
//     computed outline, box-shadow, background or colour differs from the unfocused
//     link), and Enter on one goes to its clause;
//   - search (the static search over Pagefind's index): every query of
//     search-index/eval.toml typed into the search page, with the hit rate reported and
//     the expected result within the first three for at least 90% of them; a query, its
//     expected first result, a party filter, and the link followed to the clause anchor;
//     the same with the keyboard only, each control showing its focus; the header's box
//     on another page; markup in a query; and the bytes the first query downloads
//     (under 300 KB).
//
// Usage: node browser-checks.mjs BASE_URL SITE_DIR RESULTS_JSON
// Prints one line a check; writes {passed, failed} to RESULTS_JSON; exits 0 even when a
// check fails (the caller sums the results and decides).

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, siteDir, resultsFile] = process.argv.slice(2);
if (!baseUrl || !siteDir || !resultsFile) {
  console.error('usage: node browser-checks.mjs BASE_URL SITE_DIR RESULTS_JSON');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let passed = 0;
let failed = 0;
function result(ok, name, detail = '') {
  if (ok) passed += 1;
  else failed += 1;
  // What was found is shown only for a failure.
  const more = !ok && detail ? `\n       ${detail.replace(/\n/g, '\n       ')}` : '';
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${more}`);
}

/** Every built HTML page, as a URL path: `fsm/svtad/index.html` is `/fsm/svtad/`. */
function pages(dir, rel = '') {
  const out = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...pages(dir, r));
    else if (e.name.endsWith('.html')) out.push(`/${r.replace(/(^|\/)index\.html$/, '$1')}`);
  }
  return out.sort();
}

const all = pages(siteDir);
// The page types the issue names must all be there, so that iterating over every page
// cannot quietly skip one.
const required = {
  home: '/',
  programme: '/fsm/',
  document: '/fsm/svtad/',
  version: '/fsm/svtad/v1.0/',
  'draft version': '/fsm/svtad/v0.1/',
  page: '/accessibility/',
  404: '/404.html',
  redline: '/fsm/tcd-r1/v1.1/changes/',
  'clause history': '/fsm/svtad/clauses/',
  'traceability overview': '/fsm/trace/',
  matrix: '/fsm/trace/matrix/',
  'gap list': '/fsm/trace/uncovered/',
  'suspect requirement': '/fsm/trace/requirements/REQ-CHR-002/',
  'uncovered requirement': '/fsm/trace/requirements/REQ-SSMI-015/',
  scenario: '/fsm/trace/tests/TS-PIT-031/',
  case: '/fsm/trace/tests/TC-PIT-031-01/',
  'status dashboard': '/fsm/status/',
  phase: '/fsm/status/sit/',
  'decisions log': '/fsm/status/decisions/',
  'obligations register': '/obligations/',
  'party obligations': '/obligations/users/',
  search: '/search/',
};
for (const [type, url] of Object.entries(required)) {
  result(all.includes(url), `the built site has a ${type} page (${url})`);
}
// Requirement and test pages share two templates and number in the hundreds: axe sees
// every twentieth, and those of every state above; vnu still reads every page.
const oneOfMany = (url) => /\/trace\/(requirements|tests)\//.test(url);
const manyPages = all.filter(oneOfMany);
const axePages = all.filter(
  (url) => !oneOfMany(url) || manyPages.indexOf(url) % 20 === 0 || Object.values(required).includes(url),
);

// playwright's launch() starts Chromium with a new, empty profile of its own.
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

try {
  for (const width of [1280, 320]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    for (const url of axePages) {
      const response = await page.goto(baseUrl + url, { waitUntil: 'load' });
      if (!response || !response.ok()) {
        result(false, `${url} at ${width}px loads`, `HTTP ${response && response.status()}`);
        continue;
      }
      await page.addScriptTag({ content: axeSource });
      const axe = await page.evaluate(
        (tags) => globalThis.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
        AXE_TAGS,
      );
      const detail = axe.violations
        .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`)
        .join('\n');
      result(axe.violations.length === 0, `axe WCAG 2.2 AA: ${url} at ${width}px`, detail);
      if (width === 320) {
        const sizes = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
          widest: [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .slice(0, 3)
            .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}">`),
        }));
        result(
          sizes.scroll <= sizes.client,
          `no horizontal scroll: ${url} at 320px`,
          sizes.scroll > sizes.client ? `scrollWidth ${sizes.scroll} > ${sizes.client}: ${sizes.widest.join(', ')}` : '',
        );
      }
    }
    await context.close();
  }

  // Keyboard only, on the document page with the longest contents list.
  for (const width of [1280, 320]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/fsm/svtad/`, { waitUntil: 'load' });
    await keyboardChecks(page, width);
    await context.close();
  }

  await searchChecks(browser);
} finally {
  await browser.close();
}

async function focused(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    return a && a !== document.body
      ? { tag: a.tagName.toLowerCase(), cls: a.className, href: a.getAttribute('href'), text: a.textContent.trim() }
      : null;
  });
}

/** Whether the focused element looks different from itself unfocused: its computed
 * outline, box-shadow, background, colour or text decoration. */
async function focusIsVisible(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const styleOf = () => {
      const s = getComputedStyle(el);
      return {
        outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
        boxShadow: s.boxShadow,
        background: s.backgroundColor,
        color: s.color,
        decoration: `${s.textDecorationLine} ${s.textDecorationThickness}`,
      };
    };
    const on = styleOf();
    const box = el.getBoundingClientRect();
    el.blur();
    const off = styleOf();
    el.focus({ focusVisible: true });
    const changed = Object.keys(on).filter((k) => on[k] !== off[k]);
    return { changed, inView: box.width > 1 && box.height > 1 && box.bottom > 0 && box.right > 0 };
  });
}

async function keyboardChecks(page, width) {
  const at = `at ${width}px`;
  await page.keyboard.press('Tab');
  const first = await focused(page);
  result(
    first && first.cls === 'skip-link' && first.href === '#main-content',
    `keyboard: the first Tab reaches the skip link ${at}`,
    JSON.stringify(first),
  );
  if (first && first.cls === 'skip-link') {
    const v = await focusIsVisible(page);
    result(v.changed.length > 0 && v.inView, `keyboard: the focused skip link is visible ${at}`, JSON.stringify(v));
    await page.keyboard.press('Enter');
    const main = await page.evaluate(() => ({ hash: location.hash, active: document.activeElement.id }));
    result(
      main.hash === '#main-content' && main.active === 'main-content',
      `keyboard: the skip link moves focus to the main content ${at}`,
      JSON.stringify(main),
    );
  }

  // Tab on (from the main content) until focus is in the contents list.
  const links = await page.evaluate(() =>
    [...document.querySelectorAll('nav.contents-list a')].map((a) => a.getAttribute('href')),
  );
  result(links.length > 0, `keyboard: the document page has a contents list ${at}`);
  let reached = null;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && f.cls.includes('contents-list__link')) reached = f;
  }
  result(reached && reached.href === links[0], `keyboard: Tab reaches the first contents link ${at}`, JSON.stringify(reached));
  if (!reached) return;
  const invisible = [];
  const order = [reached.href];
  for (let i = 0; i < links.length; i++) {
    const v = await focusIsVisible(page);
    if (v.changed.length === 0) invisible.push((await focused(page)).href);
    if (i + 1 < links.length) {
      await page.keyboard.press('Tab');
      order.push((await focused(page) || {}).href);
    }
  }
  result(
    JSON.stringify(order) === JSON.stringify(links),
    `keyboard: Tab goes through all ${links.length} contents links in order ${at}`,
    JSON.stringify(order) === JSON.stringify(links) ? '' : `went ${order.join(' ')}`,
  );
  result(invisible.length === 0, `keyboard: every focused contents link shows its focus ${at}`, invisible.join(' '));

  // Enter on the last contents link goes to its clause.
  const target = links[links.length - 1];
  await page.keyboard.press('Enter');
  await page.waitForFunction((t) => location.hash === t, target, { timeout: 5000 }).catch(() => {});
  const went = await page.evaluate((t) => {
    const el = document.getElementById(decodeURIComponent(t.slice(1)));
    const r = el && el.getBoundingClientRect();
    return { hash: location.hash, exists: !!el, top: r && Math.round(r.top) };
  }, target);
  result(
    went.hash === target && went.exists && went.top !== null && went.top < 900,
    `keyboard: Enter on a contents link goes to its clause ${at}`,
    JSON.stringify(went),
  );
}

/** The cases of search-index/eval.toml: `[[case]]` tables of `query` and `expect`. */
function evalCases() {
  const file = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'search-index', 'eval.toml');
  const cases = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^(query|expect)\s*=\s*("(?:[^"\\]|\\.)*")\s*$/);
    if (line.trim() === '[[case]]') cases.push({});
    else if (m) cases[cases.length - 1][m[1]] = JSON.parse(m[2]);
  }
  return cases;
}

/** Counts the bytes `page` downloads below `prefix`; returns a function giving the sum. */
function countBytes(page, prefix) {
  let bytes = 0;
  page.on('response', async (r) => {
    if (new URL(r.url()).pathname.startsWith(prefix)) {
      const body = await r.body().catch(() => Buffer.alloc(0));
      bytes += Number(r.headers()['content-length'] || body.length);
    }
  });
  return () => bytes;
}

/** Submits a query on the search page and waits for the results to be announced. */
async function runSearch(page, query) {
  await page.fill('#search-input', query);
  await page.press('#search-input', 'Enter');
  return resultsAnnounced(page);
}

async function resultsAnnounced(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status').textContent;
    return s && !s.startsWith('Searching');
  }, null, { timeout: 10000 }).catch(() => {});
  return page.evaluate(() => ({
    status: document.getElementById('search-status').textContent,
    urls: [...document.querySelectorAll('#search-results .search-result__link')].map((a) => a.getAttribute('href')),
  }));
}

async function searchChecks(browser) {
  // The evaluation set, through the search page as a reader uses it.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/search/`, { waitUntil: 'load' });
    const cases = evalCases();
    const misses = [];
    let first = 0;
    let top3 = 0;
    for (const c of cases) {
      const { urls } = await runSearch(page, c.query);
      const rank = urls.indexOf(c.expect) + 1;
      if (rank === 1) first += 1;
      if (rank >= 1 && rank <= 3) top3 += 1;
      else misses.push(`${JSON.stringify(c.query)}: expected ${c.expect} at ${rank || 'none'}, got ${urls.slice(0, 3).join(' ')}`);
    }
    const rate = top3 / cases.length;
    console.log(`     static search eval: ${cases.length} queries, first ${Math.round((first / cases.length) * 100)}%, top 3 ${Math.round(rate * 100)}%`);
    for (const m of misses) console.log(`       miss: ${m}`);
    result(cases.length >= 30 && rate >= 0.9, `search: the expected result is in the top 3 for at least 90% of the ${cases.length} evaluation queries`, misses.join('\n'));
    await context.close();
  }

  // A query, its first result, a party filter, and the link to the clause.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const downloaded = countBytes(page, '/pagefind/');
    await page.goto(`${baseUrl}/search/`, { waitUntil: 'load' });
    let r = await runSearch(page, 'Test Completion Report');
    const bytes = downloaded();
    result(r.urls.length > 0 && /^\d+ results? for “Test Completion Report”/.test(r.status), 'search: the results are announced in the live region', r.status);
    result(bytes > 0 && bytes < 300 * 1024, `search: the first query downloads ${Math.round(bytes / 1024)} KB of index and client (under 300 KB)`);
    const unfiltered = r.urls;
    await page.selectOption('#filter-party', 'sec-panel');
    r = await resultsAnnounced(page);
    result(
      r.urls[0] === '/fsm/svtad/#clause-6.4' && r.urls.length <= unfiltered.length,
      'search: the SEC Panel filter puts FSM-SVTAD 6.4 first',
      JSON.stringify(r),
    );
    result(new URL(page.url()).searchParams.get('party') === 'sec-panel', 'search: the filter is kept in the address', page.url());
    await page.click('#search-results .search-result__link >> nth=0');
    await page.waitForFunction(() => location.hash === '#clause-6.4', null, { timeout: 5000 }).catch(() => {});
    const landed = await page.evaluate(() => {
      const el = document.getElementById('clause-6.4');
      const box = el && el.getBoundingClientRect();
      return { path: location.pathname, hash: location.hash, top: box && Math.round(box.top) };
    });
    result(
      landed.path === '/fsm/svtad/' && landed.hash === '#clause-6.4' && landed.top !== null && landed.top >= 0 && landed.top < 900,
      'search: the first result goes to the clause anchor, in view',
      JSON.stringify(landed),
    );
    await context.close();
  }

  // "Version in force only": ticked (at first), the other versions' index is not even
  // loaded; unticked, their wording is found, a run of versions with the same words as
  // one result at the last of them; the choice is kept in the address.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const fetched = [];
    page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
    const other = () => fetched.filter((p) => p.startsWith('/pagefind-other-versions/'));
    const otherDownloaded = countBytes(page, '/pagefind-other-versions/');
    await page.goto(`${baseUrl}/search/`, { waitUntil: 'load' });
    const ticked = await page.isChecked('#filter-current');
    let r = await runSearch(page, '"may publish a summary"');
    result(
      ticked && r.urls.every((u) => !/\/v\d/.test(u)) && other().length === 0,
      'search: "version in force only" is ticked at first, searches the current versions, and loads nothing of the others',
      JSON.stringify({ ticked, r, other: other() }),
    );
    // The facts each page carries for this page to read (its clauses' parties and
    // modalities, its version) are not searched: no clause says "modality".
    r = await runSearch(page, 'modality');
    result(/^No results/.test(r.status), 'search: words of the facts kept with each page find nothing', JSON.stringify(r));
    // The words of a quoted phrase are all searched for, "a" too.
    r = await runSearch(page, '"publish a summary"');
    result(r.urls[0] === '/fsm/svtad/#clause-6.7', 'search: a quoted phrase keeps its short words', JSON.stringify(r));
    await page.fill('#search-input', '"may publish a summary"');
    await page.uncheck('#filter-current');
    r = await resultsAnnounced(page);
    const meta = await page.evaluate(() => document.querySelector('#search-results .search-result__meta')?.textContent);
    result(
      r.urls[0] === '/fsm/svtad/v0.2/#clause-6.7' && !r.urls.includes('/fsm/svtad/v0.1/#clause-6.7') && other().length > 0,
      'search: unticked, the wording of versions 0.1 and 0.2 of FSM-SVTAD 6.7 is one result, at 0.2',
      JSON.stringify({ r, other: other() }),
    );
    result(
      otherDownloaded() > 0 && otherDownloaded() < 300 * 1024,
      `search: unticking downloads ${Math.round(otherDownloaded() / 1024)} KB of the other versions' index`,
      JSON.stringify(other()),
    );
    result(
      meta === 'FSM SEC Variation Testing Approach Document · versions 0.1 to 0.2 · submitted for approval · not the current version',
      'search: the result says which versions hold the words',
      meta,
    );
    result(new URL(page.url()).searchParams.get('current') === 'no', 'search: the unticked box is kept in the address', page.url());
    await page.reload({ waitUntil: 'load' });
    r = await resultsAnnounced(page);
    result(
      !(await page.isChecked('#filter-current')) && r.urls[0] === '/fsm/svtad/v0.2/#clause-6.7',
      'search: the address brings the unticked box and its results back',
      JSON.stringify(r),
    );
    await page.check('#filter-current');
    r = await resultsAnnounced(page);
    result(r.urls.every((u) => !/\/v\d/.test(u)), 'search: ticked again, only the current versions are searched', JSON.stringify(r));
    await context.close();
  }

  // Keyboard only: Tab to the search box, type, Enter, Tab to the first result, Enter.
  for (const width of [1280, 320]) {
    const at = `at ${width}px`;
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/search/`, { waitUntil: 'load' });
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement.id === 'search-input');
    }
    result(reached, `search keyboard: Tab reaches the search box ${at}`);
    if (!reached) {
      await context.close();
      continue;
    }
    const v = await focusIsVisible(page);
    result(v.changed.length > 0, `search keyboard: the focused search box shows its focus ${at}`, JSON.stringify(v));
    await page.keyboard.type('who approves PIT completion');
    await page.keyboard.press('Enter');
    const r = await resultsAnnounced(page);
    result(r.urls[0] === '/fsm/svtad/#clause-6.3', `search keyboard: Enter searches, and FSM-SVTAD 6.3 comes first ${at}`, JSON.stringify(r));
    // On through the filters to the first result, every control showing its focus.
    const unseen = [];
    let link = null;
    for (let i = 0; i < 20 && !link; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      if (!f) continue;
      if ((await focusIsVisible(page)).changed.length === 0) unseen.push(f.tag + (f.href ? ` ${f.href}` : ''));
      if (String(f.cls).includes('search-result__link')) link = f;
    }
    result(link && link.href === r.urls[0], `search keyboard: Tab reaches the first result ${at}`, JSON.stringify(link));
    result(unseen.length === 0, `search keyboard: every control on the way shows its focus ${at}`, unseen.join(', '));
    if (link) {
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => location.hash === '#clause-6.3', null, { timeout: 5000 }).catch(() => {});
      const where = await page.evaluate(() => location.pathname + location.hash);
      result(where === '/fsm/svtad/#clause-6.3', `search keyboard: Enter on a result goes to its clause ${at}`, where);
    }
    await context.close();
  }

  // The header's box on another page submits to the search page.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/fsm/`, { waitUntil: 'load' });
    await page.fill('#site-search-input', 'soak test 48 hours');
    await page.press('#site-search-input', 'Enter');
    await page.waitForURL(/\/search\/\?q=/, { timeout: 5000 }).catch(() => {});
    const r = await resultsAnnounced(page);
    result(r.urls[0] === '/fsm/sctd-r1/#clause-3.3', 'search: the header box on any page searches from the search page', JSON.stringify(r));
    // Markup in a query is text: nothing runs, nothing is added to the page.
    await page.evaluate(() => { window.xssRan = false; });
    await runSearch(page, '<img src=x onerror="window.xssRan=true"> "unbalanced');
    const safe = await page.evaluate(() => !window.xssRan && !document.querySelector('#search-results img'));
    result(safe, 'search: markup in a query runs nothing');
    await context.close();
  }
}

writeFileSync(resultsFile, JSON.stringify({ passed, failed }));
console.log(`(browser-checks.mjs: ${passed} ok, ${failed} failing)`);
