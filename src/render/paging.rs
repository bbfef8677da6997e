//! Long lists split into pages: how many pages a list takes, which rows a page shows,
//! and the links between the pages.
//!
//! The traceability matrix and the obligations register page their rows the same way:
//! at most [`ROWS_PER_PAGE`] rows a page, the first page at the list's own URL and page
//! N at `N/` below it (`/fsm/trace/matrix/3/`, `/obligations/2/`). A list shown in
//! sections (the register's parties, a party's duties, recommendations and
//! permissions) is laid end to end and cut the same way; a section cut in two carries on
//! at the top of the next page. This module owns that arithmetic and the page links; it
//! knows nothing of what the rows are.

use std::ops::Range;

use serde::Serialize;

/// Rows on one page: enough to scan, small enough for any browser at any size.
pub const ROWS_PER_PAGE: usize = 100;

/// The pages `rows` rows take: at least one, so that an empty list still has its page.
pub fn page_count(rows: usize) -> usize {
    rows.div_ceil(ROWS_PER_PAGE).max(1)
}

/// The URL of page `page` (0-based) of the list whose first page is at `first`.
pub fn page_url(first: &str, page: usize) -> String {
    if page == 0 {
        first.to_owned()
    } else {
        format!("{first}{}/", page + 1)
    }
}

/// One link of the pagination.
#[derive(Debug, Serialize)]
pub struct PageLinkItem {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// An ellipsis stands before this link.
    pub gap: bool,
}

/// The links from one page of a list to the others (`_pagination.html`).
#[derive(Debug, Serialize)]
pub struct Pagination {
    pub previous: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLinkItem>,
}

/// The links of page `page` (0-based) of `pages`, whose URLs `url` makes; none when
/// there is only one page.
pub fn pagination(page: usize, pages: usize, url: &dyn Fn(usize) -> String) -> Option<Pagination> {
    (pages > 1).then(|| Pagination {
        previous: (page > 0).then(|| url(page - 1)),
        next: (page + 1 < pages).then(|| url(page + 1)),
        pages: page_numbers(page, pages)
            .into_iter()
            .map(|(n, gap)| PageLinkItem {
                number: n + 1,
                url: url(n),
                current: n == page,
                gap,
            })
            .collect(),
    })
}

/// The page numbers to link (0-based), each with whether a gap comes before it: the
/// first, the last, and two either side of the current one.
fn page_numbers(current: usize, pages: usize) -> Vec<(usize, bool)> {
    let mut out = Vec::new();
    let mut last = None;
    for n in 0..pages {
        let near = n + 2 >= current && n <= current + 2;
        if n == 0 || n + 1 == pages || near {
            out.push((n, last.is_some_and(|l: usize| n > l + 1)));
            last = Some(n);
        }
    }
    out
}

/// What one page shows of one section of a list laid out in sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    /// The section's index.
    pub section: usize,
    /// Its rows on the page, as positions within the section.
    pub rows: Range<usize>,
    /// It began on an earlier page.
    pub continued: bool,
}

/// The parts of sections of `lens` rows, laid end to end and cut into pages of
/// [`ROWS_PER_PAGE`], that page `page` (0-based) shows, in order. An empty section is
/// shown (with no rows) on the page where its place in the order falls.
pub fn slices(lens: &[usize], page: usize) -> Vec<Slice> {
    let pages = page_count(lens.iter().sum());
    let (lo, hi) = (page * ROWS_PER_PAGE, (page + 1) * ROWS_PER_PAGE);
    let mut out = Vec::new();
    let mut start = 0;
    for (section, &len) in lens.iter().enumerate() {
        let end = start + len;
        let first = first_page(start, pages);
        let last = if len == 0 {
            first
        } else {
            (end - 1) / ROWS_PER_PAGE
        };
        if (first..=last).contains(&page) {
            out.push(Slice {
                section,
                rows: start.max(lo) - start..end.min(hi).max(start) - start,
                continued: page > first,
            });
        }
        start = end;
    }
    out
}

/// The page (0-based) on which each section of `lens` rows begins.
pub fn first_pages(lens: &[usize]) -> Vec<usize> {
    let pages = page_count(lens.iter().sum());
    let mut start = 0;
    lens.iter()
        .map(|&len| {
            let first = first_page(start, pages);
            start += len;
            first
        })
        .collect()
}

/// The page of the row at `start`; a section that begins after the last row (an empty
/// one at the very end) is on the last page.
fn first_page(start: usize, pages: usize) -> usize {
    (start / ROWS_PER_PAGE).min(pages - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(section: usize, rows: Range<usize>, continued: bool) -> Slice {
        Slice {
            section,
            rows,
            continued,
        }
    }

    #[test]
    fn pages_and_their_urls() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(100), 1);
        assert_eq!(page_count(101), 2);
        assert_eq!(page_url("/obligations/", 0), "/obligations/");
        assert_eq!(page_url("/obligations/", 2), "/obligations/3/");
    }

    #[test]
    fn sections_are_cut_at_page_ends_and_carry_on() {
        // 30, none, 150 and 20 rows: 200 rows on two pages.
        let lens = [30, 0, 150, 20];
        assert_eq!(
            slices(&lens, 0),
            [
                slice(0, 0..30, false),
                slice(1, 0..0, false),
                slice(2, 0..70, false)
            ]
        );
        assert_eq!(
            slices(&lens, 1),
            [slice(2, 70..150, true), slice(3, 0..20, false)]
        );
        assert_eq!(slices(&lens, 2), []);
        assert_eq!(first_pages(&lens), [0, 0, 0, 1]);
    }

    #[test]
    fn an_empty_section_at_a_page_end_goes_where_its_place_falls() {
        // 100 rows exactly, then an empty section: on the one page there is.
        assert_eq!(
            slices(&[100, 0], 0),
            [slice(0, 0..100, false), slice(1, 0..0, false)]
        );
        assert_eq!(first_pages(&[100, 0]), [0, 0]);
        // 100 rows, an empty section, then more rows: at the top of page 2.
        assert_eq!(
            slices(&[100, 0, 5], 1),
            [slice(1, 0..0, false), slice(2, 0..5, false)]
        );
        // Nothing at all: every section on the first page.
        assert_eq!(
            slices(&[0, 0], 0),
            [slice(0, 0..0, false), slice(1, 0..0, false)]
        );
    }

    #[test]
    fn the_links_name_the_first_the_last_and_the_pages_near() {
        let url = |n: usize| page_url("/m/", n);
        assert!(pagination(0, 1, &url).is_none());
        let p = pagination(5, 10, &url).unwrap();
        assert_eq!(p.previous.as_deref(), Some("/m/5/"));
        assert_eq!(p.next.as_deref(), Some("/m/7/"));
        let shown: Vec<(usize, bool, bool)> = p
            .pages
            .iter()
            .map(|l| (l.number, l.current, l.gap))
            .collect();
        assert_eq!(
            shown,
            [
                (1, false, false),
                (4, false, true),
                (5, false, false),
                (6, true, false),
                (7, false, false),
                (8, false, false),
                (10, false, true)
            ]
        );
    }
}
