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
//     link), and Enter on one goes to its clause.
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

writeFileSync(resultsFile, JSON.stringify({ passed, failed }));
console.log(`(browser-checks.mjs: ${passed} ok, ${failed} failing)`);
